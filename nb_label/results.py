"""Results as pandas objects aligned to the user's index, and their import and export."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nb_label._keys import decode_key
from nb_label._state import ANSWER_KINDS
from nb_label.events import active, make_event
from nb_label.schema import Schema

ANNOTATION_COLUMNS = [
    "label",
    "note",
    "suggestion",
    "followed_suggestion",
    "state",
    "flagged",
    "annotator",
    "labelled_at",
    "seconds",
    "labelset_version",
]
_STATE_OF_KIND = {
    "label": "labelled",
    "flag": "flagged",
    "none_fits": "none_fits",
    "skip": "skipped",
}


def active_answers(events: pd.DataFrame) -> pd.DataFrame:
    """Answer events that no later retraction undid, oldest first."""
    return active(events, keep=ANSWER_KINDS)


def annotations_frame(events: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """One annotator's current results, one row per item of ``index``.

    The state rules are those of :mod:`nb_label._state`: the latest of label / flag /
    none-fits decides the state, a label is kept under a later flag, and a skip counts only
    while the item has no other answer.
    """
    answers = active_answers(events)
    result = pd.DataFrame(index=index, columns=ANNOTATION_COLUMNS, dtype=object)
    result["flagged"] = False
    result["state"] = "unlabelled"
    if answers.empty:
        return _finish(result)
    decisive = answers[answers["kind"].isin(["label", "flag", "none_fits"])]
    last_decisive = decisive.groupby("item_key", sort=False).tail(1)
    labels = answers[answers["kind"] == "label"].groupby("item_key", sort=False).tail(1)
    if "suggestion_withheld" in labels:
        # A control item's suggestion was never on screen: it is not "the suggestion shown".
        withheld = labels["suggestion_withheld"].fillna(False).astype(bool)
        labels = labels.assign(suggestion=labels["suggestion"].where(~withheld, None))
    skips = answers[answers["kind"] == "skip"].groupby("item_key", sort=False).tail(1)
    notes = answers[answers["note"].notna() & (answers["note"] != "")]
    last_notes = notes.groupby("item_key", sort=False).tail(1)

    def aligned(frame: pd.DataFrame, column: str) -> pd.Series:
        labels_ = [decode_key(k) for k in frame["item_key"]]
        series = pd.Series(frame[column].to_numpy(dtype=object), index=labels_, dtype=object)
        return series[series.index.isin(index)]

    parts = [
        aligned(skips, "kind").map(_STATE_OF_KIND),
        aligned(last_decisive, "kind").map(_STATE_OF_KIND),
    ]
    # Empty parts left out: pandas 2.x warns that their dtype will count in a later version.
    state = pd.concat([part for part in parts if len(part)] or parts[:1])
    state = state[~state.index.duplicated(keep="last")]
    _put(result, "state", state)
    flagged = aligned(last_decisive, "kind") == "flag"
    _put(result, "flagged", flagged)
    for column, source in [
        ("label", "value"),
        ("labelled_at", "committed_at"),
        ("seconds", "seconds"),
        ("labelset_version", "labelset_version"),
        ("annotator", "annotator"),
        ("suggestion", "suggestion"),
    ]:
        values = aligned(labels, source)
        _put(result, column, values)
    last_any = answers.groupby("item_key", sort=False).tail(1)
    who = aligned(last_any, "annotator")
    _put(result, "annotator", who)
    note = aligned(last_notes, "note")
    _put(result, "note", note)
    return _finish(result)


def _put(result: pd.DataFrame, column: str, values: pd.Series) -> None:
    """Set ``values`` (indexed by item keys) into ``result[column]`` by position.

    By position, not ``.loc``: a boolean index's keys would be read as a mask, and a
    MultiIndex's as a tuple of levels.
    """
    if not len(values):
        return
    positions = result.index.get_indexer(values.index)
    # A bool column takes bools: pandas 2 warns (and will refuse) objects set into it.
    dtype = bool if result[column].dtype == bool else object
    result.iloc[positions, result.columns.get_loc(column)] = values.to_numpy(dtype=dtype)


def _finish(result: pd.DataFrame) -> pd.DataFrame:
    result["flagged"] = result["flagged"].astype(bool)
    shown = result["suggestion"].notna() & result["label"].notna()
    result["followed_suggestion"] = pd.array(
        [
            bool(a == b) if s else pd.NA
            for a, b, s in zip(result["label"], result["suggestion"], shown, strict=True)
        ],
        dtype="boolean",
    )
    result["labelled_at"] = pd.to_datetime(result["labelled_at"], utc=True)
    result["seconds"] = pd.to_numeric(result["seconds"]).astype(float)
    result["labelset_version"] = pd.to_numeric(result["labelset_version"]).astype("Int64")
    result["label"] = _typed_labels(result["label"])
    return result


def _typed_labels(labels: pd.Series) -> pd.Series:
    """Keep the labels' own type: nullable ints and bools, strings, else objects."""
    present = labels.dropna()
    if len(present) == 0:
        return labels
    kinds = {type(v) for v in present}
    if kinds == {bool}:
        return labels.astype("boolean")
    if kinds == {int}:
        return labels.astype("Int64")
    if kinds == {str}:
        # pandas 2 turns a missing value into the text "nan" under astype("str"): keep it missing.
        return labels.astype("str").where(labels.notna(), None)
    return labels


