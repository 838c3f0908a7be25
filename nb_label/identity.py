"""Which stored dataset a frame is: its name in the store, and whether its keys match.

A dataset is its index labels. Reordering, editing or filtering the rows keeps it; a frame
whose index holds none of the keys answered so far is another dataset, and is refused with
the counts and the choices rather than started empty.
"""

from __future__ import annotations

import pandas as pd

from nb_label._keys import decode_key
from nb_label.source import DataSource, fingerprint_changes
from nb_label.store import Store


def default_dataset(source: DataSource, store: Store, *, suffix: str = "") -> tuple[str, str]:
    """The default dataset name for ``source`` and a message for the person (or "").

    The name an earlier version gave the same data is used when only that one is stored;
    a new name beside other datasets of the same columns comes with a message naming them.
    """
    name = source.default_dataset_name() + suffix
    known = set(store.datasets()["name"])
    legacy = source.legacy_dataset_name() + suffix
    if name not in known and legacy in known:
        return legacy, ""  # labels given before this version named datasets by their rows
    if name in known:
        return name, ""
    prefix = "+".join(map(str, source.columns)) + "-"
    others = sorted(
        k for k in known
        if k.startswith(prefix) and (k.endswith(suffix) if suffix else "/" not in k)
    )  # fmt: skip
    if not others:
        return name, ""
    return name, (  # never a silent empty start beside earlier work on such data
        f"started a new dataset {name!r}; this store also holds {others} for the same "
        "columns: pass dataset='<name>' to continue one of them"
    )


def check_dataset(source: DataSource, store: Store, dataset: str) -> None:
    """Register ``dataset`` or check that ``source`` is it; keep its fingerprint current.

    The quick check compares a fixed sample of rows; only when it differs (rows reordered,
    edited, filtered) are the keys answered so far looked up in the frame's index.

    Raises
    ------
    ValueError
        When other columns are shown, or the frame holds none of the answered keys.
    """
    fingerprint = source.fingerprint()
    stored = store.ensure_dataset(dataset, fingerprint)
    if stored.get("columns", fingerprint["columns"]).keys() != fingerprint["columns"].keys():
        raise ValueError(
            f"dataset {dataset!r} in the store shows the columns {list(stored['columns'])}, "
            f"this labeller {list(fingerprint['columns'])}; show the same columns, or pass "
            "dataset='<new name>' for a new dataset"
        )
    if not fingerprint_changes(stored, fingerprint):
        if fingerprint["n_rows"] > stored["n_rows"]:
            store.update_dataset(dataset, fingerprint)  # rows appended at the end
        return
    _names, rows = store.events(dataset, as_frame=False, columns=["item_key"])
    keys = {row[0] for row in rows if row[0] is not None}
    if keys:
        found = sum(1 for key in keys if _decodes_into(key, source.df.index))
        if found == 0:  # reordered, edited or filtered frames keep some answered keys
            raise ValueError(
                f"dataset {dataset!r} in the store has answers on {len(keys):,} items, and "
                "this frame's index holds 0 of them: labels are kept by index label, so this "
                "is not the same data (was the index reset, or is this another frame?). Use "
                "the frame with the index the labels were given on (to label only some rows, "
                "pass where= instead of filtering the frame), or pass dataset='<new name>' to "
                "label this frame as a new dataset"
            )
    store.update_dataset(dataset, fingerprint)  # the frame as it is now


def _decodes_into(key_text: str, index: pd.Index) -> bool:
    try:
        return decode_key(key_text) in index
    except (ValueError, TypeError):
        return False
