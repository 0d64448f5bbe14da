"""Participants and the in-room/remote split, read from the store's judgements (``people``, ``accounts``,
``label_quarters``; see ``summitpulse.figures``)."""

from __future__ import annotations

from collections import Counter

import orjson
import pandas as pd
from sqlalchemy import Connection, func, literal_column, or_, select

from ..settings.config import Config
from ..store import schema
from .filters import Filters
from .metrics import activity, with_times
from .participation import COLUMNS

LABELS = ("in_room", "remote", "unknown")
pe, acc, lq, ev = schema.people, schema.accounts, schema.label_quarters, schema.evidence


def stored(conn: Connection) -> pd.DataFrame:
    """Every participant as last judged (``participation.COLUMNS``), by person."""
    return _frame(conn.execute(select(*(pe.c[c] for c in COLUMNS)).order_by(pe.c.person)).all())


def _frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("reasons", "accounts"):
        frame[column] = frame[column].map(orjson.loads)
    return frame.astype({"posts": "int64"})


def listing(
    conn: Connection, label: str | None = None, query: str = "", offset: int = 0, limit: int = 100
) -> tuple[pd.DataFrame, int]:
    """One page of participants (``participation.COLUMNS``), most posts first: those with ``label`` (any when
    None) whose handle or name contains ``query`` (ASCII case aside), ``limit`` of them from ``offset``; and how
    many there are in all."""
    where = [pe.c.label == label] if label else []
    if query:
        where.append(or_(pe.c.handle.icontains(query, autoescape=True), pe.c.name.icontains(query, autoescape=True)))
    total = conn.execute(select(func.count()).select_from(pe).where(*where)).scalar_one()
    q = select(*(pe.c[c] for c in COLUMNS)).where(*where).order_by(pe.c.posts.desc(), pe.c.person)
    return _frame(conn.execute(q.offset(offset).limit(limit)).all()), total


def totals(conn: Connection) -> dict[str, dict[str, int]]:
    """The in-room/remote/unknown split of every participant, as participants and as their posts."""
    rows = conn.execute(select(pe.c.label, func.count(), func.sum(pe.c.posts)).group_by(pe.c.label)).all()
    return {
        what: {k: next((int(r[i]) for r in rows if r[0] == k), 0) for k in LABELS}
        for i, what in ((1, "participants"), (2, "posts"))
    }


def self_reports(conn: Connection) -> dict[str, int]:
    """How many participants said where they are with the event's in-room or remote tag (``said_in``,
    ``said_remote``, ``said``: either), among ``participants``."""
    q = (
        select(ev.c.fact, acc.c.person)
        .join(acc, (acc.c.network == ev.c.network) & (acc.c.author_id == ev.c.author_id))
        .where(ev.c.fact.in_(("said_in", "said_remote")), ev.c.n > 0)
        .distinct()
    )
    said: dict[str, set] = {"said_in": set(), "said_remote": set()}
    for fact, person in conn.execute(q):
        said[fact].add(person)
    participants = conn.execute(select(func.count()).select_from(pe)).scalar_one()
    return {
        **{k: len(v) for k, v in said.items()},
        "said": len(said["said_in"] | said["said_remote"]),
        "participants": participants,
    }


def split(conn: Connection, config: Config, filters: Filters = Filters()) -> dict[str, int]:
    """Participants by label among the people with a counted post in ``filters`` (each person once)."""
    f = filters.clean(config)
    label = func.coalesce(pe.c.label, "unknown")
    if f == Filters():
        q = select(pe.c.label, func.count()).group_by(pe.c.label)
    else:
        posted = activity(conn, config, f, people=True).subquery()
        persons = select(posted.c.person).distinct().subquery()
        q = (
            select(label, func.count())
            .select_from(persons.outerjoin(pe, pe.c.person == persons.c.person))
            .group_by(label)
        )
    counts = dict(conn.execute(q).all())
    return {k: int(counts.get(k, 0)) for k in LABELS}


def split_among(conn: Connection, accounts) -> dict[str, int]:
    """Participants by label among the people behind ``accounts`` ((network, author_id) pairs), each person once."""
    accounts = sorted(set(accounts))
    persons: dict[tuple[str, str], str] = {k: f"{k[0]}:{k[1]}" for k in accounts}
    for network in sorted({n for n, _ in accounts}):  # per network: a row-value IN list is read as a scan
        ids = [a for n, a in accounts if n == network]
        for i in range(0, len(ids), 500):
            q = select(acc.c.author_id, acc.c.person).where(
                acc.c.network == network, acc.c.author_id.in_(ids[i : i + 500])
            )
            persons.update(((network, a), person) for a, person in conn.execute(q))
    wanted, labels = sorted(set(persons.values())), {}
    for i in range(0, len(wanted), 500):
        q = select(pe.c.person, pe.c.label).where(pe.c.person.in_(wanted[i : i + 500]))
        labels.update(conn.execute(q).all())
    counts = Counter(labels.get(person, "unknown") for person in wanted)
    return {k: counts[k] for k in LABELS}


def split_over_time(conn: Connection, config: Config, bucket_s: int = 900, since: int | None = None) -> pd.DataFrame:
    """Posts per bucket (whole quarter hours) by their author's label: columns time, label, posts."""
    bucket = (lq.c.quarter // bucket_s * bucket_s).label("bucket")
    q = select(bucket, lq.c.label, func.sum(lq.c.posts).label("posts")).group_by(literal_column("bucket"), lq.c.label)
    if since is not None:
        q = q.where(lq.c.quarter >= since)
    q = q.having(func.sum(lq.c.posts) != 0).order_by(literal_column("bucket"), lq.c.label)
    frame = pd.DataFrame(conn.execute(q).all(), columns=["bucket", "label", "posts"]).astype({"posts": "int64"})
    return with_times(frame, config)[["time", "label", "posts"]]