def map_labels(frame: pd.DataFrame, labelset: Any) -> pd.DataFrame:
    """Map labels through renames and merges; send split labels back to "unlabelled"."""
    original = frame["label"]
    frame.insert(1, "original_label", original)
    if labelset.version <= 1:
        return frame
    split = labelset.requeued_values

    def current(value: Any) -> Any:
        if isinstance(value, list):  # a multi-label answer: map each label, keep each once
            return list(dict.fromkeys(labelset.current_value(v) for v in value))
        return None if pd.isna(value) else labelset.current_value(value)

    mapped = [current(v) for v in original.astype(object)]
    frame["label"] = _typed_labels(pd.Series(mapped, index=frame.index, dtype=object))
    if split:
        hit = [
            bool(set(v) & split) if isinstance(v, list) else (v in split and not pd.isna(v))
            for v in original.astype(object)
        ]
        again = pd.Series(hit, index=frame.index) & (frame["state"] == "labelled")
        frame.loc[again, "label"] = None
        frame.loc[again, "state"] = "unlabelled"
        frame["label"] = _typed_labels(frame["label"].astype(object))
    return frame


def answer_columns(frame: pd.DataFrame, answer: Any, labelset: Any) -> pd.DataFrame:
    """Shape ``label`` for the answer kind.

    Multi-label: ``label`` holds lists, and one boolean column per label on offer,
    ``label=<name>``, follows it (missing where the item has no answer). Rating: ``label``
    is an ordered categorical over the scale, and ``frame.attrs["scale"]`` lists the steps.
    Other kinds are left as they are.
    """
    kind = getattr(answer, "kind", "label")
    frame.attrs["answer"] = kind
    if kind == "multi":
        at = frame.columns.get_loc("label") + 1
        answered = frame["label"].map(lambda v: isinstance(v, list))
        for offset, name in enumerate(labelset.values):
            column = pd.array(
                [
                    name in v if ok else pd.NA
                    for v, ok in zip(frame["label"], answered, strict=True)
                ],
                dtype="boolean",
            )
            frame.insert(at + offset, f"label={name}", column)
    elif kind == "rating":
        steps = list(answer.scale)
        values = frame["label"].astype(object).where(frame["label"].notna(), None)
        frame["label"] = pd.Categorical(values, categories=steps, ordered=True)
        frame.attrs["scale"] = steps
    return frame


