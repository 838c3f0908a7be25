"""The user's DataFrame, wrapped without copying: item keys, row access and identity."""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from nb_label._keys import encode_key

# Rows sampled for the fingerprint: the first few plus powers of two. The positions depend only
# on position, never on the length, so rows appended at the end keep the old sample valid.
_HEAD_ROWS = 32


def _sample_positions(n_rows: int) -> list[int]:
    positions = set(range(min(_HEAD_ROWS, n_rows)))
    step = _HEAD_ROWS
    while step < n_rows:
        positions.add(step)
        step *= 2
    return sorted(positions)


def _shown_columns(show: Any, columns: pd.Index) -> list:
    """The columns ``show=`` names, each once and each the name of one column of ``df``."""
    # A column's name may be an int (pd.DataFrame(array) names them 0, 1, ...): it is one
    # column, not a sequence to unpack.
    if isinstance(show, (str, int)) and not isinstance(show, bool):
        names = [show]
    elif isinstance(show, (list, tuple, pd.Index)):
        names = list(show)
    else:
        raise ValueError(
            f"show= takes a column name or a list of them, e.g. show='text' or "
            f"show=['title', 'body']; got {type(show).__name__} {show!r}"
        )
    if not names:
        raise ValueError("show= names no column; pass the column to show, e.g. show='text'")
    for name in names:
        if names.count(name) > 1:
            raise ValueError(f"show= names column {name!r} twice; list each column once")
    missing = [c for c in names if c not in columns]
    if missing:
        raise ValueError(
            f"show= names column(s) {missing} that the DataFrame does not have; "
            f"its columns are {list(columns)}"
        )
    for name in names:
        if (columns == name).sum() > 1:
            raise ValueError(
                f"the DataFrame has more than one column named {name!r}, so an item's "
                f"{name!r} is ambiguous; rename them first, e.g. "
                "df.columns = [f'{c}_{i}' for i, c in enumerate(df.columns)]"
            )
    return names


