"""The append-only event store: every human action, committed before it is acknowledged."""

from nb_label.store.schema import EVENT_COLUMNS
from nb_label.store.sql import Store, open_store

__all__ = ["EVENT_COLUMNS", "Store", "open_store"]