def import_events(
    labels: pd.Series | pd.DataFrame,
    *,
    annotator: str,
    source: str,
    dataset: str,
    index: pd.Index,
    schema: Schema,
    session_id: str,
    labelset_version: int,
    check: Any = None,
) -> list[dict[str, Any]]:
    """Turn imported labels into label events, refusing keys or labels that do not fit.

    ``check(value) -> stored value`` checks each answer (the labeller's answer kind); by
    default a value must be a label of ``schema``.
    """
    if isinstance(labels, pd.DataFrame):
        if "label" not in labels.columns:
            raise ValueError(
                "import_labels needs a Series of labels or a DataFrame with a 'label' column"
            )
        values, notes = labels["label"], labels.get("note")
    elif isinstance(labels, pd.Series):
        values, notes = labels, None
    else:
        raise ValueError("import_labels takes a pandas Series or DataFrame indexed by item key")
    if not values.index.is_unique:
        raise ValueError("import_labels got duplicate item keys; pass one label per item")
    unknown = values.index[~values.index.isin(index)]
    if len(unknown):
        raise ValueError(
            f"{len(unknown)} imported keys are not in the DataFrame's index "
            f"(for example {list(unknown[:3])}); align the labels to df.index first"
        )
    now = datetime.now(timezone.utc)
    events = []
    if check is None:

        def check(value: Any) -> Any:
            return schema.find(value).value

    for key, value in values.items():
        if not isinstance(value, (list, tuple, set)) and pd.isna(value):
            continue
        stored = check(value.item() if hasattr(value, "item") else value)
        note = None if notes is None or pd.isna(notes.get(key)) else str(notes.get(key))
        events.append(
            make_event(
                "label",
                dataset=dataset,
                annotator=annotator,
                item_key=key,
                value=stored,
                note=note,
                client_time=now,
                session_id=session_id,
                source=source,
                labelset_version=labelset_version,
            )
        )
    return events


def _holds_nested(column: pd.Series) -> bool:
    return bool(column.map(lambda v: isinstance(v, (list, dict))).any())


def _plain_list(value: Any) -> bool:
    return isinstance(value, list) and not any(isinstance(v, (list, dict)) for v in value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def write_frame(frame: pd.DataFrame, path: Path, *, index_name: str | None = "item_key") -> Path:
    """Write a results frame by the path's suffix: .csv, .parquet or .jsonl.

    The index becomes the column ``index_name`` (a MultiIndex: one column per level, named
    by the level or ``item_key_0``, ``item_key_1``...; left out when it is None).
    """
    suffix = path.suffix.lower()
    if index_name and isinstance(frame.index, pd.MultiIndex):  # one column per level
        levels = frame.index.names
        out = frame.reset_index(
            names=[n if n is not None else f"{index_name}_{i}" for i, n in enumerate(levels)]
        )
    elif index_name:
        out = frame.reset_index(names=index_name)
    else:
        out = frame.reset_index(drop=True)
    nested = [c for c in out.columns if out[c].dtype == np.dtype(object) and _holds_nested(out[c])]
    if suffix == ".csv":
        for column in nested:  # lists and dicts as JSON, never as Python reprs
            out[column] = out[column].map(
                lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
            )
        out.to_csv(path, index=False)
    elif suffix == ".parquet":
        for column in nested:
            # Arrow types a column once: lists of plain values (multi-label answers) stay
            # Arrow lists; any other nested column (the event log's `value`, which mixes text
            # with label-set changes) is written as JSON text, one value per cell.
            if not out[column].dropna().map(_plain_list).all():
                out[column] = out[column].map(
                    lambda v: None if _missing(v) else json.dumps(v, ensure_ascii=False)
                )
        try:
            out.to_parquet(path, index=False)
        except ImportError as err:
            raise ValueError(
                "writing Parquet needs pyarrow: pip install 'nb-label[parquet]'"
            ) from err
    elif suffix in (".jsonl", ".ndjson"):
        out.to_json(path, orient="records", lines=True, date_format="iso", force_ascii=False)
    else:
        raise ValueError(f"export() writes .csv, .parquet or .jsonl files, not {path.name!r}")
    return path


def current_labels(events: pd.DataFrame, *, details: bool = False) -> pd.DataFrame:
    """Every annotator's current label per item, in long form (``item_key``, ``annotator``,
    ``label``), from a store's events: the latest active label event wins.

    With ``details=True`` the label event's ``note`` and ``labelled_at`` come too.
    """
    answers = active_answers(events)
    labels = answers[answers["kind"] == "label"]
    latest = labels.groupby(["item_key", "annotator"], sort=False).tail(1)
    columns = {
        "item_key": [decode_key(k) for k in latest["item_key"]],
        "annotator": latest["annotator"].to_numpy(dtype=object),
        "label": latest["value"].to_numpy(dtype=object),
    }
    if details:
        notes = [n if isinstance(n, str) and n else None for n in latest["note"]]
        columns["note"] = pd.Series(notes, dtype=object)
        columns["labelled_at"] = pd.to_datetime(latest["committed_at"], utc=True).to_numpy()
    return pd.DataFrame(columns).reset_index(drop=True)
