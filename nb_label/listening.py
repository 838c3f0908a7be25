"""Who hears of the Labeller's changes: widgets (``observe``) and callbacks (``on_answer``).

A part of :class:`nb_label.Labeller`. Widgets observe what they show (answers, the current
item, the order, the label set, the status line) one way; ``on_answer`` callbacks (the model
loop, a user's cell) receive each committed event as a dict.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from nb_label._keys import decode_key
from nb_label._state import ANSWER_KINDS
from nb_label.events import public_event


class Listening:
    """Observers and ``on_answer`` callbacks (a part of :class:`nb_label.Labeller`)."""

    # -- listeners ------------------------------------------------------------------------------
    def on_answer(self, callback: Callable[..., Any], remove: bool = False) -> None:
        """Call ``callback(event)`` after every committed action, from code or the card.

        ``event`` is a dict with ``action`` (``label``, ``skip``, ``flag``, ``none_fits``,
        ``retract``, ``gold``), ``item_key``, ``value``, ``note``, ``annotator``,
        ``event_id``, ``labelset_version``, ``source``, ``seconds``, ``suggestion``,
        ``suggestion_withheld`` (true when the suggestion was withheld on a control item),
        ``retracts`` (the event id a retraction cancels) and ``client_event_id``. Answers
        by others on the same store arrive the same way when this labeller sees them
        (``source`` tells). A callback that takes no argument is called without one. An
        error in a callback is shown on the card, never raised.

        Parameters
        ----------
        callback : callable
        remove : bool, default False
            Unhook ``callback`` instead (in the style of ipywidgets' ``on_click``).
        """
        if remove:
            self._answer_hooks = [c for c in self._answer_hooks if c != callback]
        elif callback not in self._answer_hooks:
            self._answer_hooks.append(callback)

    def observe(self, callback: Callable[[dict], None], remove: bool = False) -> None:
        """Call ``callback(change)`` when what a widget shows changes (for widgets).

        ``change["what"]`` is ``"answers"`` (with ``events`` and ``moved``: whether the
        Python side moved on by itself), ``"current"`` (a jump: goto, back, undo, review),
        ``"order"`` (the queue or the suggestions changed), ``"labels"`` or ``"message"``.
        """
        if remove:
            self._observers = [c for c in self._observers if c != callback]
        elif callback not in self._observers:
            self._observers.append(callback)

    def _emit(self, what: str, **detail: Any) -> None:
        for callback in list(self._observers):
            callback({"what": what, **detail})

    def _announce(self, committed: list[tuple[int, dict]], *, moved: bool) -> None:
        """Tell widgets, then the ``on_answer`` callbacks, about committed events."""
        positions = [position for position, _event in committed]
        events = [event for _position, event in committed]
        self._emit("answers", events=events, positions=positions, moved=moved)
        self._run_hooks(events)

    def _run_hooks(self, events: list[dict]) -> None:
        for event in events:
            for callback in list(self._answer_hooks):
                try:
                    if _takes_argument(callback):
                        callback(dict(event))
                    else:
                        callback()
                except Exception as err:  # a model's error must never stop labelling
                    self.message = f"error after an answer: {type(err).__name__}: {err}"

    @property
    def message(self) -> str:
        """A status line shown on the card (a model's summary, "retraining…", an error)."""
        return self._message

    @message.setter
    def message(self, text: str) -> None:
        self._set_message(text)

    def _set_message(self, text: str) -> None:
        self._message = str(text)
        self._emit("message", text=self._message)

    def _see_others(self) -> None:
        """Tell ``on_answer`` callbacks about answers others committed since the last look."""
        names, rows = self._store.events(
            self.dataset,
            as_frame=False,
            kinds=[*ANSWER_KINDS, "retract"],
            since_id=self._others_seen,
        )
        if not rows:
            return
        self._others_seen = rows[-1][names.index("id")]
        events = []
        for row in rows:
            event = dict(zip(names, row, strict=True))
            if event["annotator"] != self.annotator:
                events.append(public_event(event, event["id"], decode_key(event["item_key"])))
        self._run_hooks(events)


def _takes_argument(callback: Callable[..., Any]) -> bool:
    """Whether an ``on_answer`` callback takes the event (older ones take nothing)."""
    try:
        signature = inspect.signature(callback)
    except (TypeError, ValueError):
        return True
    try:
        signature.bind({})
    except TypeError:
        return False
    return True
