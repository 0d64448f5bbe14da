"""Schema version 3: ``posts.text_folded`` (case and accents folded, for theme matching), filled for stored posts.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

from summitpulse.store.migrations.fill import add_folded_text

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_folded_text(op.get_bind(), "text_folded")
