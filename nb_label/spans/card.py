"""The spans widget's kernel side: the item card's protocol with span answers.

It is the item card (``nb_label.card.ItemCard``: buffers, acknowledgements, retractions,
the same messages as docs/protocol.md) with its own front end (``js/spans/``, bundled into
``static/spans.js``) and one difference: a ``label`` answer's value is a span list
checked against the text.
"""

from __future__ import annotations

from typing import Any

from nb_label._esm import module_text, stylesheet_text
from nb_label.card import ItemCard

SPAN_KEYS = {
    "←/→": "previous/next word",
    "Shift+←/→": "extend the selection",
    "Delete": "remove the span",
    "Enter": "accept suggestions, save, next text",
    "s": "skip",
    "u": "unsure (flag the text)",
    "n": "write a note (sent with the next answer)",
    "Escape": "leave the note box",
    "b": "back",
    "z": "undo",
}


class SpanCard(ItemCard):
    """The widget that shows one text at a time and takes spans by mouse or keyboard.

    Create it through :attr:`nb_label.SpanLabeller.card` (or display the labeller).
    """

    _esm = module_text("spans")  # bundled, as for ItemCard
    _css = stylesheet_text("spans")

    def __init__(self, labeller: Any, **kwargs: Any) -> None:
        super().__init__(labeller, **kwargs)
        self.remove_class("nbl-widget")
        self.add_class("nbl-spans-widget")
        self.keymap = dict(SPAN_KEYS)
        self.options = {**self.options, "overlapping": labeller.overlapping}

    #: The spans widget sends no none-fits answer.
    answer_kinds = ("label", "skip", "flag")

    def _top_up(self, msg: dict[str, Any]) -> None:
        """Send texts so the widget holds ``buffer`` ahead of the one on screen.

        A text stays on screen through several answers (one per edit), and Enter on a saved
        text moves on without a message, so the kernel cannot count what the widget holds
        from answers alone: the widget says how many texts it holds ahead (``ahead``).
        """
        lab = self._labeller
        target = lab.buffer_size
        ahead = msg.get("ahead")
        if isinstance(ahead, int) and not isinstance(ahead, bool):
            wanted = target - min(max(ahead, 0), target)  # never more than the target
        else:
            wanted = target - len(self._held)
        if wanted <= 0:
            return
        exclude = set(self._held)
        if lab.current is not None:
            exclude.add(lab.data.index.get_loc(lab.current))  # the text on screen
        positions = lab.upcoming(wanted, exclude=list(exclude))
        if not positions:
            return
        self._held.update(dict.fromkeys(positions))
        self._send_items("append", positions)
