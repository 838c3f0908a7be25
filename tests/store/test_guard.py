"""A file that is not a store is refused and left as it was (nb_label/store/guard.py)."""

from __future__ import annotations

import hashlib
import sqlite3

import pandas as pd
import pytest

import nb_label as nbl
from nb_label.errors import StoreForeignError
from nb_label.store import open_store


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def foreign(tmp_path):
    """Someone's own SQLite database: one table of theirs, no nb_label tables."""
    path = tmp_path / "inventory.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE parts (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO parts (name) VALUES ('bolt')")
    connection.close()
    return path


def _tables(path):
    with sqlite3.connect(path) as connection:
        names = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    connection.close()
    return names


def test_open_store_refuses_a_foreign_sqlite_file_and_changes_nothing(foreign):
    before = _digest(foreign)
    with pytest.raises(StoreForeignError, match=r"inventory\.db.*not an nb_label store.*parts"):
        open_store(foreign)
    assert _digest(foreign) == before
    assert _tables(foreign) == {"parts"}


def test_a_labeller_refuses_a_foreign_sqlite_file(foreign):
    df = pd.DataFrame({"text": ["a", "b"]})
    with pytest.raises(StoreForeignError, match="pass a new file name"):
        nbl.Labeller(df, show="text", labels=["x", "y"], store=str(foreign), annotator="ana")
    assert _tables(foreign) == {"parts"}


def test_an_empty_sqlite_file_becomes_a_store(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with open_store(path) as store:
        assert store.version >= 1


def test_a_store_still_reopens(tmp_path):
    path = tmp_path / "labels.db"
    open_store(path).close()
    with open_store(path) as store:
        assert store.datasets().empty
