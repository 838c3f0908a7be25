"""The Labeller's answers: every human action goes through :meth:`Answering.submit`.

``submit`` checks an answer against the answer kind and the label set, builds its event with
:func:`nb_label.events.make_event`, commits it (with its lease update, in one transaction),
records it in the item book, moves on, and announces it to observers and ``on_answer``
callbacks. :meth:`label`, :meth:`skip`, :meth:`flag`, :meth:`none_fits`, the card, the
span and region widgets and :func:`nb_label.simulate` all call it; undo goes through
:meth:`Answering.retract`. A part of :class:`nb_label.Labeller`.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Hashable
from datetime import datetime
from typing import Any

from nb_label._keys import encode_key
from nb_label._state import ANSWER_KINDS, FINISHED_STATES, Answer
from nb_label.answers import MultiLabel, SingleLabel, uses_labels
from nb_label.events import make_event, public_event
from nb_label.moving import FOLLOW_CARD

#: ``submit(suggestion=NOTHING_SHOWN)``: the writer (the card) says it showed no suggestion,
#: so the labeller's current one, which came later, is not recorded as shown.
NOTHING_SHOWN: dict = {}


class Answering:
    """Answers and retractions (a part of :class:`nb_label.Labeller`)."""

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
        return self.submit("label", value, note=note, item_key=item_key)

    def skip(self, *, note: str | None = None, item_key: Hashable | None = None) -> int:
        """Skip the current item: it comes back after every unlabelled item."""
        return self.submit("skip", note=note, item_key=item_key)

    def flag(self, *, note: str | None = None, item_key: Hashable | None = None) -> int:
        """Mark the current item unsure; it keeps its label, if any, and waits for review."""
        return self.submit("flag", note=note, item_key=item_key)

    def none_fits(
        self, reason: str, *, proposed: str | None = None, item_key: Hashable | None = None
    ) -> int:
        """Say that no label fits the current item, with a reason and a proposed label.

        The item is kept aside (not forced into a wrong category) until the label set changes.
        """
        value = {"proposed": proposed, "reason": reason}
        return self.submit("none_fits", value, note=reason, item_key=item_key)

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
        if isinstance(self.answer, MultiLabel) or uses_labels(self.answer):
            return self.answer.check(value, offered=self._labelset.values)
        return self.answer.check(value)

    def _check_label(self, position: int, value: Any) -> Any:
        """A label answer's value as stored; a kind that needs its item checks it there."""
        check_item = getattr(self.answer, "check_item", None)
        if check_item is None:
            return self.check_answer(value)
        key = self._source.key_at(position)
        return check_item(value, row=self._source.row(position), key=key, schema=self._labelset)

    def _check_action(self, action: str, value: Any, position: int) -> Any:
        if action == "label":
            return self._check_label(position, value)
        if action in ("skip", "flag"):
            if value is not None:
                raise ValueError(f"a {action} carries no value; send value null")
            return None
        if action == "none_fits":
            reason = value.get("reason") if isinstance(value, dict) else None
            if not isinstance(reason, str) or not reason.strip():
                raise ValueError(
                    "none_fits needs a reason: say what the item is and why no label fits"
                )
            proposed = value.get("proposed")
            if proposed is not None and not isinstance(proposed, str):
                raise ValueError("a proposed label is a name (text)")
            return {"proposed": proposed or None, "reason": reason}
        raise ValueError(f"unknown answer kind {action!r}; expected one of {ANSWER_KINDS}")

    def submit(
        self,
        action: str,
        value: Any = None,
        *,
        item_key: Hashable | None = None,
        note: str | None = None,
        seconds: float | None = None,
        client_event_id: str | None = None,
        client_time: datetime | None = None,
        suggestion: dict | None = None,
        source: str = "human",
        showing: Any = FOLLOW_CARD,
    ) -> int:
        """Check, commit and announce one answer: the single path of every answer.

        :meth:`label`, :meth:`skip`, :meth:`flag`, :meth:`none_fits`, the card, the spans
        and region widgets and :func:`nb_label.simulate` all call this.

        Parameters
        ----------
        action : {"label", "skip", "flag", "none_fits"}
        value : object
            The answer (checked against the answer kind and the label set).
        item_key : hashable, optional
            The item; the current one by default.
        note : str, optional
        seconds : float, optional
            Time taken; by default the time since the item became current.
        client_event_id : str, optional
            The writer's id for this answer: a resend with the same id is stored once and
            returns the first event's id.
        client_time : datetime, optional
        suggestion : dict, optional
            ``{"value", "p"}`` shown with the item; by default the labeller's own.
            :data:`NOTHING_SHOWN` when none was. On a control item the withheld
            suggestion is recorded, marked withheld, whenever none was shown.
        source : str, default "human"
        showing : item key text or None, optional
            Given by the card: the item it shows now, which the Python side follows instead
            of moving on by itself.

        Returns
        -------
        int
            The stored event's id.
        """
        position = self._position(item_key)
        if note is not None and not isinstance(note, str):
            raise ValueError("note= must be text")
        value = self._check_action(action, value, position)
        resent = self._book.by_client_id(position, client_event_id)
        if resent is not None:
            return resent
        if seconds is None and position == self._current and source == "human":
            seconds = time.monotonic() - self._shown_at
        if suggestion is None:
            suggestion = self._feed.shown_suggestion(position)
        if suggestion is None or suggestion is NOTHING_SHOWN:
            suggestion = self._feed.withheld_suggestion(position)
        committed = [self._commit(position, action, value, note, source, seconds=seconds,
                                  client_event_id=client_event_id, client_time=client_time,
                                  suggestion=suggestion)]  # fmt: skip
        if action == "label" and source in ("human", "simulated") and self._duplicates:
            committed += self._label_duplicates(position, value)
        if action == "none_fits" and value.get("proposed"):
            self._propose_from_item(position, value)
        if showing is FOLLOW_CARD:
            self._advance_after(position)
        else:
            self._follow(showing)
        self._announce(committed, moved=showing is FOLLOW_CARD)
        return committed[0][1]["event_id"]

    def _commit(self, position: int, action: str, value: Any, note: str | None, source: str,
                **fields: Any) -> tuple[int, dict]:  # fmt: skip
        """Append one answer event (with its lease update) and record it."""
        key = self._source.key_at(position)
        event = make_event(
            action,
            dataset=self.dataset,
            annotator=self.annotator,
            item_key=key,
            value=value,
            note=note,
            source=source,
            session_id=self.session_id,
            labelset_version=self._labelset.version,
            content_sha=self._source.content_sha(position),  # what was shown, to notice edits
            **fields,
        )
        also = self._sharing.slot_update(position, action)
        event_id = self._store.append(event, also=also)
        if also is not None:
            also.committed()  # only now does the item leave this session's leases
        answer = Answer(event_id, action, value, event["note"], event["client_event_id"])
        self._book.add(position, answer)
        if source not in ("duplicate", "view"):  # undo steps back through the person's answers
            self._history.append(position)
        return position, public_event(event, event_id, key)

    def _label_duplicates(self, position: int, value: Any) -> list[tuple[int, dict]]:
        key = self._source.key_at(position)
        return [
            self._commit(other, "label", value, f"same content as item {key!r}", "duplicate")
            for other in self._duplicates.get(position, ())
            if other != position and self._book.state(other) == "unlabelled"
        ]

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

    def retract(
        self,
        event_id: int | None = None,
        *,
        answer_client_id: str | None = None,
        client_event_id: str | None = None,
        item_key: Hashable = None,
        showing: Any = FOLLOW_CARD,
    ) -> int:
        """Append a retraction of one of this annotator's answers (what undo does).

        Name the answer by its ``event_id`` or by the client id it was sent with
        (``answer_client_id``, as the card does). Give ``item_key`` when it is known: then
        no search through every item is needed. ``client_event_id`` is the retraction's own
        id: a resend is stored once. Only this annotator's active answers can be retracted.

        Returns
        -------
        int
            The retraction's event id.
        """
        if client_event_id is not None and client_event_id in self._retractions:
            return self._retractions[client_event_id]
        if item_key is not None:
            position = self._source.position_of(item_key)
        elif event_id is not None:
            position = self._book.holding(int(event_id))
        else:
            raise ValueError("name the answer to retract: event_id= or answer_client_id=")
        if answer_client_id is not None and position is not None:
            event_id = self._book.by_client_id(position, answer_client_id)
        record = None if position is None else self._book.records.get(position)
        if (
            event_id is None
            or record is None
            or all(a.event_id != event_id for a in record.answers)
        ):
            stored = self._stored_retraction(client_event_id)
            if stored is not None:  # sent again after a kernel restart: stored once already
                return stored
            raise ValueError(
                f"that answer is not an active answer of {self.annotator!r} (never saved, "
                "or undone already), so there is nothing to undo"
            )
        if showing is not FOLLOW_CARD:
            self._follow(showing)
        return self._retract(position, int(event_id), client_event_id, moved=False)

    def _retract(
        self, position: int, event_id: int, client_event_id: str | None, *, moved: bool
    ) -> int:
        key = self._source.key_at(position)
        event = make_event(
            "retract",
            dataset=self.dataset,
            annotator=self.annotator,
            item_key=key,
            session_id=self.session_id,
            client_event_id=client_event_id,
            retracts=event_id,
            labelset_version=self._labelset.version,
        )
        retract_id = self._store.append(event)
        self._retractions[event["client_event_id"]] = retract_id
        if self._book.remove(position, event_id) not in FINISHED_STATES:
            self._sharing.reopened(position)
        self._announce([(position, public_event(event, retract_id, key))], moved=moved)
        return retract_id

    def _stored_retraction(self, client_event_id: str | None) -> int | None:
        if client_event_id is None:
            return None
        stored = self._store.event_for_client_id(
            client_event_id, dataset=self.dataset, annotator=self.annotator
        )
        if stored is None or stored["kind"] != "retract" or stored["annotator"] != self.annotator:
            return None
        return int(stored["id"])

    def undo(self) -> Hashable:
        """Retract this session's last answer and make its item current again.

        Returns
        -------
        hashable
            The key of the item whose answer was undone.
        """
        while self._history:
            position = self._history.pop()
            last = self._book.last_answer(position)
            if last is not None:
                key = self._source.key_at(position)
                self._show(position)
                self._retract(position, last.event_id, None, moved=True)
                self.message = f"undid: {_describe(last)} on item {key!r}"
                return key
        raise LookupError("nothing to undo in this session")

    def flag_unshowable(self) -> int:
        """Flag the items the view could not show (a missing or corrupt image file, say).

        The card calls this after sending a buffer; each such item gets one ``flag`` event
        with the reason as its note (source ``"view"``), so it waits in the review queue
        instead of being lost. Returns how many were flagged.
        """
        pending = self._feed.take_unshowable()
        here = None if self._current is None else encode_key(self._source.key_at(self._current))
        for position, problem in pending.items():
            self.submit(
                "flag",
                item_key=self._source.key_at(position),
                note=f"could not be shown: {problem}",
                source="view",
                showing=here,  # the item stays where it is: the person still sees it
            )
        return len(pending)

    # -- names of earlier releases, kept for one release ----------------------------------------
    def record_answer(self, position: int, kind: str, value: Any, **fields: Any) -> int:
        """Deprecated: use :meth:`submit` (``submit(kind, value, item_key=...)``)."""
        warnings.warn(
            "Labeller.record_answer(position, ...) is deprecated and will be removed in the "
            "next release; use lab.submit(kind, value, item_key=key, ...)",
            DeprecationWarning,
            stacklevel=2,
        )
        here = None if self._current is None else encode_key(self._source.key_at(self._current))
        key = self._source.key_at(position)
        return self.submit(kind, value, item_key=key, showing=here, **fields)


def _describe(answer: Answer) -> str:
    """An answer as a person reads it in "undid: spam on item 17"."""
    if answer.kind == "label":
        value = answer.value
        if isinstance(value, list):
            return ", ".join(map(str, value)) or "no labels"
        return str(value) if not isinstance(value, dict) else "the answer"
    return {"skip": "skip", "flag": "unsure", "none_fits": "none of these fits"}[answer.kind]
