"""Pseudonyms that hold: each annotator name becomes a keyed hash of it.

The key is the store's own secret (:meth:`Store.secret`), so one person has the same
pseudonym in every export of that store, a newcomer changes no one else's, and the order of
pseudonyms says nothing about the order of names. Every field that carries a name is mapped
(the annotator of every event, reviewers included, and the owners inside label-set events);
the session and client ids, which tie rows to one browser, are dropped. Free-text notes and
reasons are kept as written.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pandas as pd

#: The store secret that keys the pseudonyms.
KEY_NAME = "pseudonym_key"
#: Columns that tie a row to one browser or kernel session.
LINKING_COLUMNS = ("session_id", "client_event_id")
#: Said beside every pseudonymised export.
NOTES_KEPT = (
    "names are pseudonyms; notes and reasons are kept as written (they may name people): "
    "leave them out with --no-notes"
)


def pseudonym(name: Any, key: str) -> Any:
    """``annotator-<10 hex digits>`` for a name (None and NaN stay as they are)."""
    if not isinstance(name, str):
        return name
    digest = hmac.new(key.encode(), name.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"annotator-{digest[:10]}"


def _owners_mapped(value: Any, key: str) -> Any:
    if isinstance(value, dict) and isinstance(value.get("owners"), list):
        return {**value, "owners": [pseudonym(name, key) for name in value["owners"]]}
    return value


def pseudonymise(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """A copy of an events or annotations frame with every name a pseudonym.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :meth:`Store.events` or ``Labeller.annotations``.
    key : str
        The store's pseudonym key (``store.secret(KEY_NAME)``).
    """
    out = frame.drop(columns=[c for c in LINKING_COLUMNS if c in frame.columns])
    if "annotator" in out.columns:
        out["annotator"] = out["annotator"].map(lambda name: pseudonym(name, key))
    if "value" in out.columns and "kind" in out.columns:
        labelsets = out["kind"] == "labelset"
        out.loc[labelsets, "value"] = out.loc[labelsets, "value"].map(
            lambda value: _owners_mapped(value, key)
        )
    return out
