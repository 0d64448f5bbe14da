"""Schema version 5: ``identity_rejections``, the suggested links an organiser said are two people.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_rejections",
        sa.Column("pair", sa.String(400), primary_key=True),
        sa.Column("ts", sa.BigInteger(), nullable=False),
    )
