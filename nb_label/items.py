"""One annotator's items: what each holds, what state it is in, and the queue it feeds.

The book is the labeller's memory of this annotator's answers, derived from the store's
events when it opens and kept up to date by every committed answer or retraction. It keeps
the counts (``progress``) and the :class:`~nb_label.queue.ItemQueue` in step with each
item's state, so that showing the next item and updating progress never scan the data.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from nb_label._state import FINISHED_STATES, Answer, ItemRecord
from nb_label.queue import ItemQueue

COUNTED_STATES = ("labelled", "flagged", "none_fits", "skipped")


class ItemBook:
    """The active answers, states and queue of one annotator's items.

    Parameters
    ----------
    positions : numpy.ndarray
        Row positions of the items this labeller covers, in their first order.
    n_rows : int
        Rows in the whole DataFrame.
    """

    def __init__(self, positions: np.ndarray, *, n_rows: int) -> None:
        self._positions = positions
        self._n_rows = n_rows
        self.reset()

    def reset(self) -> None:
        """Forget every answer (before reading them again from the store)."""
        self.queue = ItemQueue(self._positions, n_rows=self._n_rows)
        self.records: dict[int, ItemRecord] = {}
        self.counts = dict.fromkeys(COUNTED_STATES, 0)
        self.requeued: set[int] = set()  # labelled items whose label was split since

    # -- reading ------------------------------------------------------------------------------
    def load(self, answers: Iterable[tuple[int, Answer]]) -> None:
        """Add stored answers (position, answer), oldest first, and set states in bulk."""
        # Reading 100k events allocates many small objects; the cyclic collector would rescan
        # them over and over (it tripled the time). None of them form cycles.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            records = self.records
            for position, answer in answers:
                record = records.get(position)
                if record is None:
                    record = records[position] = ItemRecord()
                record.answers.append(answer)
        finally:
            if was_enabled:
                gc.enable()
        finished, skipped = [], []
        for position, record in self.records.items():
            state = record.state
            if state in self.counts:
                self.counts[state] += 1
            if state in FINISHED_STATES:
                finished.append(position)
            elif state == "skipped":
                skipped.append(position)
        self.queue.finish_many(np.asarray(finished, dtype=np.int64))
        for position in skipped:
            self.queue.skip(position)

    def state(self, position: int) -> str:
        record = self.records.get(position)
        return "unlabelled" if record is None else record.state

    def last_answer(self, position: int) -> Answer | None:
        record = self.records.get(position)
        return record.answers[-1] if record and record.answers else None

    def answered(self, position: int) -> bool:
        return self.last_answer(position) is not None

    def by_client_id(self, position: int, client_event_id: str | None) -> int | None:
        """The event id of an active answer of this item with that client id, if any."""
        record = self.records.get(position)
        if record is None or client_event_id is None:
            return None
        for answer in record.answers:
            if answer.client_event_id == client_event_id:
                return answer.event_id
        return None

    def holding(self, event_id: int) -> int | None:
        """The position whose active answers include ``event_id`` (a scan: undo by id only)."""
        for position, record in self.records.items():
            if any(a.event_id == event_id for a in record.answers):
                return position
        return None

    def positions_in(self, states: Iterable[str]) -> list[int]:
        wanted = set(states)
        return [p for p, r in self.records.items() if r.state in wanted]

    # -- changes --------------------------------------------------------------------------------
    def add(self, position: int, answer: Answer) -> None:
        """A committed answer: the item's state, the counts and the queue follow."""
        record = self.records.get(position)
        previous = "unlabelled" if position in self.requeued or record is None else record.state
        self.requeued.discard(position)
        record = self.records.setdefault(position, ItemRecord())
        record.answers.append(answer)
        self._set_state(position, record.state, previous=previous)

    def remove(self, position: int, event_id: int) -> str:
        """A committed retraction of ``event_id``; returns the item's state after it."""
        record = self.records[position]
        previous = record.state
        record.retract(event_id)
        self._set_state(position, record.state, previous=previous)
        return record.state

    def requeue(self, needs_again: Callable[[Any], bool]) -> int:
        """Reopen labelled items whose saved value ``needs_again`` (after a split)."""
        reopened = 0
        for position, record in self.records.items():
            label = record.label
            if (
                position not in self.requeued
                and record.state == "labelled"
                and label is not None
                and needs_again(label.value)
            ):
                self.requeued.add(position)
                self.counts["labelled"] -= 1
                self.queue.reopen(position)
                reopened += 1
        return reopened

    def _set_state(self, position: int, state: str, *, previous: str) -> None:
        if previous in self.counts:
            self.counts[previous] -= 1
        if state in self.counts:
            self.counts[state] += 1
        if state in FINISHED_STATES:
            self.queue.finish(position)
        elif state == "skipped":
            self.queue.skip(position)
        else:
            self.queue.reopen(position)
