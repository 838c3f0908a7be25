"""The append-only event store (SQLite file by default, PostgreSQL by URL)."""

from nb_label.store.sql import Store, open_store
from nb_label.store.tables import EVENT_COLUMNS, STORE_VERSION

__all__ = ["EVENT_COLUMNS", "STORE_VERSION", "Store", "open_store"]
