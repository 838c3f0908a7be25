"""Item keys: a DataFrame's index labels, encoded as JSON text for the store and the card.

The store and the browser only compare keys for equality, so one canonical text form per
index label is all they need; decoding gives back the label so results align to the index.
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

_TIMESTAMP_TAG = "__ts__"


def _plain(label: Any) -> Any:
    """Turn one index label into a JSON-able value (numpy scalars become Python ones)."""
    if isinstance(label, (bool, np.bool_)):
        return bool(label)
    if isinstance(label, (int, np.integer)):
        return int(label)
    if isinstance(label, (float, np.floating)):
        value = float(label)
        if math.isnan(value) or math.isinf(value):
            raise ValueError(
                f"index label {label!r} is not a usable item key; give every row a real label"
            )
        return value
    if isinstance(label, str):
        return label
    if isinstance(label, tuple):
        return [_plain(part) for part in label]
    if isinstance(label, (pd.Timestamp, np.datetime64)):
        return {_TIMESTAMP_TAG: pd.Timestamp(label).isoformat()}
    raise ValueError(
        f"index labels of type {type(label).__name__} cannot be item keys; use strings, numbers, "
        "timestamps or tuples of them (for example df.reset_index(drop=True))"
    )


def encode_key(label: Hashable) -> str:
    """Encode an index label as canonical JSON text."""
    return json.dumps(_plain(label), ensure_ascii=False, separators=(",", ":"))


def _restore(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_restore(part) for part in value)
    if isinstance(value, dict) and _TIMESTAMP_TAG in value:
        return pd.Timestamp(value[_TIMESTAMP_TAG])
    return value


def decode_key(text: str) -> Hashable:
    """Decode the text made by :func:`encode_key` back into the index label."""
    if text.isdigit():  # the common case, a RangeIndex, without the JSON parser
        return int(text)
    return _restore(json.loads(text))
