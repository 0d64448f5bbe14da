"""Figures kept in the store: aggregate tables maintained with the posts, the people table; snapshots dropped.

The tables are filled from the posts already stored when the store is opened with a config (``open_store``
passes it), once every later revision has run too (``migrations._migrate``); otherwise the first process to open
the store with one fills them (``figures.adopt``).

Revision ID: 0008
Revises: 0007_alerts
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007_alerts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.String(length=128), nullable=False),
        sa.Column("posts", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("reposts", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("engagement", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("followers", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("person", sa.String(length=300), nullable=False),
        sa.Column("label", sa.String(length=16), server_default="unknown", nullable=False),
        sa.Column("stale", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("network", "author_id"),
    )
    op.create_index("ix_accounts_person", "accounts", ["person"], unique=False)
    op.create_index(
        "ix_accounts_stale",
        "accounts",
        ["stale"],
        unique=False,
        sqlite_where=sa.text("stale = 1"),
        postgresql_where=sa.text("stale = 1"),
    )
    op.create_table(
        "author_quarters",
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.String(length=128), nullable=False),
        sa.Column("quarter", sa.BigInteger(), nullable=False),
        sa.Column("posts", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("reposts", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("engagement", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("network", "author_id", "quarter"),
    )
    op.create_index("ix_author_quarters_quarter", "author_quarters", ["quarter"], unique=False)
    op.create_table(
        "evidence",
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.String(length=128), nullable=False),
        sa.Column("fact", sa.String(length=600), nullable=False),
        sa.Column("n", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("network", "author_id", "fact"),
    )
    op.create_index("ix_evidence_fact", "evidence", ["fact"], unique=False)
    op.create_table(
        "label_quarters",
        sa.Column("quarter", sa.BigInteger(), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("posts", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("quarter", "label"),
    )
    op.create_table(
        "minute_counts",
        sa.Column("minute", sa.BigInteger(), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("posts", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("engagement", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("minute", "network", "kind"),
    )
    op.create_table(
        "people",
        sa.Column("person", sa.String(length=300), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("handle", sa.String(length=255), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("posts", sa.BigInteger(), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("accounts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("person"),
    )
    op.create_index("ix_people_label", "people", ["label"], unique=False)
    op.create_table(
        "post_themes",
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("native_id", sa.String(length=512), nullable=False),
        sa.Column("theme", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("network", "native_id", "theme"),
    )
    op.create_index("ix_post_themes_theme", "post_themes", ["theme"], unique=False)
    op.create_table(
        "theme_authors",
        sa.Column("themes", sa.String(length=1000), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.String(length=128), nullable=False),
        sa.Column("quarter", sa.BigInteger(), nullable=False),
        sa.Column("posts", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("reposts", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("engagement", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("themes", "network", "author_id", "quarter"),
    )
    op.create_index("ix_theme_authors_quarter", "theme_authors", ["quarter"], unique=False)
    op.create_table(
        "theme_minutes",
        sa.Column("themes", sa.String(length=1000), nullable=False),
        sa.Column("minute", sa.BigInteger(), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("posts", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("engagement", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("themes", "minute", "network", "kind"),
    )
    op.drop_table("snapshots")  # the in-memory tallies' pickled state: the tables above replace it
