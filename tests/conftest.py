"""Fixtures shared by every test folder: a real PostgreSQL database and store targets.

Also the core-only run: with ``NB_LABEL_CORE_ONLY=1`` (a ``pip install nb-label`` without
extras, as CI's core leg installs it) the tests of the optional parts are left out: whole
folders below, single tests by ``@pytest.mark.extra("learn")``. In a full run a test marked
with an extra that is missing fails under ``CI=true`` and is skipped otherwise.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

CORE_ONLY = os.environ.get("NB_LABEL_CORE_ONLY") == "1"

# Test folders and files that exercise only optional parts (an extra, or the dev tools:
# Playwright, Jupyter kernels, the reference agreement packages).
_NOT_CORE = [
    "e2e",
    "learn",
    "regions",
    "load",
    "test_dashboard.py",
    "test_plots.py",
    "quality/test_label_issues.py",
    "quality/test_agreement.py",
    "quality/test_label_order.py",
    "test_benchmark_readme.py",
]
collect_ignore = _NOT_CORE if CORE_ONLY else []

# A server where tests may create and drop databases; NB_LABEL_TEST_PG names another one.
_SERVER_URL = os.environ.get(
    "NB_LABEL_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


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


@pytest.fixture
def postgres_schema_factory(postgres_url):
    """Make fresh schemas (URLs) on demand, e.g. one per generated example; all dropped after."""
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    made = []

    def make() -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with engine.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        return postgres_schema_url(postgres_url, schema)

    yield make
    with engine.connect() as connection:
        for schema in made:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_target(request, tmp_path):
    """A fresh, empty store target: an SQLite file path, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "events.db")
    return request.getfixturevalue("postgres_schema")


# -- a private PostgreSQL cluster (initdb + pg_ctl), which a test may stop and start ----------
def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateCluster:
    """A throw-away PostgreSQL cluster: its own data folder, port and socket."""

    def __init__(self, initdb: str, pg_ctl: str) -> None:
        self.pg_ctl = pg_ctl
        self.folder = tempfile.mkdtemp(prefix="nbl-pg-")
        self.port = free_port()
        # PostgreSQL refuses to run as root; CI machines run tests as root.
        self.user = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("postgres")
            os.chown(self.folder, self.user.pw_uid, self.user.pw_gid)
        self.data = os.path.join(self.folder, "data")
        self._run(initdb, "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.user is not None:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    #: Trust authentication ignores it; it is there to prove it is never shown.
    password = "hunter2-secret"

    @property
    def url(self) -> str:
        return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = os.path.join(self.folder, "log")
        self._run(self.pg_ctl, "-D", self.data, "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run(self.pg_ctl, "-D", self.data, "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def private_postgres():
    """A private PostgreSQL cluster on a free port, for tests that stop the database."""
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        reason = "initdb/pg_ctl not found: install the server (apt-get install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    server = PrivateCluster(initdb, pg_ctl)
    server.start()
    yield server
    server.remove()


def pytest_configure(config):
    config.addinivalue_line("markers", "extra(name): needs nb_label's optional extra `name`")


def pytest_runtest_setup(item):
    from nb_label._extras import has_extra, install_hint

    for marker in item.iter_markers("extra"):
        extra = marker.args[0]
        if CORE_ONLY:
            pytest.skip(f"needs the {extra!r} extra; this is the core-only run")
        if not has_extra(extra):
            reason = f"needs the {extra!r} extra: {install_hint(extra)}"
            if os.environ.get("CI") == "true":
                pytest.fail(reason)
            pytest.skip(reason)


@contextlib.contextmanager
def sqlite_write_lock(path):
    """Another process holds the SQLite file's write lock while the block runs."""
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sqlite3, sys
            c = sqlite3.connect({str(path)!r}, isolation_level=None)
            c.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.communicate("")


@pytest.fixture
def hold_write_lock():
    """:func:`sqlite_write_lock`, as a fixture: ``with hold_write_lock(path): ...``."""
    return sqlite_write_lock
