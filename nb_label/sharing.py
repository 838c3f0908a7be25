"""What a labeller shares with others on one dataset: gold items and leased items.

Gold items (answers known in advance) are mixed into every annotator's queue, one in every
``gold_every`` items. With ``overlap=``, the items an annotator is shown are leased from the
store first (see :mod:`nb_label.assign`), so a class spreads its work without doubling it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from nb_label._keys import decode_key
from nb_label.assign import Assignment
from nb_label.errors import StoreError
from nb_label.events import make_event, public_event
from nb_label.items import ItemBook
from nb_label.store import Store


class Sharing:
    """Gold items and leases for one labeller.

    Parameters
    ----------
    store : Store
    dataset : str
    book : ItemBook
        The annotator's items (gold and leased items leave and rejoin its queue).
    index : pandas.Index
        The DataFrame's index, to turn stored keys into positions.
    gold_every : int
    assignment : Assignment, optional
        The leases, when the dataset is shared with ``overlap=``.
    on_problem : callable
        Called with a message when a lease could not be taken or given back (labelling
        goes on with what is held).
    """

    def __init__(
        self,
        store: Store,
        dataset: str,
        book: ItemBook,
        index: Any,
        *,
        gold_every: int,
        assignment: Assignment | None,
        on_problem: Callable[[str], None],
    ) -> None:
        self._store = store
        self._dataset = dataset
        self._book = book
        self._index = index
        self._gold_every = gold_every
        self.assignment = assignment
        self._on_problem = on_problem
        self.gold: list[int] = []  # positions of gold items, in the order they were marked
        self.gold_values: dict[int, Any] = {}
        self._gold_events: dict[int, tuple[str, Any]] = {}  # event id -> (key, label)
        self._gold_seen = 0  # id of the last gold event read

    # -- gold -----------------------------------------------------------------------------------
    def refresh_gold(self) -> bool:
        """Read gold events added since the last look; True if the gold set changed."""
        _names, rows = self._store.events(
            self._dataset,
            as_frame=False,
            kinds=["gold", "retract"],
            since_id=self._gold_seen,
            columns=["id", "item_key", "kind", "value", "retracts"],
        )
        if not rows:
            return False
        self._gold_seen = rows[-1][0]
        changed = False
        for event_id, key_text, kind, value, retracts in rows:
            if kind == "gold":
                self._gold_events[event_id] = (key_text, value)
                changed = True
            elif retracts in self._gold_events:
                del self._gold_events[retracts]
                changed = True
        if changed:
            self._place_gold()
        return changed

    def _place_gold(self) -> None:
        latest: dict[str, Any] = {}
        for key_text, value in self._gold_events.values():  # in id order: the last one wins
            latest[key_text] = value
        old = set(self.gold)
        queue = self._book.queue
        positions = self._index.get_indexer([decode_key(k) for k in latest])
        self.gold, self.gold_values = [], {}
        for position, value in zip(positions.tolist(), latest.values(), strict=True):
            if position >= 0 and queue.is_member(position):
                self.gold.append(position)
                self.gold_values[position] = value
        for position in set(self.gold) - old:
            queue.finish(position)  # gold is mixed in by mix_gold, not by the queue
        for position in old - set(self.gold):
            if self._book.state(position) == "unlabelled":
                queue.reopen(position)

    def is_gold(self, position: int) -> bool:
        return position in self.gold_values

    def mix_gold(self, main: list[int], n: int, exclude: set[int]) -> list[int]:
        """Put this annotator's unanswered gold items among ``main``, one every gold_every."""
        pending = [
            p for p in self.gold if p not in exclude and self._book.state(p) == "unlabelled"
        ]
        if not pending:
            return main[:n]
        every = self._gold_every
        start = sum(self._book.counts.values()) + len(exclude)
        mixed: list[int] = []
        main_at = gold_at = 0
        while len(mixed) < n:
            due = (start + len(mixed)) % every == every - 1
            if gold_at < len(pending) and (due or main_at >= len(main)):
                mixed.append(pending[gold_at])
                gold_at += 1
            elif main_at < len(main):
                mixed.append(main[main_at])
                main_at += 1
            else:
                break
        return mixed

    # -- what comes next ------------------------------------------------------------------------
    def next_positions(self, n: int, exclude: set[int]) -> list[int]:
        """The next ``n`` items for this person: their queue, leased if shared, gold mixed in."""
        if self.assignment is None:
            main = self._book.queue.upcoming(n, exclude=exclude)
        else:
            main = self._leased(n, exclude)
        return self.mix_gold(main, n, exclude) if self.gold else main

    def _leased(self, n: int, exclude: set[int]) -> list[int]:
        assignment, queue = self.assignment, self._book.queue
        chosen = [p for p in assignment.held if p not in exclude and not queue.is_finished(p)][:n]
        for _ in range(50):  # each round looks at a batch of the queue; most need one
            if len(chosen) >= n:
                break
            skip = exclude | set(chosen) | set(assignment.held) | assignment.busy()
            batch = queue.upcoming(max(2 * (n - len(chosen)), 32), exclude=skip)
            if not batch:
                break
            try:
                granted, closed = assignment.claim(batch, n - len(chosen))
            except StoreError as err:  # keep labelling what is already held
                self._on_problem(f"could not reserve more items: {err}")
                break
            for position in closed:
                queue.finish(position)  # answered by enough others: not this person's
            chosen += granted
        return chosen

    # -- leases ---------------------------------------------------------------------------------
    def slot_update(self, position: int, kind: str) -> Any:
        """The lease's update to commit with an answer (None when nothing is leased)."""
        if self.assignment is None or self.is_gold(position):
            return None
        return self.assignment.slot_update(position, kind)

    def reopened(self, position: int) -> None:
        """An answer was undone: the item's slot is open again for this person."""
        if self.assignment is None or self.is_gold(position):
            return
        try:
            self.assignment.reopened(position)
        except StoreError as err:
            self._on_problem(f"undo saved, but the item's assignment was not updated: {err}")

    def heartbeat(self) -> int:
        return 0 if self.assignment is None else self.assignment.heartbeat()

    def keep_leases(self, positions: Sequence[int]) -> None:
        if self.assignment is None:
            return
        try:
            self.assignment.keep_only(set(positions))
        except StoreError as err:
            self._on_problem(f"could not give back reserved items: {err}")

    def release(self) -> None:
        if self.assignment is None:
            return
        try:
            self.assignment.release_all()
        except StoreError:
            pass  # the leases run out on their own


