"""Posting rhythms: ``rhythms`` (each account's own posts before the event by hour of day, and when fetched).

Revision ID: 0015_h20tz_rhythms
Revises: 0014_h18model_learnt
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_h20tz_rhythms"
down_revision = "0014_h18model_learnt"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rhythms",
        sa.Column("network", sa.String(16), primary_key=True),
        sa.Column("author_id", sa.String(128), primary_key=True),
        sa.Column("hours", sa.Text(), nullable=False),
        sa.Column("fetched_ts", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rhythms")
