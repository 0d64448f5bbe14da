"""Schema version 11: ``posts.place_box``, an X place tag's bounding box (the rules read whether it holds the venue).

Posts stored before keep an empty box: their place's centre stays as it was.

Revision ID: 0011_h18e_place_box
Revises: 0010_h17bx
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_h18e_place_box"
down_revision = "0010_h17bx"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("posts", sa.Column("place_box", sa.Text(), nullable=False, server_default=""))
