"""Work assignment in SQL: who is offered which item when several annotators share a dataset.

Each item has ``overlap`` slots (rows of the ``slots`` table). An annotator leases a free slot
while the item sits in their card's buffer and marks it done when they answer. A lease ends at
``leased_until``; an expired lease is free for anyone else. The answer itself is always an
event: a slot that was lost to someone else never stops an answer from being stored.

Every function runs inside the caller's write transaction. On PostgreSQL free slots are taken
with ``FOR UPDATE SKIP LOCKED`` (two annotators never wait for, or take, the same slot); SQLite
serialises writers with ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy import Connection, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from nb_label.store import schema

_slots = schema.slots
# Bound parameters per IN (...) query: well under SQLite's and PostgreSQL's limits.
_CHUNK = 500


def _chunks(values: Sequence, size: int = _CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _free(now: dt.datetime):
    """Slots nobody holds: never leased, released, or whose lease has run out."""
    return and_(
        ~_slots.c.done,
        or_(
            _slots.c.annotator.is_(None),
            _slots.c.leased_until.is_(None),
            _slots.c.leased_until < now,
        ),
    )


def ensure(connection: Connection, dataset: str, item_keys: Sequence[str], overlap: int) -> int:
    """Create the slots ``0 .. overlap-1`` of every item that lacks them; return how many."""
    if connection.dialect.name == "postgresql":
        # Annotators opening a new dataset at once: one creates the slots, the others wait for
        # it and then find them (instead of each inserting thousands of conflicting rows).
        connection.execute(select(func.pg_advisory_xact_lock(func.hashtext(dataset))))
    keys = list(dict.fromkeys(item_keys))

    def count() -> int:
        # Only these items' slots: another annotator's subset (where=) may have made others.
        return sum(
            connection.execute(
                select(func.count())
                .select_from(_slots)
                .where(
                    _slots.c.dataset == dataset,
                    _slots.c.slot < overlap,
                    _slots.c.item_key.in_(chunk),
                )
            ).scalar_one()
            for chunk in _chunks(keys)
        )

    have = count()
    if have >= len(keys) * overlap:
        return 0
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = dialect_insert(_slots).on_conflict_do_nothing()
    rows = [
        {"dataset": dataset, "item_key": key, "slot": slot, "done": False}
        for key in keys
        for slot in range(overlap)
    ]
    for chunk in _chunks(rows, 5000):
        connection.execute(statement, chunk)
    if connection.dialect.name == "postgresql":
        # Fresh statistics, or the planner scans every slot of the dataset for each claim
        # (seen: 0.8 ms instead of 0.05 ms per lookup until autovacuum got round to it).
        connection.exec_driver_sql("ANALYZE slots")
    # Counted again: drivers do not all report rows inserted by a batch.
    return count() - have


def claim(
    connection: Connection,
    *,
    dataset: str,
    annotator: str,
    session_id: str,
    candidates: Sequence[str],
    n: int,
    overlap: int,
    now: dt.datetime,
    until: dt.datetime,
    wanted: Callable[[Connection, Mapping[str, int]], Mapping[str, int]] | None = None,
) -> tuple[list[str], set[str]]:
    """Lease up to ``n`` of ``candidates`` (in their order) to ``annotator``.

    An item is offered while fewer annotators answered or hold it than it wants: ``overlap``
    for every item, or, with ``wanted``, what ``wanted(connection, done)`` says in this
    transaction for each candidate given ``done`` (item key -> answers so far); ``overlap``
    is then the number of slots each item has (see :mod:`nb_label.adaptive`).

    Returns
    -------
    granted : list of str
        Item keys now leased to this annotator (their own open slots are renewed).
    closed : set of str
        Candidates this annotator will never be offered: they answered them already, or every
        slot is done.
    """
    rows = []
    for chunk in _chunks(list(candidates)):
        rows += connection.execute(
            select(
                _slots.c.id,
                _slots.c.item_key,
                _slots.c.annotator,
                _slots.c.session_id,
                _slots.c.leased_until,
                _slots.c.done,
            )
            .where(
                _slots.c.dataset == dataset,
                _slots.c.item_key.in_(chunk),
                _slots.c.slot < overlap,
            )
            .order_by(_slots.c.slot)
        ).all()
    by_key: dict[str, list] = {}
    for row in rows:
        by_key.setdefault(row.item_key, []).append(row)
    done = {key: sum(r.done for r in by_key.get(key, [])) for key in candidates}
    targets = dict.fromkeys(candidates, overlap) if wanted is None else wanted(connection, done)
    granted: list[str] = []
    closed: set[str] = set()
    renew_ids, take_ids = [], {}
    for key in candidates:
        if len(granted) + len(take_ids) >= n:
            break
        item_slots = by_key.get(key, [])
        mine = next((r for r in item_slots if r.annotator == annotator), None)
        if mine is not None:
            if mine.done:
                closed.add(key)
            elif (
                mine.session_id not in (None, session_id)
                and mine.leased_until is not None
                and mine.leased_until >= now
            ):
                pass  # held by this person's other notebook: one person, each item once
            else:
                renew_ids.append(mine.id)
                granted.append(key)
            continue
        if item_slots and done[key] >= min(targets[key], len(item_slots)):
            closed.add(key)  # answered by as many as it wants
            continue
        held = sum(
            not r.done
            and r.annotator is not None
            and r.leased_until is not None
            and r.leased_until >= now
            for r in item_slots
        )
        if done[key] + held >= targets[key]:
            continue  # the answers it wants are being given: someone else's for now
        # Always the lowest free slot: two claims that both judged the item open compete
        # for one row (the lock below lets one have it), so adaptive overlap never opens
        # two slots where it wanted one, even on PostgreSQL where claims run side by side.
        free = next(
            (
                r
                for r in item_slots
                if not r.done
                and (r.annotator is None or r.leased_until is None or r.leased_until < now)
            ),
            None,
        )
        if free is not None:
            take_ids[free.id] = key
    if take_ids:
        # Lock the chosen slots; another annotator's transaction may hold some of them, which
        # SKIP LOCKED passes over instead of waiting.
        lock = select(_slots.c.id).where(_slots.c.id.in_(list(take_ids)), _free(now))
        if connection.dialect.name == "postgresql":
            lock = lock.with_for_update(skip_locked=True)
        got = set(connection.execute(lock).scalars())
        if got:
            connection.execute(
                update(_slots)
                .where(_slots.c.id.in_(sorted(got)))
                .values(annotator=annotator, session_id=session_id, leased_until=until)
            )
        granted += [key for slot_id, key in take_ids.items() if slot_id in got]
    if renew_ids:
        connection.execute(
            update(_slots)
            .where(_slots.c.id.in_(renew_ids))
            .values(session_id=session_id, leased_until=until)
        )
    order = {key: i for i, key in enumerate(candidates)}
    granted.sort(key=order.__getitem__)
    return granted, closed


def complete(
    connection: Connection,
    *,
    dataset: str,
    annotator: str,
    session_id: str,
    item_key: str,
    overlap: int,
    now: dt.datetime,
) -> bool:
    """Mark this annotator's slot of an item done; True if the answer filled a slot.

    An answer that arrives after its lease ran out takes any slot still free; if none is left
    the item simply has one answer more than ``overlap`` (the answer is stored all the same).
    """
    done = connection.execute(
        update(_slots)
        .where(
            _slots.c.dataset == dataset,
            _slots.c.item_key == item_key,
            _slots.c.annotator == annotator,
        )
        .values(done=True, leased_until=None, session_id=session_id)
    ).rowcount
    if done:
        return True
    free = (
        select(_slots.c.id)
        .where(
            _slots.c.dataset == dataset,
            _slots.c.item_key == item_key,
            _slots.c.slot < overlap,
            _free(now),
        )
        .order_by(_slots.c.slot)
        .limit(1)
    )
    if connection.dialect.name == "postgresql":
        free = free.with_for_update(skip_locked=True)
    slot_id = connection.execute(free).scalar_one_or_none()
    if slot_id is None:
        return False
    try:
        # A savepoint: if this annotator's other session took a slot of the item meanwhile,
        # only this update is undone, never the answer stored in the same transaction.
        with connection.begin_nested():
            connection.execute(
                update(_slots)
                .where(_slots.c.id == slot_id)
                .values(annotator=annotator, session_id=session_id, leased_until=None, done=True)
            )
    except IntegrityError:
        return False
    return True


def reopen(
    connection: Connection,
    *,
    dataset: str,
    annotator: str,
    item_key: str,
    until: dt.datetime,
) -> None:
    """An answer was undone: the annotator's slot is open again, leased to them."""
    connection.execute(
        update(_slots)
        .where(
            _slots.c.dataset == dataset,
            _slots.c.item_key == item_key,
            _slots.c.annotator == annotator,
        )
        .values(done=False, leased_until=until)
    )


