"""Turn a store target (path or URL) into a configured SQLAlchemy engine."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from nb_label._extras import require

_POSTGRES_DRIVER = "postgresql+psycopg"
# "host=... dbname=... password=...": libpq's key=value form, which is not a path.
_LIBPQ_STRING = re.compile(r"(?:^|\s)(?:host|hostaddr|dbname|user|password|port)\s*=")


def target_url(target: str | os.PathLike) -> URL:
    """Return the SQLAlchemy URL for a path or URL string.

    A path (or ``":memory:"``) means an SQLite file; ``postgresql://`` and ``postgres://`` use
    the psycopg 3 driver.
    """
    if isinstance(target, os.PathLike) or (isinstance(target, str) and "://" not in target):
        text = os.fspath(target)
        if isinstance(target, str) and _LIBPQ_STRING.search(text):
            # Not a file name: it would become an SQLite file named after the password.
            raise ValueError(
                "open_store() was given a libpq connection string (key=value ...); write it "
                "as a URL instead: postgresql://user:password@host:5432/dbname (the password "
                "is never shown)."
            )
        if text == ":memory:":
            return make_url("sqlite://")
        if not text:
            raise ValueError("open_store() needs a file path or a database URL, not ''.")
        return URL.create("sqlite", database=str(Path(text).expanduser().absolute()))
    if not isinstance(target, str):
        raise ValueError(
            f"open_store() takes a path, a database URL or a Store, not {type(target).__name__}."
        )
    try:
        url = make_url(target)
    except ArgumentError:
        raise ValueError(
            "open_store() could not read that URL; write it as sqlite:///path/to/file.db or "
            "postgresql://user:password@host:5432/database."
        ) from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername=_POSTGRES_DRIVER)
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(
            f"nb_label keeps events in SQLite or PostgreSQL, not {url.get_backend_name()}; "
            "pass a file path or a postgresql:// URL."
        )
    return url


def _is_secret_parameter(name: str) -> bool:
    # libpq's password and sslpassword, in any case; the same for names drivers add.
    return "password" in name.lower()


def secrets_of(url: URL) -> list[str]:
    """Every secret the URL holds: its password and its query's password parameters."""
    found = [str(url.password)] if url.password else []
    for name, value in url.query.items():
        if _is_secret_parameter(name):
            found += [str(v) for v in (value if isinstance(value, tuple) else (value,))]
    return [secret for secret in found if secret]


def masked(url: URL) -> str:
    """The URL as text with every secret replaced by ``***``: the one function for showing
    a store's URL (in reprs, messages, errors and the card)."""
    hidden = {name: "***" for name in url.query if _is_secret_parameter(name)}
    shown = url.update_query_dict(hidden) if hidden else url
    return shown.render_as_string(hide_password=True).replace("%2A%2A%2A", "***")


def without_secrets(text: str, url: URL) -> str:
    """``text`` (a driver's message, say) with every secret of ``url`` replaced by ``***``."""
    for secret in sorted(secrets_of(url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def sqlite_path(url: URL) -> str | None:
    """The file an SQLite URL points at (None for an in-memory database)."""
    database = url.database or ""
    if database in ("", ":memory:"):
        return None
    if database.startswith("file:"):
        return database[len("file:") :].split("?", 1)[0]
    return database


def build_engine(url: URL, *, busy_timeout: float) -> Engine:
    """Create the engine for ``url`` with the settings the store relies on."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, busy_timeout=busy_timeout)
    return _postgres_engine(url, busy_timeout=busy_timeout)


def _sqlite_engine(url: URL, *, busy_timeout: float) -> Engine:
    in_memory = sqlite_path(url) is None
    options: dict = {"connect_args": {"check_same_thread": False}}
    if in_memory:
        # Every connection to ":memory:" is a new empty database: share a single one.
        options["poolclass"] = StaticPool
    else:
        # The pool keeps the connection open between appends (opening one costs more than
        # the whole append); a single connection serves the kernel's one thread.
        options.update(pool_size=1, max_overflow=4)
    engine = create_engine(url, **options)
    timeout_ms = int(busy_timeout * 1000)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):
        # pysqlite would otherwise decide on its own when to BEGIN (and never IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            # In WAL mode, NORMAL skips the fsync at each commit but a commit still reaches
            # the OS before append() returns: it survives the Python process dying (crash,
            # SIGKILL, kernel restart), which is what we promise. Only a power cut or OS crash
            # can lose the last commits, and never corrupts the file.
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        # Writers take the write lock up front, so a busy database makes them wait
        # busy_timeout instead of failing halfway with a lock upgrade error.
        immediate = connection.get_execution_options().get("nbl_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _postgres_engine(url: URL, *, busy_timeout: float) -> Engine:
    require("postgres", feature="a PostgreSQL store")
    connect_args = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = 10
    # A class of 30 kernels shares one server (100 connections by default): each kernel keeps
    # a small pool, one connection for its answers and one for a dashboard's timer.
    engine = create_engine(
        url, pool_pre_ping=True, pool_size=2, max_overflow=3, connect_args=connect_args
    )
    timeout_ms = max(1, int(busy_timeout * 1000))

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):
        # Like SQLite's busy_timeout: wait this long for a lock, then fail instead of hanging.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute(f"SET lock_timeout = {timeout_ms}")
        dbapi_connection.autocommit = autocommit

    return engine
