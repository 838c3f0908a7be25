"""Errors raised by nb_label's event store.

Every message says what went wrong and what to do about it. All of them subclass
:class:`StoreError`, so ``except StoreError`` catches any failure to keep or read events.
"""

from __future__ import annotations

__all__ = [
    "StoreConnectionError",
    "StoreCorruptError",
    "StoreDataError",
    "StoreError",
    "StoreForeignError",
    "StoreLockedError",
    "StoreReadOnlyError",
    "StoreVersionError",
]


class StoreError(RuntimeError):
    """The event store could not do what was asked; nothing committed before was lost."""


class StoreReadOnlyError(StoreError):
    """The store was opened read-only (or the database refuses writes)."""


class StoreLockedError(StoreError):
    """Another process held the write lock for longer than the busy timeout."""


class StoreCorruptError(StoreError):
    """The file is not a database nb_label can read; it was left untouched."""


class StoreDataError(StoreError, ValueError):
    """The database refused the data itself (a NUL byte, a value out of range).

    Not an outage: sending it again cannot help, so it is refused once, with the reason.
    """


class StoreConnectionError(StoreError):
    """The database could not be reached or opened."""


class StoreForeignError(StoreError):
    """The SQLite file holds another program's tables, not an nb_label store; it was left
    unchanged."""


class StoreVersionError(StoreError):
    """The store was written by a newer nb_label than the one running."""


class LabelSetConflict(ValueError):
    """A label-set change that no longer applies: another change came first.

    The message names what changed first and by whom; nothing was stored.
    """


class ClientIdConflict(ValueError):
    """An annotator reused a client event id for a different answer; nothing was stored."""


class RetractionRefused(ValueError):
    """A retraction that names no answer of the same annotator in the same dataset."""
