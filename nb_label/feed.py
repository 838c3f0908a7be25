"""What the card is fed: items rendered by the view, with a suggestion and a saved answer.

An item leaves the kernel as data (``{key, blocks, suggestion, saved, audit, withheld}``,
see docs/protocol.md), never as HTML. Suggestions are kept here too, by row position, so
rendering an item is O(1) whatever the dataset's size. On a control item (``withheld``) the
model's suggestion is kept but not shown, and the answer records it as withheld.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from nb_label._keys import encode_key
from nb_label.items import ItemBook
from nb_label.source import DataSource


class CardFeed:
    """Render items for the card and keep the model's suggestions.

    Parameters
    ----------
    source : DataSource
    book : ItemBook
    view : View
        Renders one row as blocks.
    offered : callable
        ``offered(value) -> bool``: whether a suggested answer is still in the label set.
    """

    def __init__(self, source: DataSource, book: ItemBook, view: Any, offered: Any) -> None:
        self._source = source
        self._book = book
        self.view = view
        self._offered = offered
        self.suggestions: dict[int, tuple[Any, float]] = {}
        self.audit: set[int] = set()  # positions in the model's audit sample
        self.withheld: set[int] = set()  # control items: their suggestion is not shown
        self.unshowable: dict[int, str] = {}  # position -> why the view could not show it

    def set_suggestions(self, suggestions: pd.DataFrame | None) -> None:
        """A frame with ``label`` and ``p`` columns, indexed by item key (None: no more)."""
        self.suggestions = {}
        if suggestions is None:
            return
        positions = self._source.df.index.get_indexer(suggestions.index)
        if (positions < 0).any():
            raise ValueError("suggestions name item keys that are not in the DataFrame")
        labels = suggestions["label"].tolist()
        probabilities = suggestions["p"].astype(float).tolist()
        self.suggestions = dict(
            zip(positions.tolist(), zip(labels, probabilities, strict=True), strict=True)
        )

    def shown_suggestion(self, position: int) -> dict[str, Any] | None:
        """The suggestion the card shows for an item, as the answer event records it."""
        if position in self.withheld:
            return None
        return self._offered_suggestion(position)

    def withheld_suggestion(self, position: int) -> dict[str, Any] | None:
        """The suggestion a control item did not show, as the answer event records it."""
        if position not in self.withheld:
            return None
        found = self._offered_suggestion(position)
        return None if found is None else {**found, "withheld": True}

    def _offered_suggestion(self, position: int) -> dict[str, Any] | None:
        found = self.suggestions.get(position)
        if found is None or not self._offered(found[0]):  # never suggest a retired label
            return None
        return {"value": found[0], "p": found[1]}

    def item(self, position: int) -> dict[str, Any]:
        """One item as the card's buffer holds it (see docs/protocol.md)."""
        record = self._book.records.get(position)
        saved = None
        if record and record.answers:
            last = record.answers[-1]
            saved = {"kind": last.kind, "value": last.value, "note": record.note}
        suggestion = self.shown_suggestion(position)
        if suggestion is not None:
            value = suggestion["value"]
            display = ", ".join(map(str, value)) if isinstance(value, list) else value
            suggestion = {"value": value, "display": str(display), "p": round(suggestion["p"], 4)}
        blocks = self.view.render(self._source.row(position))
        problem = next(
            (b["problem"] for b in blocks if isinstance(b, dict) and b.get("problem")), None
        )
        if problem and saved is None:
            self.unshowable[position] = str(problem)
        return {
            "key": encode_key(self._source.key_at(position)),
            "blocks": blocks,
            "suggestion": suggestion,
            "saved": saved,
            "audit": position in self.audit,
            "withheld": self.withheld_suggestion(position) is not None,
        }

    def take_unshowable(self) -> dict[int, str]:
        """The items the view could not show since the last call, not yet answered."""
        pending, self.unshowable = self.unshowable, {}
        return {p: why for p, why in pending.items() if not self._book.answered(p)}
