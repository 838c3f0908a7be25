"""Events: the one place an event is built, and the one rule that replays retractions.

Every human action is stored as an event (see DESIGN, "every human action is an event").
:func:`make_event` builds each of them, whoever writes it (the labeller, a review decision,
an import, a label-set change), so every event carries the same fields. :func:`active_mask`
is the rule every reader applies: a retraction cancels the one event it names, and only when
it is written by the same annotator; nothing else is cancelled. Among the active answers of
an item the latest wins (readers take the last one, oldest first order being the store's).
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Sequence
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd

from nb_label._keys import encode_key
from nb_label._state import ANSWER_KINDS

#: The fields of an event as :meth:`Labeller.on_answer` callbacks receive it.
EVENT_FIELDS = (
    "event_id",
    "action",
    "item_key",
    "value",
    "note",
    "annotator",
    "labelset_version",
    "source",
    "seconds",
    "suggestion",
    "suggestion_withheld",
    "retracts",
    "client_event_id",
)


def now() -> datetime:
    """The time stamp events carry (UTC, timezone-aware)."""
    return datetime.now(timezone.utc)


def make_event(
    kind: str,
    *,
    dataset: str,
    annotator: str,
    item_key: Hashable | None = None,
    value: Any = None,
    note: str | None = None,
    source: str = "human",
    session_id: str | None = None,
    labelset_version: int = 0,
    client_event_id: str | None = None,
    client_time: datetime | None = None,
    seconds: float | None = None,
    suggestion: dict | None = None,
    retracts: int | None = None,
    encoded_key: str | None = None,
    content_sha: str | None = None,
) -> dict[str, Any]:
    """Build one event as the store appends it.

    Parameters
    ----------
    kind : str
        ``label``, ``skip``, ``flag``, ``none_fits``, ``retract``, ``gold``, ``decision``
        or ``labelset``.
    dataset, annotator : str
        Where and by whom.
    item_key : hashable, optional
        The item's index label (``None`` for label-set events). ``encoded_key`` passes one
        already encoded as the store keeps it.
    value, note, source, session_id, labelset_version, seconds, retracts
        Stored as given; an empty note is stored as missing.
    client_event_id : str, optional
        The writer's id for the event, so that a resend is stored once; a new one if
        not given.
    client_time : datetime, optional
        When the writer made it; now if not given.
    suggestion : dict, optional
        ``{"value": ..., "p": ...}``: the suggestion shown with the item, if any; with
        ``"withheld": True`` the model's suggestion that a control item did not show.
    content_sha : str, optional
        A short hash of what the item showed when it was answered.

    Returns
    -------
    dict
    """
    if encoded_key is None and item_key is not None:
        encoded_key = encode_key(item_key)
    return {
        "client_event_id": client_event_id or uuid.uuid4().hex,
        "dataset": dataset,
        "item_key": encoded_key,
        "annotator": annotator,
        "kind": kind,
        "value": value,
        "note": note or None,
        "seconds": None if seconds is None else float(seconds),
        "client_time": client_time or now(),
        "session_id": session_id,
        "source": source,
        "suggestion": None if suggestion is None else suggestion.get("value"),
        "suggestion_p": None if suggestion is None else suggestion.get("p"),
        "suggestion_withheld": None if suggestion is None else bool(suggestion.get("withheld")),
        "retracts": None if retracts is None else int(retracts),
        "labelset_version": int(labelset_version),
        "content_sha": content_sha,
    }


def active_mask(
    ids: Sequence[int],
    kinds: Sequence[str],
    retracts: Sequence[Any],
    annotators: Sequence[str] | None = None,
    *,
    keep: Sequence[str] = ANSWER_KINDS,
) -> np.ndarray:
    """Which events still count: of the kinds in ``keep``, and not retracted.

    A retraction cancels the event whose id it names, only if both have the same annotator
    (when ``annotators`` is given); a retraction that names another person's event, or no
    stored event, cancels nothing. The arrays are the columns of the events, in any order.

    Returns
    -------
    numpy.ndarray of bool
    """
    ids = np.asarray(ids, dtype=np.int64)
    kinds = np.asarray(kinds, dtype=object)
    retracts = pd.array(retracts, dtype="Int64")
    is_retraction = ~np.asarray(retracts.isna())
    named = np.asarray(retracts[is_retraction], dtype=np.int64)
    if annotators is None:
        cancelled = np.isin(ids, named)
    else:
        who = np.asarray(annotators, dtype=object)
        by = pd.MultiIndex.from_arrays([named, who[is_retraction]])
        cancelled = np.asarray(pd.MultiIndex.from_arrays([ids, who]).isin(by))
    return np.isin(kinds, list(keep)) & ~cancelled


def active(events: pd.DataFrame, *, keep: Sequence[str] = ANSWER_KINDS) -> pd.DataFrame:
    """The rows of an events frame that still count (see :func:`active_mask`)."""
    if events.empty:
        return events
    annotators = events.get("annotator")
    mask = active_mask(events["id"], events["kind"], events["retracts"], annotators, keep=keep)
    return events[mask]


def public_event(event: dict[str, Any], event_id: int, item_key: Hashable | None) -> dict:
    """An event as ``on_answer`` callbacks receive it (see :data:`EVENT_FIELDS`)."""
    return {
        "event_id": int(event_id),
        "action": event["kind"],
        "item_key": item_key,
        "value": event.get("value"),
        "note": event.get("note"),
        "annotator": event["annotator"],
        "labelset_version": event.get("labelset_version"),
        "source": event.get("source"),
        "seconds": event.get("seconds"),
        "suggestion": event.get("suggestion"),
        "suggestion_withheld": event.get("suggestion_withheld"),
        "retracts": event.get("retracts"),
        "client_event_id": event.get("client_event_id"),
    }
