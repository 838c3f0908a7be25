"""The spans widget's kernel side: the item card's protocol with span answers.

It is the item card (``nb_label.card.ItemCard``: buffers, acknowledgements, retractions,
the same messages as docs/protocol.md) with its own front end (``frontend/spans.js``) and
one difference: a ``label`` answer's value is a span list checked against the text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from nb_label.card import ItemCard, _parse_time

if TYPE_CHECKING:
    from nb_label.spans.labeller import SpanLabeller

_FRONTEND = Path(__file__).resolve().parent.parent / "frontend"

SPAN_KEYS = {
    "←/→": "previous/next word",
    "Shift+←/→": "extend the selection",
    "Delete": "remove the span",
    "Enter": "accept suggestions, save, next text",
    "s": "skip",
    "b": "back",
    "z": "undo",
}


class SpanCard(ItemCard):
    """The widget that shows one text at a time and takes spans by mouse or keyboard.

    Create it through :attr:`nb_label.SpanLabeller.card` (or display the labeller).
    """

    _esm = _FRONTEND / "spans.js"
    _css = _FRONTEND / "spans.css"

    def __init__(self, labeller: SpanLabeller, **kwargs: Any) -> None:
        super().__init__(labeller, **kwargs)
        self.remove_class("nbl-widget")
        self.add_class("nbl-spans-widget")
        self.keymap = dict(SPAN_KEYS)
        self.options = {**self.options, "overlapping": labeller.overlapping}

    def _on_answer(self, msg: dict[str, Any]) -> None:
        lab = self._labeller
        client_id = str(msg.get("id", ""))
        try:
            if not client_id:
                raise ValueError("the answer has no client id")
            position = lab.position_of_key_text(msg["key"])
            kind = msg.get("kind")
            value = msg.get("value")
            if kind == "label":
                value = lab.check_value(position, value)
            elif kind in ("skip", "flag"):
                value = None
            else:
                raise ValueError(f"the spans widget sends label, skip or flag, not {kind!r}")
            suggestion = msg.get("suggestion")
            event_id = lab.record_answer(
                position,
                kind,
                value,
                note=msg.get("note") or None,
                seconds=msg.get("seconds"),
                client_event_id=client_id,
                client_time=_parse_time(msg.get("client_time")),
                suggestion=suggestion if isinstance(suggestion, dict) else None,
                source="human",
            )
        except Exception as err:  # every failure goes back to the widget, never lost silently
            self.send({"type": "refuse", "id": client_id, "reason": str(err)})
            self.progress = lab.progress
            return
        self.send({"type": "ack", "id": client_id, "event_id": event_id})
        self._held.pop(position, None)
        try:
            lab.set_current_from_card(msg.get("showing"))
        except KeyError:
            pass
        self.progress = lab.progress
        self._top_up(msg.get("ahead"))
        lab.sync_labelset()
        lab.notify_answered()

    def _top_up(self, ahead: Any) -> None:
        """Send texts so the widget holds ``buffer`` ahead of the one on screen.

        A text stays on screen through several answers (one per edit), and Enter on a saved
        text moves on without a message, so the kernel cannot count what the widget holds
        from answers alone: the widget says how many texts it holds ahead (``ahead``).
        """
        lab = self._labeller
        if isinstance(ahead, int) and not isinstance(ahead, bool):
            wanted = lab._buffer_target - ahead
        else:
            wanted = lab._buffer_target - len(self._held)
        if wanted <= 0:
            return
        exclude = set(self._held)
        if lab._current is not None:
            exclude.add(lab._current)  # the text on screen
        positions = lab.upcoming(wanted, exclude=list(exclude))
        if not positions:
            return
        self._held.update(dict.fromkeys(positions))
        self.send(
            {
                "type": "buffer",
                "generation": self._generation,
                "mode": "append",
                "items": [lab.card_item(p) for p in positions],
            }
        )
