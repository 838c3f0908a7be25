"""The store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

STORE_VERSION = 1

metadata = sa.MetaData()

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client_event_id", sa.String(64), nullable=False, unique=True),
    sa.Column("dataset", sa.String(200), nullable=False),
    sa.Column("item_key", sa.Text, nullable=True),
    sa.Column("annotator", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("value", sa.Text, nullable=True),  # JSON text: lists, spans, regions fit later
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("seconds", sa.Float, nullable=True),
    sa.Column("client_time", sa.DateTime(timezone=True), nullable=True),
    sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("session_id", sa.String(64), nullable=True),
    sa.Column("source", sa.String(32), nullable=False, server_default="human"),
    sa.Column("suggestion", sa.Text, nullable=True),  # JSON text of the suggested label
    sa.Column("suggestion_p", sa.Float, nullable=True),
    sa.Column("retracts", sa.Integer, nullable=True),
    sa.Column("labelset_version", sa.Integer, nullable=False, server_default="0"),
    sa.Index("ix_events_dataset_annotator_id", "dataset", "annotator", "id"),
    sa.Index("ix_events_dataset_item", "dataset", "item_key"),
)

datasets = sa.Table(
    "datasets",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("fingerprint", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

store_version = sa.Table(
    "store_version",
    metadata,
    sa.Column("version", sa.Integer, nullable=False),
)

EVENT_COLUMNS = [c.name for c in events.columns]
