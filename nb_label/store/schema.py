"""The current (version 5) table layout of the event store."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator

#: The layout version this code writes; :mod:`nb_label.store.migrations` upgrades older ones.
STORE_VERSION = 5

#: Columns of :meth:`Store.events`, in order.
EVENT_COLUMNS = (
    "id",
    "client_event_id",
    "dataset",
    "item_key",
    "annotator",
    "kind",
    "value",
    "note",
    "seconds",
    "client_time",
    "committed_at",
    "session_id",
    "source",
    "suggestion",
    "suggestion_p",
    "retracts",
    "labelset_version",
    "content_sha",
    "suggestion_withheld",
)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no time zones (it keeps the naive UTC text); PostgreSQL keeps ``timestamptz``.
    Naive input is taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


# BIGSERIAL on PostgreSQL, but SQLite only makes an INTEGER PRIMARY KEY an alias of its rowid.
_BigId = BigInteger().with_variant(Integer, "sqlite")

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    Column("client_event_id", String, nullable=False),
    Column("dataset", String, nullable=False),
    Column("item_key", Text),
    Column("annotator", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("value", Text),
    Column("note", Text),
    Column("seconds", Float),
    Column("client_time", UTCDateTime),
    Column("committed_at", UTCDateTime, nullable=False),
    Column("session_id", String),
    Column("source", String, nullable=False),
    Column("suggestion", Text),
    Column("suggestion_p", Float),
    Column("retracts", _BigId),
    Column("labelset_version", Integer, nullable=False, server_default=text("0")),
    # A short hash of what the item showed when it was answered (layout 3).
    Column("content_sha", String),
    # True: the model's suggestion above was withheld from the annotator, who answered a
    # control item; false: it was shown; missing: no suggestion, or written before layout 5.
    Column("suggestion_withheld", Boolean),
)
# A client id names one event of one annotator in one dataset (layout 3; before, the whole
# store): a resend is stored once, and an id another annotator happens to use is another event.
Index(
    "uq_events_dataset_annotator_client",
    events.c.dataset,
    events.c.annotator,
    events.c.client_event_id,
    unique=True,
)
Index("ix_events_dataset_annotator_id", events.c.dataset, events.c.annotator, events.c.id)
Index("ix_events_dataset_item_key", events.c.dataset, events.c.item_key)

datasets = Table(
    "datasets",
    metadata,
    Column("name", String, primary_key=True),
    Column("fingerprint", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# One row per layout version applied; the highest is the store's version.
store_version = Table(
    "store_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", UTCDateTime, nullable=False),
)

# Version 2: work assignment when several annotators share a dataset (``overlap=``). Each item
# has ``overlap`` slots; a slot is leased to one annotator while the item sits in their card's
# buffer (``leased_until``), and is ``done`` once that annotator answers. Events stay the only
# record of answers: slots only decide who is offered what.
slots = Table(
    "slots",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    Column("dataset", String, nullable=False),
    Column("item_key", Text, nullable=False),
    Column("slot", Integer, nullable=False),
    Column("annotator", String),
    Column("session_id", String),
    Column("leased_until", UTCDateTime),
    Column("done", Boolean, nullable=False, server_default=text("false")),
    UniqueConstraint("dataset", "item_key", "slot", name="uq_slots_item_slot"),
    # One slot per annotator per item: "different annotators" is kept by the database itself.
    UniqueConstraint("dataset", "item_key", "annotator", name="uq_slots_item_annotator"),
)
Index("ix_slots_dataset_annotator", slots.c.dataset, slots.c.annotator)

# Version 4: secrets the store keeps for itself, never exported: the key of the keyed hash
# that turns annotator names into pseudonyms (the same name, the same pseudonym, in every
# export of this store).
store_secrets = Table(
    "store_secrets",
    metadata,
    Column("name", String, primary_key=True),
    Column("value", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