class DataSource:
    """Read-only access to the rows of a DataFrame that are to be labelled.

    Parameters
    ----------
    df : pandas.DataFrame
        The user's data. It is neither copied nor changed.
    show : str or sequence of str
        The column or columns shown for each item.
    where : boolean Series, array or str, optional
        Restricts labelling to a subset: a boolean mask aligned to ``df.index`` or a
        :meth:`pandas.DataFrame.query` string.
    """

    def __init__(self, df: pd.DataFrame, *, show: str | Sequence[str], where: Any = None) -> None:
        if not isinstance(df, pd.DataFrame):
            raise ValueError(
                f"expected a pandas DataFrame, got {type(df).__name__}; wrap your data with "
                "pandas.DataFrame(...) first"
            )
        if len(df) == 0:
            raise ValueError("the DataFrame is empty: there is nothing to label")
        self.columns: list[str] = _shown_columns(show, df.columns)
        self._check_index(df.index)
        self.df = df
        self.positions = self._where_positions(df, where)

    @staticmethod
    def _check_index(index: pd.Index) -> None:
        try:
            unique = index.is_unique
        except TypeError as err:
            raise ValueError(
                "the DataFrame's index holds unhashable labels (lists or dicts?); item keys must "
                "be hashable: use df.reset_index(drop=True) or set a column of ids as the index"
            ) from err
        if not unique:
            dupes = index[index.duplicated()].unique()[:5].tolist()
            raise ValueError(
                f"the DataFrame's index has duplicate labels (for example {dupes}); each item "
                "needs its own key: use df.reset_index(drop=True) or a column of unique ids"
            )
        missing = (
            index.to_frame(index=False).isna().to_numpy().any()
            if isinstance(index, pd.MultiIndex)  # hasnans is not defined for one
            else index.hasnans
        )
        if missing:
            raise ValueError(
                "the DataFrame's index has missing labels (NaN); give every row a key, "
                "for example with df.reset_index(drop=True)"
            )
        encode_key(index[0])  # fails early, with a clear message, on unsupported label types

    @staticmethod
    def _where_positions(df: pd.DataFrame, where: Any) -> np.ndarray:
        if where is None:
            return np.arange(len(df), dtype=np.int64)
        if isinstance(where, str):
            try:
                mask = df.eval(where)
            except Exception as err:
                raise ValueError(
                    f"where={where!r} is not a valid DataFrame.query string: {err}"
                ) from err
        else:
            mask = where
        if isinstance(mask, pd.Series):
            if not mask.index.equals(df.index):
                raise ValueError("where= must be a boolean mask aligned to the DataFrame's index")
            mask = mask.to_numpy()
        mask = np.asarray(mask)
        if mask.dtype != bool or mask.shape != (len(df),):
            raise ValueError(
                f"where= must be {len(df)} booleans (one per row) or a query string; "
                f"got an array of dtype {mask.dtype} and shape {mask.shape}"
            )
        positions = np.flatnonzero(mask).astype(np.int64)
        if len(positions) == 0:
            raise ValueError("where= selects no rows: there is nothing to label")
        return positions

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def n_rows(self) -> int:
        """Rows in the whole DataFrame (not only the ``where`` subset)."""
        return len(self.df)

    def key_at(self, position: int) -> Hashable:
        """The index label of the row at ``position``."""
        return self.df.index[position]

    def position_of(self, item_key: Hashable) -> int:
        """The row position of ``item_key``; ``KeyError`` with a clear message if unknown."""
        try:
            position = self.df.index.get_loc(item_key)
        except (KeyError, TypeError) as err:
            raise KeyError(f"no item with key {item_key!r} in the DataFrame's index") from err
        if not isinstance(position, (int, np.integer)):
            raise KeyError(f"key {item_key!r} does not name a single row")
        return int(position)

    def row(self, position: int) -> dict[str, Any]:
        """The shown columns' values of one row (O(1) in the number of rows)."""
        return {column: self.df[column].iat[position] for column in self.columns}

    def duplicate_groups(self) -> dict[int, tuple[int, ...]]:
        """For each row whose shown content repeats: the positions of every copy.

        One vectorised pass (pandas' hashing), so it stays quick on large frames.
        """
        hashes = pd.util.hash_pandas_object(self.df[self.columns], index=False)
        repeated = hashes[hashes.duplicated(keep=False)]
        positions = self.df.index.get_indexer(repeated.index)
        groups: dict[int, list[int]] = {}
        for position, value in zip(positions.tolist(), repeated.to_numpy().tolist(), strict=True):
            groups.setdefault(value, []).append(position)
        return {p: tuple(members) for members in groups.values() for p in members}

    # -- identity ---------------------------------------------------------------------------
    def _row_digest(self, position: int) -> str:
        digest = hashlib.blake2b(digest_size=8)
        digest.update(encode_key(self.key_at(position)).encode())
        for column in self.columns:
            digest.update(b"\x1f" + _cell_bytes(self.df[column].iat[position]))
        return digest.hexdigest()

    def content_sha(self, position: int) -> str:
        """A short hash of what one item shows (its shown cells), stored with each answer."""
        digest = hashlib.blake2b(digest_size=8)
        for column in self.columns:
            digest.update(b"\x1f" + _cell_bytes(self.df[column].iat[position]))
        return digest.hexdigest()

    def fingerprint(self) -> dict[str, Any]:
        """A cheap identity of the data: shape, dtypes and a fixed sample of rows.

        When it matches the stored one, the frame is the stored dataset as it was (rows
        appended at the end included). It never hashes a whole column: hashing a million
        texts costs a third of a second.
        """
        sample = {str(p): self._row_digest(p) for p in _sample_positions(self.n_rows)}
        return {
            "n_rows": self.n_rows,
            "index_dtype": str(self.df.index.dtype),
            "columns": {str(c): str(self.df[c].dtype) for c in self.columns},
            "sample": sample,
        }

    def _columns_text(self) -> str:
        # Column names may be ints (pd.DataFrame(array)); a name is text.
        return "+".join(map(str, self.columns))

    def legacy_dataset_name(self) -> str:
        """The default name earlier versions gave: the shown columns and the first rows."""
        head = [self._row_digest(p) for p in range(min(_HEAD_ROWS, self.n_rows))]
        digest = hashlib.blake2b("|".join(head).encode(), digest_size=4).hexdigest()
        return f"{self._columns_text()}-{digest}"

    def default_dataset_name(self) -> str:
        """The dataset's default name in the store.

        A frame whose rows are numbered (a RangeIndex from 0) has no keys of its own: its
        name holds a digest of its first rows' content, so two different frames never
        continue each other's labels. A frame with an index of its own is named by the
        shown columns and the index's name and type, so reordering, editing or filtering
        its rows keeps the name; its keys are then checked against the store's.
        """
        index = self.df.index
        if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
            return self.legacy_dataset_name()
        meta = f"{list(index.names)!r}|{index.dtype}|{index.nlevels}"
        digest = hashlib.blake2b(meta.encode(), digest_size=4).hexdigest()
        return f"{self._columns_text()}-k{digest}"


def _cell_bytes(value: Any) -> bytes:
    """What identifies a cell's content: its repr, or the content itself for images.

    A PIL image's repr holds its memory address (different in every kernel) and a numpy
    array's repr is cut short, so both are identified by their pixels instead.
    """
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, np.ndarray):
        return f"{value.dtype}{value.shape}".encode() + value.tobytes()
    if hasattr(value, "tobytes") and hasattr(value, "mode") and hasattr(value, "size"):
        return f"{value.mode}{value.size}".encode() + value.tobytes()  # a PIL image
    return repr(value).encode()


def fingerprint_changes(stored: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Describe how ``current`` differs from ``stored``; rows appended at the end are fine."""
    changes = []
    if current["n_rows"] < stored["n_rows"]:
        changes.append(f"it has {current['n_rows']} rows, the store saw {stored['n_rows']}")
    if current["index_dtype"] != stored["index_dtype"]:
        changes.append(
            f"the index dtype is {current['index_dtype']}, the store saw {stored['index_dtype']}"
        )
    if current["columns"] != stored["columns"]:
        changes.append(
            f"the shown columns are {current['columns']}, the store saw {stored['columns']}"
        )
    differing = [
        int(p)
        for p, digest in stored["sample"].items()
        if p in current["sample"] and current["sample"][p] != digest
    ]
    if differing:
        changes.append(f"rows at positions {sorted(differing)[:5]} have different keys or content")
    return changes
