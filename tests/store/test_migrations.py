"""Store layout versions and in-place upgrades (nb_label/store/migrations.py)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, inspect, text

from nb_label.errors import StoreError, StoreVersionError
from nb_label.store import migrations, open_store
from nb_label.store.schema import STORE_VERSION

FIXTURES = Path(__file__).with_name("fixtures")
_spec = importlib.util.spec_from_file_location("make_v0", FIXTURES / "make_v0.py")
make_v0 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_v0)

V0_ONLY = ["id", "client_event_id", "dataset", "item_key", "annotator", "kind", "value",
           "note", "seconds", "client_time", "committed_at", "source", "retracts"]  # fmt: skip


@pytest.fixture
def v0_target(store_target):
    """A store in the version-0 layout holding the fixture's events (SQLite or PostgreSQL)."""
    if store_target.startswith("postgresql"):
        engine = create_engine(store_target)
        with engine.begin() as connection:
            make_v0.create_v0(connection)
        engine.dispose()
        return store_target
    shutil.copyfile(FIXTURES / "store_v0.db", store_target)
    return store_target


def _expected_v0_events() -> pd.DataFrame:
    """The fixture's events as the current store should return them."""
    rows = []
    for event in make_v0.V0_EVENTS:
        row = dict(event)
        row["value"] = None if event["value"] is None else json.loads(event["value"])
        rows.append(row)
    return pd.DataFrame(rows)


def _columns(target: str, table: str) -> set[str]:
    engine = create_engine(target if "://" in target else f"sqlite:///{target}")
    with engine.connect() as connection:
        names = {column["name"] for column in inspect(connection).get_columns(table)}
    engine.dispose()
    return names


def _tables(target: str) -> set[str]:
    engine = create_engine(target if "://" in target else f"sqlite:///{target}")
    with engine.connect() as connection:
        names = set(inspect(connection).get_table_names())
    engine.dispose()
    return names


def test_the_committed_fixture_is_version_0():
    connection = sqlite3.connect(f"file:{FIXTURES / 'store_v0.db'}?mode=ro", uri=True)
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    columns = [row[1] for row in connection.execute("PRAGMA table_info(events)")]
    count = connection.execute("SELECT count(*) FROM events").fetchone()[0]
    connection.close()
    assert "store_version" not in tables
    assert columns == V0_ONLY
    assert count == len(make_v0.V0_EVENTS)


def test_a_new_store_has_the_current_version(store):
    assert store.version == STORE_VERSION
    engine = create_engine(store._url)
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version FROM store_version")).scalars().all()
    engine.dispose()
    assert versions == [STORE_VERSION]


def test_opening_the_v0_fixture_upgrades_it_and_keeps_every_event(tmp_path):
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURES / "store_v0.db", path)
    raw = sqlite3.connect(path)
    before = raw.execute(f"SELECT {', '.join(V0_ONLY)} FROM events ORDER BY id").fetchall()
    datasets_before = raw.execute("SELECT name, fingerprint FROM datasets").fetchall()
    raw.close()
    assert len(before) == len(make_v0.V0_EVENTS)

    with open_store(path) as store:
        assert store.version == STORE_VERSION
        upgraded = store.events()
        datasets = store.datasets()

    raw = sqlite3.connect(path)
    after = raw.execute(f"SELECT {', '.join(V0_ONLY)} FROM events ORDER BY id").fetchall()
    raw.close()
    assert after == before  # byte for byte, every event and field
    assert len(upgraded) == len(before)
    assert (upgraded["labelset_version"] == 0).all()
    assert upgraded["suggestion"].isna().all() and upgraded["session_id"].isna().all()
    assert sorted(datasets["name"]) == sorted(name for name, _ in datasets_before)


