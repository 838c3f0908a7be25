"""Review where annotators disagree: see every answer and note side by side, then decide.

A decision is an event of kind ``"decision"`` (the decided label, the reviewer's reason);
:func:`nb_label.consensus` then takes the decided label for that item. The UI is plain
ipywidgets with text widgets only, so data and notes never reach the page as HTML, and every
button has a method that does the same from code.

Over 400 lines because the reviewer's widget and the decisions it stores share one state;
splitting them would pass that state back and forth.
"""

from __future__ import annotations

import getpass
import uuid
from collections.abc import Hashable
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd

from nb_label._keys import encode_key
from nb_label.events import make_event
from nb_label.hosts import ShownByJupyterOnly
from nb_label.quality._long import as_long, code_answers
from nb_label.quality.api import decisions_from_events, source_events
from nb_label.quality.gold import gold_from_events

__all__ = ["Review", "disputed_items"]

_ITEM_COLUMNS = [
    "n_answers",
    "n_labels",
    "majority_label",
    "majority_share",
    "entropy",
    "spread",
    "labels",
    "decision",
]


def disputed_items(answers: pd.DataFrame) -> pd.DataFrame:
    """Items whose annotators gave more than one label, most disputed first.

    Parameters
    ----------
    answers : DataFrame
        Long-format answers: ``item_key``, ``annotator``, ``label``.

    Returns
    -------
    DataFrame
        Indexed by ``item_key``: ``n_answers``, ``n_labels`` (distinct labels),
        ``majority_label`` (a tie goes to the label that sorts first), ``majority_share``,
        ``entropy`` (in bits, of the item's labels; 0 when all agree), ``spread`` (the
        standard deviation of numeric labels such as ratings, else NaN) and ``labels`` (a
        text summary such as ``"3×polite, 2×impolite"``). Sorted by entropy, highest first,
        then by the majority's share, lowest first, then by spread, highest first.
    """
    if len(answers) == 0:
        return pd.DataFrame(columns=_ITEM_COLUMNS[:-1], index=pd.Index([], name="item_key"))
    coded = code_answers(as_long(answers))
    counts = coded.counts
    n_answers = counts.sum(axis=1)
    share = counts / n_answers[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.where(share > 0, share * np.log2(share), 0.0).sum(axis=1)
    n_labels = (counts > 0).sum(axis=1)
    disputed = np.flatnonzero(n_labels > 1)
    top = counts.argmax(axis=1)
    labels = np.asarray(coded.labels, dtype=object)
    frame = pd.DataFrame(
        {
            "n_answers": n_answers[disputed],
            "n_labels": n_labels[disputed],
            "majority_label": labels[top[disputed]],
            "majority_share": share[disputed, top[disputed]],
            "entropy": entropy[disputed] + 0.0,  # + 0.0 turns -0.0 into 0.0
            "spread": _spread(counts[disputed], labels),
            "labels": [_summary(counts[i], labels) for i in disputed],
        },
        index=pd.Index(coded.items[disputed], name="item_key"),
    )
    return frame.sort_values(
        ["entropy", "majority_share", "spread"], ascending=[False, True, False], kind="stable"
    )


def _spread(counts: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Standard deviation of numeric labels per item (ratings far apart are more disputed
    than neighbours); NaN for labels that are not numbers.
    """
    if not all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in labels):
        return np.full(len(counts), np.nan)
    values = labels.astype(float)
    n = counts.sum(axis=1)
    mean = counts @ values / n
    return np.sqrt(np.clip(counts @ values**2 / n - mean**2, 0.0, None))


def _summary(row: np.ndarray, labels: np.ndarray) -> str:
    order = np.argsort(-row, kind="stable")
    return ", ".join(f"{row[i]}×{labels[i]}" for i in order if row[i] > 0)


def answers_from_events(events: pd.DataFrame) -> pd.DataFrame:
    """Every annotator's current label per item, with the note of that label event.

    Returns
    -------
    DataFrame
        ``item_key``, ``annotator``, ``label``, ``note``, ``labelled_at``; the latest active
        label event of each (item, annotator) counts, as in
        :func:`~nb_label.results.current_labels`.
    """
    from nb_label.results import current_labels

    return current_labels(events, details=True)


class Review(ShownByJupyterOnly, w.VBox):
    """Adjudicate the items annotators disagree on.

    Parameters
    ----------
    source : Labeller, Store or DataFrame
        A labeller (its store and dataset, and the items' content), a store with
        ``dataset=``, or long-format answers (``item_key``, ``annotator``, ``label`` and
        optionally ``note``), which can be read but not decided.
    dataset : str, optional
        The dataset's name, when ``source`` is a store.
    reviewer : str, optional
        Who decides; by default the labeller's annotator, else the login name.

    Attributes
    ----------
    items : DataFrame
        The disputed items, most disputed first (see :func:`disputed_items`), with the
        ``decision`` in force (or None).
    decisions : DataFrame
        Review decisions in force, by item key: ``label``, ``note``, ``reviewer``,
        ``decided_at``, ``event_id``.

    Examples
    --------
    >>> review = nbl.Review(lab)
    >>> review.items.head()
    >>> review.answers(review.items.index[0])
    >>> review.decide(review.items.index[0], "polite", note="asks with please and thanks")
    """

    _marimo_instead = (
        "Open this notebook in JupyterLab to decide with buttons; in marimo, review.items, "
        "review.answers(key) and review.decide(key, label, note=...) do the same from code."
    )

    def __init__(
        self, source: Any, *, dataset: str | None = None, reviewer: str | None = None
    ) -> None:
        from nb_label.store import Store

        self._source = source
        self._labeller = None
        self._store = None
        if isinstance(source, pd.DataFrame):
            self.dataset = dataset
        elif isinstance(source, Store):
            source_events(source, dataset=dataset)  # the clear error when dataset= is missing
            self._store, self.dataset = source, dataset
        elif hasattr(source, "store") and hasattr(source, "dataset"):
            self._labeller = source
            self._store, self.dataset = source.store, source.dataset
            reviewer = reviewer or source.annotator
        else:
            raise ValueError(
                "expected a Labeller, a Store with dataset=, or a long-format DataFrame"
            )
        self.reviewer = _check_reviewer(reviewer)
        self.session_id = uuid.uuid4().hex

        self.choice = w.Select(description="Disputed", rows=8, layout={"width": "100%"})
        self.details = w.Textarea(disabled=True, layout={"width": "100%", "height": "16em"})
        self.label_buttons = w.ToggleButtons(description="Label", options=[], value=None)
        self.reason = w.Text(description="Why", placeholder="the reason for this decision")
        self.decide_button = w.Button(description="Decide", button_style="success")
        self.refresh_button = w.Button(description="Refresh")
        self.status = w.Label()
        self.choice.observe(lambda _: self._show_details(), names="value")
        self.decide_button.on_click(lambda _: self.decide_selected())
        self.refresh_button.on_click(lambda _: self.refresh())
        super().__init__(
            [
                self.choice,
                self.details,
                self.label_buttons,
                self.reason,
                w.HBox([self.decide_button, self.refresh_button]),
                self.status,
            ]
        )
        self.add_class("nbl-review")
        if self.read_only:
            self.decide_button.disabled = True
            self.status.value = "Read-only: pass a Labeller or a Store to record decisions."
        self.refresh()

    # -- data -------------------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        """True when the answers came as a DataFrame: nothing can be stored."""
        return self._store is None

    def refresh(self) -> None:
        """Re-read the answers and decisions (what the Refresh button does)."""
        previous = self.selected if hasattr(self, "items") else None
        if self.read_only:
            answers = self._source.copy()
            if "note" not in answers:
                answers["note"] = None
            self._answers = answers
            self.decisions = decisions_from_events(_no_events())
            self._gold = pd.Series(dtype=object)
        else:
            events = self._store.events(self.dataset)
            self._answers = answers_from_events(events)
            self.decisions = decisions_from_events(events)
            self._gold = gold_from_events(events)
        # Keys compared in their stored text form: tuples and numpy integers match too.
        self._answer_keys = _encoded(self._answers["item_key"])
        decided = dict(zip(_encoded(self.decisions.index), self.decisions["label"], strict=True))
        items = disputed_items(self._answers)
        self._item_keys = _encoded(items.index)
        items["decision"] = pd.Series(
            [decided.get(k) for k in self._item_keys], index=items.index, dtype=object
        )
        self.items = items
        self._update_widgets(previous)

    @property
    def labels(self) -> list[Any]:
        """The labels a decision may take: the label set's, else every label seen so far."""
        if self._labeller is not None:
            return list(self._labeller.schema.values)
        seen = [*self._answers["label"].dropna(), *self._gold.dropna()]
        return list(dict.fromkeys(seen))

    def answers(self, item_key: Hashable) -> pd.DataFrame:
        """Every annotator's current answer to one item, with their notes.

        Returns
        -------
        DataFrame
            ``annotator``, ``label``, ``note`` (and ``labelled_at`` from a store), sorted by
            label then annotator.
        """
        rows = self._answers[self._answer_keys == encode_key(item_key)]
        rows = rows.drop(columns="item_key").sort_values("annotator", kind="stable")
        try:  # numbers in numeric order; mixed labels by their text
            order = np.argsort(rows["label"].to_numpy(), kind="stable")
        except TypeError:
            order = np.argsort(rows["label"].astype(str).to_numpy(), kind="stable")
        return rows.iloc[order].reset_index(drop=True)

    def content(self, item_key: Hashable) -> str:
        """The item's shown columns as text ("" without a labeller)."""
        if self._labeller is None:
            return ""
        row = self._labeller.item(item_key)
        return "\n".join(f"{column}: {value}" for column, value in row.items())

    # -- deciding ---------------------------------------------------------------------------
    def decide(self, item_key: Hashable, label: Any, *, note: str | None = None) -> int:
        """Store the decided label of one item, with the reason.

        Parameters
        ----------
        item_key : hashable
            The item (an index label of the data).
        label : str, int or bool
            The decided label; one of :attr:`labels`.
        note : str, optional
            Why this label: kept with the decision for whoever reads it later.

        Returns
        -------
        int
            The stored event's id.
        """
        if self.read_only:
            raise ValueError(
                "this Review reads long-format answers and cannot store decisions; pass a "
                "Labeller or a Store with dataset= to decide"
            )
        if note is not None and not isinstance(note, str):
            raise ValueError("note= must be text")
        value = self._known_label(label)
        self._check_item(item_key)
        version = self._labeller.labelset_version if self._labeller is not None else 0
        event_id = self._store.append(
            make_event(
                "decision",
                dataset=self.dataset,
                annotator=self.reviewer,
                item_key=item_key,
                value=value,
                note=note,
                session_id=self.session_id,
                source="review",
                labelset_version=version,
            )
        )
        self.refresh()
        decided = f"Decided item {encode_key(item_key)}: {value!r}"
        if (self._item_keys == encode_key(item_key)).any():
            self.select(item_key)
        else:  # stored all the same: a reviewer may settle an item nobody disputed
            decided += " (it is not among the disputed items)"
        self.status.value = decided
        return event_id

    def _known_label(self, label: Any) -> Any:
        if isinstance(label, np.generic):
            label = label.item()
        if self._labeller is not None:
            return self._labeller.schema.find(label).value
        for known in self.labels:
            if known == label and isinstance(known, bool) == isinstance(label, bool):
                return known.item() if isinstance(known, np.generic) else known
        raise ValueError(f"{label!r} is not a known label; choose one of {self.labels!r}")

    def _check_item(self, item_key: Hashable) -> None:
        if self._labeller is not None:
            self._labeller.item(item_key)  # raises for a key outside the data
        elif not (self._answer_keys == encode_key(item_key)).any():
            raise KeyError(f"item {item_key!r} has no answers in dataset {self.dataset!r}")

    # -- the widget's actions ---------------------------------------------------------------
    @property
    def selected(self) -> Hashable | None:
        """The item key selected in the list, or None."""
        if self.choice.value is None or self.items.empty:
            return None
        return self.items.index[self.choice.value]

    def select(self, item_key: Hashable) -> None:
        """Select an item in the list (what clicking it does)."""
        where = np.flatnonzero(self._item_keys == encode_key(item_key))
        if not len(where):
            raise KeyError(f"item {item_key!r} is not among the disputed items")
        self.choice.value = int(where[0])

    def choose(self, label: Any) -> None:
        """Press a label button (what clicking it does)."""
        value = self._known_label(label)
        self.label_buttons.value = self.labels.index(value)

    def decide_selected(self) -> int | None:
        """Decide the selected item with the chosen label and the typed reason (the Decide
        button). Shows what went wrong in the status line instead of raising.
        """
        key, choice = self.selected, self.label_buttons.value
        if key is None or choice is None:
            self.status.value = "Select an item and a label first."
            return None
        try:
            event_id = self.decide(key, self.labels[choice], note=self.reason.value)
        except (ValueError, KeyError, LookupError) as err:
            self.status.value = f"Not decided: {err}"
            return None
        self.reason.value = ""
        return event_id

    def _update_widgets(self, previous: Hashable | None) -> None:
        self.label_buttons.options = [(str(v), i) for i, v in enumerate(self.labels)]
        self.label_buttons.value = None
        self.choice.options = [
            (f"{'✓ ' if d is not None else ''}{key} · {summary}", i)
            for i, (key, summary, d) in enumerate(
                zip(self.items.index, self.items["labels"], self.items["decision"], strict=True)
            )
        ]
        self.choice.value = None
        if len(self.items):
            if previous is not None and (self._item_keys == encode_key(previous)).any():
                self.select(previous)
            else:
                self.choice.value = 0
        self._show_details()

    def _show_details(self) -> None:
        key = self.selected
        if key is None:
            self.details.value = (
                "No disputed items: every answered item has one label so far."
                if self.items.empty
                else "Select an item."
            )
            return
        self.details.value = self.details_text(key)

    def details_text(self, item_key: Hashable) -> str:
        """The text shown for one item: its content, every answer with its note, the decision."""
        plain = item_key.item() if isinstance(item_key, np.generic) else item_key
        parts = [f"Item {plain!r}"]
        try:
            content = self.content(item_key)
        except (KeyError, LookupError):
            content = "(not in the labeller's data)"
        if content:
            parts.append(content)
        answers = self.answers(item_key)
        parts.append("")
        parts.append(f"{len(answers)} answers:")
        width = max([len("annotator"), *(len(str(a)) for a in answers["annotator"])])
        label_width = max([len("label"), *(len(str(v)) for v in answers["label"])])
        parts.append(f"{'annotator':<{width}}  {'label':<{label_width}}  note")
        for row in answers.itertuples(index=False):
            note = "" if row.note is None or pd.isna(row.note) else str(row.note)
            parts.append(f"{row.annotator!s:<{width}}  {row.label!s:<{label_width}}  {note}")
        decided = self.decisions[_encoded(self.decisions.index) == encode_key(item_key)]
        if len(decided):
            last = decided.iloc[-1]
            parts.append("")
            parts.append(f"Decision: {last['label']} by {last['reviewer']}: {last['note'] or ''}")
        return "\n".join(parts)


def _encoded(keys: Any) -> np.ndarray:
    """Item keys in the store's text form."""
    return np.asarray([encode_key(k) for k in keys], dtype=object)


def _no_events() -> pd.DataFrame:
    from nb_label.store import EVENT_COLUMNS

    return pd.DataFrame({c: pd.Series(dtype=object) for c in EVENT_COLUMNS})


def _check_reviewer(reviewer: str | None) -> str:
    name = getpass.getuser() if reviewer is None else reviewer
    if not isinstance(name, str) or not name.strip():
        raise ValueError("reviewer= must be a non-empty name, e.g. reviewer='ana'")
    return " ".join(name.split())
