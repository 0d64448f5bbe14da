"""Data that migrations fill in for the rows already stored."""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

from ...normalise.folding import folded_columns

CHUNK = 5000


def add_folded_text(conn: Connection, column: str) -> None:
    """posts.``column`` (``text_folded`` or ``text_stems``) added where missing and filled for the stored posts."""
    if column not in {c["name"] for c in inspect(conn).get_columns("posts")}:
        conn.execute(text(f"ALTER TABLE posts ADD COLUMN {column} TEXT NOT NULL DEFAULT ''"))
    rows = conn.execute(text("SELECT network, native_id, text FROM posts")).all()
    update = text(f"UPDATE posts SET {column} = :value WHERE network = :network AND native_id = :native_id")
    for i in range(0, len(rows), CHUNK):
        conn.execute(
            update,
            [
                {"value": folded_columns(r.text)[column], "network": r.network, "native_id": r.native_id}
                for r in rows[i : i + CHUNK]
            ],
        )
