"""Top contributors by posts, engagement, reach, mentions and influence, with rank changes.

Reach is *potential* impressions — each post times its author's followers,
summed — as hashtag-analytics services count it: an upper bound, never
people who saw it. Influence is PageRank on the conversation graph.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from sqlalchemy import Connection, select, tuple_

from ..settings.config import Config
from ..store import schema
from .filters import Filters
from .frames import frame_of
from .graph import edges_of, ties
from .identity import read_identity
from .metrics import activity
from .visibility import opted_out_rows, withheld

p, a, m = schema.posts, schema.authors, schema.post_mentions
RANKINGS = {
    "posts": "posts",
    "engagement": "engagement",
    "reach": "potential_impressions",
    "mentions": "mentions",
    "influence": "influence",
}


def _activity(conn: Connection, config: Config, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Posts, originals, reposts and engagement per account (``metrics.activity``); with ``limit``, only the most
    engaged-with."""
    q = activity(conn, config, filters).subquery()
    q = select(
        q.c.network, q.c.author_id, q.c.posts, (q.c.posts - q.c.reposts).label("originals"), q.c.reposts, q.c.engagement
    )
    if limit is not None:
        q = q.order_by(q.selected_columns.engagement.desc(), q.selected_columns.posts.desc()).limit(limit)
    frame = frame_of(conn.execute(q), columns=["network", "author_id", "posts", "originals", "reposts", "engagement"])
    return frame.astype({c: "int64" for c in ("posts", "originals", "reposts", "engagement")})


def _mentions(counted_ties: pd.DataFrame) -> pd.DataFrame:
    """Posts mentioning each account (``graph.ties``): columns network, author_id, mentions."""
    mentioned = counted_ties[counted_ties.how == "mention"]
    return (
        mentioned.groupby(["network", "target"], as_index=False)
        .weight.sum()
        .rename(columns={"target": "author_id", "weight": "mentions"})
    )


def _profiles(conn: Connection, only: set[tuple[str, str]] | None = None) -> pd.DataFrame:
    q = select(a.c.network, a.c.author_id, a.c.handle, a.c.display_name, a.c.followers, a.c.avatar_url)
    if only is not None:
        q = q.where(tuple_(a.c.network, a.c.author_id).in_(sorted(only)))
    return frame_of(conn.execute(q), columns=["network", "author_id", "handle", "name", "followers", "avatar_url"])


DAMPING, TOLERANCE, ROUNDS = 0.85, 1e-6, 100  # networkx's pagerank defaults


def influence(links: pd.DataFrame) -> dict[str, float]:
    """PageRank (×100) on the reply/mention/repost/quote graph (``graph.edges``: unique weighted edges, no loops),
    keyed by ``network:author_id``: networkx's power iteration, on a sparse matrix made straight from the edge
    table (building a networkx graph first cost most of the time)."""
    if links.empty:
        return {}
    codes, nodes = pd.factorize(pd.concat([links.source, links.target], ignore_index=True))
    n, m = len(nodes), len(links)
    matrix = sparse.csr_array((links.weight.to_numpy(float), (codes[:m], codes[m:])), shape=(n, n))
    out = matrix.sum(axis=1)
    matrix = sparse.diags_array(np.divide(1.0, out, out=np.zeros(n), where=out != 0)) @ matrix  # rows sum to 1
    dangling, rank = out == 0, np.full(n, 1.0 / n)
    for _ in range(ROUNDS):
        last = rank
        rank = DAMPING * (rank @ matrix + rank[dangling].sum() / n) + (1 - DAMPING) / n
        if np.abs(rank - last).sum() < n * TOLERANCE:
            break
    return dict(zip(nodes, (rank * 100).tolist()))


