"""Schema version 1, the first release: every table as it then was.

A store of that release was stamped ``meta.schema_version = 1`` and is stamped with this revision instead.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "authors",
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.String(length=128), nullable=False),
        sa.Column("handle", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("followers", sa.Integer(), nullable=True),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("avatar_url", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("updated_ts", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("network", "author_id"),
    )
    op.create_index("ix_authors_handle", "authors", ["handle"], unique=False)
    op.create_table(
        "blocklist",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "value"),
    )
    op.create_table(
        "collector_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("collector", sa.String(length=255), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_collector_events", "collector_events", ["collector", "ts"], unique=False)
    op.create_table(
        "cursors",
        sa.Column("collector", sa.String(length=255), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_ts", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("collector"),
    )
    op.create_table(
        "demo_truth",
        sa.Column("author_key", sa.String(length=160), nullable=False),
        sa.Column("person", sa.String(length=255), nullable=False),
        sa.Column("in_room", sa.Boolean(), nullable=False),
        sa.Column("stakeholder", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("author_key"),
    )
    op.create_table(
        "identity_links",
        sa.Column("author_key", sa.String(length=160), nullable=False),
        sa.Column("person", sa.String(length=255), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("author_key"),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "moderation",
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("native_id", sa.String(length=512), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("updated_ts", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("network", "native_id"),
    )
    op.create_index("ix_moderation_status", "moderation", ["status"], unique=False)
    op.create_table(
        "moderation_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "participant_overrides",
        sa.Column("person", sa.String(length=255), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("person"),
    )
    op.create_table(
        "post_links",
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("native_id", sa.String(length=512), nullable=False),
        sa.Column("link", sa.String(length=1024), nullable=False),
        sa.PrimaryKeyConstraint("network", "native_id", "link"),
    )
    op.create_index("ix_post_links_link", "post_links", ["link"], unique=False)
    op.create_table(
        "post_mentions",
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("native_id", sa.String(length=512), nullable=False),
        sa.Column("mentioned", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("network", "native_id", "mentioned"),
    )
    op.create_index("ix_post_mentions_mentioned", "post_mentions", ["mentioned"], unique=False)
    op.create_table(
        "post_tags",
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("native_id", sa.String(length=512), nullable=False),
        sa.Column("tag", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("network", "native_id", "tag"),
    )
    op.create_index("ix_post_tags_tag", "post_tags", ["tag"], unique=False)
    op.create_table(
        "posts",
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("native_id", sa.String(length=512), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("author_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_ts", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("hashtags", sa.Text(), nullable=False),
        sa.Column("mentions", sa.Text(), nullable=False),
        sa.Column("links", sa.Text(), nullable=False),
        sa.Column("media_count", sa.Integer(), nullable=False),
        sa.Column("media_urls", sa.Text(), nullable=False),
        sa.Column("reply_to", sa.String(length=512), nullable=True),
        sa.Column("reply_to_author", sa.String(length=128), nullable=True),
        sa.Column("repost_of", sa.String(length=512), nullable=True),
        sa.Column("quote_of", sa.String(length=512), nullable=True),
        sa.Column("like_count", sa.Integer(), nullable=True),
        sa.Column("repost_count", sa.Integer(), nullable=True),
        sa.Column("reply_count", sa.Integer(), nullable=True),
        sa.Column("quote_count", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("matched_tags", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("collected_ts", sa.BigInteger(), nullable=False),
        sa.Column("updated_ts", sa.BigInteger(), nullable=False),
        sa.Column("deleted_ts", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("network", "native_id"),
    )
    op.create_index("ix_posts_author", "posts", ["network", "author_id"], unique=False)
    op.create_index("ix_posts_created", "posts", ["created_ts"], unique=False)
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("collector", sa.String(length=255), nullable=False),
        sa.Column("started_ts", sa.BigInteger(), nullable=False),
        sa.Column("ended_ts", sa.BigInteger(), nullable=True),
        sa.Column("fetched", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("rate_limit_waits", sa.Integer(), nullable=False),
        sa.Column("reached_back_ts", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_runs_collector", "runs", ["collector", "started_ts"], unique=False)
    op.create_table(
        "sightings",
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("native_id", sa.String(length=512), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("seen_ts", sa.BigInteger(), nullable=False),
        sa.Column("local_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("network", "native_id", "source"),
    )
