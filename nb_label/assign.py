"""Work assignment for a shared dataset: each item gets ``overlap`` answers from different people.

``overlap`` is a number, or :class:`nb_label.Adaptive` (between ``min`` and ``max`` answers,
as many as the item's consensus needs; see :mod:`nb_label.adaptive`).

Only what sits in a card's buffer is leased. A lease lasts ``lease_seconds`` and the card's
heartbeat renews it, so a closed laptop holds nothing for long. An answer always becomes an
event, even when its lease ran out and the item went to someone else: human work is never
thrown away, and the item then has one answer more than ``overlap``.

:class:`Assignment` keeps one labeller's side of it (what this session holds, which items are
closed to it); the SQL is in :mod:`nb_label.store.slots`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import Connection

from nb_label.adaptive import Adaptive, AdaptiveJudge
from nb_label.store import Store, slots

#: Answer kinds that fill a slot; a skip gives the lease back instead.
_FILLING_KINDS = ("label", "flag", "none_fits")


class SlotUpdate:
    """One answer's slot change: run inside the answer's transaction, settled after its commit.

    Called with the transaction's connection (``Store.append(event, also=update)``), then
    :meth:`committed` once the commit succeeded; a transaction retried or rolled back leaves
    nothing half-counted.
    """

    def __init__(self, assignment: Assignment, position: int, kind: str) -> None:
        self._assignment = assignment
        self._position = position
        self._kind = kind
        self._where = dict(assignment._who, item_key=assignment._key_of(position))
        self._filled: bool | None = None

    def __call__(self, connection: Connection) -> None:
        assignment, where = self._assignment, self._where
        now, _ = assignment._times()
        if self._kind in _FILLING_KINDS:
            self._filled = slots.complete(
                connection, **where, overlap=assignment.slots_per_item, now=now
            )
        elif self._kind == "skip":
            who = {k: where[k] for k in assignment._who}
            slots.release(connection, **who, item_keys=[where["item_key"]])

    def committed(self) -> None:
        """The answer is in the store: the item is no longer held by this session."""
        self._assignment.held.pop(self._position, None)
        if self._filled is False:  # no free slot: kept as an event all the same
            self._assignment.extra_answers += 1


def check_overlap(overlap: object) -> int | Adaptive:
    """Return ``overlap`` (an int or an Adaptive), or raise a ValueError that says what to pass."""
    if isinstance(overlap, Adaptive):
        return overlap
    if isinstance(overlap, bool) or not isinstance(overlap, int) or overlap < 1:
        raise ValueError(
            f"overlap= is how many different annotators answer each item: a whole number of "
            f"1 or more (e.g. overlap=3), or nbl.Adaptive(min=1, max=3, confidence=0.9); "
            f"not {overlap!r}"
        )
    return overlap


class Assignment:
    """One labeller's leases on a shared dataset.

    Parameters
    ----------
    store : Store
        The shared store.
    dataset, annotator, session_id : str
        Whose leases these are.
    overlap : int or Adaptive
        Answers wanted per item, from different annotators: a number, or between
        ``Adaptive.min`` and ``Adaptive.max`` as the item's consensus needs.
    key_of : callable
        Row position -> item key as stored (JSON text).
    lease_seconds : float, default 120
        How long a lease lasts without a heartbeat.
    recheck_seconds : float, optional
        How long an item leased by someone else is left alone before asking again; by
        default 15 s, or half the lease if that is shorter.
    """

    def __init__(
        self,
        store: Store,
        *,
        dataset: str,
        annotator: str,
        session_id: str,
        overlap: int | Adaptive,
        key_of: Callable[[int], str],
        lease_seconds: float = 120.0,
        recheck_seconds: float | None = None,
    ) -> None:
        self.overlap = check_overlap(overlap)
        adaptive = isinstance(self.overlap, Adaptive)
        #: Slots each item has: every answer it may get.
        self.slots_per_item = self.overlap.max if adaptive else self.overlap
        self._judge = AdaptiveJudge(store, dataset, self.overlap) if adaptive else None
        if not lease_seconds > 0:
            raise ValueError("lease_seconds= must be a positive number of seconds")
        self._store = store
        self._who = {"dataset": dataset, "annotator": annotator, "session_id": session_id}
        self._key_of = key_of
        self.lease_seconds = float(lease_seconds)
        if recheck_seconds is None:
            recheck_seconds = min(15.0, lease_seconds / 2)
        self._recheck = float(recheck_seconds)
        self.held: dict[int, None] = {}  # positions this session leases, oldest first
        self._busy: dict[int, float] = {}  # leased by someone else: position -> retry after
        self.extra_answers = 0  # answers that found no free slot (kept as events all the same)

    # -- set-up -----------------------------------------------------------------------------
    def ensure_slots(self, positions: Iterable[int]) -> int:
        """Create the slots of these items where they are missing."""
        keys = [self._key_of(p) for p in positions]
        return self._store.ensure_slots(self._who["dataset"], keys, self.slots_per_item)

    # -- offering items -----------------------------------------------------------------------
    def _times(self) -> tuple[dt.datetime, dt.datetime]:
        now = dt.datetime.now(dt.timezone.utc)
        return now, now + dt.timedelta(seconds=self.lease_seconds)

    def busy(self) -> set[int]:
        """Items leased by someone else when last asked, not yet due to be asked again."""
        now = time.monotonic()
        for position in [p for p, due in self._busy.items() if due <= now]:
            del self._busy[position]
        return set(self._busy)

    def claim(self, candidates: Sequence[int], n: int) -> tuple[list[int], list[int]]:
        """Lease up to ``n`` of ``candidates`` (best first).

        Returns
        -------
        granted : list of int
            Positions now leased to this session.
        closed : list of int
            Positions this annotator will never be offered (every slot done, or answered).
        """
        if n <= 0 or not candidates:
            return [], []
        keys = [self._key_of(p) for p in candidates]
        position_of = dict(zip(keys, candidates, strict=True))
        wanted = None
        if self._judge is not None:
            self._judge.refresh()
            wanted = self._judge.targets
        now, until = self._times()
        granted_keys, closed_keys = self._store.claim_slots(
            **self._who,
            candidates=keys,
            n=n,
            overlap=self.slots_per_item,
            now=now,
            until=until,
            wanted=wanted,
        )
        granted = [position_of[k] for k in granted_keys]
        closed = [position_of[k] for k in closed_keys]
        self.held.update(dict.fromkeys(granted))
        # Whatever was looked at and neither granted nor closed is someone else's for now.
        looked_at = candidates[: candidates.index(granted[-1]) + 1] if granted else candidates
        retry_at = time.monotonic() + self._recheck
        decided = set(granted) | set(closed)
        for position in looked_at:
            if position not in decided:
                self._busy[position] = retry_at
        return granted, closed

    # -- answers --------------------------------------------------------------------------------
    def slot_update(self, position: int, kind: str) -> SlotUpdate:
        """The slot change for an answer, to run in the answer's own transaction.

        An answer that fills a slot marks it done; a skip gives the lease back. The item stays
        held (its lease renewed by the heartbeat) until :meth:`SlotUpdate.committed` says the
        answer is in the store: an answer that fails to commit keeps its lease for the retry.
        """
        return SlotUpdate(self, position, kind)

    def reopened(self, position: int) -> None:
        """An answer was undone: this annotator's slot is open again and leased to them."""
        _, until = self._times()
        self._store.reopen_slot(
            dataset=self._who["dataset"],
            annotator=self._who["annotator"],
            item_key=self._key_of(position),
            until=until,
        )
        self.held[position] = None

    # -- leases ---------------------------------------------------------------------------------
    def heartbeat(self) -> int:
        """Renew the leases of everything held; return how many were renewed."""
        if not self.held:
            return 0
        _, until = self._times()
        keys = [self._key_of(p) for p in self.held]
        return self._store.renew_leases(**self._who, item_keys=keys, until=until)

    def keep_only(self, positions: Iterable[int]) -> int:
        """Give back the leases on held items that are no longer in the card's buffer."""
        keep = set(positions)
        dropped = [p for p in self.held if p not in keep]
        if not dropped:
            return 0
        for position in dropped:
            del self.held[position]
        return self._store.release_leases(
            **self._who, item_keys=[self._key_of(p) for p in dropped]
        )

    def release_all(self) -> int:
        """Give back every lease of this session (when the labeller closes)."""
        self.held.clear()
        return self._store.release_leases(**self._who)
