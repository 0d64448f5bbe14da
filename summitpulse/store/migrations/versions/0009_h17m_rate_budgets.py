"""Rate budgets kept in the store: ``rate_budgets`` (one row per host), and each run's requests and host.

Revision ID: 0009_h17m
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_h17m"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_budgets",
        sa.Column("host", sa.String(255), primary_key=True),
        sa.Column("network", sa.String(16), nullable=False),
        sa.Column("limit", sa.Integer(), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.Column("reset_ts", sa.Float(), nullable=False),
        sa.Column("requests", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("refused", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("updated_ts", sa.BigInteger(), nullable=False),
    )
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("requests", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("host", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("host")
        batch.drop_column("requests")
    op.drop_table("rate_budgets")
