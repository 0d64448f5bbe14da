"""How much of the conversation we see: a capture–recapture estimate from overlapping sources.

No single Mastodon instance sees every post. Treating two sources (one
instance against the others; Bluesky search against the firehose) as two
independent captures, Chapman's estimator gives the size of the whole
population and so the share no source saw. It is an estimate: sources that
are not independent (federation is not random) bias it, which the wording
on screen says.
"""

from __future__ import annotations

import math
from collections import defaultdict

from sqlalchemy import Connection, select

from ..store import schema


def chapman(n1: int, n2: int, both: int) -> tuple[float, float]:
    """Population estimate and its standard error from two captures."""
    n = (n1 + 1) * (n2 + 1) / (both + 1) - 1
    var = (n1 + 1) * (n2 + 1) * (n1 - both) * (n2 - both) / ((both + 1) ** 2 * (both + 2))
    return n, math.sqrt(max(var, 0.0))


def _sources(conn: Connection) -> dict[str, dict[str, set[str]]]:
    """network → source → native ids seen there (deleted posts left out)."""
    s, p = schema.sightings, schema.posts
    q = (
        select(s.c.network, s.c.source, s.c.native_id)
        .join(p, (p.c.network == s.c.network) & (p.c.native_id == s.c.native_id))
        .where(p.c.deleted_ts.is_(None))
    )
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for network, source, native_id in conn.execute(q):
        out[network][source].add(native_id)
    return out


def _network_estimate(sources: dict[str, set[str]]) -> dict:
    seen = set().union(*sources.values())
    if len(sources) < 2:
        return {
            "observed": len(seen),
            "estimated": None,
            "coverage": None,
            "low": None,
            "high": None,
            "sources": len(sources),
            "method": "one source: completeness cannot be estimated",
        }
    estimates = []
    for name, ids in sources.items():
        others = set().union(*(v for k, v in sources.items() if k != name))
        estimates.append(chapman(len(ids), len(others), len(ids & others)))
    total = max(len(seen), sum(n for n, _ in estimates) / len(estimates))
    se = math.sqrt(sum(e**2 for _, e in estimates)) / len(estimates)
    high = max(len(seen), total + 1.96 * se)
    return {
        "observed": len(seen),
        "estimated": round(total),
        "coverage": len(seen) / total if total else None,
        "low": len(seen) / high if high else None,
        "high": min(1.0, len(seen) / max(len(seen), total - 1.96 * se)),
        "sources": len(sources),
        "method": "Chapman capture–recapture, each source against the others",
    }


def estimate(conn: Connection) -> dict[str, dict]:
    """Per network: observed posts, estimated total, coverage (share seen) with a 95 % range, method."""
    return {network: _network_estimate(sources) for network, sources in sorted(_sources(conn).items())}


def in_plain_words(estimates: dict[str, dict], names: dict[str, str]) -> str:
    """``estimate``'s answer as one sentence for the screen: the share collected per network where it can be
    estimated, and which networks it cannot be for (one source each)."""
    known = [
        f"about {e['coverage']:.0%} of {names.get(n, n)} posts (comparing {e['sources']} sources)"
        for n, e in estimates.items()
        if e["coverage"]
    ]
    unknown = [names.get(n, n) for n, e in estimates.items() if not e["coverage"] and e["observed"]]
    parts = [f"We collect {_and(known)}." if known else ""]
    if unknown:
        those = "it has" if len(unknown) == 1 else "each has"
        parts.append(f"How much we miss on {_and(unknown)} is not known: {those} one source.")
    return " ".join(p for p in parts if p)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
