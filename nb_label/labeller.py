"""The Labeller: the object a user creates and displays; it wires the parts together.

Source (the DataFrame), label set, store (the events), item book (states and queue),
sharing (gold items, leases) and the card each do one job. Every human action, from code or
from the card, goes through :meth:`Labeller.submit`: checked against the answer kind and the
label set, built by :func:`nb_label.events.make_event`, committed, and then told to every
observer (the card) and every ``on_answer`` callback (the model loop). See
docs/architecture.md for the path of one key press.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from nb_label._keys import decode_key, encode_key
from nb_label._protocols import View
from nb_label._state import ANSWER_KINDS, Answer
from nb_label.adaptive import Adaptive
from nb_label.answering import Answering
from nb_label.answers import as_answer, label_set_for, uses_labels
from nb_label.assign import Assignment, check_overlap
from nb_label.events import active_mask
from nb_label.feed import CardFeed
from nb_label.frames import keyed_frame
from nb_label.identity import check_dataset, default_dataset
from nb_label.items import ItemBook
from nb_label.labelset import LabelSetLog
from nb_label.listening import Listening
from nb_label.moving import Moving
from nb_label.names import check_annotator, check_distinct
from nb_label.reading import Reading
from nb_label.sharing import SharedDataset, Sharing
from nb_label.source import DataSource
from nb_label.store import Store, open_store
from nb_label.views import CallableView, default_view


class Labeller(Answering, Moving, Listening, SharedDataset, Reading):
    """Label the rows of a DataFrame, one item at a time, into a durable store.

    Parameters
    ----------
    df : pandas.DataFrame, polars.DataFrame or pyarrow.Table
        The data. Items are addressed by their index label (or by ``key``); a pandas frame
        is never copied or changed. Other tables are read into pandas once (the ``arrow``
        extra) and need ``key``.
    show : str or list of str
        The column(s) shown for each item.
    labels : list or Schema
        The label set: names (strings, ints or bools; their type is kept) or a
        :class:`~nb_label.Schema` with definitions and keys. Left out when ``answer=`` is
        given (a multi-label kind brings its labels, a rating its scale).
    answer : answer kind, optional
        What an answer is, when it is not one label: :class:`~nb_label.MultiLabel`,
        :class:`~nb_label.Rating`, :class:`~nb_label.Number` or :class:`~nb_label.Caption`
        (see :mod:`nb_label.answers`), kept as ``lab.answer``. Every kind is stored as a
        ``label`` event whose value is the answer.
    store : str, Path, URL or Store, default "nb_label.db"
        Where events are saved: a SQLite file (the default, in the working folder), a
        SQLAlchemy URL such as ``"postgresql://host/db"``, or an open store.
    annotator : str, optional
        Who is labelling; defaults to the login name.
    dataset : str, optional
        The dataset's name in the store; by default derived from the shown columns and the
        data's fingerprint.
    where : boolean mask or str, optional
        Restrict labelling to a subset: a boolean Series aligned to ``df.index`` or a
        :meth:`pandas.DataFrame.query` string.
    view : View or callable, optional
        How an item is shown; by default text for one column and a table for several.
    buffer : int, default 20
        How many items the card holds ahead of the person.
    label_duplicates : bool, default False
        When an item is labelled, give the same label to every item whose shown content is
        identical (events with source ``"duplicate"``; undo of the original does not undo them).
    overlap : int or Adaptive, optional
        Share the dataset among annotators: every item is offered until ``overlap`` different
        annotators have answered it, or with ``nbl.Adaptive(min=1, max=3, confidence=0.9)``
        until its answers' consensus confidence reaches ``confidence`` (between ``min`` and
        ``max`` answers; see :class:`nb_label.Adaptive`). Only the items in this card's
        buffer are leased; see :mod:`nb_label.assign`. By default every annotator labels
        every item.
    lease_seconds : float, default 120
        With ``overlap``: how long an item stays reserved for this card without a heartbeat
        (the card sends one every quarter of this while it is open).
    gold_every : int, default 10
        Gold items (see :meth:`mark_gold`) are mixed in, one after every ``gold_every - 1``
        other items, until each annotator has answered all of them.
    key : str, optional
        A column of unique ids that keys the items instead of the index (and is the results'
        index); needed for tables without an index, such as polars and Arrow.

    Examples
    --------
    >>> lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store="labels.db")
    >>> lab.label("spam", note="asks me to call a premium number")
    >>> lab.annotations
    """

    def __init__(
        self,
        df: pd.DataFrame,
        *,
        show: str | Sequence[str],
        labels: Any = None,
        answer: Any = None,
        store: str | Path | Store = "nb_label.db",
        annotator: str | None = None,
        dataset: str | None = None,
        where: Any = None,
        view: View | Any = None,
        buffer: int = 20,
        label_duplicates: bool = False,
        overlap: int | Adaptive | None = None,
        lease_seconds: float = 120.0,
        gold_every: int = 10,
        key: str | None = None,
    ) -> None:
        df = keyed_frame(df, key)
        self._source = DataSource(df, show=show, where=where)
        self.answer = as_answer(answer)
        schema = label_set_for(self.answer, labels)
        self.annotator = check_annotator(annotator)
        if buffer < 1:
            raise ValueError("buffer= must be at least 1")
        self.overlap = None if overlap is None else check_overlap(overlap)
        if isinstance(gold_every, bool) or not isinstance(gold_every, int) or gold_every < 1:
            raise ValueError("gold_every= must be a whole number of 1 or more")
        self.buffer_size = int(buffer)
        self.lease_seconds = float(lease_seconds)
        self._duplicates = self._source.duplicate_groups() if label_duplicates else None
        self._owns_store = not isinstance(store, Store)
        self._store = open_store(store)
        self._message = ""
        if dataset is None:
            dataset, self._message = default_dataset(
                self._source, self._store, suffix=self.dataset_suffix
            )
        self.dataset = dataset
        self.session_id = uuid.uuid4().hex
        check_dataset(self._source, self._store, self.dataset)
        check_distinct(self.annotator, self._store.annotators(self.dataset))
        self._labelset = LabelSetLog(self._store, self.dataset, annotator=self.annotator)
        if schema is not None:  # numbers and captions have no label set
            kind = None if uses_labels(self.answer) else self.answer.for_card()
            self._labelset.reconcile(schema, answer=kind)
        self._labelset.on_change(self._on_labelset_change)
        self._labelset_checked = time.monotonic()
        # Answers by others reach on_answer callbacks from the moment this labeller opens.
        self._others_seen = self._store.last_event_id(self.dataset)
        self._book = ItemBook(self._source.positions, n_rows=self._source.n_rows)
        self._feed = CardFeed(
            self._source, self._book, _as_view(view, self._source), self._offered
        )
        self._observers: list[Callable[[dict], None]] = []
        self._answer_hooks: list[Callable[..., Any]] = []
        self._history: list[int] = []  # positions of this session's answers, for undo
        self._retractions: dict[str, int] = {}  # this session's retraction client ids -> ids
        self._shown: list[int] = []  # positions shown in this session, for back()
        self._review: list[int] | None = None
        self._card = None
        self._load_answers()
        self._requeue_split()
        assignment = None
        if self.overlap is not None:
            assignment = Assignment(
                self._store,
                dataset=self.dataset,
                annotator=self.annotator,
                session_id=self.session_id,
                overlap=self.overlap,
                key_of=lambda position: encode_key(self._source.key_at(position)),
                lease_seconds=lease_seconds,
            )
        self._sharing = Sharing(
            self._store,
            self.dataset,
            self._book,
            self._source.df.index,
            gold_every=gold_every,
            assignment=assignment,
            on_problem=self._set_message,
        )
        self._sharing.refresh_gold()
        if assignment is not None:
            assignment.ensure_slots(self._source.positions.tolist())
        self._current = self._peek()
        self._shown_at = time.monotonic()

    # -- set-up -------------------------------------------------------------------------------
    #: Ends the default dataset name of labellers whose answers are of another shape.
    dataset_suffix = ""

    def _load_answers(self) -> None:
        """Read this annotator's active answers from the store into the item book."""
        _names, rows = self._store.events(
            self.dataset,
            as_frame=False,
            annotator=self.annotator,
            kinds=[*ANSWER_KINDS, "retract"],
            columns=["id", "client_event_id", "item_key", "kind", "value", "note", "retracts"],
        )
        if not rows:
            return
        ids, _cids, _keys, kinds, _values, _notes, retracts = zip(*rows, strict=True)
        keep = active_mask(ids, kinds, retracts)  # one annotator: no need to compare names
        answers = [row for row, kept in zip(rows, keep.tolist(), strict=True) if kept]
        positions = self._source.df.index.get_indexer([decode_key(r[2]) for r in answers])
        self._book.load(
            (position, Answer(event_id, kind, value, note, cid))
            for position, (event_id, cid, _key, kind, value, note, _r) in zip(
                positions.tolist(), answers, strict=True
            )
            if position >= 0  # an item no longer in this DataFrame keeps its events in the store
        )

    # -- properties ---------------------------------------------------------------------------
    @property
    def store(self) -> Store:
        """The event store."""
        return self._store

    @property
    def schema(self) -> LabelSetLog:
        """The current label set, with the operations that change it.

        ``propose``, ``approve``, ``reject``, ``rename``, ``merge``, ``split``, ``retire``,
        ``proposals`` and ``history``; see :class:`nb_label.labelset.LabelSetLog`.
        """
        return self._labelset

    @property
    def labelset_version(self) -> int:
        """How many label-set events this dataset has (the version answers are given under)."""
        return self._labelset.version

    @property
    def view(self) -> View:
        """How an item is shown (a :class:`~nb_label.views.View`)."""
        return self._feed.view

    @property
    def current(self) -> Hashable | None:
        """The item key the Python side considers current (None when all are answered)."""
        return None if self._current is None else self._source.key_at(self._current)

    @property
    def progress(self) -> dict[str, int]:
        """Counts of items by state, for the items this labeller covers."""
        return {"total": len(self._source), **self._book.counts}

    @property
    def done(self) -> bool:
        """True when every item has an answer (skipped ones included)."""
        return self._current is None

    @property
    def data(self) -> pd.DataFrame:
        """The user's DataFrame (the same object, never a copy)."""
        return self._source.df

    def __len__(self) -> int:
        return len(self._source)

    def __repr__(self) -> str:
        p = self.progress
        return (
            f"<{type(self).__name__} {self.dataset!r} for {self.annotator!r}: {p['labelled']} / "
            f"{p['total']} labelled, store {self._store.url}>"
        )

    # -- items --------------------------------------------------------------------------------
    def item(self, item_key: Hashable | None = None) -> dict[str, Any]:
        """The shown columns of an item (the current one by default)."""
        position = self._current if item_key is None else self._source.position_of(item_key)
        if position is None:
            raise LookupError("every item has an answer; see lab.annotations or lab.review()")
        return self._source.row(position)

    def saved_answer(self, item_key: Hashable | None = None) -> dict[str, Any] | None:
        """This annotator's saved answer for an item (the current one by default), or None.

        A dict with ``kind`` and ``value`` of the latest active answer, ``label`` (the value
        of the latest label answer, kept under a later flag), ``note`` and ``event_id``.
        """
        record = self._book.records.get(self._position(item_key))
        if record is None or not record.answers:
            return None
        last, label = record.answers[-1], record.label
        return {
            "kind": last.kind,
            "value": last.value,
            "label": None if label is None else label.value,
            "note": record.note,
            "event_id": last.event_id,
        }

    def _position(self, item_key: Hashable | None) -> int:
        if item_key is None:
            if self._current is None:
                raise LookupError(
                    "every item has an answer: nothing is current. Use lab.review('skipped'), "
                    "lab.review('unsure') or lab.goto(key) to revisit items"
                )
            return self._current
        position = self._source.position_of(item_key)
        if not self._book.queue.is_member(position):
            raise KeyError(f"item {item_key!r} is outside this labeller's where= subset")
        return position

    # -- label-set changes and others' work -----------------------------------------------------
    def _on_labelset_change(self) -> None:
        self._requeue_split()
        self._emit("labels")

    def _requeue_split(self) -> None:
        """Items whose label was split go back to the queue to be labelled again."""
        split = self._labelset.requeued_values
        if split:
            self._book.requeue(lambda value: self._needs_relabel(value, split))

    def _needs_relabel(self, value: Any, split: set) -> bool:
        """Whether a saved label value must be given again after ``split`` labels were split."""
        needs_relabel = getattr(self.answer, "needs_relabel", None)
        if needs_relabel is not None:  # a kind whose value holds labels (spans)
            return needs_relabel(value, split)
        try:
            return value in split
        except TypeError:  # a list or dict answer: its labels are not one split label
            return False

    def sync_labelset(self, *, every: float = 2.0) -> bool:
        """Pick up label-set changes and gold items made by others on the same store.

        Checked at most every ``every`` seconds (the card calls it when acknowledging).
        """
        now = time.monotonic()
        if now - self._labelset_checked < every:
            return False
        self._labelset_checked = now
        if self._sharing.refresh_gold():
            self._emit("order")
        if self._answer_hooks:
            self._see_others()
        return self._labelset.refresh()

    # -- the card -----------------------------------------------------------------------------
    def card_item(self, position: int) -> dict[str, Any]:
        """One item as the card's buffer holds it (see docs/protocol.md)."""
        return self._feed.item(position)

    def _offered(self, value: Any) -> bool:
        """Whether a suggested answer is still on offer (every label of a multi-label one)."""
        if self._labelset.schema is None:
            return False
        if isinstance(value, list):
            return all(v in self._labelset for v in value)
        return value in self._labelset

    @property
    def card(self):
        """The item card widget (created on first use)."""
        if self._card is None:
            from nb_label.card import ItemCard

            self._card = ItemCard(self)
        return self._card

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.card._repr_mimebundle_(**kwargs)

    def _display_(self) -> Any:
        # marimo's display protocol: a cell ending in `lab` shows the card there too.
        return self.card

    # -- lifetime -----------------------------------------------------------------------------
    def close(self) -> None:
        """Close the card, give back reserved items and, if this labeller opened it, the store."""
        if self._card is not None:
            self._card.close()
            self._card = None
        self._sharing.release()
        if self._owns_store:
            self._store.close()

    def __enter__(self) -> Labeller:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_view(view: Any, source: DataSource) -> View:
    if view is None:
        return default_view(source.columns, data=source.df)
    if hasattr(view, "render"):
        return view
    if callable(view):
        return CallableView(view)
    raise ValueError("view= must have a render(row) method or be a function of a row")
