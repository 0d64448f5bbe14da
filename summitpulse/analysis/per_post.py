"""Rows of a table keyed by post, looked up for a list of posts: one query per network."""

from __future__ import annotations

from sqlalchemy import Connection, Table, select


def per_post(
    conn: Connection, table: Table, keys: list[tuple[str, str]], *columns: str
) -> dict[tuple[str, str], tuple]:
    """``columns`` of ``table`` for each of the (network, native_id) ``keys`` it holds a row for."""
    out = {}
    for network in {n for n, _ in keys}:
        ids = [i for n, i in keys if n == network]
        q = select(table.c.native_id, *(table.c[c] for c in columns)).where(
            table.c.network == network, table.c.native_id.in_(ids)
        )
        out.update({(network, i): tuple(rest) for i, *rest in conn.execute(q)})
    return out
