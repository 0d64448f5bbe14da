"""``posts.media_alts``: each attached image's description (alt text) as its network gave it, beside ``media_urls``.

Posts stored before keep none: their images are described generically until a collector reads them again.

Revision ID: 0016_h20_media_alts
Revises: 0015_h20tz_rhythms
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_h20_media_alts"
down_revision = "0015_h20tz_rhythms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("posts", sa.Column("media_alts", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("media_alts")