def test_upgrade_keeps_every_event_on_both_databases(v0_target):
    with open_store(v0_target) as store:
        frame = store.events()
        expected = _expected_v0_events()
        assert frame["id"].tolist() == expected["id"].tolist()
        for column in ("client_event_id", "dataset", "annotator", "kind", "source"):
            assert frame[column].tolist() == expected[column].tolist()
        assert frame["value"].tolist() == expected["value"].tolist()
        assert frame["item_key"].isna().tolist() == expected["item_key"].isna().tolist()
        assert frame["note"].dropna().tolist() == expected["note"].dropna().tolist()
        assert frame["retracts"].dropna().tolist() == expected["retracts"].dropna().tolist()
        expected_times = pd.to_datetime(expected["committed_at"], utc=True)
        assert frame["committed_at"].tolist() == expected_times.tolist()
        assert frame["client_time"].isna().sum() == expected["client_time"].isna().sum()
        # New events continue after the old ones.
        new_id = store.append({"dataset": "sms", "annotator": "ana", "kind": "label"})
        assert new_id == len(make_v0.V0_EVENTS) + 1
    assert {"suggestion", "suggestion_p", "session_id", "labelset_version"} <= _columns(
        v0_target, "events"
    )


def test_reopening_does_not_upgrade_again(v0_target):
    open_store(v0_target).close()
    open_store(v0_target).close()
    engine = create_engine(v0_target if "://" in v0_target else f"sqlite:///{v0_target}")
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version FROM store_version")).scalars().all()
    engine.dispose()
    assert versions == list(range(1, STORE_VERSION + 1))


def back_to_version(store_target: str, version: int, *, drop: list[str]) -> None:
    """Take a store back to layout ``version``: drop the tables later versions added."""
    engine = create_engine(store_target if "://" in store_target else f"sqlite:///{store_target}")
    with engine.begin() as connection:
        for table in drop:
            connection.execute(text(f"DROP TABLE {table}"))
        connection.execute(text(f"DELETE FROM store_version WHERE version > {version}"))
    engine.dispose()


def test_a_version_1_store_gains_the_slots_table_and_keeps_its_events(store_target):
    with open_store(store_target) as store:
        store.append({"dataset": "sms", "annotator": "ana", "kind": "label", "value": "spam"})
    back_to_version(store_target, 1, drop=["slots", "store_secrets"])
    assert "slots" not in _tables(store_target)
    with open_store(store_target) as store:
        assert store.version == STORE_VERSION == 5
        assert store.events()["value"].tolist() == ["spam"]
        assert store.ensure_slots("sms", ['"a"', '"b"'], 2) == 4
    assert {"item_key", "slot", "annotator", "leased_until", "done"} <= _columns(
        store_target, "slots"
    )


def test_a_failed_upgrade_changes_nothing(v0_target, monkeypatch):
    real_step = migrations.MIGRATIONS[0]

    def step_that_fails_at_the_end(connection):
        real_step(connection)  # every change lands in the transaction ...
        raise RuntimeError("disk full")  # ... and then something goes wrong

    monkeypatch.setitem(migrations.MIGRATIONS, 0, step_that_fails_at_the_end)
    with pytest.raises(RuntimeError, match="disk full"):
        open_store(v0_target)
    assert "store_version" not in _tables(v0_target)
    assert _columns(v0_target, "events") == set(V0_ONLY)

    monkeypatch.setitem(migrations.MIGRATIONS, 0, real_step)
    with open_store(v0_target) as store:
        assert len(store.events()) == len(make_v0.V0_EVENTS)


def test_a_store_newer_than_this_code_is_refused(store_target):
    open_store(store_target).close()
    engine = create_engine(store_target if "://" in store_target else f"sqlite:///{store_target}")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO store_version (version, applied_at) VALUES (:v, CURRENT_TIMESTAMP)"),
            {"v": STORE_VERSION + 1},
        )
    engine.dispose()
    before = _digest(store_target)
    with pytest.raises(StoreVersionError, match="Upgrade nb_label") as raised:
        open_store(store_target)
    assert isinstance(raised.value, StoreError)
    assert f"version {STORE_VERSION + 1}" in str(raised.value)
    assert _digest(store_target) == before


def _digest(target: str) -> str | None:
    """A checksum of an SQLite file (None for PostgreSQL)."""
    if "://" in target:
        return None
    return hashlib.sha256(Path(target).read_bytes()).hexdigest()


