"""A change to the aggregate tables, gathered in memory and written as atomic increments.

Each table is keys → integer values. ``apply`` writes a delta as ``INSERT … ON CONFLICT DO UPDATE SET v = v +
excluded.v``, table by table in one fixed order and each table's keys sorted, so that writers on PostgreSQL
lock rows in the same order and never wait on each other in a circle.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Connection

# table → (key columns, value columns), in the order every writer takes them
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "accounts": (("network", "author_id"), ("posts", "reposts", "engagement")),
    "author_quarters": (("network", "author_id", "quarter"), ("posts", "reposts", "engagement")),
    "label_quarters": (("quarter", "label"), ("posts",)),
    "evidence": (("network", "author_id", "fact"), ("n",)),
    "minute_counts": (("minute", "network", "kind"), ("posts", "engagement")),
    "theme_minutes": (("themes", "minute", "network", "kind"), ("posts", "engagement")),
    "theme_authors": (("themes", "network", "author_id", "quarter"), ("posts", "reposts", "engagement")),
}


def bump(rows: dict[tuple, list[int]], key: tuple, values: tuple[int, ...]) -> None:
    """Add ``values`` to the row of ``key`` (the hot path of counting a post: no method call, no new list)."""
    row = rows.get(key)
    if row is None:
        rows[key] = list(values)
    else:
        for i, v in enumerate(values):
            row[i] += v


class Delta:
    """Increments per table and key; adding the same key again sums."""

    def __init__(self):
        self.tables: dict[str, dict[tuple, list[int]]] = {name: {} for name in TABLES}

    def add(self, table: str, key: tuple, *values: int) -> None:
        bump(self.tables[table], key, values)

    def merge(self, other: Delta, sign: int = 1) -> Delta:
        for name, rows in other.tables.items():
            for key, values in rows.items():
                self.add(name, key, *(sign * v for v in values))
        return self

    def rows(self, table: str, ordered: bool = True) -> list[tuple]:
        """The table's non-zero increments as (*key, *values), sorted by key when ``ordered``; every account
        touched, even by nothing (it is still due for judgement: what its post says may have changed)."""
        every, items = table == "accounts", self.tables[table].items()
        return [(*k, *v) for k, v in (sorted(items) if ordered else items) if every or any(v)]


@cache
def upsert_sql(dialect: str, table: str) -> str:
    """The driver's SQL adding one row of increments to ``table`` (an account also becomes due for judgement)."""
    keys, values = TABLES[table]
    mark = "?" if dialect == "sqlite" else "%s"
    columns, extra = [*keys, *values], []
    marks = ", ".join([mark] * len(columns))
    if table == "accounts":  # a new account: its own person, its profile's followers
        columns, extra = [*columns, "person", "followers"], ["stale = 1"]
        followers = f"(SELECT coalesce(max(followers), 0) FROM authors WHERE network = {mark} AND author_id = {mark})"
        marks = f"{marks}, {mark}, {followers}"
    sets = ", ".join([f"{v} = {table}.{v} + excluded.{v}" for v in values] + extra)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}"


def apply(conn: Connection, delta: Delta, tables=TABLES) -> None:
    """Write ``delta``'s increments (inside the caller's transaction)."""
    dialect = conn.dialect.name
    for table in tables:
        rows = delta.rows(table, ordered=dialect != "sqlite")  # SQLite has one writer at a time: no lock order
        if table == "accounts":  # a new account is its own person until identity links say otherwise
            rows = [(*row, f"{row[0]}:{row[1]}", row[0], row[1]) for row in rows]
        if rows:
            conn.exec_driver_sql(upsert_sql(dialect, table), rows)
