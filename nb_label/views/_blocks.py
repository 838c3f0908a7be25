"""Building blocks: every value becomes plain text; missing values say so."""

from __future__ import annotations

from typing import Any

import pandas as pd


def is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # arrays and lists are never "missing" as a whole
        return False


def as_text(value: Any) -> str:
    """A value as the text the card shows; missing values become an empty string."""
    if is_missing(value):
        return ""
    return value if isinstance(value, str) else str(value)


def text_block(value: Any) -> dict[str, Any]:
    if is_missing(value):
        return {"kind": "missing", "text": "(missing)" if value is None else f"(missing: {value})"}
    return {"kind": "text", "text": as_text(value)}
