"""Store targets become the right SQLAlchemy URLs (nb_label/store/engine.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nb_label.store.engine import masked, sqlite_path, target_url


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_plain_postgres_urls_use_psycopg_3(scheme):
    url = target_url(f"{scheme}://ana:s3cret@db.example:5433/labels")
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database, url.password) == (
        "db.example",
        5433,
        "labels",
        "s3cret",
    )
    assert masked(url) == "postgresql+psycopg://ana:***@db.example:5433/labels"


def test_an_explicit_driver_is_kept():
    assert target_url("postgresql+psycopg://a@h/d").drivername == "postgresql+psycopg"
    assert target_url("sqlite:///x.db").drivername == "sqlite"


def test_paths_become_absolute_sqlite_urls(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for target in ("labels.db", Path("labels.db")):
        url = target_url(target)
        assert url.drivername == "sqlite"
        assert Path(sqlite_path(url)) == tmp_path / "labels.db"


def test_memory_and_uri_filenames():
    assert sqlite_path(target_url(":memory:")) is None
    url = target_url("sqlite:///file:/data/labels.db?mode=ro&uri=true")
    assert sqlite_path(url) == "/data/labels.db"
