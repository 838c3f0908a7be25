"""SpanLabeller: named-entity style labelling on top of the Labeller.

A text's answer is an ordinary ``label`` event whose value is
``{"spans": [[start, end, label], ...], "text_sha256": ...}``: offsets in Python ``str``
characters into the exact text, with the text's fingerprint. Every edit of a text (a span
added, removed or relabelled) saves the whole list again, so the latest active event is
the text's state and undo (a retraction) brings back the list before the edit.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from nb_label._keys import encode_key
from nb_label.labeller import Labeller
from nb_label.spans.kind import Spans, text_of
from nb_label.spans.offsets import Span, text_sha256
from nb_label.spans.suggest import as_suggester, suggested_spans
from nb_label.store import Store


class SpanLabeller(Labeller):
    """Mark people, places, organisations (any span labels) in a text column.

    Parameters
    ----------
    df : pandas.DataFrame
        The data; never copied or changed. Items are addressed by their index label.
    show : str
        The one text column to mark spans in.
    labels : list or Schema
        The span labels, e.g. ``["PER", "LOC", "ORG"]`` (keys 1, 2, 3 by default).
    store : str, Path, URL or Store, default "nb_label.db"
        Where events are saved (as for :class:`nb_label.Labeller`).
    annotator : str, optional
        Who is labelling; defaults to the login name.
    dataset : str, optional
        The dataset's name in the store; by default the text column's name and a digest of
        the data, ending in ``/spans`` so a class-label dataset of the same column is apart.
    where : boolean mask or str, optional
        Restrict labelling to a subset of rows.
    buffer : int, default 20
        How many texts the widget holds ahead of the person.
    overlapping : bool, default False
        Allow spans that share characters.
    suggest : callable or list of callables, optional
        Pre-annotations: ``text -> [(start, end, label)]``, e.g.
        :func:`nb_label.spans.regex_suggester` or :func:`nb_label.spans.dictionary_suggester`
        or a model's entities. Shown for the person to accept (Enter) or fix.
    overlap : int, optional
        Share the texts among annotators: each text is offered until ``overlap`` different
        people have marked it (see :class:`nb_label.Labeller`).
    lease_seconds : float, default 120
        With ``overlap``: how long a text stays reserved for this widget without a heartbeat.

    Examples
    --------
    >>> lab = nbl.SpanLabeller(df, show="text", labels=["PER", "LOC", "ORG"],
    ...                        store="spans.db", suggest=dictionary_suggester({"Paris": "LOC"}))
    >>> lab.add_span(0, 13, "PER")
    >>> lab.annotations["spans"]
    """

    dataset_suffix = "/spans"  # apart from a class-label dataset of the same column

    def __init__(
        self,
        df: pd.DataFrame,
        *,
        show: str,
        labels: Any,
        store: str | Path | Store = "nb_label.db",
        annotator: str | None = None,
        dataset: str | None = None,
        where: Any = None,
        buffer: int = 20,
        overlapping: bool = False,
        suggest: Any = None,
        overlap: int | None = None,
        lease_seconds: float = 120.0,
    ) -> None:
        if not isinstance(show, str):
            raise ValueError("SpanLabeller marks spans in one text column: pass show='text'")
        self.overlapping = bool(overlapping)
        self._column = show
        self._suggester = as_suggester(suggest)
        self._span_suggestions: dict[int, list[Span]] = {}
        super().__init__(
            df,
            show=show,
            labels=labels,
            store=store,
            annotator=annotator,
            dataset=dataset,
            where=where,
            buffer=buffer,
            overlap=overlap,
            lease_seconds=lease_seconds,
            answer=Spans(show, overlapping=self.overlapping),
        )

    def __repr__(self) -> str:
        p = self.progress
        return (
            f"<SpanLabeller {self.dataset!r} for {self.annotator!r}: {p['labelled']} / "
            f"{p['total']} texts done, store {self.store.url}>"
        )

    # -- texts and spans ------------------------------------------------------------------------
    def _key(self, position: int) -> Hashable:
        return self.data.index[position]

    def _text_at(self, position: int) -> str:
        return text_of(self.data[self._column].iat[position], self._key(position))

    def text(self, item_key: Hashable | None = None) -> str:
        """The exact text of an item (the current one by default)."""
        return self._text_at(self._position(item_key))

    def _saved_value(self, position: int) -> dict[str, Any] | None:
        saved = self.saved_answer(self._key(position))
        value = None if saved is None else saved["label"]
        return value if isinstance(value, dict) and "spans" in value else None

    def _saved_spans(self, position: int) -> list[Span]:
        value = self._saved_value(position)
        if value is None or value.get("text_sha256") != text_sha256(self._text_at(position)):
            return []  # none saved, or saved for a text that has changed since
        # Labels as they are now (after renames and merges), so an edit saves current names.
        current = self.schema.current_value
        return [(s, e, current(label)) for s, e, label in value["spans"]]

    def spans_of(self, item_key: Hashable | None = None) -> list[Span]:
        """The saved spans of an item (the current one by default), sorted by start."""
        return self._saved_spans(self._position(item_key))

    def check_value(self, position: int, value: Any) -> dict[str, Any]:
        """Check a span answer from the widget against the item's current text.

        Parameters
        ----------
        position : int
            The item's row position.
        value : dict
            ``{"spans": [[start, end, label], ...], "text_sha256": ...}``.

        Returns
        -------
        dict
            The value in normal form (sorted spans, labels as in the label set).

        Raises
        ------
        ValueError
            When the text changed since the spans were made, or a span is invalid.
        """
        row = {self._column: self.data[self._column].iat[position]}
        return self.answer.check_item(value, row=row, key=self._key(position), schema=self.schema)

    def _value(self, position: int, spans: Iterable[Any]) -> dict[str, Any]:
        return self.answer.normalise(self._text_at(position), spans, self.schema)

    def _save(
        self, position: int, spans: Iterable[Any], *, note: str | None, advance: bool
    ) -> int:
        value = self._value(position, spans)  # raises before anything is stored
        suggested = self._suggestions_at(position)
        here = None if self.current is None else encode_key(self.current)
        return self.submit(
            "label",
            value,
            item_key=self._key(position),
            note=note,
            suggestion={"value": [list(s) for s in suggested], "p": None} if suggested else None,
            **({} if advance else {"showing": here}),  # an edit keeps the text on screen
        )

    # -- actions (each one does what a key does in the widget) ----------------------------------
    def label(
        self,
        spans: Iterable[Any] = (),
        *,
        note: str | None = None,
        item_key: Hashable | None = None,
    ) -> int:
        """Save the spans of the current text (or ``item_key``) and move to the next text.

        Parameters
        ----------
        spans : iterable, default ()
            ``(start, end, label)`` with offsets in ``str`` characters; empty means "this
            text names nothing".
        note : str, optional
        item_key : hashable, optional

        Returns
        -------
        int
            The stored event's id.
        """
        return self._save(self._position(item_key), spans, note=note, advance=True)

    def add_span(
        self, start: int, end: int, label: Any, *, item_key: Hashable | None = None
    ) -> int:
        """Add one span to a text's saved spans (saved at once; the text stays current)."""
        position = self._position(item_key)
        spans = [*self._saved_spans(position), (start, end, label)]
        return self._save(position, spans, note=None, advance=False)

    def remove_span(self, start: int, end: int, *, item_key: Hashable | None = None) -> int:
        """Remove the saved span(s) at exactly ``start:end`` from a text."""
        position = self._position(item_key)
        spans = self._saved_spans(position)
        kept = [s for s in spans if (s[0], s[1]) != (start, end)]
        if len(kept) == len(spans):
            raise ValueError(f"no saved span at ({start}, {end}); see lab.spans_of()")
        return self._save(position, kept, note=None, advance=False)

    def relabel_span(
        self, start: int, end: int, label: Any, *, item_key: Hashable | None = None
    ) -> int:
        """Give the saved span at ``start:end`` another label."""
        position = self._position(item_key)
        spans = self._saved_spans(position)
        if not any((s[0], s[1]) == (start, end) for s in spans):
            raise ValueError(f"no saved span at ({start}, {end}); see lab.spans_of()")
        changed = [(s, e, label if (s, e) == (start, end) else lab) for s, e, lab in spans]
        return self._save(position, changed, note=None, advance=False)

    def accept_suggestions(self, *, item_key: Hashable | None = None) -> int:
        """Save the text's spans plus every suggestion not overlapping them; move on (Enter)."""
        position = self._position(item_key)
        spans = self._saved_spans(position)
        extra = [s for s in self._suggestions_at(position) if self.overlapping or not any(
            s[0] < t[1] and t[0] < s[1] for t in spans)]  # fmt: skip
        return self._save(position, [*spans, *extra], note=None, advance=True)

    # -- suggestions ------------------------------------------------------------------------------
    def _suggestions_at(self, position: int) -> list[Span]:
        if self._suggester is None:
            return []
        found = self._span_suggestions.get(position)
        if found is None:  # computed when first needed: O(1) per item shown, never per dataset
            try:
                found, problems = suggested_spans(
                    self._suggester,
                    self._text_at(position),
                    labels=self.schema.values,
                    overlapping=self.overlapping,
                )
            except Exception as err:  # a suggester's bug must not stop labelling
                found, problems = [], [f"{type(err).__name__}: {err}"]
            if problems:
                self.message = f"suggester, item {self._key(position)!r}: {problems[0]}" + (
                    f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
                )
            self._span_suggestions[position] = found
        return found

    def suggest(self, suggest: Any) -> None:  # type: ignore[override]
        """Use another suggester (a callable, a list of them, or None for no suggestions)."""
        self._suggester = as_suggester(suggest)
        self._span_suggestions = {}
        self._emit("order")

    def suggestion(self, item_key: Hashable | None = None) -> list[Span]:  # type: ignore[override]
        """The suggested spans for an item (the current one by default)."""
        return list(self._suggestions_at(self._position(item_key)))

    # -- the widget -------------------------------------------------------------------------------
    def card_item(self, position: int) -> dict[str, Any]:
        """One text as the spans widget's buffer holds it (offsets in code points)."""
        text = self._text_at(position)
        sha = text_sha256(text)
        value = self._saved_value(position)
        saved_answer = self.saved_answer(self._key(position))
        stale = value is not None and value.get("text_sha256") != sha
        saved = None
        if value is not None and not stale:
            spans = [list(span) for span in self._saved_spans(position)]
            saved = {"spans": spans, "note": saved_answer["note"] if saved_answer else None}
        suggestions = [] if saved else [list(s) for s in self._suggestions_at(position)]
        return {
            "key": encode_key(self._key(position)),
            "text": text,
            "sha": sha,
            "suggestions": suggestions,
            "saved": saved,
            "stale": bool(stale),
        }

    @property
    def card(self):
        """The spans widget (created on first use)."""
        if self._card is None:
            from nb_label.spans.card import SpanCard

            self._card = SpanCard(self)
        return self._card

    # -- results ----------------------------------------------------------------------------------
    @property
    def annotations(self) -> pd.DataFrame:
        """This annotator's spans, one row per item, aligned to the DataFrame's index.

        Columns: ``spans`` (list of ``(start, end, label)``, labels mapped through later
        renames and merges), ``original_spans`` (as saved), ``suggested_spans``,
        ``text_sha256``, ``stale`` (True when the text changed since), ``note``, ``state``,
        ``flagged``, ``annotator``, ``labelled_at``, ``seconds``, ``labelset_version``.
        Texts without an answer hold missing values; a text with a span whose label was
        split is ``unlabelled`` again.
        """
        from nb_label.results import annotations_frame

        events = self.store.events(self.dataset, annotator=self.annotator)
        frame = annotations_frame(events, self.data.index)
        values = frame.pop("label").astype(object)
        suggested = frame.pop("suggestion").astype(object)
        frame = frame.drop(columns=["followed_suggestion"])
        split = self.schema.requeued_values
        mapped, original, sha, stale = [], [], [], []
        column = self.data[self._column]
        for key, value in values.items():
            if not isinstance(value, dict):
                for out in (mapped, original, sha, stale):
                    out.append(None)
                continue
            spans = [tuple(s) for s in value["spans"]]
            original.append(spans)
            mapped.append([(s, e, self.schema.current_value(lab)) for s, e, lab in spans])
            sha.append(value.get("text_sha256"))
            text = column.loc[key]
            stale.append(not isinstance(text, str) or text_sha256(text) != sha[-1])
            if split and any(s[2] in split for s in spans):
                frame.loc[key, "state"] = "unlabelled"
        frame.insert(0, "spans", pd.Series(mapped, index=frame.index, dtype=object))
        frame.insert(1, "original_spans", pd.Series(original, index=frame.index, dtype=object))
        frame.insert(
            2,
            "suggested_spans",
            pd.Series(
                [None if not isinstance(s, list) else [tuple(x) for x in s] for s in suggested],
                index=frame.index,
                dtype=object,
            ),
        )
        frame.insert(3, "text_sha256", pd.Series(sha, index=frame.index, dtype=object))
        frame.insert(4, "stale", pd.Series(stale, index=frame.index, dtype=object))
        return frame

    def spans_frame(self) -> pd.DataFrame:
        """The labelled, not stale texts with their spans: columns ``text`` and ``spans``."""
        frame = self.annotations
        done = frame["state"].isin(["labelled", "flagged"]) & frame["spans"].notna()
        done &= ~frame["stale"].astype(bool)
        keys = frame.index[done]
        return pd.DataFrame(
            {
                "text": self.data.loc[keys, self._column],
                "spans": frame.loc[keys, "spans"],
            }
        )

    def training_data(self, features: Any = None) -> tuple[pd.Series, pd.Series]:
        """Texts and their span lists, for a model (see also :func:`nb_label.spans.to_spacy`)."""
        frame = self.spans_frame()
        return frame["text"], frame["spans"]

    def export(self, path: str | Path) -> Path:
        """Write ``annotations`` to CSV, Parquet (spans as JSON text) or JSON Lines."""
        from nb_label.results import write_frame

        path = Path(path)
        frame = self.annotations
        if path.suffix.lower() in (".csv", ".parquet"):
            for column in ("spans", "original_spans", "suggested_spans"):
                frame[column] = [
                    None if v is None else json.dumps(v, ensure_ascii=False) for v in frame[column]
                ]
        return write_frame(frame, path)