def test_a_store_made_at_layout_2_opens_with_every_event_and_label(tmp_path):
    """``store_v2.db`` was written by nb_label at layout 2 (see fixtures/make_v2.py)."""
    import nb_label as nbl

    path = tmp_path / "v2.db"
    shutil.copyfile(FIXTURES / "store_v2.db", path)
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT max(version) FROM store_version").fetchone() == (2,)
    before = raw.execute(f"SELECT {', '.join(V0_ONLY)} FROM events ORDER BY id").fetchall()
    raw.close()
    texts = pd.DataFrame({"text": [f"message {i}" for i in range(8)]})
    ana = nbl.Labeller(
        texts, show="text", labels=["ham", "scam"], store=str(path), annotator="ana",
        dataset="sms", overlap=2,
    )  # fmt: skip
    assert ana.store.version == STORE_VERSION == 5
    assert ana.schema.values == ["ham", "scam"]
    notes = ana.annotations["note"]
    labels = ana.annotations["label"]
    assert labels.tolist()[:2] == ["scam", "ham"] and pd.isna(labels.iloc[2])  # renamed, kept
    assert notes.iloc[0] == "a prize" and ana.annotations.loc[2, "state"] == "flagged"
    events = ana.store.events(ana.dataset)
    assert "content_sha" in events and events["content_sha"].isna().all()
    ana.close()
    raw = sqlite3.connect(path)
    after = raw.execute(f"SELECT {', '.join(V0_ONLY)} FROM events ORDER BY id").fetchall()
    indexes = {row[1] for row in raw.execute("PRAGMA index_list('events')")}
    raw.close()
    assert after == before  # every event, field for field, with its id
    assert "uq_events_dataset_annotator_client" in indexes
    # The old store-wide scope is gone: another annotator may use an id ana used.
    with nbl.open_store(path) as store:
        cid = before[1][1]
        event = {"dataset": "sms", "annotator": "cem", "kind": "label", "item_key": '"0"',
                 "value": "ham", "client_event_id": cid}  # fmt: skip
        again = store.append(event)
        assert again > before[-1][0]


def test_a_version_3_store_gains_the_secrets_table_and_keeps_its_events(store_target):
    with open_store(store_target) as store:
        store.append({"dataset": "sms", "annotator": "ana", "kind": "label", "value": "spam"})
    back_to_version(store_target, 3, drop=["store_secrets"])
    with open_store(store_target) as store:
        assert store.version == STORE_VERSION == 5
        assert store.events()["value"].tolist() == ["spam"]
        assert len(store.secret("pseudonym_key")) == 64


def test_a_version_4_store_gains_suggestion_withheld_and_keeps_its_events(store_target):
    with open_store(store_target) as store:
        store.append({"dataset": "sms", "annotator": "ana", "kind": "label", "value": "spam",
                      "suggestion": "ham", "suggestion_p": 0.7})  # fmt: skip
    engine = create_engine(store_target if "://" in store_target else f"sqlite:///{store_target}")
    with engine.begin() as connection:  # the layout-4 table: no column, version 4 recorded
        connection.execute(text("ALTER TABLE events DROP COLUMN suggestion_withheld"))
        connection.execute(text("DELETE FROM store_version"))
        connection.execute(
            text("INSERT INTO store_version (version, applied_at) VALUES (4, CURRENT_TIMESTAMP)")
        )
    engine.dispose()
    assert "suggestion_withheld" not in _columns(store_target, "events")
    with open_store(store_target) as store:
        assert store.version == STORE_VERSION == 5
        withheld = {"suggestion": "spam", "suggestion_p": 0.6, "suggestion_withheld": True}
        store.append({"dataset": "sms", "annotator": "ana", "kind": "label", "value": "ham",
                      **withheld})  # fmt: skip
        events = store.events()
    assert events["value"].tolist() == ["spam", "ham"]
    assert events["suggestion"].tolist() == ["ham", "spam"]
    assert events["suggestion_withheld"].isna().tolist() == [True, False]  # older: not known
    assert bool(events["suggestion_withheld"].iloc[1])


def test_suggestion_withheld_is_a_boolean_or_missing(store):
    with pytest.raises(ValueError, match="'withheld' must be true, false or None"):
        store.append({"dataset": "sms", "annotator": "ana", "kind": "label",
                      "suggestion_withheld": "yes"})  # fmt: skip
