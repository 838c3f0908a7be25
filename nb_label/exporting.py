"""One export for every caller: a dataset's items or its event log, to CSV, Parquet or JSONL.

``nbl.export``, ``Labeller.export`` and ``nb-label export`` are this function. Two shapes:

- ``items``: one row per item and annotator, each annotator's current answer (the state
  rules of :func:`nb_label.results.annotations_frame`: label, note, state, flagged, ...).
  From a Labeller it is that annotator's ``annotations``: every item of the DataFrame,
  answered or not.
- ``events``: the event log as the store holds it, one row per event, oldest first.

Nested values are JSON in CSV, never Python reprs. In Parquet a multi-label answer is an
Arrow list; a column that mixes kinds (the log's ``value`` holds texts, lists and label-set
changes, and Arrow types a column once) is JSON text, one value per cell.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pandas as pd

SHAPES = ("items", "events")


def export(
    target: Any,
    path: str | os.PathLike,
    *,
    shape: str = "items",
    dataset: str | None = None,
    pseudonymise: bool = False,
    notes: bool = True,
) -> Path:
    """Write a dataset's items or its event log to ``path`` (.csv, .parquet or .jsonl).

    Parameters
    ----------
    target : Labeller, Store, str or path
        A Labeller (its store and dataset), an open store, or a store's path or URL.
    path : str or path
        The file to write; its suffix picks the format. Its folder must exist.
    shape : {"items", "events"}, default "items"
        One row per item and annotator, or one row per event.
    dataset : str, optional
        Which dataset of the store; needed when the store holds several.
    pseudonymise : bool, default False
        Names as the store's keyed-hash pseudonyms (the same in every export), without the
        browser's session and client ids.
    notes : bool, default True
        False leaves out every free text: notes and the reasons given with none-fits answers
        and label-set proposals.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    return write_export(
        target, path, shape=shape, dataset=dataset, pseudonymise=pseudonymise, notes=notes
    )[0]


def write_export(
    target: Any,
    path: str | os.PathLike,
    *,
    shape: str = "items",
    dataset: str | None = None,
    pseudonymise: bool = False,
    notes: bool = True,
) -> tuple[Path, int]:
    """:func:`export`, returning the file written and how many rows it holds."""
    from nb_label.results import write_frame

    if shape not in SHAPES:
        raise ValueError(f"shape={shape!r}: export writes 'items' or 'events'")
    path = Path(path)
    if not path.parent.exists():
        raise ValueError(
            f"the folder {path.parent} does not exist; make it first "
            f"(mkdir -p {path.parent}) or write somewhere else"
        )
    frame = _frame(target, shape, dataset)
    if pseudonymise:
        from nb_label import pseudonyms

        frame = pseudonyms.pseudonymise(frame, _store_of(target).secret(pseudonyms.KEY_NAME))
    if not notes:
        frame = without_free_text(frame)
    index_name = None if shape == "events" else "item_key"
    return write_frame(frame, path, index_name=index_name), len(frame)


def _store_of(target: Any) -> Any:
    return target.store if hasattr(target, "annotations") else target


def _frame(target: Any, shape: str, dataset: str | None) -> pd.DataFrame:
    if hasattr(target, "annotations"):  # a Labeller: its dataset, its annotator's items
        if dataset not in (None, target.dataset):
            raise ValueError(f"this Labeller labels {target.dataset!r}, not {dataset!r}")
        if shape == "items":
            return target.annotations
        return target.store.events(target.dataset)
    opened = _opened(target)
    with opened as store:
        name = dataset_of(store, dataset)
        events = store.events(name)
    return events if shape == "events" else item_rows(events)


def _opened(target: Any) -> Any:
    from nb_label.store.sql import Store

    if isinstance(target, Store):
        return nullcontext(target)
    from nb_label.store import open_store
    from nb_label.store.engine import target_url
    from nb_label.store.guard import require_existing

    require_existing(target_url(str(target)))  # a path that names no file is not a new store
    return open_store(target)


def dataset_of(store: Any, name: str | None, *, option: str = "dataset=") -> str:
    """The dataset ``name`` of ``store``, or its only one; a clear error (naming ``option``,
    the way to pick one) otherwise."""
    names = store.datasets()["name"].tolist()
    if name is not None:
        if name not in names:
            raise ValueError(f"no dataset {name!r} in the store; it holds {names}")
        return name
    if len(names) != 1:
        raise ValueError(f"the store holds {len(names)} datasets {names}; pick one with {option}")
    return names[0]


def item_rows(events: pd.DataFrame) -> pd.DataFrame:
    """One row per item and annotator: each annotator's current answer to each item they
    answered, indexed by item key (the rules of ``annotations``)."""
    from nb_label._keys import decode_key
    from nb_label.results import active_answers, annotations_frame

    frames = []
    for annotator, theirs in events.groupby("annotator", sort=True):
        answered = active_answers(theirs)["item_key"]
        if answered.empty:
            continue
        keys = list(dict.fromkeys(decode_key(k) for k in answered))
        frame = annotations_frame(theirs, pd.Index(keys))
        frame["annotator"] = annotator
        frames.append(frame)
    if not frames:
        return annotations_frame(events.iloc[:0], pd.Index([]))
    return pd.concat(frames)


def without_free_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy without notes, and without the reasons inside none-fits and proposal values."""
    out = frame.copy()
    if "note" in out.columns:
        out["note"] = None
    if "value" in out.columns:
        out["value"] = out["value"].map(_drop_reasons)
    return out


def _drop_reasons(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_reasons(v) for k, v in value.items() if k != "reason"}
    if isinstance(value, list):
        return [_drop_reasons(v) for v in value]
    return value
