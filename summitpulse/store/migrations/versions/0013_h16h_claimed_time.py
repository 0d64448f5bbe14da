"""``claimed_times``: the time a post claimed when it was impossible (its ``created_at`` is then when it was
collected). Posts stored before keep their times; the readers take any time the store holds.

Revision ID: 0011_h16h_claimed_time
Revises: 0011_h16ops_signin
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_h16h_claimed_time"
down_revision = "0011_h16ops_signin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claimed_times",
        sa.Column("network", sa.String(16), primary_key=True),
        sa.Column("native_id", sa.String(512), primary_key=True),
        sa.Column("claimed_at", sa.String(64), nullable=False),
    )
