"""Current labels and gold labels read in SQL, as stored (item keys and values as JSON text).

Used inside an assignment transaction (see :mod:`nb_label.store.slots`): adaptive overlap
decides whether an item needs another answer from the answers committed at that moment,
whichever kernel stored them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from nb_label.store import schema

_events = schema.events
# Bound parameters per IN (...) query: well under SQLite's and PostgreSQL's limits.
_CHUNK = 500


def _rows(connection: Connection, dataset: str, kinds: Sequence[str], item_keys):
    columns = (
        _events.c.id,
        _events.c.item_key,
        _events.c.annotator,
        _events.c.kind,
        _events.c.value,
        _events.c.retracts,
    )
    where = [_events.c.dataset == dataset, _events.c.kind.in_([*kinds, "retract"])]
    if item_keys is None:
        return connection.execute(select(*columns).where(*where).order_by(_events.c.id)).all()
    keys, rows = list(item_keys), []
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        query = select(*columns).where(*where, _events.c.item_key.in_(chunk))
        rows += connection.execute(query.order_by(_events.c.id)).all()
    rows.sort(key=lambda row: row.id)
    return rows


def _latest(rows, kind: str, by_annotator: bool) -> dict:
    """(item_key[, annotator]) -> the value text of the latest active event of ``kind``.

    A retraction cancels the event it names when both have the same annotator, as in
    :func:`nb_label.events.active_mask` (plain Python here: these reads are small and
    frequent).
    """
    cancelled = {(row.retracts, row.annotator) for row in rows if row.kind == "retract"}
    latest: dict = {}
    for row in rows:  # in id order: a later event replaces an earlier one
        if row.kind != kind or row.item_key is None or (row.id, row.annotator) in cancelled:
            continue
        latest[(row.item_key, row.annotator) if by_annotator else row.item_key] = row.value
    return latest


def labels(
    connection: Connection, dataset: str, item_keys: Sequence[str] | None = None
) -> dict[str, dict[str, str]]:
    """item key -> {annotator: label} of each annotator's current label (values as JSON text).

    Only the items in ``item_keys`` when given, else every item of the dataset.
    """
    by_item: dict[str, dict[str, str]] = {}
    for (key, annotator), value in _latest(
        _rows(connection, dataset, ("label",), item_keys), "label", True
    ).items():
        by_item.setdefault(key, {})[annotator] = value
    return by_item


def gold(connection: Connection, dataset: str) -> dict[str, str]:
    """item key -> the gold label in force (JSON text)."""
    return _latest(_rows(connection, dataset, ("gold",), None), "gold", False)
