"""Alerts to organisers: ``alert_incidents``, ``alert_messages`` (each attempt per channel) and ``heartbeats``.

Revision ID: 0007_alerts
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_alerts"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_incidents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("rule", sa.String(32), nullable=False),
        sa.Column("key", sa.String(512), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("opened_ts", sa.BigInteger(), nullable=False),
        sa.Column("seen_ts", sa.BigInteger(), nullable=False),
        sa.Column("closed_ts", sa.BigInteger()),
        sa.Column("notified", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
    )
    op.create_index("ix_alert_incidents_key", "alert_incidents", ["rule", "key", "closed_ts"])
    op.create_table(
        "alert_messages",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_alert_messages_incident", "alert_messages", ["incident_id"])
    op.create_table(
        "heartbeats",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("ts", sa.BigInteger(), nullable=False),
    )
