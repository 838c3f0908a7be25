"""The append-only event store on SQLite or PostgreSQL (SQLAlchemy Core, one code path).

Over 400 lines because it is the one class every reader and writer of the store goes
through; the SQL of leases lives in ``slots`` and of upgrades in ``migrations``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import numbers
import os
import secrets
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping

import pandas as pd
from sqlalchemy import Connection, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError

from nb_label.errors import ClientIdConflict, RetractionRefused, StoreError
from nb_label.store import current, encoding, engine, failures, guard, migrations, schema, slots
from nb_label.store.schema import EVENT_COLUMNS

# Names from the first draft of this module, still used by some callers.
_as_url = engine.target_url
_masked = engine.masked

_events = schema.events
_datasets = schema.datasets
# Bound parameters per IN (...) query; SQLite allows 32766, PostgreSQL 65535.
_CHUNK = 500
# Built once: SQLAlchemy then reuses the compiled SQL, which keeps append() fast.
_INSERT_EVENT = _events.insert().returning(_events.c.id)
# hashtext() turns the key into the advisory lock's number (PostgreSQL's own hash).
_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(hashtext(:key))")
_IDS_FOR_CLIENT_IDS = select(
    _events.c.client_event_id, _events.c.id, _events.c.kind, _events.c.item_key,
    _events.c.value, _events.c.note, _events.c.retracts,
).where(
    _events.c.dataset == bindparam("dataset"),
    _events.c.annotator == bindparam("annotator"),
    _events.c.client_event_id.in_(bindparam("client_ids", expanding=True)),
)  # fmt: skip
_RETRACTED = select(_events.c.dataset, _events.c.annotator, _events.c.kind).where(
    _events.c.id == bindparam("id")
)
#: What a retraction may name: an answer, a gold label or a review decision.
RETRACTABLE = ("label", "skip", "flag", "none_fits", "gold", "decision")


class Store:
    """An append-only log of annotation events in SQLite or PostgreSQL.

    Open one with :func:`open_store`. Events are never changed or deleted: an undo is a new
    ``retract`` event. Every :meth:`append` is committed before it returns.

    Parameters
    ----------
    target : str or os.PathLike
        A file path (an SQLite file, created if missing), ``":memory:"``, or a SQLAlchemy URL
        (``sqlite:///...``, ``postgresql://user:password@host/db``).
    busy_timeout : float, default 5.0
        Seconds to wait for another process's write lock before raising
        :class:`~nb_label.errors.StoreLockedError`.

    Attributes
    ----------
    url : str
        The store's URL with any password shown as ``***``.
    dialect : str
        ``"sqlite"`` or ``"postgresql"``.
    version : int
        The layout version of the store (see :mod:`nb_label.store.migrations`).
    """

    def __init__(self, target: str | os.PathLike, *, busy_timeout: float = 5.0) -> None:
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, (int, float)):
            raise ValueError(f"busy_timeout is in seconds (a number); got {busy_timeout!r}.")
        if busy_timeout < 0:
            raise ValueError(f"busy_timeout must be 0 or more seconds; got {busy_timeout!r}.")
        self._url = engine.target_url(target)
        self.url: str = engine.masked(self._url)
        self.dialect: str = self._url.get_backend_name()
        guard.check_folder(self._url)
        guard.refuse_foreign(self._url)
        self._engine = engine.build_engine(self._url, busy_timeout=busy_timeout)
        self._writer = self._engine.execution_options(nbl_write=True)
        self._closed = False
        # SQLite: keep one connection for the store's life (an append then costs a few
        # statements, no pool checkout). The lock lets a second thread share it safely.
        # PostgreSQL: a pooled connection per call, checked by pool_pre_ping.
        self._lock = threading.RLock()
        self._held: Connection | None = None
        try:
            with self._translated_errors():
                self.version: int = migrations.prepare(
                    self._engine, self._writer, where=self._where()
                )
                if self.dialect == "sqlite":
                    self._held = self._engine.connect()
        except BaseException:
            self._engine.dispose()
            raise

    # -- writing ---------------------------------------------------------------------------

    def append(self, event: Mapping, *, also: Callable[[Connection], None] | None = None) -> int:
        """Commit one event and return its id.

        Parameters
        ----------
        event : dict
            Fields from :data:`EVENT_COLUMNS` (``dataset``, ``annotator`` and ``kind`` are
            required; ``id`` and ``committed_at`` are set by the store). Without a
            ``client_event_id`` a random one is made.
        also : callable, optional
            Called with the connection inside the same transaction, after the insert (the
            labeller fills the item's assignment slot this way: one commit per answer).

        Returns
        -------
        int
            The new event's id or, if an event with the same ``client_event_id`` is already
            stored, that event's id (nothing new is stored: resending is safe).
        """
        return self.append_many([event], also=also)[0]

    def append_many(
        self, events: Iterable[Mapping], *, also: Callable[[Connection], None] | None = None
    ) -> list[int]:
        """Commit several events in one transaction; all are stored or none.

        Returns
        -------
        list of int
            One id per event, in order, as :meth:`append` would return.
        """
        events = list(events)
        if not events:
            return []
        with self._translated_errors():
            try:
                # Most events are new: insert straight away, without looking anything up.
                with self._transaction(write=True) as connection:
                    ids = self._insert(connection, events, known={})
                    if also is not None:
                        also(connection)
                    return ids
            except IntegrityError:
                # A client id of this annotator is stored already (a resend): that attempt
                # rolled back; look the stored ones up and insert only the others.
                with self._transaction(write=True) as connection:
                    known = self._ids_for_client_ids(connection, events)
                    ids = self._insert(connection, events, known=known)
                    if also is not None:
                        also(connection)
                    return ids

    def append_decided(self, event: Mapping, decide: Callable[[list[tuple]], None]) -> int:
        """Commit one event only if ``decide`` accepts it against the stored history.

        Inside one write transaction, with the dataset's events of this kind locked against
        other writers (SQLite's write lock; a transaction-scoped advisory lock on
        PostgreSQL), the stored events of ``event["kind"]`` are read (``id``,
        ``annotator``, ``value``, ``note``, ``committed_at``, oldest first) and passed to
        ``decide``, which raises to refuse; the event is appended only after it returns.
        Label-set changes use this, so a change is decided against the history as it
        stands, never against what a kernel last read.
        """
        names = ["id", "annotator", "value", "note", "committed_at"]
        query = self._events_query(
            names, dataset=event["dataset"], annotator=None, kinds=[event["kind"]],
            since_id=None, item_key=None,
        )  # fmt: skip
        with self._translated_errors(), self._transaction(write=True) as connection:
            if connection.dialect.name == "postgresql":
                key = f"nb_label|{event['dataset']}|{event['kind']}"
                connection.execute(_ADVISORY_LOCK, {"key": key})
            rows = [
                (r[0], r[1], encoding.decode_json(r[2]), r[3], r[4])
                for r in connection.execute(query).all()
            ]
            decide(rows)
            return self._insert(connection, [event], known={})[0]

    def _insert(self, connection: Connection, events: list[Mapping], *, known: dict) -> list[int]:
        committed_at = dt.datetime.now(dt.timezone.utc)
        ids = []
        # Each event is checked inside the transaction: a bad event anywhere in the batch
        # rolls back the whole batch.
        for event in events:
            scope = _scope(event)
            if scope is not None and scope in known:
                ids.append(_resent_id(known[scope], event))
                continue
            row = encoding.event_row(event, committed_at=committed_at)
            if row["kind"] == "retract":
                _check_retraction(connection, row)
            new_id = connection.execute(_INSERT_EVENT, row).scalar_one()
            known[(row["dataset"], row["annotator"], row["client_event_id"])] = (
                new_id, row["kind"], row["item_key"], row["value"], row["note"], row["retracts"]
            )  # fmt: skip
            ids.append(new_id)
        return ids

    def _ids_for_client_ids(self, connection: Connection, events: list[Mapping]) -> dict:
        """The stored events of these client ids, each in its (dataset, annotator) scope."""
        wanted: dict[tuple[str, str], set[str]] = {}
        for event in events:
            scope = _scope(event)
            if scope is not None:
                wanted.setdefault(scope[:2], set()).add(scope[2])
        found = {}
        for (dataset, annotator), client_ids in wanted.items():
            ordered = sorted(client_ids)
            for start in range(0, len(ordered), _CHUNK):
                chunk = ordered[start : start + _CHUNK]
                params = {"dataset": dataset, "annotator": annotator, "client_ids": chunk}
                for cid, *stored in connection.execute(_IDS_FOR_CLIENT_IDS, params).all():
                    found[(dataset, annotator, cid)] = tuple(stored)
        return found

    # -- reading ---------------------------------------------------------------------------

    def events(
        self,
        dataset: str | None = None,
        *,
        annotator: str | None = None,
        kinds: Iterable[str] | None = None,
        since_id: int | None = None,
        item_key: str | None = None,
        columns: Iterable[str] | None = None,
        as_frame: bool = True,
    ) -> pd.DataFrame | tuple[list[str], list[tuple]]:
        """Every matching event, ordered by id.

        Parameters
        ----------
        dataset : str, optional
            Only this dataset's events.
        annotator : str, optional
            Only this annotator's events.
        kinds : iterable of str, optional
            Only events of these kinds (e.g. ``["label", "retract"]``).
        since_id : int, optional
            Only events with an id greater than this (for incremental reads).
        item_key : str, optional
            Only events about this item (its key as stored: JSON text, see
            ``nb_label._keys.encode_key``).
        columns : iterable of str, optional
            The fields to read, from :data:`EVENT_COLUMNS` (default: all, in that order).
        as_frame : bool, default True
            A DataFrame, or (``False``) plain tuples: quicker when no DataFrame is needed.

        Returns
        -------
        pandas.DataFrame
            With ``as_frame=True``: the columns asked for; ``value`` and ``suggestion`` decoded
            from JSON, times timezone-aware UTC. Empty (with the same columns) when nothing
            matches.
        (names, rows) : tuple of list of str and list of tuple
            With ``as_frame=False``: the column names, and one tuple per event in that order,
            decoded the same way, missing values as None.
        """
        names = list(schema.EVENT_COLUMNS if columns is None else columns)
        unknown = [name for name in names if name not in schema.EVENT_COLUMNS]
        if unknown:
            raise ValueError(f"unknown event columns {unknown}; choose from {EVENT_COLUMNS}.")
        query = self._events_query(
            names,
            dataset=dataset,
            annotator=annotator,
            kinds=kinds,
            since_id=since_id,
            item_key=item_key,
        )
        with self._translated_errors(), self._transaction(write=False) as connection:
            rows = connection.execute(query).all()
        if as_frame:
            return encoding.events_frame(rows, names)
        json_at = [i for i, name in enumerate(names) if name in ("value", "suggestion")]
        if not json_at:
            return names, [tuple(row) for row in rows]
        decoded = []
        for row in rows:
            row = list(row)
            for i in json_at:
                row[i] = encoding.decode_json(row[i])
            decoded.append(tuple(row))
        return names, decoded

    def event_rows(self, dataset: str | None = None, **options) -> tuple[list[str], list[tuple]]:
        """Deprecated: use ``events(..., as_frame=False)``, which returns the same."""
        warnings.warn(
            "Store.event_rows() is deprecated and will be removed in nb_label 0.3: use "
            "Store.events(..., as_frame=False), which returns the same (names, rows).",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.events(dataset, as_frame=False, **options)

    def _events_query(self, names, *, dataset, annotator, kinds, since_id, item_key):
        query = select(*(_events.c[name] for name in names))
        if dataset is not None:
            query = query.where(_events.c.dataset == dataset)
        if item_key is not None:  # served by the (dataset, item_key) index
            query = query.where(_events.c.item_key == item_key)
        if annotator is not None:
            query = query.where(_events.c.annotator == annotator)
        if kinds is not None:
            if isinstance(kinds, str):
                kinds = [kinds]
            query = query.where(_events.c.kind.in_(list(kinds)))
        if since_id is not None:
            # int() also turns a numpy integer (which SQLite would bind as a blob) into a number.
            query = query.where(_events.c.id > _as_id(since_id))
        return query.order_by(_events.c.id)

    def event_for_client_id(
        self, client_event_id: str, *, dataset: str | None = None, annotator: str | None = None
    ) -> dict | None:
        """The stored event with this ``client_event_id`` as a dict, or None.

        A client id names one event of one annotator in one dataset: give ``dataset`` and
        ``annotator`` (without them, the first event with that id anywhere).
        """
        query = select(_events).where(_events.c.client_event_id == str(client_event_id))
        if dataset is not None:
            query = query.where(_events.c.dataset == dataset)
        if annotator is not None:
            query = query.where(_events.c.annotator == annotator)
        query = query.order_by(_events.c.id).limit(1)
        with self._translated_errors(), self._transaction(write=False) as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else encoding.event_dict(row)

    # -- datasets --------------------------------------------------------------------------

    def ensure_dataset(self, name: str, fingerprint: Mapping) -> dict:
        """Register ``name`` with ``fingerprint`` unless known; return the stored fingerprint.

        The caller compares the returned fingerprint with its own to notice a changed dataset.
        """
        _check_dataset_name(name)
        text = encoding.encode_json(dict(fingerprint), field="fingerprint")
        query = select(_datasets.c.fingerprint).where(_datasets.c.name == name)
        with self._translated_errors():
            try:
                with self._transaction(write=True) as connection:
                    stored = connection.execute(query).scalar_one_or_none()
                    if stored is not None:
                        return encoding.decode_json(stored)
                    connection.execute(
                        _datasets.insert().values(
                            name=name,
                            fingerprint=text,
                            created_at=dt.datetime.now(dt.timezone.utc),
                        )
                    )
            except IntegrityError:
                # Another annotator registered it at the same moment (PostgreSQL only;
                # SQLite's BEGIN IMMEDIATE serialises the two): theirs is the stored one.
                with self._transaction(write=False) as connection:
                    return encoding.decode_json(connection.execute(query).scalar_one())
        return encoding.decode_json(text)

    def update_dataset(self, name: str, fingerprint: Mapping) -> None:
        """Replace the stored fingerprint of ``name`` (registering it if unknown)."""
        _check_dataset_name(name)
        text = encoding.encode_json(dict(fingerprint), field="fingerprint")
        with self._translated_errors(), self._transaction(write=True) as connection:
            updated = connection.execute(
                _datasets.update().where(_datasets.c.name == name).values(fingerprint=text)
            ).rowcount
            if not updated:
                connection.execute(
                    _datasets.insert().values(
                        name=name, fingerprint=text, created_at=dt.datetime.now(dt.timezone.utc)
                    )
                )

    def secret(self, name: str) -> str:
        """The store's own secret ``name`` (made once, at random, on first use); never exported.

        Made and read inside one write transaction, so two kernels asking at once get the
        same secret.
        """
        table = schema.store_secrets
        query = select(table.c.value).where(table.c.name == name)
        with self._translated_errors(), self._transaction(write=True) as connection:
            found = connection.execute(query).scalar_one_or_none()
            if found is None:
                insert = (postgresql_insert if self.dialect == "postgresql" else sqlite_insert)(
                    table
                ).values(
                    name=name,
                    value=secrets.token_hex(32),
                    created_at=dt.datetime.now(dt.timezone.utc),
                )
                connection.execute(insert.on_conflict_do_nothing(index_elements=["name"]))
                found = connection.execute(query).scalar_one()
        return found

    def datasets(self) -> pd.DataFrame:
        """Registered datasets: columns ``name``, ``fingerprint`` (dict), ``created_at`` (UTC)."""
        query = select(_datasets.c.name, _datasets.c.fingerprint, _datasets.c.created_at)
        with self._translated_errors(), self._transaction(write=False) as connection:
            rows = connection.execute(query.order_by(_datasets.c.name)).all()
        return pd.DataFrame(
            {
                "name": pd.Series([r[0] for r in rows], dtype="str"),
                "fingerprint": pd.Series(
                    [encoding.decode_json(r[1]) for r in rows], dtype="object"
                ),
                "created_at": pd.Series(pd.to_datetime([r[2] for r in rows], utc=True)).astype(
                    "datetime64[us, UTC]"
                ),
            }
        )

    def annotators(self, dataset: str) -> list[str]:
        """The names of everyone with an event in ``dataset``, sorted."""
        query = select(_events.c.annotator).where(_events.c.dataset == dataset).distinct()
        with self._translated_errors(), self._transaction(write=False) as connection:
            return sorted(connection.execute(query).scalars())

    def last_event_id(self, dataset: str) -> int:
        """The id of the newest event in ``dataset`` (0 when it has none)."""
        query = select(func.max(_events.c.id)).where(_events.c.dataset == dataset)
        with self._translated_errors(), self._transaction(write=False) as connection:
            return int(connection.execute(query).scalar() or 0)

    # -- assignment (overlap=) ---------------------------------------------------------------
    # Thin wrappers: the SQL lives in nb_label.store.slots; see nb_label.assign for the rules.

    def ensure_slots(self, dataset: str, item_keys: Iterable[str], overlap: int) -> int:
        """Create ``overlap`` slots for every item key that lacks them; return how many."""
        keys = list(item_keys)
        with self._translated_errors(), self._transaction(write=True) as connection:
            return slots.ensure(connection, dataset, keys, int(overlap))

    def claim_slots(self, **kwargs) -> tuple[list[str], set[str]]:
        """Lease items to an annotator; see :func:`nb_label.store.slots.claim`."""
        with self._translated_errors():
            for attempt in range(3):
                try:
                    with self._transaction(write=True) as connection:
                        return slots.claim(connection, **kwargs)
                except IntegrityError:
                    # The same annotator, in another session, took a slot of one of these
                    # items at the same moment: read again and choose again.
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")

    def stored_labels(self, dataset: str) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
        """Current labels (item key -> {annotator: label}) and gold labels (item key ->
        label), keys and labels as stored JSON text; see :mod:`nb_label.store.current`."""
        with self._translated_errors(), self._transaction(write=False) as connection:
            return current.labels(connection, dataset), current.gold(connection, dataset)

    def reopen_slot(self, **kwargs) -> None:
        """Open an annotator's slot again after an undo."""
        with self._translated_errors(), self._transaction(write=True) as connection:
            slots.reopen(connection, **kwargs)

    def renew_leases(self, **kwargs) -> int:
        """Extend a session's open leases (the heartbeat)."""
        with self._translated_errors(), self._transaction(write=True) as connection:
            return slots.renew(connection, **kwargs)

    def release_leases(self, **kwargs) -> int:
        """Give back a session's open leases."""
        with self._translated_errors(), self._transaction(write=True) as connection:
            return slots.release(connection, **kwargs)

    def slots(self, dataset: str) -> pd.DataFrame:
        """Every slot of ``dataset``: ``item_key``, ``slot``, ``annotator``, ``session_id``,
        ``leased_until`` and ``done`` (empty when the dataset is not shared with overlap=)."""
        with self._translated_errors(), self._transaction(write=False) as connection:
            rows = slots.table(connection, dataset)
        columns = ["item_key", "slot", "annotator", "session_id", "leased_until", "done"]
        frame = pd.DataFrame([tuple(row) for row in rows], columns=columns)
        frame["done"] = frame["done"].astype(bool)
        return frame

    # -- lifetime --------------------------------------------------------------------------

    def close(self) -> None:
        """Close the store's connections. Closing twice is harmless."""
        with self._lock:
            self._closed = True
            if self._held is not None:
                self._held.close()
                self._held = None
            self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return f"<Store{state} {self.url}>"

    def _where(self) -> str:
        return engine.sqlite_path(self._url) or self.url

    @contextlib.contextmanager
    def _transaction(self, *, write: bool) -> Iterator[Connection]:
        """A transaction that commits on success; ``write`` takes SQLite's write lock first."""
        with self._lock:
            if self._closed:
                raise StoreError(
                    f"The store {self.url} is closed; open it again with open_store()."
                )
            if self._held is None:
                with (self._writer if write else self._engine).begin() as connection:
                    yield connection
                return
            self._held.execution_options(nbl_write=write)
            with self._held.begin():
                yield self._held

    @contextlib.contextmanager
    def _translated_errors(self) -> Iterator[None]:
        try:
            yield
        except DBAPIError as exc:
            error = failures.translate(exc, self._url)
            # The driver's exception could echo connection details: with a password in play,
            # keep it out of the traceback (the message already carries its masked text).
            if self._url.password:
                raise error from None
            raise error from exc


def _scope(event: Mapping) -> tuple[str, str, str] | None:
    """(dataset, annotator, client id): what a client id is unique within."""
    client_id = encoding.client_id_of(event)
    if client_id is None or not isinstance(event, Mapping):
        return None
    return (event.get("dataset"), event.get("annotator"), client_id)


def _resent_id(stored: tuple, event: Mapping) -> int:
    """The stored event's id for a resend; a different answer under the same id is refused."""
    event_id, kind, item_key, value, note, retracts = stored
    again = (
        kind == event.get("kind")
        and item_key == event.get("item_key")
        and value == encoding.encode_json(event.get("value"), field="value")
        and (note or None) == (event.get("note") or None)
        and retracts == event.get("retracts")
    )
    if not again:
        raise ClientIdConflict(
            f"client id {encoding.client_id_of(event)!r} of {event.get('annotator')!r} already "
            f"names another event ({kind} of item {item_key}); nothing was stored. A resend "
            "must repeat the same answer; a new answer needs a new id"
        )
    return event_id


def _check_retraction(connection: Connection, row: Mapping) -> None:
    """A retraction names an answer of the same annotator in the same dataset, or nothing."""
    if row["retracts"] is None:
        raise RetractionRefused("a retraction must name the event it retracts (retracts=)")
    named = connection.execute(_RETRACTED, {"id": row["retracts"]}).first()
    if named is None or named.dataset != row["dataset"]:
        raise RetractionRefused(
            f"event {row['retracts']} is not an event of dataset {row['dataset']!r}; "
            "nothing was retracted"
        )
    if named.annotator != row["annotator"]:
        raise RetractionRefused(
            f"event {row['retracts']} is {named.annotator!r}'s; nobody retracts another "
            "person's answer (owners overrule with review decisions). Nothing was retracted"
        )
    if named.kind not in RETRACTABLE:
        raise RetractionRefused(
            f"event {row['retracts']} is a {named.kind} event, which cannot be retracted"
        )


def _as_id(value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"since_id must be an event id (an integer); got {value!r}.")
    return int(value)


def _check_dataset_name(name) -> None:
    if not isinstance(name, str) or not name:
        raise ValueError(f"A dataset name must be a non-empty string; got {name!r}.")


def open_store(target: str | os.PathLike | Store, *, busy_timeout: float = 5.0) -> Store:
    """Open (creating or upgrading if needed) the event store at ``target``.

    Parameters
    ----------
    target : str, os.PathLike or Store
        A file path for an SQLite store (created if missing), ``":memory:"``, a SQLAlchemy
        URL (``sqlite:///labels.db``, ``postgresql://user:password@host/db``; plain
        ``postgresql://`` uses the psycopg 3 driver), or an open :class:`Store`, returned as
        is.
    busy_timeout : float, default 5.0
        Seconds to wait for another process's write lock before raising
        :class:`~nb_label.errors.StoreLockedError`.

    Returns
    -------
    Store

    Raises
    ------
    nb_label.errors.StoreError
        A subclass saying what went wrong and what to do: the file is not a database, the
        server cannot be reached, the store is newer than this nb_label, ...
    """
    if isinstance(target, Store):
        return target
    return Store(target, busy_timeout=busy_timeout)