class SharedDataset:
    """Gold items and leases as the Labeller offers them (a part of :class:`nb_label.Labeller`)."""

    # -- gold items -----------------------------------------------------------------------------
    def mark_gold(self, labels: pd.Series | dict, *, note: str | None = None) -> int:
        """Mark items whose right answer is known ("gold"), to check every annotator against.

        Gold items are mixed into each annotator's queue (one in every ``gold_every`` items),
        shown like any other item, and answered by everyone regardless of ``overlap``.
        :func:`nb_label.quality.gold_accuracy` reports each annotator's accuracy on them.

        Parameters
        ----------
        labels : Series or dict
            Item key -> the known label. Missing values are left out.
        note : str, optional
            Why these answers are known (kept with each gold event).

        Returns
        -------
        int
            How many gold events were stored.
        """
        series = labels if isinstance(labels, pd.Series) else pd.Series(labels, dtype=object)
        events = []
        for key, value in series.dropna().items():
            self._position(key)  # a clear error for a key outside the data or the subset
            events.append(
                make_event(
                    "gold",
                    dataset=self.dataset,
                    annotator=self.annotator,
                    item_key=key,
                    value=self.check_answer(value),
                    note=note,
                    session_id=self.session_id,
                    source="gold",
                    labelset_version=self._labelset.version,
                )
            )
        ids = self._store.append_many(events)
        self._sharing.refresh_gold()
        self._emit("order")
        self._run_hooks(
            [
                public_event(e, i, k)
                for e, i, k in zip(events, ids, series.dropna().index, strict=True)
            ]
        )
        return len(events)

    @property
    def gold(self) -> pd.Series:
        """The gold items' known labels, indexed by item key."""
        gold = self._sharing.gold
        keys = [self._source.key_at(p) for p in gold]
        values = [self._sharing.gold_values[p] for p in gold]
        return pd.Series(values, index=pd.Index(keys), dtype=object)

    # -- sharing (overlap=) ---------------------------------------------------------------------
    def heartbeat(self) -> int:
        """Renew the leases on the items this card holds (the card calls it periodically).

        Returns how many leases were renewed (0 when the dataset is not shared).
        """
        return self._sharing.heartbeat()

    def keep_leases(self, positions: Sequence[int]) -> None:
        """Give back leases on items that left the card's buffer (after a reorder)."""
        keep = set(positions)
        if self._current is not None:
            keep.add(self._current)
        self._sharing.keep_leases(keep)

    def look_again(self) -> bool:
        """When every item seemed answered: look again (others' leases may have run out)."""
        if self._current is None:
            self._current = self._peek()
        return self._current is not None
