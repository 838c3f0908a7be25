"""Translate database driver errors into :mod:`nb_label.errors` with a message that helps."""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.exc import DataError, DBAPIError

from nb_label.errors import (
    StoreConnectionError,
    StoreCorruptError,
    StoreDataError,
    StoreError,
    StoreLockedError,
    StoreReadOnlyError,
)
from nb_label.store.engine import masked, sqlite_path, without_secrets

# SQLite result codes (Python 3.11+ puts them on the exception); older Pythons fall back on
# the message, which SQLite has kept the same for decades.
_SQLITE_MESSAGES = {
    "SQLITE_BUSY": "database is locked",
    "SQLITE_LOCKED": "database table is locked",
    "SQLITE_READONLY": "readonly database",
    "SQLITE_NOTADB": "file is not a database",
    "SQLITE_CORRUPT": "database disk image is malformed",
    "SQLITE_CANTOPEN": "unable to open database file",
}

# PostgreSQL SQLSTATE codes.
_PG_READ_ONLY = "25006"
_PG_LOCK_NOT_AVAILABLE = "55P03"
_PG_CONNECTION_CLASSES = ("08", "28", "3D")  # connection, authorization, unknown database
_PG_DATA_CLASSES = ("22",)  # data exception: bad value, out of range, bad encoding


def translate(exc: DBAPIError, url: URL) -> StoreError:
    """Return the :class:`StoreError` to raise for a driver error on the store at ``url``."""
    original = exc.orig
    reason = _one_line(str(original), url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_error(original, reason, url)
    return _postgres_error(exc, original, reason, url)


def _sqlite_error(original: BaseException, reason: str, url: URL) -> StoreError:
    path = sqlite_path(url) or ":memory:"
    name = getattr(original, "sqlite_errorname", None)

    def is_(code: str) -> bool:
        return name == code if name else _SQLITE_MESSAGES[code] in reason

    if is_("SQLITE_BUSY") or is_("SQLITE_LOCKED"):
        return StoreLockedError(
            f"The store {path} is locked by another process for longer than the busy timeout "
            f"({reason}). Nothing was written. Close the other program or notebook writing to "
            f"it, or wait longer for it: store = nbl.open_store({path!r}, busy_timeout=30), then "
            "Labeller(..., store=store); then try again."
        )
    if is_("SQLITE_READONLY"):
        return StoreReadOnlyError(
            f"The store {path} is read-only ({reason}); nothing was written. Open it without "
            "mode=ro, or copy the file somewhere you can write, to save labels."
        )
    if is_("SQLITE_NOTADB") or is_("SQLITE_CORRUPT"):
        return StoreCorruptError(
            f"{path} is not a readable SQLite database ({reason}). nb_label has not changed "
            "it: restore it from a copy (your backup), or pass a new file name to start a "
            "fresh store."
        )
    if is_("SQLITE_CANTOPEN"):
        return StoreConnectionError(
            f"Could not open the store {path} ({reason}). Check that its folder exists and "
            "that you may write to it."
        )
    return StoreError(
        f"The store {path} failed: {reason}. Nothing from this call was saved; check the disk "
        "and the file, then try again."
    )


def _postgres_error(exc: DBAPIError, original, reason: str, url: URL) -> StoreError:
    where = masked(url)
    state = getattr(original, "sqlstate", None) or ""
    if state == _PG_READ_ONLY:
        return StoreReadOnlyError(
            f"The store {where} is read-only ({reason}); nothing was written. Connect as a "
            "user (or to a server) that may write, without default_transaction_read_only."
        )
    if state == _PG_LOCK_NOT_AVAILABLE:
        return StoreLockedError(
            f"The store {where} is locked by another session for longer than the busy "
            f"timeout ({reason}). Nothing was written. Finish the other session's transaction, "
            "or wait longer for it: store = nbl.open_store(url, busy_timeout=30), then "
            "Labeller(..., store=store); then try again."
        )
    if isinstance(exc, DataError) or state[:2] in _PG_DATA_CLASSES:
        return StoreDataError(
            f"The store {where} refused the data ({reason}). Nothing was saved, and sending it "
            "again cannot help: change the value and try again."
        )
    if exc.connection_invalidated or state[:2] in _PG_CONNECTION_CLASSES or not state:
        return StoreConnectionError(
            f"Could not reach the PostgreSQL store {where} ({reason}). Check the host, port, "
            "database name, user and password in the URL, and that the server is running."
        )
    return StoreError(
        f"The store {where} failed: {reason}. Nothing from this call was saved; check the "
        "server's log, then try again."
    )


def _one_line(text: str, url: URL) -> str:
    """The driver's message on one line, with the URL's secrets masked if they appear."""
    return without_secrets(" ".join(text.split()), url)
