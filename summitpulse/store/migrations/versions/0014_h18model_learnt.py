"""The event model's verdicts: ``learnt`` (a person's calibrated probability of being in the room, and why).

Revision ID: 0014_h18model_learnt
Revises: 0011_h16h_claimed_time
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_h18model_learnt"
down_revision = "0011_h16h_claimed_time"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learnt",
        sa.Column("person", sa.String(length=300), nullable=False),
        sa.Column("p_in_room", sa.Float(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("person"),
    )


def downgrade() -> None:
    op.drop_table("learnt")
