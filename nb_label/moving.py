"""Where the person is: the current item, back, goto, review queues and what comes next.

A part of :class:`nb_label.Labeller`. From code, the Python side moves on by itself after an
answer; with the card, the card moves first (it already shows the next item) and reports
what it shows, which the Python side follows.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Sequence

from nb_label._keys import decode_key

_REVIEW_QUEUES = {
    "unsure": ("flagged",),
    "skipped": ("skipped",),
    "mine": ("labelled", "flagged"),
    "none_fits": ("none_fits",),
}
#: ``submit(showing=...)`` not given: the Python side moves on by itself.
FOLLOW_CARD = object()


class Moving:
    """The current item and the way through the items (a part of the Labeller)."""

    # -- moving around --------------------------------------------------------------------------
    def back(self) -> Hashable:
        """Show the previous item again (its answer stays until you give a new one)."""
        if self._current is not None and self._shown and self._shown[-1] == self._current:
            self._shown.pop()
        if not self._shown:
            raise LookupError("there is no earlier item in this session")
        position = self._shown.pop()
        self._show(position, remember=False)
        self._emit("current")
        return self._source.key_at(position)

    def goto(self, item_key: Hashable) -> None:
        """Make ``item_key`` the current item (to relabel or inspect it)."""
        self._show(self._position(item_key))
        self._emit("current")

    def review(self, queue: str | None = "unsure") -> int:
        """Walk a review queue: ``"unsure"``, ``"skipped"``, ``"mine"`` or ``"none_fits"``.

        ``review(None)`` returns to the main queue. Returns how many items are in the queue.
        """
        if queue is None:
            self._review = None
            self._show(self._peek(), remember=False)
            self._emit("current")
            return 0
        if queue not in _REVIEW_QUEUES:
            raise ValueError(
                f"review() takes one of {tuple(_REVIEW_QUEUES)} or None, not {queue!r}"
            )
        self._review = self._book.positions_in(_REVIEW_QUEUES[queue])
        self._show(self._review.pop(0) if self._review else self._peek())
        self._emit("current")
        return len(self._review) + (1 if self._current is not None else 0)

    def _show(self, position: int | None, *, remember: bool = True) -> None:
        if remember and self._current is not None and self._current != position:
            self._shown.append(self._current)
        self._current = position
        self._shown_at = time.monotonic()

    def _advance_after(self, position: int) -> None:
        if position != self._current:
            return
        if self._review:
            self._show(self._review.pop(0))
        else:
            self._review = None
            self._show(self._peek())

    def _follow(self, showing: str | None) -> None:
        """The card reports what it shows now (item key text, or None); Python follows."""
        if showing is None:
            self._current = self._peek()
            return
        try:
            self._show(self._source.position_of(decode_key(showing)))
        except (KeyError, ValueError, TypeError):
            self._current = self._peek()  # a key the card should not have: move on safely

    def upcoming(self, n: int, *, exclude: Sequence[int] = ()) -> list[int]:
        """The next ``n`` positions the person should see, starting at the current one."""
        chosen: list[int] = []
        exclude_set = set(exclude)
        if self._current is not None and self._current not in exclude_set:
            chosen.append(self._current)
        if self._review:
            chosen += [p for p in self._review if p not in exclude_set][: n - len(chosen)]
        if len(chosen) < n:
            more = self._sharing.next_positions(n - len(chosen), exclude_set | set(chosen))
            chosen += [p for p in more if p not in chosen][: n - len(chosen)]
        return chosen

    def _peek(self) -> int | None:
        upcoming = self._sharing.next_positions(1, exclude=set())
        return upcoming[0] if upcoming else None
