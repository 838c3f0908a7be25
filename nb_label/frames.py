"""The user's table as the pandas DataFrame nb_label reads, keyed by its items' keys.

A pandas DataFrame's index keys its items. polars, pyarrow and the other dataframe libraries
that narwhals knows have no index, so they name a column of unique ids with ``key=``; so may a
pandas DataFrame. The table is read into pandas once, here: the rest of nb_label sees pandas.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from nb_label._extras import extra_imports


def keyed_frame(data: Any, key: str | None = None) -> pd.DataFrame:
    """``data`` as a pandas DataFrame indexed by its item keys.

    Parameters
    ----------
    data : pandas.DataFrame, polars.DataFrame, pyarrow.Table or another eager dataframe
        The rows to label. A pandas DataFrame is neither copied nor changed unless ``key``
        is given.
    key : str, optional
        A column of unique, non-missing ids that become the items' keys (and the results'
        index, named after it). Needed for tables without an index.

    Raises
    ------
    ValueError
        When ``key`` names no column, holds duplicates or missing values, or a table without
        an index has no ``key``.
    """
    if isinstance(data, pd.DataFrame):
        frame = data
    else:
        frame = _to_pandas(data)
        if key is None:
            raise ValueError(
                f"a {type(data).__module__.partition('.')[0]} {type(data).__name__} has no "
                'index to key its items: pass key="<column>", a column of unique ids'
            )
    return frame if key is None else _indexed_by(frame, key)


def _to_pandas(data: Any) -> pd.DataFrame:
    if not hasattr(data, "__arrow_c_stream__") and type(data).__module__.split(".")[0] not in (
        "polars", "pyarrow", "modin", "cudf", "dask", "duckdb", "ibis", "pyspark",
    ):  # fmt: skip
        raise ValueError(
            f"expected a table (a pandas DataFrame, a polars DataFrame or an Arrow table), got "
            f"{type(data).__name__}; wrap your data with pandas.DataFrame(...) first"
        )
    with extra_imports("arrow", feature="labelling a table that is not a pandas DataFrame"):
        import narwhals as nw

    return nw.from_native(data, eager_only=True).to_pandas()


def _indexed_by(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    if key not in frame.columns:
        raise ValueError(
            f"key={key!r}: there is no column {key!r}; the columns are {list(frame.columns)}"
        )
    ids = frame[key]
    if ids.isna().any():
        raise ValueError(f"the key column {key!r} has missing values: every row needs an id")
    if not ids.is_unique:
        dupes = ids[ids.duplicated()].unique()[:5].tolist()
        raise ValueError(
            f"the key column {key!r} has duplicate values (for example {dupes}); "
            "each item needs its own id"
        )
    return frame.set_index(key)
