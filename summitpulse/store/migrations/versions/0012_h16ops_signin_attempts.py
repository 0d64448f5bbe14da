"""Organiser sign-in attempts (``signin_attempts``): the throttle kept in the store, for every process and replica.

Revision ID: 0011_h16ops_signin
Revises: 0011_h18e_place_box
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_h16ops_signin"
down_revision = "0011_h18e_place_box"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signin_attempts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("ts", sa.Float(), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
    )
    op.create_index("ix_signin_attempts_ts", "signin_attempts", ["ts"])


def downgrade() -> None:
    op.drop_table("signin_attempts")
