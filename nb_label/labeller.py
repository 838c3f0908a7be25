"""The Labeller: the object a user creates and displays; it wires the parts together.

Source (the DataFrame), schema (the label set), store (the events), queue (what comes next),
view (how an item looks) and the item card (the front end) each do one job; the labeller
turns a human action into an event, commits it, and moves on.
"""

from __future__ import annotations

import gc
import getpass
import time
import uuid
from collections.abc import Hashable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nb_label._keys import decode_key, encode_key
from nb_label._protocols import View
from nb_label._state import ANSWER_KINDS, FINISHED_STATES, Answer, ItemRecord
from nb_label.answers import MultiLabel, SingleLabel, as_answer, label_set_for
from nb_label.assign import Assignment, check_overlap
from nb_label.errors import StoreError
from nb_label.labelset import LabelSetLog
from nb_label.queue import ItemQueue
from nb_label.source import DataSource, fingerprint_changes
from nb_label.store import Store, open_store
from nb_label.views import CallableView, default_view

_REVIEW_QUEUES = ("unsure", "skipped", "mine", "none_fits")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _check_annotator(annotator: str | None) -> str:
    name = getpass.getuser() if annotator is None else annotator
    if not isinstance(name, str) or not name.strip():
        raise ValueError("annotator= must be a non-empty name, e.g. annotator='ana'")
    return " ".join(name.split())


def _name_folded(name: str) -> str:
    return "".join(name.split()).casefold()


def _check_distinct(name: str, others: Sequence[str]) -> None:
    """Refuse a name that differs from a stored one only by case or spaces ("Ana" vs "ana")."""
    if name in others:
        return
    twins = [other for other in others if _name_folded(other) == _name_folded(name)]
    if twins:
        raise ValueError(
            f"annotator {name!r} differs from {twins[0]!r}, who already has answers in this "
            f"dataset, only by case or spaces. If that is you, pass annotator={twins[0]!r}; "
            "otherwise choose a name that tells you apart"
        )


