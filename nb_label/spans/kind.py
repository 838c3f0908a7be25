"""Spans as an answer kind: the value is the marked spans of one text, with its fingerprint.

A span answer is ``{"spans": [[start, end, label], ...], "text_sha256": ...}``: offsets in
Python ``str`` characters into the exact text shown. The kind checks an answer against the
item's current text (:meth:`Spans.check_item`), so the Labeller's one answer path serves the
spans widget like any other card.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from nb_label.spans.offsets import check_spans, text_sha256


def text_of(value: Any, key: Any) -> str:
    """A cell as the text to mark ("" for a missing one); a clear error for a non-text."""
    if value is None or (isinstance(value, float) and value != value):
        return ""  # a missing text: nothing to mark, it can be skipped or saved empty
    if not isinstance(value, str):
        raise ValueError(
            f"item {key!r}: spans need text, but the column holds {type(value).__name__}; "
            "convert it with df[col].astype(str)"
        )
    return value


@dataclass(frozen=True)
class Spans:
    """Spans in one text column, labelled from the labeller's ``labels=``.

    Parameters
    ----------
    column : str
        The text column.
    overlapping : bool, default False
        Allow spans that share characters.
    """

    column: str
    overlapping: bool = False
    kind = "spans"
    labels_from_labeller = True

    def check(self, value: Any, *, offered: Sequence[Any] | None = None) -> Any:
        """Spans are checked against their text: see :meth:`check_item`."""
        raise ValueError("a span answer is checked against its text: use SpanLabeller.label")

    def check_item(self, value: Any, *, row: dict[str, Any], key: Any, schema: Any) -> dict:
        """The answer as stored, checked against the item's current text.

        Raises
        ------
        ValueError
            When the text changed since the spans were made, or a span is invalid.
        """
        if not isinstance(value, dict) or "spans" not in value:
            raise ValueError('a span answer is {"spans": [[start, end, label], ...], ...}')
        text = text_of(row[self.column], key)
        current, given = text_sha256(text), value.get("text_sha256")
        if given != current:
            raise ValueError(
                f"the text of item {key!r} changed since these spans were made (fingerprint "
                f"{str(given)[:12]}… is now {current[:12]}…); re-run the cell to show the "
                "current text and mark it again. Earlier answers stay in the store"
            )
        return self.normalise(text, value["spans"], schema)

    def normalise(self, text: str, spans: Iterable[Any], schema: Any) -> dict[str, Any]:
        """Sorted, checked spans with labels as the label set names them now."""
        checked = check_spans(text, spans, overlapping=self.overlapping)
        current = schema.current_value  # a label renamed since is given its new name
        normal = [[s, e, schema.find(current(label)).value] for s, e, label in checked]
        return {"spans": normal, "text_sha256": text_sha256(text)}

    def needs_relabel(self, value: Any, split: set) -> bool:
        """A text with a span whose label was split goes back to the queue."""
        return isinstance(value, dict) and any(s[2] in split for s in value.get("spans", ()))

    def for_card(self) -> dict[str, Any]:
        """The spans widget's description of this control."""
        return {"kind": self.kind, "overlapping": self.overlapping}
