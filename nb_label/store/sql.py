"""The append-only event store: SQLite by default, PostgreSQL by URL, one code path.

Every write is committed before it returns, so the caller can acknowledge it. Events are
never updated or deleted; undo is a new event that names the one it retracts.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.engine import make_url

from nb_label.errors import (
    StoreConnectionError,
    StoreCorruptError,
    StoreError,
    StoreLockedError,
    StoreReadOnlyError,
)
from nb_label.store import migrations
from nb_label.store.tables import EVENT_COLUMNS, datasets, events

_JSON_COLUMNS = ("value", "suggestion")


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=_jsonable)


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} cannot be stored as JSON")


def _masked(url: sa.URL) -> str:
    return url.render_as_string(hide_password=True)


def _as_url(target: str | Path) -> sa.URL:
    text = str(target)
    if "://" not in text:
        return make_url(f"sqlite:///{Path(text).expanduser().resolve()}")
    url = make_url(text)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


class Store:
    """An append-only event store.

    Use :func:`open_store` to make one.

    Parameters
    ----------
    url : sqlalchemy.URL
        Where the events live.
    busy_timeout : float, default 5.0
        Seconds a SQLite writer waits for another one before giving up.
    """

    def __init__(self, url: sa.URL, *, busy_timeout: float = 5.0) -> None:
        self._url = url
        self.dialect = url.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"nb_label stores events in SQLite or PostgreSQL, not {self.dialect}")
        self._engine = self._make_engine(busy_timeout)
        self._conn: sa.Connection | None = None
        # Built once: statements with bound parameters reuse SQLAlchemy's compiled cache.
        self._insert_event = events.insert().returning(events.c.id)
        self._find_client_id = sa.select(events.c.id).where(
            events.c.client_event_id == sa.bindparam("cid")
        )
        self._open()

    # -- connecting ---------------------------------------------------------------------------
    def _make_engine(self, busy_timeout: float) -> sa.Engine:
        if self.dialect == "postgresql":
            return sa.create_engine(self._url, pool_pre_ping=True, pool_size=5, max_overflow=5)
        database = self._url.database or ""
        if database and database != ":memory:" and "mode=ro" not in str(self._url):
            parent = Path(database).parent
            if not parent.exists():
                raise StoreError(
                    f"the folder {parent} for the store does not exist; create it or pick "
                    "another path"
                )
        engine = sa.create_engine(
            self._url, connect_args={"timeout": busy_timeout}, poolclass=sa.pool.StaticPool
        )
        timeout_ms = int(busy_timeout * 1000)

        @sa_event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not pysqlite, decide when transactions begin (see _on_begin).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
            if "mode=ro" not in str(self._url):
                cursor.execute("PRAGMA journal_mode = WAL")
                # NORMAL in WAL mode: a commit survives the process being killed (the kernel
                # dying), which is our promise; only a power cut may lose the last commits.
                cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()

        @sa_event.listens_for(engine, "begin")
        def _on_begin(conn: sa.Connection) -> None:
            # pysqlite emits no BEGIN itself; IMMEDIATE takes the write lock up front, so two
            # writers queue on busy_timeout instead of failing halfway through.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if not self._read_only else "BEGIN")

        return engine

    @property
    def _read_only(self) -> bool:
        return "mode=ro" in str(self._url)

    def _open(self) -> None:
        try:
            self._conn = self._engine.connect()
            with self._conn.begin():
                if self._read_only:
                    version = migrations.current_version(self._conn)
                    if version != migrations.STORE_VERSION:
                        raise StoreReadOnlyError(
                            f"the read-only store {self.url} needs an upgrade (version "
                            f"{version}); open it writable once"
                        )
                else:
                    migrations.migrate(self._conn)
        except StoreError:
            self.close()
            raise
        except sa.exc.DBAPIError as err:
            self.close()
            raise self._translate(err) from None

    def _translate(self, err: sa.exc.DBAPIError) -> StoreError:
        message = str(getattr(err, "orig", err)).strip().splitlines()[0] if err else ""
        lowered = message.lower()
        if self._url.password:
            message = message.replace(str(self._url.password), "***")
        if "file is not a database" in lowered or "malformed" in lowered:
            return StoreCorruptError(
                f"{self._url.database} is not an nb_label store or is damaged ({message}). "
                "It was not changed: restore it from a copy, or pass another store path"
            )
        if "readonly" in lowered or "read-only" in lowered:
            return StoreReadOnlyError(
                f"the store {self.url} is read-only ({message}); open a writable copy, or "
                "check the file's permissions and the disk"
            )
        if "locked" in lowered or "busy" in lowered:
            return StoreLockedError(
                f"the store {self.url} is locked by another process ({message}); nothing was "
                "lost. Close the other writer or try again"
            )
        if self.dialect == "postgresql" and isinstance(err, sa.exc.OperationalError):
            return StoreConnectionError(
                f"cannot reach the PostgreSQL store {self.url} ({message}); check the host, "
                "port, database name and credentials"
            )
        if "unable to open" in lowered:
            return StoreError(f"cannot open the store {self.url} ({message}); check the path")
        return StoreError(f"the store {self.url} failed: {message}")

    @property
    def url(self) -> str:
        """Where the store is, with any password masked."""
        return _masked(self._url)

    def __repr__(self) -> str:
        return f"<Store {self.url}>"

    def _connection(self) -> sa.Connection:
        if self._conn is None:
            raise StoreError("the store is closed; open it again with nb_label.open_store(...)")
        return self._conn

    # -- writing ------------------------------------------------------------------------------
    def _row(self, event: dict[str, Any], now: datetime) -> dict[str, Any]:
        unknown = set(event) - set(EVENT_COLUMNS)
        if unknown:
            raise ValueError(f"unknown event fields {sorted(unknown)}; known: {EVENT_COLUMNS}")
        for required in ("dataset", "annotator", "kind"):
            if not event.get(required):
                raise ValueError(f"an event needs a {required}")
        row = {c: event.get(c) for c in EVENT_COLUMNS if c != "id"}
        row["client_event_id"] = str(event.get("client_event_id") or uuid.uuid4().hex)
        row["value"] = _json(event.get("value"))
        row["suggestion"] = _json(event.get("suggestion"))
        row["client_time"] = _utc(event.get("client_time"))
        row["committed_at"] = now
        row["source"] = event.get("source") or "human"
        row["labelset_version"] = int(event.get("labelset_version") or 0)
        for number in ("seconds", "suggestion_p"):
            if row[number] is not None:
                row[number] = float(row[number])
                if not math.isfinite(row[number]):
                    row[number] = None
        return row

    def append(self, event: dict[str, Any]) -> int:
        """Commit one event and return its id.

        A ``client_event_id`` that is already stored is not stored again: the first event's
        id is returned, so a resent answer is saved once.
        """
        return self.append_many([event])[0]

    def append_many(self, new_events: Iterable[dict[str, Any]]) -> list[int]:
        """Commit several events in one transaction; return their ids in order."""
        conn = self._connection()
        now = datetime.now(timezone.utc)
        rows = [self._row(e, now) for e in new_events]
        ids: list[int] = []
        try:
            with conn.begin():
                for row in rows:
                    existing = conn.execute(
                        self._find_client_id, {"cid": row["client_event_id"]}
                    ).scalar()
                    if existing is not None:
                        ids.append(int(existing))
                        continue
                    result = conn.execute(self._insert_event, row)
                    ids.append(int(result.scalar_one()))
        except sa.exc.DBAPIError as err:
            raise self._translate(err) from None
        return ids

    # -- reading ------------------------------------------------------------------------------
    def _read(self, query: sa.Select) -> list[sa.Row]:
        conn = self._connection()
        try:
            with conn.begin():
                return list(conn.execute(query))
        except sa.exc.DBAPIError as err:
            raise self._translate(err) from None

    def events(
        self,
        dataset: str | None = None,
        *,
        annotator: str | None = None,
        kinds: Iterable[str] | None = None,
        since_id: int | None = None,
    ) -> pd.DataFrame:
        """Every matching event, oldest first, as a DataFrame (JSON fields decoded)."""
        query = sa.select(events).order_by(events.c.id)
        if dataset is not None:
            query = query.where(events.c.dataset == dataset)
        if annotator is not None:
            query = query.where(events.c.annotator == annotator)
        if kinds is not None:
            query = query.where(events.c.kind.in_(list(kinds)))
        if since_id is not None:
            query = query.where(events.c.id > since_id)
        rows = self._read(query)
        frame = pd.DataFrame.from_records(rows, columns=EVENT_COLUMNS)
        for column in _JSON_COLUMNS:
            frame[column] = pd.Series(
                [json.loads(v) if isinstance(v, str) else None for v in frame[column]],
                index=frame.index,
                dtype=object,
            )
        for column in ("client_time", "committed_at"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        frame["retracts"] = frame["retracts"].astype("Int64")
        frame["id"] = frame["id"].astype("int64")
        return frame

    def event_for_client_id(self, client_event_id: str) -> dict[str, Any] | None:
        """The stored event with this client id, or None."""
        rows = self._read(sa.select(events).where(events.c.client_event_id == client_event_id))
        if not rows:
            return None
        row = dict(rows[0]._mapping)
        for column in _JSON_COLUMNS:
            row[column] = None if row[column] is None else json.loads(row[column])
        return row

    # -- datasets -----------------------------------------------------------------------------
    def ensure_dataset(self, name: str, fingerprint: dict[str, Any]) -> dict[str, Any]:
        """Register a dataset's fingerprint if it is new; return the stored fingerprint."""
        stored = self._read(sa.select(datasets.c.fingerprint).where(datasets.c.name == name))
        if stored:
            return json.loads(stored[0][0])
        conn = self._connection()
        try:
            with conn.begin():
                conn.execute(
                    datasets.insert().values(
                        name=name,
                        fingerprint=json.dumps(fingerprint),
                        created_at=datetime.now(timezone.utc),
                    )
                )
        except sa.exc.IntegrityError:  # another annotator registered it first: theirs stands
            return self.ensure_dataset(name, fingerprint)
        except sa.exc.DBAPIError as err:
            raise self._translate(err) from None
        return fingerprint

    def update_dataset(self, name: str, fingerprint: dict[str, Any]) -> None:
        """Record a dataset's new fingerprint (after rows were appended)."""
        conn = self._connection()
        try:
            with conn.begin():
                conn.execute(
                    datasets.update()
                    .where(datasets.c.name == name)
                    .values(fingerprint=json.dumps(fingerprint))
                )
        except sa.exc.DBAPIError as err:
            raise self._translate(err) from None

    def datasets(self) -> pd.DataFrame:
        """Every dataset in the store: name, fingerprint, created_at."""
        rows = self._read(sa.select(datasets).order_by(datasets.c.created_at))
        frame = pd.DataFrame.from_records(rows, columns=["name", "fingerprint", "created_at"])
        frame["fingerprint"] = [json.loads(f) for f in frame["fingerprint"]]
        return frame

    # -- lifetime -----------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection (events are already committed)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(target: str | Path | Store, *, busy_timeout: float = 5.0) -> Store:
    """Open (or create) an event store.

    Parameters
    ----------
    target : str, Path or Store
        A SQLite file path, a SQLAlchemy URL (``sqlite:///...``, ``postgresql://...``) or an
        open store (returned as is).
    busy_timeout : float, default 5.0
        Seconds a SQLite writer waits for another one before giving up.

    Returns
    -------
    Store
    """
    if isinstance(target, Store):
        return target
    if not isinstance(target, (str, Path)) or not str(target).strip():
        raise ValueError("store= must be a file path, a database URL or an open store")
    try:
        url = _as_url(target)
    except sa.exc.ArgumentError as err:
        raise ValueError(f"{target!r} is not a file path or a database URL: {err}") from None
    return Store(url, busy_timeout=busy_timeout)
