"""Fixtures shared by every test folder: a real PostgreSQL database and store targets."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _admin_engine():
    return create_engine(
        _SERVER_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )


@pytest.fixture(scope="session")
def postgres_url():
    """URL of a fresh PostgreSQL database for this test session, dropped at the end.

    Fails (with CI=true) or skips when the server on 127.0.0.1:5432 cannot be reached.
    """
    admin = _admin_engine()
    name = f"nbl_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        reason = (
            "PostgreSQL not reachable on 127.0.0.1:5432: start it (apt-get install postgresql; "
            f"trust auth for user postgres) to run the PostgreSQL tests ({exc.orig})"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    yield make_url(_SERVER_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def postgres_schema_url(database_url: str, schema: str) -> str:
    """``database_url`` with every connection's search_path set to ``schema``."""
    url = make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture
def postgres_schema(postgres_url):
    """URL of a fresh, empty schema in the session's database, dropped after the test."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield postgres_schema_url(postgres_url, schema)
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_target(request, tmp_path):
    """A fresh, empty store target: an SQLite file path, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "events.db")
    return request.getfixturevalue("postgres_schema")
