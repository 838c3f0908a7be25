"""Failures say what happened and what to do, and never lose what was committed
(nb_label/errors.py, nb_label/store/failures.py)."""

from __future__ import annotations

import hashlib
import time
import traceback
import uuid
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import make_url

from nb_label import errors
from nb_label.errors import (
    ClientIdConflict,
    StoreConnectionError,
    StoreCorruptError,
    StoreError,
    StoreLockedError,
    StoreReadOnlyError,
)
from nb_label.store import open_store

LOCKER = """
    import sys
    backend, target = sys.argv[1], sys.argv[2]
    if backend == "sqlite":
        import sqlite3
        connection = sqlite3.connect(target, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
    else:
        import psycopg
        connection = psycopg.connect(target)
        connection.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
    print("locked", flush=True)
    sys.stdin.readline()  # hold the lock until the test says so
    connection.rollback()
    print("released", flush=True)
"""


def _full_text(error: BaseException) -> str:
    """Everything a user could see of an error: message, repr and the whole traceback."""
    return "".join(traceback.format_exception(error)) + repr(error)


def _is_postgres(target: str) -> bool:
    return target.startswith("postgresql")


def _read_only(target: str) -> str:
    """The same store, opened read-only."""
    if _is_postgres(target):
        url = make_url(target)
        options = f"{url.query.get('options', '')} -cdefault_transaction_read_only=on".strip()
        return url.update_query_dict({"options": options}).render_as_string(hide_password=False)
    return f"sqlite:///file:{target}?mode=ro&uri=true"


def _libpq(target: str) -> str:
    return make_url(target).set(drivername="postgresql").render_as_string(hide_password=False)


def test_every_store_error_is_a_runtime_error():
    for name in errors.__all__:
        error_class = getattr(errors, name)
        assert issubclass(error_class, StoreError)
        assert issubclass(error_class, RuntimeError)


def test_read_only_store_refuses_writes_and_keeps_events(store_target, make_event):
    with open_store(store_target) as store:
        store.append_many([make_event(n) for n in range(5)])
        before = store.events()
    with open_store(_read_only(store_target)) as read_only:
        pd.testing.assert_frame_equal(read_only.events(), before)
        with pytest.raises(StoreReadOnlyError, match="read-only") as raised:
            read_only.append(make_event(9))
        with pytest.raises(StoreReadOnlyError):
            read_only.ensure_dataset("sms", {"rows": 1})
        assert "nothing was written" in str(raised.value)
        pd.testing.assert_frame_equal(read_only.events(), before)
    with open_store(store_target) as store:
        pd.testing.assert_frame_equal(store.events(), before)


def test_a_held_write_lock_raises_locked_after_the_busy_timeout(
    store_target, start_child, next_line, make_event
):
    backend = "postgres" if _is_postgres(store_target) else "sqlite"
    with open_store(store_target, busy_timeout=0.2) as store:
        committed = store.append_many([make_event(n) for n in range(3)])
        locked_target = _libpq(store_target) if backend == "postgres" else store_target
        locker = start_child(LOCKER, backend, locked_target)
        assert next_line(locker) == "locked"

        start = time.perf_counter()
        wait_longer = r"nbl\.open_store\(.*busy_timeout=30\)"
        with pytest.raises(StoreLockedError, match=wait_longer) as raised:
            store.append(make_event(3))
        waited = time.perf_counter() - start
        assert 0.15 < waited < 3.0
        assert "Nothing was written" in str(raised.value)

        locker.stdin.write("release\n")
        locker.stdin.flush()
        assert next_line(locker) == "released"
        # Once the other process lets go, the same store writes again and lost nothing.
        new_id = store.append(make_event(3))
        assert store.events()["id"].tolist() == [*committed, new_id]


def test_a_file_that_is_not_a_database_is_left_alone(tmp_path):
    path = tmp_path / "labels.db"
    path.write_bytes(b"item,label\n1,spam\n" * 200)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(StoreCorruptError) as raised:
        open_store(path)
    message = str(raised.value)
    assert str(path) in message
    assert "restore it from a copy" in message and "not changed" in message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.db"]


def test_a_missing_folder_says_what_to_check(tmp_path):
    folder = tmp_path / "no such folder"
    with pytest.raises(StoreConnectionError, match="does not exist") as raised:
        open_store(folder / "labels.db")
    assert str(folder) in str(raised.value)
    assert not folder.exists()


def test_a_failed_append_keeps_every_committed_event(store_target, make_event):
    with open_store(store_target) as store:
        store.append_many([make_event(n, client_event_id=f"e{n}") for n in range(10)])
        before = store.events()
        with pytest.raises(ValueError):
            store.append_many([make_event(10), make_event(11, value=object())])
        with pytest.raises(ValueError):
            store.append(make_event(12, kind=None))
        # The same client id for different content is refused, and changes nothing either.
        with pytest.raises(ClientIdConflict, match="another event"):
            store.append(make_event(0, client_event_id="e0", value="changed"))
    with open_store(store_target) as reopened:
        pd.testing.assert_frame_equal(reopened.events(), before)


@pytest.mark.postgres
def test_password_is_masked_in_url_and_repr(postgres_url):
    url = make_url(postgres_url).set(password="s3cret")  # trust auth ignores it
    with open_store(url.render_as_string(hide_password=False)) as store:
        assert "s3cret" not in store.url and "s3cret" not in repr(store)
        assert "postgres:***@" in store.url
        assert store.url in repr(store)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "change",
    [
        {"port": 1},  # nothing listens there
        {"database": f"nbl_missing_{uuid.uuid4().hex[:8]}"},
        {"host": "nbl-no-such-host.invalid"},
    ],
)
def test_unreachable_postgres_masks_the_password_and_says_what_to_check(postgres_url, change):
    url = make_url(postgres_url).set(password="s3cret", **change)
    with pytest.raises(StoreConnectionError) as raised:
        open_store(url.render_as_string(hide_password=False))
    message = str(raised.value)
    assert "Check the host, port, database name" in message
    assert "***" in message
    assert "s3cret" not in _full_text(raised.value)


def test_sqlite_urls_have_no_password_to_mask(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        assert store.url == f"sqlite:///{tmp_path / 'a.db'}"
        assert repr(store) == f"<Store {store.url}>"
        assert Path(store.url.removeprefix("sqlite:///")).exists()
