"""What is checked before a store's file is touched: nothing on disk changes when it fails.

Opening an SQLite store sets its journal mode and creates its tables, which writes to the
file. These checks run first, on a read-only connection, so a mistyped path or another
program's database is refused as it was found.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL

from nb_label.errors import StoreConnectionError, StoreForeignError
from nb_label.store.engine import sqlite_path

#: Tables an nb_label store may hold (any layout version); anything else is someone else's.
_OURS = {"events", "datasets", "slots", "store_version"}


def sqlite_file(url: URL) -> Path | None:
    """The file of an SQLite store (None for PostgreSQL and in-memory stores)."""
    path = sqlite_path(url) if url.get_backend_name() == "sqlite" else None
    return Path(path) if path else None


def check_folder(url: URL) -> None:
    """Refuse an SQLite path whose folder does not exist (SQLite's own error says less)."""
    path = sqlite_file(url)
    if path is not None and not path.parent.is_dir():
        raise StoreConnectionError(
            f"The folder {path.parent} for the store {path} does not exist; create it "
            "or pick another path."
        )


def refuse_foreign(url: URL) -> None:
    """Refuse an SQLite file that holds another program's tables and none of nb_label's.

    A PostgreSQL database is shared by design (a class's server holds other schemas and
    tables), so only SQLite files are checked.
    """
    path = sqlite_file(url)
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )}  # fmt: skip
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return  # not a database at all: the store's own error (StoreCorruptError) says so
    theirs = sorted(t for t in tables - _OURS if not t.startswith("sqlite_"))
    if theirs and not tables & _OURS:
        shown = ", ".join(theirs[:5]) + (", ..." if len(theirs) > 5 else "")
        raise StoreForeignError(
            f"{path} is an SQLite database but not an nb_label store (it holds the tables "
            f"{shown}). nb_label has not changed it: pass a new file name to start a store, "
            "or the path of an existing store."
        )


def require_existing(url: URL) -> None:
    """Refuse an SQLite path that names no file, for readers that must not create a store."""
    path = sqlite_file(url)
    if path is not None and not path.exists():
        raise StoreConnectionError(
            f"no store at {path}: check the path (reading does not create a store); a store "
            "is the file you passed to Labeller(store=...)"
        )
