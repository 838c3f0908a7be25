"""Check events on the way in and build DataFrames on the way out."""

from __future__ import annotations

import datetime as dt
import json
import math
import numbers
import uuid
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from nb_label.errors import StoreDataError
from nb_label.store.schema import EVENT_COLUMNS

# Filled in by the store, never by the caller.
_STORE_SET = ("id", "committed_at")
_REQUIRED_TEXT = ("dataset", "annotator", "kind")
_OPTIONAL_TEXT = ("item_key", "note", "session_id", "content_sha")
_OPTIONAL_FLOAT = ("seconds", "suggestion_p")

_DTYPES = {
    "id": "int64",
    "client_event_id": "str",
    "dataset": "str",
    "item_key": "str",
    "annotator": "str",
    "kind": "str",
    "value": "object",
    "note": "str",
    "seconds": "float64",
    "client_time": "datetime64[us, UTC]",
    "committed_at": "datetime64[us, UTC]",
    "session_id": "str",
    "source": "str",
    "suggestion": "object",
    "suggestion_p": "float64",
    "retracts": "Int64",
    "labelset_version": "int64",
    "content_sha": "str",
    "suggestion_withheld": "boolean",
}


def encode_json(value, *, field: str) -> str | None:
    """JSON text for ``value`` (numpy and pandas scalars included); None stays None."""
    if value is None:
        return None
    try:
        return json.dumps(value, default=_json_default, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"The event's {field!r} must be JSON-able (str, number, bool, None, list, dict): "
            f"{exc}. Convert it to one of those first."
        ) from None


_SCALARS: dict[str, object] = {}


def decode_json(text: str | None):
    """The Python value stored as JSON ``text``.

    Scalars (labels repeat across thousands of events) are remembered; lists and dicts are
    decoded afresh each time, so callers never share a mutable value.
    """
    if text is None:
        return None
    found = _SCALARS.get(text, _SCALARS)
    if found is not _SCALARS:
        return found
    value = json.loads(text)
    if isinstance(value, (str, int, float, bool)) and len(_SCALARS) < 100_000:
        _SCALARS[text] = value
    return value


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON-able")


def event_row(event: Mapping, *, committed_at: dt.datetime) -> dict:
    """Check one event dict and return the row to insert.

    Raises
    ------
    ValueError
        When a field is missing, unknown or of the wrong type; the message names it.
    """
    if not isinstance(event, Mapping):
        raise ValueError(f"An event must be a dict, not {type(event).__name__}.")
    unknown = set(event) - set(EVENT_COLUMNS)
    if unknown:
        raise ValueError(
            f"unknown event fields {sorted(unknown)}; the store keeps only {list(EVENT_COLUMNS)}."
        )
    given = [name for name in _STORE_SET if event.get(name) is not None]
    if given:
        raise ValueError(f"The store sets {given} itself; leave them out of the event.")
    row = {}
    for name in _REQUIRED_TEXT:
        value = event.get(name)
        if not isinstance(value, str) or not value:
            raise ValueError(f"Every event needs a non-empty string {name!r}; got {value!r}.")
        row[name] = _no_nul(value, name)
    for name in _OPTIONAL_TEXT:
        row[name] = _optional_text(event.get(name), name)
    for name in _OPTIONAL_FLOAT:
        row[name] = _optional_float(event.get(name), name)
    client_id = event.get("client_event_id")
    if client_id is not None and (not isinstance(client_id, str) or not client_id):
        raise ValueError(f"client_event_id must be a non-empty text or None; got {client_id!r}.")
    row["client_event_id"] = uuid.uuid4().hex if client_id is None else _no_nul(client_id, "id")
    row["source"] = _optional_text(event.get("source"), "source") or "human"
    row["value"] = encode_json(event.get("value"), field="value")
    row["suggestion"] = encode_json(event.get("suggestion"), field="suggestion")
    row["suggestion_withheld"] = _optional_bool(event.get("suggestion_withheld"), "withheld")
    row["client_time"] = _utc_time(event.get("client_time"))
    row["retracts"] = _optional_int(event.get("retracts"), "retracts")
    version = _optional_int(event.get("labelset_version"), "labelset_version")
    row["labelset_version"] = 0 if version is None else version
    row["committed_at"] = committed_at
    return row


def client_id_of(event) -> str | None:
    """The event's client_event_id as stored, without checking anything else."""
    if isinstance(event, Mapping) and event.get("client_event_id") is not None:
        return str(event["client_event_id"])
    return None


def _is_missing(value) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _optional_text(value, name: str) -> str | None:
    if _is_missing(value):
        return None
    if not isinstance(value, str):
        raise ValueError(f"The event's {name!r} must be a string or None; got {value!r}.")
    return _no_nul(value, name)


def _no_nul(value: str, name: str) -> str:
    # PostgreSQL refuses NUL in text and SQLite would keep it: refused on both, so a store
    # means the same on either, and the reason is the data's, not an outage.
    if "\x00" in value:
        raise StoreDataError(
            f"the event's {name!r} holds a NUL character (\\x00), which a store cannot keep; "
            "remove it and try again. Nothing was saved."
        )
    return value


def _optional_float(value, name: str) -> float | None:
    if _is_missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"The event's {name!r} must be a number or None; got {value!r}.")
    return float(value)


def _optional_bool(value, name: str) -> bool | None:
    if _is_missing(value):
        return None
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"The event's {name!r} must be true, false or None; got {value!r}.")
    return bool(value)


def _optional_int(value, name: str) -> int | None:
    if _is_missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"The event's {name!r} must be an integer or None; got {value!r}.")
    return int(value)


def _utc_time(value) -> dt.datetime | None:
    if _is_missing(value):
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"client_time {value!r} is not an ISO 8601 time; send e.g. "
                "new Date().toISOString() from JavaScript or a datetime from Python."
            ) from None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if not isinstance(value, dt.datetime):
        raise ValueError(
            f"client_time must be a datetime, an ISO 8601 string or None; got {value!r}."
        )
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def event_dict(row: Mapping) -> dict:
    """A stored row as an event dict, with JSON fields decoded."""
    event = {name: row[name] for name in EVENT_COLUMNS}
    event["value"] = decode_json(event["value"])
    event["suggestion"] = decode_json(event["suggestion"])
    return event


def events_frame(rows: Iterable, names: Sequence[str] = EVENT_COLUMNS) -> pd.DataFrame:
    """A DataFrame of stored event rows (tuples of the fields ``names``), typed the same always."""
    records = [tuple(row) for row in rows]
    columns = list(zip(*records, strict=True)) if records else [()] * len(names)
    data = {}
    for name, values in zip(names, columns, strict=True):
        if name in ("value", "suggestion"):
            data[name] = pd.Series([decode_json(v) for v in values], dtype="object")
        elif name in ("client_time", "committed_at"):
            data[name] = pd.Series(pd.to_datetime(list(values), utc=True)).astype(_DTYPES[name])
        else:
            data[name] = pd.Series(list(values), dtype=_DTYPES[name])
    return pd.DataFrame(data, columns=list(names))
