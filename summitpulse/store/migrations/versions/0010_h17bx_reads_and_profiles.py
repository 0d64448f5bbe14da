"""X reads as billed (``x_reads``: each resource once per UTC day) and Bluesky profile look-ups (``profile_checks``).

Revision ID: 0010_h17bx
Revises: 0009_h17m
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_h17bx"
down_revision = "0009_h17m"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "x_reads",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("resource", sa.String(80), primary_key=True),
    )
    op.create_table(
        "profile_checks",
        sa.Column("network", sa.String(16), primary_key=True),
        sa.Column("author_id", sa.String(128), primary_key=True),
        sa.Column("checked_ts", sa.BigInteger(), nullable=False),
    )
