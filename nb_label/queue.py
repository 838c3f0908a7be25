"""What comes next: unlabelled items in order, then skipped ones; reorderable by scores.

Every operation is O(1) amortised in the number of rows: a cursor moves past finished items
once, and skipped items wait in an insertion-ordered dict.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import numpy as np


class ItemQueue:
    """The order in which one annotator meets the items.

    Parameters
    ----------
    positions : numpy.ndarray
        Row positions of the items to label, in their first order.
    n_rows : int
        Rows in the whole DataFrame (sizes the "finished" mask).
    """

    def __init__(self, positions: np.ndarray, *, n_rows: int) -> None:
        self._order = np.asarray(positions, dtype=np.int64)
        self._cursor = 0
        self._finished = np.zeros(n_rows, dtype=bool)
        self._member = np.zeros(n_rows, dtype=bool)
        self._member[self._order] = True
        self._skipped: dict[int, None] = {}
        self._returned: dict[int, None] = {}

    # -- state changes ------------------------------------------------------------------------
    def finish(self, position: int) -> None:
        """The item got an answer that takes it out of the queue (labelled, flagged...)."""
        self._finished[position] = True
        self._skipped.pop(position, None)
        self._returned.pop(position, None)

    def finish_many(self, positions: np.ndarray) -> None:
        """Mark many items finished at once (when a store is reopened)."""
        self._finished[positions] = True

    def skip(self, position: int) -> None:
        """The item comes back after every unlabelled one."""
        self._finished[position] = True
        self._returned.pop(position, None)
        self._skipped.pop(position, None)
        self._skipped[position] = None

    def reopen(self, position: int) -> None:
        """The item is open again (its answer was undone): it comes next."""
        self._finished[position] = False
        self._skipped.pop(position, None)
        if self._member[position]:
            self._returned[position] = None

    def reorder(self, positions: Iterable[int]) -> None:
        """Put these positions first, in this order; the rest keep their relative order."""
        first = np.fromiter(positions, dtype=np.int64)
        first = first[self._member[first] & ~self._finished[first]]
        _, unique_index = np.unique(first, return_index=True)
        first = first[np.sort(unique_index)]
        placed = np.zeros_like(self._member)
        placed[first] = True
        rest = self._order[~placed[self._order]]
        self._order = np.concatenate([first, rest])
        self._cursor = 0

    # -- queries --------------------------------------------------------------------------------
    def is_finished(self, position: int) -> bool:
        return bool(self._finished[position])

    def is_member(self, position: int) -> bool:
        return bool(self._member[position])

    def open_mask(self, positions: np.ndarray) -> np.ndarray:
        """For each position: True if it still waits for an answer (skipped ones count)."""
        skipped = np.zeros_like(self._finished)
        skipped[list(self._skipped)] = True
        return ~self._finished[positions] | skipped[positions]

    def upcoming(self, n: int, *, exclude: Collection[int] = ()) -> list[int]:
        """The next ``n`` positions to show, leaving out ``exclude`` (already held ahead)."""
        chosen: list[int] = []
        for position in self._returned:
            if len(chosen) == n:
                return chosen
            if position not in exclude:
                chosen.append(position)
        # Move the cursor past finished items for good; held-ahead ones are only stepped over.
        order, finished = self._order, self._finished
        while self._cursor < len(order) and finished[order[self._cursor]]:
            self._cursor += 1
        index = self._cursor
        while len(chosen) < n and index < len(order):
            position = int(order[index])
            if not finished[position] and position not in exclude:
                chosen.append(position)
            index += 1
        for position in self._skipped:
            if len(chosen) == n:
                break
            if position not in exclude:
                chosen.append(position)
        return chosen

    def peek(self, *, exclude: Collection[int] = ()) -> int | None:
        """The next position, or None when every item has an answer."""
        upcoming = self.upcoming(1, exclude=exclude)
        return upcoming[0] if upcoming else None
