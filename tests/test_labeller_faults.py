"""Faults at the Labeller level: a clear error, and nothing already saved is lost."""

import sqlite3

import pandas as pd
import pytest

import nb_label as nbl
from nb_label.errors import (
    StoreConnectionError,
    StoreCorruptError,
    StoreLockedError,
    StoreReadOnlyError,
)


@pytest.fixture
def df():
    return pd.DataFrame({"text": ["a", "b", "c", "d"]})


def labelled_store(df, path, n=2):
    with nbl.Labeller(df, show="text", labels=["x", "y"], store=str(path), annotator="ana") as lab:
        for _ in range(n):
            lab.label("x")
        return lab.dataset


def test_read_only_store_refuses_writes_and_keeps_events(df, tmp_path):
    path = tmp_path / "ro.db"
    dataset = labelled_store(df, path)
    ro = f"sqlite:///file:{path}?mode=ro&uri=true"
    with pytest.raises(StoreReadOnlyError, match="read-only"):
        nbl.Labeller(df, show="text", labels=["x", "y"], store=ro, annotator="ana").label("x")
    assert len(nbl.open_store(path).events(dataset, kinds=["label"])) == 2


def test_locked_store_says_so_and_loses_nothing(df, tmp_path, hold_write_lock):
    path = tmp_path / "locked.db"
    dataset = labelled_store(df, path)
    with hold_write_lock(path):
        store = nbl.open_store(path, busy_timeout=0.2)
        with pytest.raises(StoreLockedError, match="locked by another process"):
            store.append({"dataset": dataset, "annotator": "ana", "kind": "label", "value": "y"})
    assert len(nbl.open_store(path).events(dataset, kinds=["label"])) == 2


def test_corrupt_file_is_refused_and_left_alone(df, tmp_path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreCorruptError, match="restore it from a copy"):
        nbl.Labeller(df, show="text", labels=["x"], store=str(path))
    assert path.read_bytes() == before


def test_missing_folder_says_what_to_do(df, tmp_path):
    with pytest.raises(nbl.store.StoreError if hasattr(nbl.store, "StoreError") else Exception,
                       match="does not exist"):  # fmt: skip
        nbl.Labeller(df, show="text", labels=["x"], store=str(tmp_path / "no" / "such.db"))


@pytest.mark.extra("postgres")
def test_wrong_postgres_url_masks_the_password(df):
    url = "postgresql://nobody:s3cret@127.0.0.1:5432/nb_label_no_such_database"
    with pytest.raises(StoreConnectionError) as info:
        nbl.Labeller(df, show="text", labels=["x"], store=url)
    assert "s3cret" not in str(info.value)
    assert "***" in str(info.value)


def test_store_repr_masks_the_password(tmp_path):
    from nb_label.store.sql import _as_url, _masked

    assert "s3cret" not in _masked(_as_url("postgresql://u:s3cret@h/db"))


def test_a_failed_append_keeps_earlier_events(df, tmp_path):
    path = tmp_path / "keep.db"
    dataset = labelled_store(df, path)
    store = nbl.open_store(path)
    with pytest.raises(ValueError, match="unknown event fields"):
        store.append({"dataset": dataset, "annotator": "a", "kind": "label", "bogus": 1})
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT count(*) FROM events WHERE kind='label'").fetchone()[0] == 2


@pytest.mark.parametrize(
    "target_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_nul_byte_is_refused_as_data_never_as_an_outage(target_kind, tmp_path, request):
    from nb_label.errors import StoreConnectionError, StoreDataError

    target = (
        str(tmp_path / "nul.db") if target_kind == "sqlite"
        else request.getfixturevalue("postgres_schema")
    )  # fmt: skip
    df = pd.DataFrame({"text": ["one", "two", "three"]})
    lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=target, annotator="ana")
    with pytest.raises(StoreDataError, match="NUL") as caught:
        lab.label("ham", note="a\x00b")
    assert not isinstance(caught.value, StoreConnectionError)
    assert lab.store.events(lab.dataset, kinds=["label"]).empty  # nothing stored
    assert lab.current == 0  # and the item is still the one to answer
    lab.label("ham", note="fine")  # the store works on
    sent = []
    lab.card.send = lambda content, buffers=None: sent.append(content)
    lab.card.handle(
        {"type": "answer", "id": "c1", "seq": 1, "key": "1", "kind": "label", "value": "spam",
         "note": "a\x00b", "seconds": 1.0, "client_time": None, "suggestion": None,
         "showing": "2"}
    )  # fmt: skip
    assert [m["type"] for m in sent] == ["refuse"]  # refused once, not "retrying" forever
    lab.close()


@pytest.mark.postgres
def test_postgres_data_errors_are_data_errors(postgres_schema):
    from sqlalchemy import text

    from nb_label.errors import StoreDataError

    store = nbl.open_store(postgres_schema)
    with (
        pytest.raises(StoreDataError, match="refused the data"),
        store._translated_errors(),
        store._transaction(write=True) as connection,
    ):
        connection.execute(text("SELECT CAST('not a number' AS integer)"))
    store.close()
