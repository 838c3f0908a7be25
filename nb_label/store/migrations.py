"""Store layout versions and the upgrades between them.

Version 0 (nb_label before the ``store_version`` table): ``events`` without ``session_id``,
``suggestion``, ``suggestion_p`` and ``labelset_version``, and no index on
(dataset, annotator, id). Version 1 adds them; version 2 (:mod:`nb_label.store.schema`) adds
the ``slots`` table that assigns items when several annotators share a dataset; version 3
scopes client event ids per (dataset, annotator) and adds ``content_sha``; version 4 adds
``store_secrets`` (the pseudonym key); version 5 adds ``suggestion_withheld`` (whether the
recorded suggestion was withheld from the annotator, on a control item).

Opening a store upgrades it in place, in one transaction: either every step lands or none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Connection, Engine, func, inspect, select
from sqlalchemy.schema import CreateColumn

from nb_label.errors import StoreVersionError
from nb_label.store import schema

# Any constant works: it only has to be the same for every nb_label process.
_PG_MIGRATION_LOCK = 0x6E626C31


def _upgrade_0_to_1(connection: Connection) -> None:
    for name in ("session_id", "suggestion", "suggestion_p", "labelset_version"):
        spec = CreateColumn(schema.events.c[name]).compile(dialect=connection.dialect)
        connection.exec_driver_sql(f"ALTER TABLE events ADD COLUMN {spec}")
    for index in schema.events.indexes:
        index.create(connection, checkfirst=True)
    schema.store_version.create(connection)


def _upgrade_1_to_2(connection: Connection) -> None:
    schema.slots.create(connection)


def _upgrade_2_to_3(connection: Connection) -> None:
    """Client ids unique per (dataset, annotator), not store-wide; ``content_sha`` added.

    Every id unique in the whole store is unique in its scope too, so no event changes.
    PostgreSQL drops the old constraint in place. SQLite cannot drop a table's UNIQUE
    constraint, so the events are copied, in id order and with their ids, into a table of
    the new layout (once, inside the upgrade's transaction).
    """
    spec = CreateColumn(schema.events.c.content_sha).compile(dialect=connection.dialect)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "ALTER TABLE events DROP CONSTRAINT IF EXISTS uq_events_client_event_id"
        )
        connection.exec_driver_sql(f"ALTER TABLE events ADD COLUMN IF NOT EXISTS {spec}")
        for index in schema.events.indexes:
            index.create(connection, checkfirst=True)
        return
    old = [c["name"] for c in inspect(connection).get_columns("events")]
    connection.exec_driver_sql("ALTER TABLE events RENAME TO events_v2")
    for index in inspect(connection).get_indexes("events_v2"):
        connection.exec_driver_sql(f'DROP INDEX IF EXISTS "{index["name"]}"')
    schema.events.create(connection)
    names = ", ".join(old)
    connection.exec_driver_sql(
        f"INSERT INTO events ({names}) SELECT {names} FROM events_v2 ORDER BY id"
    )
    connection.exec_driver_sql("DROP TABLE events_v2")


def _upgrade_3_to_4(connection: Connection) -> None:
    schema.store_secrets.create(connection)


def _upgrade_4_to_5(connection: Connection) -> None:
    """``suggestion_withheld`` added: missing on every older event (nothing was withheld)."""
    if "suggestion_withheld" in {c["name"] for c in inspect(connection).get_columns("events")}:
        return  # SQLite's step 2 to 3 rebuilt the table in the current layout already
    spec = CreateColumn(schema.events.c.suggestion_withheld).compile(dialect=connection.dialect)
    connection.exec_driver_sql(f"ALTER TABLE events ADD COLUMN {spec}")


#: ``MIGRATIONS[v]`` upgrades a store at version ``v`` to ``v + 1``.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    0: _upgrade_0_to_1,
    1: _upgrade_1_to_2,
    2: _upgrade_2_to_3,
    3: _upgrade_3_to_4,
    4: _upgrade_4_to_5,
}


def stored_version(connection: Connection) -> int | None:
    """The layout version of the database, or None if it holds no store yet."""
    tables = set(inspect(connection).get_table_names())
    if "store_version" in tables:
        return connection.execute(select(func.max(schema.store_version.c.version))).scalar_one()
    if "events" in tables:
        return 0
    return None


def prepare(reader: Engine, writer: Engine, *, where: str) -> int:
    """Create or upgrade the store so it has the current layout; return its version.

    Parameters
    ----------
    reader, writer
        The store's engine for reads, and for writes (SQLite ``BEGIN IMMEDIATE``).
    where
        The store's masked URL or path, for messages.
    """
    with reader.connect() as connection:
        version = stored_version(connection)
    _check_not_newer(version, where)
    if version == schema.STORE_VERSION:
        return version
    with writer.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two processes opening a new database at once must not both create it.
            connection.execute(select(func.pg_advisory_xact_lock(_PG_MIGRATION_LOCK)))
        version = stored_version(connection)
        _check_not_newer(version, where)
        if version is None:
            schema.metadata.create_all(connection)
            _record(connection, schema.STORE_VERSION)
        else:
            for step in range(version, schema.STORE_VERSION):
                MIGRATIONS[step](connection)
                _record(connection, step + 1)
    return schema.STORE_VERSION


def _check_not_newer(version: int | None, where: str) -> None:
    if version is not None and version > schema.STORE_VERSION:
        raise StoreVersionError(
            f"The store {where} has layout version {version}, but this nb_label only knows "
            f"versions up to {schema.STORE_VERSION}. Upgrade nb_label "
            "(pip install -U nb-label) to open it; it was left unchanged."
        )


def _record(connection: Connection, version: int) -> None:
    connection.execute(
        schema.store_version.insert().values(
            version=version, applied_at=dt.datetime.now(dt.timezone.utc)
        )
    )
