"""Schema version 4: ``posts.text_stems`` (the folded words' stems, for theme matching), filled for stored posts.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

from summitpulse.store.migrations.fill import add_folded_text

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_folded_text(op.get_bind(), "text_stems")