def renew(
    connection: Connection,
    *,
    dataset: str,
    annotator: str,
    session_id: str,
    item_keys: Sequence[str],
    until: dt.datetime,
) -> int:
    """Extend this session's open leases on ``item_keys`` (the heartbeat); return how many."""
    renewed = 0
    for chunk in _chunks(list(item_keys)):
        renewed += connection.execute(
            update(_slots)
            .where(
                _slots.c.dataset == dataset,
                _slots.c.annotator == annotator,
                _slots.c.session_id == session_id,
                ~_slots.c.done,
                _slots.c.item_key.in_(chunk),
            )
            .values(leased_until=until)
        ).rowcount
    return renewed


def release(
    connection: Connection,
    *,
    dataset: str,
    annotator: str,
    session_id: str,
    item_keys: Sequence[str] | None = None,
) -> int:
    """Give back this session's open leases (all of them, or on ``item_keys``)."""
    condition = and_(
        _slots.c.dataset == dataset,
        _slots.c.annotator == annotator,
        _slots.c.session_id == session_id,
        ~_slots.c.done,
    )
    statement = update(_slots).values(annotator=None, session_id=None, leased_until=None)
    if item_keys is None:
        return connection.execute(statement.where(condition)).rowcount
    released = 0
    for chunk in _chunks(list(item_keys)):
        released += connection.execute(
            statement.where(condition, _slots.c.item_key.in_(chunk))
        ).rowcount
    return released


def table(connection: Connection, dataset: str) -> list:
    """Every slot of a dataset: item_key, slot, annotator, session_id, leased_until, done."""
    return connection.execute(
        select(
            _slots.c.item_key,
            _slots.c.slot,
            _slots.c.annotator,
            _slots.c.session_id,
            _slots.c.leased_until,
            _slots.c.done,
        )
        .where(_slots.c.dataset == dataset)
        .order_by(_slots.c.id)
    ).all()
