"""``export``: a table of the store as CSV, JSON or Parquet.

``EXPORTS`` maps a name to a function building the DataFrame; deleted posts,
spam and opted-out names never leave through it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pandas as pd
from sqlalchemy import Connection, Engine, and_, select

from ..analysis import contributors, stakeholders, themes
from ..analysis import people as people_mod
from ..analysis.filters import Filters
from ..analysis.frames import frame_of, write_csv
from ..analysis.visibility import (
    ANONYMOUS,
    anonymised,
    carry_opt_out_tag,
    naming,
    only_counted,
    opted_out_accounts,
    scrub,
)
from ..settings.config import Config
from ..store import schema

Shared = dict  # what a caller already computed: "people" (people.stored), "contributors" (contributors.table),
#                "groups" (stakeholders.classify), "opted_out" (visibility.opted_out_accounts)


def _opted_out(conn: Connection, config: Config, shared: Shared | None) -> pd.DataFrame:
    """The accounts no file names (``visibility.opted_out_accounts``), computed once per report."""
    shared = {} if shared is None else shared
    if "opted_out" not in shared:
        shared["opted_out"] = opted_out_accounts(conn, config)
    return shared["opted_out"]


def _handles(accounts: pd.DataFrame) -> frozenset[str]:
    """``network:@handle`` of ``accounts``, as participant and contributor rows list them."""
    return frozenset(
        f"{n}:@{(h or i).lstrip('@')}" for n, h, i in zip(accounts.network, accounts.handle, accounts.author_id)
    )


def posts_frame(conn: Connection, config: Config, shared: Shared | None = None) -> pd.DataFrame:
    """Every counted post with its author; opted-out authors anonymised."""
    p, a = schema.posts, schema.authors
    query = only_counted(
        select(
            p.c.network,
            p.c.native_id,
            p.c.url,
            p.c.created_at,
            p.c.kind,
            p.c.text,
            p.c.lang,
            p.c.hashtags,
            p.c.mentions,
            p.c.links,
            p.c.media_count,
            p.c.like_count,
            p.c.repost_count,
            p.c.reply_count,
            p.c.quote_count,
            p.c.latitude,
            p.c.longitude,
            p.c.place,
            p.c.matched_tags,
            p.c.author_id,
            a.c.handle,
            a.c.display_name,
            a.c.followers,
        ).join(a, and_(a.c.network == p.c.network, a.c.author_id == p.c.author_id), isouter=True)
    ).order_by(p.c.created_ts)
    frame = frame_of(conn.execute(query))
    if frame.empty:
        return frame
    accounts = _opted_out(conn, config, shared)
    hidden = pd.Series(list(zip(frame.network, frame.author_id)), index=frame.index).isin(
        set(zip(accounts.network, accounts.author_id))
    )
    hidden |= carry_opt_out_tag(config, frame.hashtags)
    frame.loc[hidden, ["native_id", "author_id", "handle", "display_name", "url"]] = ANONYMOUS
    frame.loc[hidden, "followers"] = None
    return scrub(frame, naming(accounts))


def participants_frame(conn: Connection, config: Config, shared: Shared | None = None) -> pd.DataFrame:
    """Every participant with label, confidence, evidence and stakeholder group; opted-out anonymised."""
    groups = (shared or {}).get("groups")
    groups = stakeholders.classify(conn, config) if groups is None else groups
    everyone = (shared or {}).get("people")
    everyone = people_mod.stored(conn) if everyone is None else everyone
    people = everyone.merge(groups, on="person", how="left")
    accounts = _opted_out(conn, config, shared)
    people = anonymised(config, people.assign(reasons=people.reasons.map(" · ".join)), _handles(accounts))
    people = people.assign(accounts=[a if a == ANONYMOUS else " · ".join(a) for a in people.accounts])
    return scrub(people, naming(accounts))


def themes_frame(conn: Connection, config: Config, shared: Shared | None = None) -> pd.DataFrame:
    """Per theme: posts, share, and posts from the room, remote and not known."""
    totals, split = themes.totals(conn, config, Filters()), themes.by_participation(conn, config, Filters())
    wide = split.pivot_table(index="theme", columns="label", values="posts", fill_value=0).reset_index()
    frame = totals.merge(wide, on="theme", how="left")
    return frame.fillna({label: 0 for label in wide.columns[1:]}).astype({label: int for label in wide.columns[1:]})


def contributors_frame(conn: Connection, config: Config, shared: Shared | None = None) -> pd.DataFrame:
    """Every named contributor with every measure (opted-out accounts are left out); an avatar given inline as a
    data URI (the demo's) is left out, not copied into every row of the file."""
    table = (shared or {}).get("contributors")
    table = contributors.table(conn, config, Filters()) if table is None else table
    accounts = _opted_out(conn, config, shared)
    handles = _handles(accounts)
    table = table[table.accounts.map(lambda listed: not set(listed) & handles).astype(bool)]
    inline = table.avatar_url.fillna("").str.startswith("data:")
    table = table.assign(accounts=table.accounts.map(" · ".join), avatar_url=table.avatar_url.mask(inline))
    return scrub(table.reset_index(drop=True), naming(accounts))


EXPORTS: dict[str, Callable[..., pd.DataFrame]] = {
    "posts": posts_frame,
    "participants": participants_frame,
    "themes": themes_frame,
    "contributors": contributors_frame,
}


def write_frame(frame: pd.DataFrame, fmt: str, out: str | None) -> None:
    """Write ``frame`` as csv/json/parquet to ``out`` (standard output when None, not for parquet)."""
    if fmt == "parquet":
        if not out:
            raise ValueError("parquet is binary: name a file with --out")
        frame.to_parquet(out, index=False)
    elif fmt == "json":
        frame.to_json(out or sys.stdout, orient="records", date_format="iso", force_ascii=False, indent=1)
    else:
        sys.stdout.flush()
        write_csv(frame, out or sys.stdout.buffer)


def export(config: Config, engine: Engine, what: str, fmt: str, out: str | None) -> int:
    if what not in EXPORTS:
        print(f"error: export {what} is not available yet (available: {', '.join(EXPORTS)})", file=sys.stderr)
        return 2
    with engine.connect() as conn:
        frame = EXPORTS[what](conn, config)
    try:
        write_frame(frame, fmt, out)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if out:
        print(f"wrote {len(frame)} {what} to {out}", file=sys.stderr)
    return 0