def table(
    conn: Connection,
    config: Config,
    filters: Filters,
    counted_ties: pd.DataFrame | None = None,
    links: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every named contributor with every measure, one row per person (linked accounts summed); people with an
    opted-out account are left out. ``counted_ties`` (``graph.ties``) and ``links`` (``graph.edges_of`` them) of
    the same filters, when the caller has them."""
    frame = _activity(conn, config, filters)
    if frame.empty:
        return pd.DataFrame(
            columns=[
                "person",
                "network",
                "handle",
                "name",
                "avatar_url",
                "posts",
                "originals",
                "reposts",
                "engagement",
                "followers",
                "potential_impressions",
                "mentions",
                "influence",
                "accounts",
            ]
        )
    counted_ties = ties(conn, config, filters) if counted_ties is None else counted_ties
    frame = frame.merge(_mentions(counted_ties), how="left", on=["network", "author_id"])
    frame = frame.merge(_profiles(conn), how="left", on=["network", "author_id"])
    frame["person"] = frame.network + ":" + frame.author_id
    frame["mentions"] = frame.mentions.fillna(0).astype(int)
    frame["followers"] = frame.followers.fillna(0).astype(int)
    frame["potential_impressions"] = frame.posts * frame.followers
    links = edges_of(counted_ties) if links is None else links
    frame["influence"] = frame.person.map(influence(links)).fillna(0).round(2)
    return _named(conn, config, frame)


SUMMED = ("posts", "originals", "reposts", "engagement", "followers", "potential_impressions", "mentions", "influence")


def _named(conn: Connection, config: Config, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (accounts merged with profiles) summed per person across linked accounts, with an ``accounts``
    column; a person with any opted-out or withheld (``visibility.withheld``) account is left out; a missing handle
    is the author id."""
    frame["handle"] = frame.handle.fillna(frame.author_id)
    identity = read_identity(conn, config)
    frame["person_of"] = [identity.person(k) for k in zip(frame.network, frame.author_id)]
    unnamed = opted_out_rows(config, frame.network, frame.handle, frame.author_id)
    unnamed |= (frame.network + ":" + frame.author_id).isin(withheld(conn, config))
    hidden = set(frame.person_of[unnamed])
    frame = frame[[person not in hidden for person in frame.person_of]].assign(  # isin() reads tuples as rows
        own=lambda f: [k != person for k, person in zip(zip(f.network, f.author_id), f.person_of)],
        accounts=lambda f: [[f"{n}:@{h.lstrip('@')}"] for n, h in zip(f.network, f.handle)],
    )
    linked = frame.person_of.duplicated(keep=False)
    if linked.any():  # summed only where a person has several accounts: a groupby of every row took seconds
        several = frame[linked].sort_values(["person_of", "own"], kind="stable")
        rules = {
            c: "sum" if c in SUMMED else "first" for c in several.columns if c not in ("person_of", "own", "accounts")
        }
        several = several.groupby("person_of", sort=False).agg(
            {**rules, "accounts": lambda s: [x for xs in s for x in xs]}
        )
        frame = pd.concat([frame[~linked], several], ignore_index=True)
    return frame.drop(columns=["person_of", "own"], errors="ignore").reset_index(drop=True)


def leaders(conn: Connection, config: Config, filters: Filters, limit: int = 3) -> pd.DataFrame:
    """The live screen's few most-engaged-with people in ``filters`` (a short window): one aggregate, no graph."""
    frame = _activity(conn, config, filters, limit * 4)  # room for opted-out accounts to be left out
    if frame.empty:
        return frame.assign(handle=[], name=[], avatar_url=[], rank=[])
    profiles = _profiles(conn, set(zip(frame.network, frame.author_id)))
    frame = _named(conn, config, frame.merge(profiles, how="left", on=["network", "author_id"]))
    frame = (
        frame.sort_values(["engagement", "posts"], ascending=False, kind="stable").head(limit).reset_index(drop=True)
    )
    frame["rank"] = frame.index + 1
    return frame


def top(frame: pd.DataFrame, by: str = "posts", limit: int | None = None) -> pd.DataFrame:
    """``frame`` (from ``table``) ordered by ranking ``by``, with a ``rank`` column."""
    column = RANKINGS.get(by, "posts")
    ordered = frame.sort_values([column, "posts"], ascending=False).reset_index(drop=True)
    ordered["rank"] = ordered.index + 1
    return ordered if limit is None else ordered.head(limit)


def rank(
    conn: Connection, config: Config, filters: Filters, by: str = "posts", limit: int = 10, compare: bool = True
) -> pd.DataFrame:
    """The top ``limit`` by ``by``, with ``change`` in rank against the previous period of equal length."""
    current = top(table(conn, config, filters), by)
    current["change"] = None
    if compare and filters.start_ts is not None and filters.end_ts is not None and not current.empty:
        before = top(table(conn, config, filters.shifted(filters.end_ts - filters.start_ts)), by)
        previous = dict(zip(before.person, before["rank"]))
        current["change"] = [
            previous[p] - r if p in previous else None for p, r in zip(current.person, current["rank"])
        ]
    return current.head(limit)


def change_words(change) -> str:
    """A change of rank as a reader takes it in: "▲ 3" climbed, "▼ 2" fell, "=" held, "new" was not ranked
    before."""
    if change is None or pd.isna(change):
        return "new"
    return "=" if change == 0 else f"▲ {int(change)}" if change > 0 else f"▼ {-int(change)}"


def narrow(
    ranked: pd.DataFrame,
    people: pd.DataFrame,
    groups: pd.DataFrame,
    labels: tuple[str, ...] = (),
    stakeholders: tuple[str, ...] = (),
) -> pd.DataFrame:
    """``ranked`` (from ``rank``) kept to some participation labels and stakeholder groups, ranked again within them."""
    if not labels and not stakeholders:
        return ranked
    merged = ranked.merge(people[["person", "label"]], on="person", how="left").fillna({"label": "unknown"})
    merged = merged.merge(groups[["person", "group"]], on="person", how="left").fillna({"group": "other"})
    keep = (merged.label.isin(labels) if labels else True) & (merged.group.isin(stakeholders) if stakeholders else True)
    narrowed = merged[keep].drop(columns=["label", "group"]).reset_index(drop=True)
    narrowed["rank"] = narrowed.index + 1
    narrowed["change"] = None  # the previous period's ranks are of everybody, not of this selection
    return narrowed