class Labeller:
    """Label the rows of a DataFrame, one item at a time, into a durable store.

    Parameters
    ----------
    df : pandas.DataFrame
        The data. Items are addressed by their index label; the frame is never copied or
        changed.
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
    overlap : int, optional
        Share the dataset among annotators: every item is offered until ``overlap`` different
        annotators have answered it. Only the items in this card's buffer are leased; see
        :mod:`nb_label.assign`. By default every annotator labels every item.
    lease_seconds : float, default 120
        With ``overlap``: how long an item stays reserved for this card without a heartbeat
        (the card sends one every quarter of this while it is open).
    gold_every : int, default 10
        Gold items (see :meth:`mark_gold`) are mixed in, one after every ``gold_every - 1``
        other items, until each annotator has answered all of them.

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
        overlap: int | None = None,
        lease_seconds: float = 120.0,
        gold_every: int = 10,
    ) -> None:
        self._source = DataSource(df, show=show, where=where)
        self.answer = as_answer(answer)
        schema = label_set_for(self.answer, labels)
        self.annotator = _check_annotator(annotator)
        if buffer < 1:
            raise ValueError("buffer= must be at least 1")
        self.overlap = None if overlap is None else check_overlap(overlap)
        if isinstance(gold_every, bool) or not isinstance(gold_every, int) or gold_every < 1:
            raise ValueError("gold_every= must be a whole number of 1 or more")
        self._gold_every = gold_every
        self._buffer_target = int(buffer)
        self._duplicates = self._source.duplicate_groups() if label_duplicates else None
        if view is None:
            self._view = default_view(self._source.columns, data=self._source.df)
        elif hasattr(view, "render"):
            self._view = view
        elif callable(view):
            self._view = CallableView(view)
        else:
            raise ValueError("view= must have a render(row) method or be a function of a row")
        self._owns_store = not isinstance(store, Store)
        self._store = open_store(store)
        self.dataset = dataset or self._source.default_dataset_name()
        self.session_id = uuid.uuid4().hex
        self._check_dataset()
        _check_distinct(self.annotator, self._store.annotators(self.dataset))
        self._labelset = LabelSetLog(self._store, self.dataset, annotator=self.annotator)
        if schema is not None:  # numbers and captions have no label set
            kind = None if isinstance(self.answer, SingleLabel) else self.answer.for_card()
            self._labelset.reconcile(schema, answer=kind)
        self._labelset.on_change(self._on_labelset_change)
        self._requeued: set[int] = set()
        self._labelset_checked = time.monotonic()
        self._queue = ItemQueue(self._source.positions, n_rows=self._source.n_rows)
        self._records: dict[int, ItemRecord] = {}
        self._counts = {"labelled": 0, "flagged": 0, "none_fits": 0, "skipped": 0}
        self._history: list[int] = []  # positions of this session's actions, for undo
        self._shown: list[int] = []  # positions shown in this session, for back()
        self._suggestions: dict[int, tuple[Any, float]] = {}
        self._unshowable: dict[int, str] = {}  # position -> why the view could not show it
        self._review: list[int] | None = None
        self._card = None
        self._answer_hooks: list[Any] = []
        self._message = ""
        self._load_state()
        self._requeue_split()
        self._gold: list[int] = []  # positions of gold items, in the order they were marked
        self._gold_values: dict[int, Any] = {}
        self._gold_events: dict[int, tuple[str, Any]] = {}  # gold event id -> (key, label)
        self._gold_seen = 0  # id of the last gold event read
        self._refresh_gold()
        self._assignment: Assignment | None = None
        if self.overlap is not None:
            self._assignment = Assignment(
                self._store,
                dataset=self.dataset,
                annotator=self.annotator,
                session_id=self.session_id,
                overlap=self.overlap,
                key_of=lambda position: encode_key(self._source.key_at(position)),
                lease_seconds=lease_seconds,
            )
            self._assignment.ensure_slots(self._source.positions.tolist())
        self._current = self._peek()
        self._shown_at = time.monotonic()

    # -- set-up -------------------------------------------------------------------------------
    def _check_dataset(self) -> None:
        fingerprint = self._source.fingerprint()
        stored = self._store.ensure_dataset(self.dataset, fingerprint)
        changes = fingerprint_changes(stored, fingerprint)
        if changes:
            raise ValueError(
                f"the data differs from dataset {self.dataset!r} in the store: "
                + "; ".join(changes)
                + ". Labels are kept by item key; to label this data as a new dataset pass "
                "dataset='<new name>'"
            )
        if fingerprint["n_rows"] > stored["n_rows"]:
            self._store.update_dataset(self.dataset, fingerprint)  # rows appended at the end

    def _load_state(self) -> None:
        # Reading 100k events allocates many small objects; the cyclic collector would rescan
        # them over and over (it tripled the time). None of them form cycles.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._load_events()
        finally:
            if was_enabled:
                gc.enable()

    def _load_events(self) -> None:
        names, rows = self._store.event_rows(
            self.dataset,
            annotator=self.annotator,
            kinds=[*ANSWER_KINDS, "retract"],
            columns=["id", "client_event_id", "item_key", "kind", "value", "note", "retracts"],
        )
        if not rows:
            return
        retracted = {row[6] for row in rows if row[6] is not None}
        answers = [r for r in rows if r[3] in ANSWER_KINDS and r[0] not in retracted]
        positions = self._source.df.index.get_indexer([decode_key(r[2]) for r in answers])
        records = self._records
        for position, (event_id, cid, _key, kind, value, note, _r) in zip(
            positions.tolist(), answers, strict=True
        ):
            if position < 0:
                continue  # an item no longer in this DataFrame: its events stay in the store
            record = records.get(position)
            if record is None:
                record = records[position] = ItemRecord()
            record.answers.append(Answer(event_id, kind, value, note, cid))
        # One pass to set the counts and the queue, in bulk rather than item by item.
        finished, skipped = [], []
        for position, record in records.items():
            state = record.state
            if state in self._counts:
                self._counts[state] += 1
            if state in FINISHED_STATES:
                finished.append(position)
            elif state == "skipped":
                skipped.append(position)
        self._queue.finish_many(np.asarray(finished, dtype=np.int64))
        for position in skipped:
            self._queue.skip(position)

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
    def current(self) -> Hashable | None:
        """The item key the Python side considers current (None when all are answered)."""
        return None if self._current is None else self._source.key_at(self._current)

    @property
    def progress(self) -> dict[str, int]:
        """Counts of items by state, for the items this labeller covers."""
        return {"total": len(self._source), **self._counts}

    @property
    def done(self) -> bool:
        """True when every item has an answer (skipped ones included)."""
        return self._current is None

    def __len__(self) -> int:
        return len(self._source)

    def __repr__(self) -> str:
        p = self.progress
        return (
            f"<Labeller {self.dataset!r} for {self.annotator!r}: {p['labelled']} / {p['total']} "
            f"labelled, store {self._store.url}>"
        )

    # -- items --------------------------------------------------------------------------------
    def item(self, item_key: Hashable | None = None) -> dict[str, Any]:
        """The shown columns of an item (the current one by default)."""
        position = self._current if item_key is None else self._source.position_of(item_key)
        if position is None:
            raise LookupError("every item has an answer; see lab.annotations or lab.review()")
        return self._source.row(position)

    def _position(self, item_key: Hashable | None) -> int:
        if item_key is None:
            if self._current is None:
                raise LookupError(
                    "every item has an answer: nothing is current. Use lab.review('skipped'), "
                    "lab.review('unsure') or lab.goto(key) to revisit items"
                )
            return self._current
        position = self._source.position_of(item_key)
        if not self._queue.is_member(position):
            raise KeyError(f"item {item_key!r} is outside this labeller's where= subset")
        return position

    # -- actions (each one is what the card's key press does) ----------------------------------
    def label(
        self, value: Any, *, note: str | None = None, item_key: Hashable | None = None
    ) -> int:
        """Give the current item (or ``item_key``) a label, with an optional note.

        With ``answer=``, ``value`` is the answer: a list of labels, a step of the rating
        scale, a number or a text.

        The event is committed before this returns; then the next item becomes current.

        Returns
        -------
        int
            The stored event's id.
        """
        return self._act("label", self.check_answer(value), note=note, item_key=item_key)

    def check_answer(self, value: Any) -> Any:
        """The answer ``value`` as it is stored, checked against the answer kind.

        A label must be on offer (after label-set changes), a rating on the scale, a number
        within bounds, a caption non-empty unless allowed.

        Raises
        ------
        ValueError
            With a message that says what to do.
        """
        if isinstance(self.answer, SingleLabel):
            return self.schema.find(value).value
        if isinstance(self.answer, MultiLabel):
            return self.answer.check(value, offered=self._labelset.values)
        return self.answer.check(value)

    def skip(self, *, note: str | None = None, item_key: Hashable | None = None) -> int:
        """Skip the current item: it comes back after every unlabelled item."""
        return self._act("skip", None, note=note, item_key=item_key)

    def flag(self, *, note: str | None = None, item_key: Hashable | None = None) -> int:
        """Mark the current item unsure; it keeps its label, if any, and waits for review."""
        return self._act("flag", None, note=note, item_key=item_key)

    def none_fits(
        self, reason: str, *, proposed: str | None = None, item_key: Hashable | None = None
    ) -> int:
        """Say that no label fits the current item, with a reason and a proposed label.

        The item is kept aside (not forced into a wrong category) until the label set changes.
        """
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(
                "none_fits needs a reason: say what the item is and why no label fits"
            )
        value = {"proposed": proposed, "reason": reason}
        return self._act("none_fits", value, note=reason, item_key=item_key)

    def _act(self, kind: str, value: Any, *, note: str | None, item_key: Hashable | None) -> int:
        position = self._position(item_key)
        seconds = time.monotonic() - self._shown_at if position == self._current else None
        event_id = self.record_answer(
            position, kind, value, note=note, seconds=seconds, source="human"
        )
        if kind == "label" and self._duplicates is not None:
            self._label_duplicates(position, value)
        self._advance_after(position)
        self._push_jump()
        self.notify_answered()
        return event_id

    def _label_duplicates(self, position: int, value: Any) -> None:
        key = self._source.key_at(position)
        for other in self._duplicates.get(position, ()):
            record = self._records.get(other)
            if other == position or (record is not None and record.state != "unlabelled"):
                continue
            self.record_answer(
                other, "label", value, note=f"same content as item {key!r}", source="duplicate"
            )

    def record_answer(
        self,
        position: int,
        kind: str,
        value: Any,
        *,
        note: str | None = None,
        seconds: float | None = None,
        client_event_id: str | None = None,
        client_time: datetime | None = None,
        suggestion: dict | None = None,
        source: str = "human",
    ) -> int:
        """Commit one answer event for the item at ``position`` and update the state.

        This is the single path for answers from code and from the card. A resent
        ``client_event_id`` is stored once and returns the first event's id.
        """
        if kind not in ANSWER_KINDS:
            raise ValueError(f"unknown answer kind {kind!r}; expected one of {ANSWER_KINDS}")
        if note is not None and not isinstance(note, str):
            raise ValueError("note= must be text")
        shown = self._suggestions.get(position) if suggestion is None else None
        if shown is not None:
            suggestion = {"value": shown[0], "p": shown[1]}
        event = {
            "client_event_id": client_event_id or uuid.uuid4().hex,
            "dataset": self.dataset,
            "item_key": encode_key(self._source.key_at(position)),
            "annotator": self.annotator,
            "kind": kind,
            "value": value,
            "note": note or None,
            "seconds": None if seconds is None else float(seconds),
            "client_time": client_time or _now(),
            "session_id": self.session_id,
            "source": source,
            "suggestion": None if suggestion is None else suggestion.get("value"),
            "suggestion_p": None if suggestion is None else suggestion.get("p"),
            "labelset_version": self._labelset.version,
        }
        record = self._records.get(position)
        if record is not None and event["client_event_id"] in {
            a.client_event_id for a in record.answers
        }:
            return next(
                a.event_id for a in record.answers if a.client_event_id == event["client_event_id"]
            )
        also = None
        if self._assignment is not None and position not in self._gold:
            also = self._assignment.slot_update(position, kind)
        event_id = self._store.append(event, also=also)
        previous = "unlabelled" if position in self._requeued or record is None else record.state
        self._requeued.discard(position)
        record = self._records.setdefault(position, ItemRecord())
        record.answers.append(
            Answer(event_id, kind, value, event["note"], event["client_event_id"])
        )
        self._apply_state(position, record.state, previous=previous)
        if source not in ("duplicate", "view"):  # undo steps back through the person's answers
            self._history.append(position)
        if kind == "none_fits" and isinstance(value, dict) and value.get("proposed"):
            self._propose_from_item(position, value)
        return event_id

    def _propose_from_item(self, position: int, value: dict) -> None:
        """A "none of these fits" answer with a proposed label becomes a proposal."""
        name = value["proposed"]
        if self._labelset.schema is None:
            return  # numbers and captions have no label set to propose to
        try:
            self._labelset.find(name)
            return  # already a label: the answer itself says it fits that one
        except ValueError:
            pass
        try:
            self._labelset.propose(
                name, reason=value.get("reason") or "", item_key=self._source.key_at(position)
            )
        except (ValueError, PermissionError) as err:
            self.message = f"proposal {name!r} not recorded: {err}"

    # -- label-set changes ----------------------------------------------------------------------
    def _on_labelset_change(self) -> None:
        self._requeue_split()
        if self._card is not None:
            self._card.refresh_labels()

    def _requeue_split(self) -> None:
        """Items whose label was split go back to the queue to be labelled again."""
        split = self._labelset.requeued_values
        if not split:
            return
        for position, record in self._records.items():
            label = record.label
            if (
                position not in self._requeued
                and record.state == "labelled"
                and label is not None
                and label.value in split
            ):
                self._requeued.add(position)
                self._counts["labelled"] -= 1
                self._queue.reopen(position)

    def sync_labelset(self, *, every: float = 2.0) -> bool:
        """Pick up label-set changes and gold items made by others on the same store.

        Checked at most every ``every`` seconds (the card calls it when acknowledging).
        """
        now = time.monotonic()
        if now - self._labelset_checked < every:
            return False
        self._labelset_checked = now
        self._refresh_gold()
        return self._labelset.refresh()

    # -- gold items -----------------------------------------------------------------------------
    def mark_gold(self, labels: pd.Series | dict, *, note: str | None = None) -> int:
        """Mark items whose right answer is known ("gold"), to check every annotator against.

        Gold items are mixed into each annotator's queue (one in every ``gold_every`` items),
        shown like any other item, and answered by everyone regardless of ``overlap``.
        :func:`nb_label.quality.gold_accuracy` reports each annotator's accuracy on them.

        Parameters
        ----------
        labels : Series or dict
            Item key -> the known label. Missing values are left out.
        note : str, optional
            Why these answers are known (kept with each gold event).

        Returns
        -------
        int
            How many gold events were stored.
        """
        series = labels if isinstance(labels, pd.Series) else pd.Series(labels, dtype=object)
        events = []
        for key, value in series.dropna().items():
            self._position(key)  # a clear error for a key outside the data or the subset
            events.append(
                {
                    "client_event_id": uuid.uuid4().hex,
                    "dataset": self.dataset,
                    "item_key": encode_key(key),
                    "annotator": self.annotator,
                    "kind": "gold",
                    "value": self.check_answer(value),
                    "note": note or None,
                    "client_time": _now(),
                    "session_id": self.session_id,
                    "source": "gold",
                    "labelset_version": self._labelset.version,
                }
            )
        self._store.append_many(events)
        self._refresh_gold()
        if self._card is not None:
            self._card.push_buffer(mode="replace")
        return len(events)

    @property
    def gold(self) -> pd.Series:
        """The gold items' known labels, indexed by item key."""
        keys = [self._source.key_at(p) for p in self._gold]
        return pd.Series(
            [self._gold_values[p] for p in self._gold], index=pd.Index(keys), dtype=object
        )

    def _refresh_gold(self) -> bool:
        """Read gold events added since the last look; True if the gold set changed."""
        names, rows = self._store.event_rows(
            self.dataset,
            kinds=["gold", "retract"],
            since_id=self._gold_seen,
            columns=["id", "item_key", "kind", "value", "retracts"],
        )
        if not rows:
            return False
        self._gold_seen = rows[-1][0]
        changed = False
        for event_id, key_text, kind, value, retracts in rows:
            if kind == "gold":
                self._gold_events[event_id] = (key_text, value)
                changed = True
            elif retracts in self._gold_events:
                del self._gold_events[retracts]
                changed = True
        if not changed:
            return False
        latest: dict[str, Any] = {}
        for key_text, value in self._gold_events.values():  # in id order: the last one wins
            latest[key_text] = value
        old = set(self._gold)
        index = self._source.df.index
        positions = index.get_indexer([decode_key(k) for k in latest])
        self._gold, self._gold_values = [], {}
        for position, value in zip(positions.tolist(), latest.values(), strict=True):
            if position >= 0 and self._queue.is_member(position):
                self._gold.append(position)
                self._gold_values[position] = value
        for position in set(self._gold) - old:
            self._queue.finish(position)  # gold is mixed in by _mix_gold, not by the queue
        for position in old - set(self._gold):
            record = self._records.get(position)
            if record is None or record.state == "unlabelled":
                self._queue.reopen(position)
        return True

    def _mix_gold(self, main: list[int], n: int, exclude: set[int]) -> list[int]:
        """Put this annotator's unanswered gold items among ``main``, one every gold_every."""
        pending = []
        for position in self._gold:
            record = self._records.get(position)
            if position in exclude:
                continue
            if record is None or record.state == "unlabelled":
                pending.append(position)
        if not pending:
            return main[:n]
        every = self._gold_every
        start = sum(self._counts.values()) + len(exclude)
        mixed: list[int] = []
        main_at = gold_at = 0
        while len(mixed) < n:
            due = (start + len(mixed)) % every == every - 1
            if gold_at < len(pending) and (due or main_at >= len(main)):
                mixed.append(pending[gold_at])
                gold_at += 1
            elif main_at < len(main):
                mixed.append(main[main_at])
                main_at += 1
            else:
                break
        return mixed

    # -- assignment (overlap=) ------------------------------------------------------------------
    def _next_positions(self, n: int, exclude: set[int]) -> list[int]:
        """The next ``n`` items for this person: their queue, leased if shared, gold mixed in."""
        if self._assignment is None:
            main = self._queue.upcoming(n, exclude=exclude)
        else:
            main = self._assigned(n, exclude)
        return self._mix_gold(main, n, exclude) if self._gold else main

    def _peek(self) -> int | None:
        upcoming = self._next_positions(1, exclude=set())
        return upcoming[0] if upcoming else None

    def _assigned(self, n: int, exclude: set[int]) -> list[int]:
        assignment = self._assignment
        chosen = [
            p for p in assignment.held if p not in exclude and not self._queue.is_finished(p)
        ][:n]
        for _ in range(50):  # each round looks at a batch of the queue; most need one
            if len(chosen) >= n:
                break
            skip = exclude | set(chosen) | set(assignment.held) | assignment.busy()
            batch = self._queue.upcoming(max(2 * (n - len(chosen)), 32), exclude=skip)
            if not batch:
                break
            try:
                granted, closed = assignment.claim(batch, n - len(chosen))
            except StoreError as err:  # keep labelling what is already held
                self.message = f"could not reserve more items: {err}"
                break
            for position in closed:
                self._queue.finish(position)  # answered by enough others: not this person's
            chosen += granted
        return chosen

    def heartbeat(self) -> int:
        """Renew the leases on the items this card holds (the card calls it periodically).

        Returns how many leases were renewed (0 when the dataset is not shared).
        """
        if self._assignment is None:
            return 0
        return self._assignment.heartbeat()

    def keep_leases(self, positions: Sequence[int]) -> None:
        """Give back leases on items that left the card's buffer (after a reorder)."""
        if self._assignment is None:
            return
        keep = set(positions)
        if self._current is not None:
            keep.add(self._current)
        try:
            self._assignment.keep_only(keep)
        except StoreError as err:
            self.message = f"could not give back reserved items: {err}"

    def _apply_state(self, position: int, state: str, *, previous: str) -> None:
        if previous in self._counts:
            self._counts[previous] -= 1
        if state in self._counts:
            self._counts[state] += 1
        if state in FINISHED_STATES:
            self._queue.finish(position)
        elif state == "skipped":
            self._queue.skip(position)
        else:
            self._queue.reopen(position)

    def retract(
        self, event_id: int, *, client_event_id: str | None = None, item_key: Hashable = None
    ) -> int:
        """Append a retraction of one of this annotator's events (what undo does).

        Give ``item_key`` when it is known: then no search through every item is needed.
        """
        if item_key is not None:
            position = self._source.position_of(item_key)
            candidates = [(position, self._records.get(position))]
        else:
            candidates = list(self._records.items())
        found = next(
            (
                (pos, rec)
                for pos, rec in candidates
                if rec is not None and any(a.event_id == event_id for a in rec.answers)
            ),
            None,
        )
        if found is None:
            raise ValueError(f"event {event_id} is not an active answer of {self.annotator!r}")
        position, record = found
        previous = record.state
        retract_id = self._store.append(
            {
                "client_event_id": client_event_id or uuid.uuid4().hex,
                "dataset": self.dataset,
                "item_key": encode_key(self._source.key_at(position)),
                "annotator": self.annotator,
                "kind": "retract",
                "value": None,
                "client_time": _now(),
                "session_id": self.session_id,
                "source": "human",
                "retracts": int(event_id),
                "labelset_version": self._labelset.version,
            }
        )
        record.retract(event_id)
        self._apply_state(position, record.state, previous=previous)
        if (
            self._assignment is not None
            and position not in self._gold
            and record.state not in FINISHED_STATES
        ):
            try:
                self._assignment.reopened(position)
            except StoreError as err:
                self.message = f"undo saved, but the item's assignment was not updated: {err}"
        return retract_id

    def undo(self) -> Hashable:
        """Retract this session's last answer and make its item current again.

        Returns
        -------
        hashable
            The key of the item whose answer was undone.
        """
        while self._history:
            position = self._history.pop()
            record = self._records.get(position)
            if record and record.answers:
                self.retract(record.answers[-1].event_id, item_key=self._source.key_at(position))
                self._show(position)
                self._push_jump()
                return self._source.key_at(position)
        raise LookupError("nothing to undo in this session")

    def back(self) -> Hashable:
        """Show the previous item again (its answer stays until you give a new one)."""
        if self._current is not None and self._shown and self._shown[-1] == self._current:
            self._shown.pop()
        if not self._shown:
            raise LookupError("there is no earlier item in this session")
        position = self._shown.pop()
        self._show(position, remember=False)
        self._push_jump()
        return self._source.key_at(position)

    def goto(self, item_key: Hashable) -> None:
        """Make ``item_key`` the current item (to relabel or inspect it)."""
        self._show(self._position(item_key))
        self._push_jump()

    def review(self, queue: str | None = "unsure") -> int:
        """Walk a review queue: ``"unsure"``, ``"skipped"``, ``"mine"`` or ``"none_fits"``.

        ``review(None)`` returns to the main queue. Returns how many items are in the queue.
        """
        if queue is None:
            self._review = None
            self._show(self._peek(), remember=False)
            self._push_jump()
            return 0
        if queue not in _REVIEW_QUEUES:
            raise ValueError(f"review() takes one of {_REVIEW_QUEUES} or None, not {queue!r}")
        wanted = {
            "unsure": ("flagged",),
            "skipped": ("skipped",),
            "mine": ("labelled", "flagged"),
            "none_fits": ("none_fits",),
        }[queue]
        self._review = [p for p, r in self._records.items() if r.state in wanted]
        self._show(self._review.pop(0) if self._review else self._peek())
        self._push_jump()
        return len(self._review) + (1 if self._current is not None else 0)

    def _show(self, position: int | None, *, remember: bool = True) -> None:
        if remember and self._current is not None and self._current != position:
            self._shown.append(self._current)
        self._current = position
        self._shown_at = time.monotonic()

    def advance(self, position: int) -> None:
        """Move on after an answer recorded with :meth:`record_answer` for ``position``."""
        self._advance_after(position)
        self._push_jump()

    def _advance_after(self, position: int) -> None:
        if position != self._current:
            return
        if self._review:
            self._show(self._review.pop(0))
        else:
            if self._review is not None:
                self._review = None
            self._show(self._peek())

    # -- results ------------------------------------------------------------------------------
    @property
    def annotations(self) -> pd.DataFrame:
        """This annotator's results, aligned to the DataFrame's index.

        Columns: ``label`` (mapped through later renames and merges), ``original_label``
        (as given), ``note``, ``state``, ``flagged``, ``annotator``, ``labelled_at``,
        ``seconds``, ``labelset_version``. Unlabelled items hold missing values; items whose
        label was split are ``unlabelled`` again, with the old label kept in
        ``original_label``.
        """
        from nb_label.results import annotations_frame, answer_columns, map_labels

        events = self._store.events(self.dataset, annotator=self.annotator)
        frame = annotations_frame(events, self._source.df.index)
        return answer_columns(map_labels(frame, self._labelset), self.answer, self._labelset)

    def item_history(self, item_key: Hashable) -> pd.DataFrame:
        """Every event about one item, by every annotator, oldest first."""
        self._source.position_of(item_key)
        return self._store.events(self.dataset, item_key=encode_key(item_key))

    def import_labels(
        self,
        labels: pd.Series | pd.DataFrame,
        *,
        annotator: str,
        source: str = "import",
    ) -> int:
        """Store existing labels as events, e.g. from an earlier tool or a crowd.

        Parameters
        ----------
        labels : Series or DataFrame
            Indexed by item key: a Series of labels, or a DataFrame with a ``label`` column
            (and optionally ``note``). Missing labels are left out.
        annotator : str
            Whose labels these are.
        source : str, default "import"
            Recorded with each event.

        Returns
        -------
        int
            How many events were stored.
        """
        from nb_label.results import import_events

        events = import_events(
            labels,
            annotator=_check_annotator(annotator),
            source=source,
            dataset=self.dataset,
            index=self._source.df.index,
            schema=self.schema,
            check=self.check_answer,
            session_id=self.session_id,
            labelset_version=self._labelset.version,
        )
        self._store.append_many(events)
        if _check_annotator(annotator) == self.annotator:
            self._records.clear()
            self._counts = dict.fromkeys(self._counts, 0)
            self._queue = ItemQueue(self._source.positions, n_rows=self._source.n_rows)
            self._load_state()
            self._show(self._peek(), remember=False)
        return len(events)

    def export(self, path: str | Path) -> Path:
        """Write ``annotations`` (notes included) to CSV, Parquet or JSON Lines, by suffix."""
        from nb_label.results import write_frame

        frame = self.annotations
        return write_frame(frame, Path(path))

    def training_data(self, features: str | Sequence[str] | None = None) -> tuple[Any, pd.Series]:
        """Features and labels of the labelled items, for scikit-learn.

        Parameters
        ----------
        features : str or list of str, optional
            Column(s) of the DataFrame to use; by default the shown columns.
        """
        columns = features or self._source.columns
        frame = self.annotations
        labelled = frame.index[
            frame["state"].isin(["labelled", "flagged"]) & frame["label"].notna()
        ]
        X = self._source.df.loc[labelled, columns]
        return X, frame.loc[labelled, "label"]

    # -- model loop hooks (public: the model loop uses only these) ----------------------------
    @property
    def data(self) -> pd.DataFrame:
        """The user's DataFrame (the same object, never a copy)."""
        return self._source.df

    @property
    def message(self) -> str:
        """A status line shown on the card (a model's summary, "retraining…", an error)."""
        return self._message

    @message.setter
    def message(self, text: str) -> None:
        self._message = str(text)
        if self._card is not None:
            self._card.message = self._message

    def on_answer(self, callback: Any) -> None:
        """Call ``callback()`` after every committed answer (from code or from the card)."""
        self._answer_hooks.append(callback)

    def notify_answered(self) -> None:
        """Run the ``on_answer`` callbacks; an error in one is shown, never raised."""
        for callback in list(self._answer_hooks):
            try:
                callback()
            except Exception as err:  # a model's error must never stop labelling
                self.message = f"error after an answer: {type(err).__name__}: {err}"

    def unlabelled_keys(self) -> pd.Index:
        """Keys of items with no answer that takes them out of the queue."""
        positions = self._source.positions
        return self._source.df.index[positions[self._queue.open_mask(positions)]]

    def prioritize(self, item_keys: Sequence[Hashable]) -> None:
        """Show these items next, in this order (the item on screen stays)."""
        positions = [self._source.position_of(k) for k in item_keys]
        self._queue.reorder(positions)
        if self._card is not None:
            self._card.push_buffer(mode="replace")
        elif self._review is None:
            self._current = self._peek()

    def suggest(self, suggestions: pd.DataFrame | None) -> None:
        """Set the suggestion shown per item: a frame with ``label`` and ``p`` columns."""
        self._suggestions = {}
        if suggestions is not None:
            positions = self._source.df.index.get_indexer(suggestions.index)
            if (positions < 0).any():
                raise ValueError("suggestions name item keys that are not in the DataFrame")
            self._suggestions = dict(
                zip(
                    positions.tolist(),
                    zip(
                        suggestions["label"].tolist(),
                        suggestions["p"].astype(float).tolist(),
                        strict=True,
                    ),
                    strict=True,
                )
            )
        if self._card is not None:
            self._card.push_buffer(mode="replace")

    def suggestion(self, item_key: Hashable | None = None) -> dict[str, Any] | None:
        """The suggestion for an item (current by default), or None."""
        found = self._suggestions.get(self._position(item_key))
        return None if found is None else {"label": found[0], "p": found[1]}

    # -- the card -----------------------------------------------------------------------------
    def card_item(self, position: int) -> dict[str, Any]:
        """One item as the card's buffer holds it (see docs/protocol.md)."""
        record = self._records.get(position)
        saved = None
        if record and record.answers:
            last = record.answers[-1]
            saved = {"kind": last.kind, "value": last.value, "note": record.note}
        found = self._suggestions.get(position)
        suggestion = None
        if found is not None and self._offered(found[0]):  # never suggest a retired label
            display = ", ".join(map(str, found[0])) if isinstance(found[0], list) else found[0]
            suggestion = {"value": found[0], "display": str(display), "p": round(found[1], 4)}
        blocks = self._view.render(self._source.row(position))
        problem = next(
            (b["problem"] for b in blocks if isinstance(b, dict) and b.get("problem")), None
        )
        if problem and saved is None:
            self._unshowable[position] = str(problem)
        return {
            "key": encode_key(self._source.key_at(position)),
            "blocks": blocks,
            "suggestion": suggestion,
            "saved": saved,
            "audit": False,
        }

    def _offered(self, value: Any) -> bool:
        """Whether a suggested answer is still on offer (every label of a multi-label one)."""
        if self._labelset.schema is None:
            return False
        if isinstance(value, list):
            return all(v in self._labelset for v in value)
        return value in self._labelset

    def flag_unshowable(self) -> int:
        """Flag the items the view could not show (a missing or corrupt image file, say).

        The card calls this after sending a buffer; each such item gets one ``flag`` event
        with the reason as its note (source ``"view"``), so it waits in the review queue
        instead of being lost. Returns how many were flagged.
        """
        pending, self._unshowable = self._unshowable, {}
        flagged = 0
        for position, problem in pending.items():
            record = self._records.get(position)
            if record is not None and record.answers:
                continue
            self.record_answer(
                position, "flag", None, note=f"could not be shown: {problem}", source="view"
            )
            flagged += 1
        return flagged

    def upcoming(self, n: int, *, exclude: Sequence[int] = ()) -> list[int]:
        """The next ``n`` positions the person should see, starting at the current one."""
        chosen: list[int] = []
        exclude_set = set(exclude)
        if self._current is not None and self._current not in exclude_set:
            chosen.append(self._current)
        if self._review:
            chosen += [p for p in self._review if p not in exclude_set][: n - len(chosen)]
        if len(chosen) < n:
            more = self._next_positions(n - len(chosen), exclude=exclude_set | set(chosen))
            chosen += [p for p in more if p not in chosen][: n - len(chosen)]
        return chosen

    def position_of_key_text(self, key_text: str) -> int:
        """The row position of an item key as the card sends it (JSON text)."""
        return self._source.position_of(decode_key(key_text))

    def set_current_from_card(self, key_text: str | None) -> None:
        """The card reports what it shows now; the Python side follows."""
        if key_text is None:
            self._current = self._peek()
        else:
            self._show(self.position_of_key_text(key_text))

    @property
    def card(self):
        """The item card widget (created on first use)."""
        if self._card is None:
            from nb_label.card import ItemCard

            self._card = ItemCard(self)
        return self._card

    def _push_jump(self) -> None:
        if self._card is not None:
            self._card.push_buffer(mode="jump")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.card._repr_mimebundle_(**kwargs)

    # -- lifetime -----------------------------------------------------------------------------
    def close(self) -> None:
        """Close the card, give back reserved items and, if this labeller opened it, the store."""
        if self._card is not None:
            self._card.close()
            self._card = None
        if self._assignment is not None:
            try:
                self._assignment.release_all()
            except StoreError:
                pass  # the leases run out on their own
        if self._owns_store:
            self._store.close()

    def __enter__(self) -> Labeller:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
