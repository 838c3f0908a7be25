"""Card messages, checked before anything is stored or acknowledged.

The card's messages come from a browser: an old version, a buggy one or a hostile page can
send anything. :func:`check_message` checks every field the kernel reads (type, range, size)
and returns the message with those fields only, or raises :class:`MessageRefused` with a
reason the card shows ("not saved: ..."). The limits are named here and documented in
docs/protocol.md ("Limits").
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta, timezone
from typing import Any

#: Longest client id (the card makes 32-character ones).
MAX_ID_CHARS = 200
#: Longest item key as the card sends it (JSON text of the index label).
MAX_KEY_CHARS = 2_000
#: Longest note or none-fits reason.
MAX_NOTE_CHARS = 10_000
#: Largest answer value, suggestion or proposed label, as JSON.
MAX_VALUE_BYTES = 64 * 1024
#: Time taken on one answer, in seconds: from 0 to one day.
MAX_SECONDS = 86_400.0
#: Keys the card may say it holds in ``hello``.
MAX_HELD = 10_000
#: The card's clock may be this far ahead of the kernel's.
CLOCK_SKEW = timedelta(days=1)
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)

ANSWER_KINDS = ("label", "skip", "flag", "none_fits")


class MessageRefused(ValueError):
    """A card message that breaks the protocol; the reason says which field and why."""


def _text(msg: dict, name: str, limit: int, *, required: bool = True) -> str | None:
    value = msg.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value):
        raise MessageRefused(f"{name!r} must be a non-empty text")
    if len(value) > limit:
        raise MessageRefused(f"{name!r} is {len(value):,} characters; at most {limit:,}")
    if "\x00" in value:
        raise MessageRefused(f"{name!r} holds a NUL character")
    return value


def _json_size(value: Any, name: str) -> Any:
    try:
        size = len(json.dumps(value, ensure_ascii=False, allow_nan=False).encode())
    except (TypeError, ValueError) as err:
        raise MessageRefused(f"{name!r} is not plain JSON: {err}") from None
    if size > MAX_VALUE_BYTES:
        raise MessageRefused(f"{name!r} is {size:,} bytes; at most {MAX_VALUE_BYTES:,}")
    return value


def _number(msg: dict, name: str, low: float, high: float) -> float | None:
    value = msg.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise MessageRefused(f"{name!r} must be a number of seconds")
    if not math.isfinite(value) or not low <= value <= high:
        raise MessageRefused(f"{name!r} is {value!r}; it must be between {low:g} and {high:g}")
    return float(value)


def _whole(msg: dict, name: str) -> int | None:
    value = msg.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise MessageRefused(f"{name!r} must be a whole number")
    return value


def _client_time(msg: dict) -> datetime | None:
    text = msg.get("client_time")
    if text is None:
        return None
    if not isinstance(text, str) or len(text) > 40:
        raise MessageRefused("'client_time' must be an ISO 8601 time, e.g. 2026-11-27T09:00:00Z")
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise MessageRefused(f"'client_time' {text!r} is not an ISO 8601 time") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    if not EARLIEST <= when <= datetime.now(timezone.utc) + CLOCK_SKEW:
        raise MessageRefused(f"'client_time' {text} is not a time this answer can have been given")
    return when


def _suggestion(msg: dict) -> dict | None:
    value = msg.get("suggestion")
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"value", "display", "p"}:
        raise MessageRefused("'suggestion' must be null or {value, display, p}")
    p = value.get("p")
    if p is not None and (isinstance(p, bool) or not isinstance(p, (int, float))
                          or not math.isfinite(p) or not 0 <= p <= 1):  # fmt: skip
        raise MessageRefused("the suggestion's 'p' must be a probability between 0 and 1")
    return {"value": _json_size(value.get("value"), "suggestion"), "p": p}


def _withheld(msg: dict, suggestion: dict | None) -> bool | None:
    value = msg.get("withheld")
    if value is None:
        return None
    if not isinstance(value, bool):
        raise MessageRefused("'withheld' must be true, false or absent")
    if value and suggestion is not None:
        raise MessageRefused("a withheld suggestion was not shown: send 'suggestion' null")
    return value


def _answer(msg: dict, kinds: tuple[str, ...]) -> dict:
    kind = msg.get("kind")
    if kind not in kinds:
        raise MessageRefused(f"'kind' must be one of {', '.join(kinds)}, not {kind!r}")
    value = _json_size(msg.get("value"), "value")
    if kind in ("skip", "flag") and value is not None:
        raise MessageRefused(f"a {kind} carries no value: send value null")
    if kind == "none_fits":
        if not isinstance(value, dict) or set(value) - {"proposed", "reason"}:
            raise MessageRefused("a none_fits value is {proposed, reason}")
        _text(value, "reason", MAX_NOTE_CHARS)
        _text(value, "proposed", 200, required=False)
    suggestion = _suggestion(msg)
    return {
        "kind": kind,
        "value": value,
        "note": _text(msg, "note", MAX_NOTE_CHARS, required=False) or None,
        "seconds": _number(msg, "seconds", 0.0, MAX_SECONDS),
        "typing_seconds": _number(msg, "typing_seconds", 0.0, MAX_SECONDS),
        "client_time": _client_time(msg),
        "suggestion": suggestion,
        "withheld": _withheld(msg, suggestion),
        "showing": _text(msg, "showing", MAX_KEY_CHARS, required=False),
        "ahead": _whole(msg, "ahead"),
    }


def check_message(msg: Any, *, kinds: tuple[str, ...] = ANSWER_KINDS) -> dict[str, Any]:
    """Check one message from the card; return the fields the kernel reads, checked.

    Parameters
    ----------
    msg : object
        The message as it arrived.
    kinds : tuple of str
        The answer kinds this card sends.

    Returns
    -------
    dict
        ``type`` and the message's checked fields; unknown fields are dropped.

    Raises
    ------
    MessageRefused
        With the field and the reason.
    """
    if not isinstance(msg, dict):
        raise MessageRefused(f"a card message is a JSON object, not {type(msg).__name__}")
    kind = msg.get("type")
    if kind == "heartbeat":
        return {"type": kind}
    if kind == "hello":
        have = msg.get("have")
        if have is not None and not (
            isinstance(have, list)
            and len(have) <= MAX_HELD
            and all(isinstance(k, str) for k in have)
        ):
            raise MessageRefused(f"'have' must be a list of at most {MAX_HELD:,} item keys")
        return {"type": kind}
    if kind not in ("answer", "retract"):
        raise MessageRefused(f"unknown message type {kind!r}")
    checked = {
        "type": kind,
        "id": _text(msg, "id", MAX_ID_CHARS),
        "seq": _whole(msg, "seq"),
        "key": _text(msg, "key", MAX_KEY_CHARS),
    }
    if kind == "retract":
        checked["retracts"] = _text(msg, "retracts", MAX_ID_CHARS)
        return checked
    return {**checked, **_answer(msg, kinds)}


def refusal_id(msg: Any) -> str | None:
    """The id to name in a ``refuse``: the message's own, if it is a usable one."""
    value = msg.get("id") if isinstance(msg, dict) else None
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID_CHARS else None
