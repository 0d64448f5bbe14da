"""Every figure from the posts alone: ``compute`` in memory, ``rebuild`` into the store.

``summitpulse rebuild`` runs after a change of the deciding settings (themes, programme, participation, rosters,
identity links); the dashboard says when one is due and what changed. A store whose figures were never computed
(one from before they were kept) is rebuilt when first opened with a config.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import Connection, delete, func, inspect, select

from ..analysis.identity import key, read_identity
from ..analysis.participation import read_overrides
from ..store import schema
from .counting import Counting, PostRow
from .delta import TABLES, Delta
from .upkeep import (
    OLD_COLUMNS,
    _counted,
    followers_of,
    judge_people,
    keep_settings,
    person_values,
    profile,
    read_learnt,
    read_rhythms,
    with_rhythms,
)

READ_BATCH = 20_000
FIGURE_TABLES = (*TABLES, "post_themes", "people")


@dataclass
class Figures:
    delta: Delta  # every aggregate table's rows
    links: list[tuple[str, str, str]]  # post_themes
    people: dict[str, dict | None]  # person → participant row
    accounts: dict[tuple[str, str], tuple[int, str, str]]  # account → (followers, person, label)


def compute(conn: Connection, counting: Counting, progress=None) -> Figures:
    """The figures of every stored post under ``counting``, from scratch."""
    delta, links = Delta(), []
    p, m = schema.posts, schema.moderation
    query = select(*OLD_COLUMNS).select_from(
        p.outerjoin(m, (m.c.network == p.c.network) & (m.c.native_id == p.c.native_id))
    )
    width = len(PostRow._fields)
    for r in conn.execute(query.execution_options(yield_per=READ_BATCH)):
        row = PostRow._make(r[:width])
        themes = counting.add(delta, row) if _counted(r) else counting.themes_of(row)
        links += [(row.network, row.native_id, theme) for theme in themes]
        if progress is not None:
            progress.update()
    identity = read_identity(conn, counting.config)
    members = {k: SimpleNamespace(posts=v[0], reposts=v[1]) for k, v in delta.tables["accounts"].items()}
    evidence: dict = {}
    for (network, author_id, fact), (n,) in delta.tables["evidence"].items():
        evidence.setdefault((network, author_id), []).append((fact, n))
    a = schema.authors
    authors = conn.execute(
        select(a.c.network, a.c.author_id, a.c.handle, a.c.display_name, a.c.location, a.c.followers)
    ).all()
    profiles = {(r.network, r.author_id): profile(r) for r in authors}
    rhythms = read_rhythms(conn) if inspect(conn).has_table("rhythms") else {}  # an upgrade fills figures before it
    quarters = (
        (network, author_id, quarter, posts, reposts)
        for (network, author_id, quarter), (posts, reposts, _) in delta.tables["author_quarters"].items()
        if (network, author_id) in rhythms
    )
    with_rhythms(profiles, rhythms, quarters, counting.config)
    followers = {(r.network, r.author_id): followers_of(r) for r in authors}
    persons = {key(identity.person(k)) for k in members}
    learnt = read_learnt(conn) if inspect(conn).has_table("learnt") else {}  # an upgrade fills figures before it
    people = judge_people(
        counting, identity, read_overrides(conn), sorted(persons), members, evidence, profiles, learnt
    )
    accounts = {}
    for k in members:
        person = key(identity.person(k))
        accounts[k] = (followers.get(k, 0), person, (people.get(person) or {}).get("label", "unknown"))
    for (network, author_id, quarter), (posts, _, _) in delta.tables["author_quarters"].items():
        delta.add("label_quarters", (quarter, accounts[(network, author_id)][2]), posts)
    return Figures(delta, links, people, accounts)


def rebuild(conn: Connection, counting: Counting, progress=None) -> Figures:
    """Replace every figure of the store with ``compute``'s, and keep ``counting``'s settings as the store's."""
    figures = compute(conn, counting, progress)
    for name in FIGURE_TABLES:
        conn.execute(delete(schema.metadata.tables[name]))
    for name, (keys, values) in TABLES.items():
        rows = figures.delta.rows(name)
        if name == "accounts":
            rows = [(*row, *figures.accounts[tuple(row[:2])], 0) for row in rows]
            keys = (*keys, "followers", "person", "label", "stale")
        _insert(conn, name, (*keys[:2], *values, *keys[2:]) if name == "accounts" else (*keys, *values), rows)
    _insert(conn, "post_themes", ("network", "native_id", "theme"), sorted(set(figures.links)))
    _insert(conn, "people", None, [person_values(row) for row in figures.people.values() if row])
    keep_settings(conn, counting)
    from .upkeep import IDENTITY_KEY  # the links the accounts' people were computed from

    conn.execute(delete(schema.meta).where(schema.meta.c.key == IDENTITY_KEY))
    return figures


def _insert(conn: Connection, name: str, columns, rows: list) -> None:
    table = schema.metadata.tables[name]
    for i in range(0, len(rows), READ_BATCH):
        chunk = rows[i : i + READ_BATCH]
        conn.execute(table.insert(), chunk if columns is None else [dict(zip(columns, r)) for r in chunk])


def post_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(schema.posts)).scalar() or 0
