"""Store layout versions and the upgrades between them.

Version 0 was the first layout: an ``events`` table without ``session_id``,
``suggestion``, ``suggestion_p`` and ``labelset_version``, a ``datasets`` table, and no
``store_version`` table. Version 1 adds those columns and the version table. Each upgrade
runs inside one transaction, so a failure leaves the store as it was.
"""

from __future__ import annotations

import sqlalchemy as sa

from nb_label.errors import StoreError
from nb_label.store.tables import STORE_VERSION, metadata, store_version


def _v0_to_v1(conn: sa.Connection) -> None:
    for column, kind in [
        ("session_id", "VARCHAR(64)"),
        ("suggestion", "TEXT"),
        ("suggestion_p", "FLOAT"),
        ("labelset_version", "INTEGER NOT NULL DEFAULT 0"),
    ]:
        conn.exec_driver_sql(f"ALTER TABLE events ADD COLUMN {column} {kind}")


UPGRADES = {0: _v0_to_v1}


def current_version(conn: sa.Connection) -> int | None:
    """The layout version of the database, or None for an empty database."""
    tables = set(sa.inspect(conn).get_table_names())
    if "store_version" in tables:
        return int(conn.execute(sa.select(store_version.c.version)).scalar_one())
    if "events" in tables:
        return 0
    return None


def migrate(conn: sa.Connection) -> int:
    """Create or upgrade the layout inside the caller's transaction; return the version."""
    version = current_version(conn)
    if version is None:
        metadata.create_all(conn)
        conn.execute(store_version.insert().values(version=STORE_VERSION))
        return STORE_VERSION
    if version > STORE_VERSION:
        raise StoreError(
            f"this store has layout version {version}, newer than this nb_label understands "
            f"({STORE_VERSION}); upgrade nb_label (pip install -U nb-label)"
        )
    while version < STORE_VERSION:
        UPGRADES[version](conn)
        version += 1
    if "store_version" not in set(sa.inspect(conn).get_table_names()):
        store_version.create(conn)
        conn.execute(store_version.insert().values(version=version))
    else:
        conn.execute(store_version.update().values(version=version))
    metadata.create_all(conn)  # indexes and tables added since (no-op when present)
    return version
