"""What ``features=`` means, in every function that takes it: a column, columns, or a function.

- a column name gives that column as a Series (what a text vectorizer reads);
- a list of names gives a DataFrame with those columns (what a ``ColumnTransformer`` or a
  numeric model reads), except that a text vectorizer first in the model, which reads one
  column of documents, gets a one-name list as that column;
- a callable is called with the DataFrame's selected rows and returns the feature matrix.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

Features = str | Sequence[str] | Callable[[pd.DataFrame], Any]


def check_features(features: Any, columns: pd.Index, *, model: Any = None) -> None:
    """Refuse, with what to do, features that cannot be read from a frame with ``columns``."""
    if callable(features):
        return
    names = [features] if isinstance(features, str) else features
    if not isinstance(names, (list, tuple)) or not names or any(_nested(n) for n in names):
        raise ValueError(
            "features= is a column name, a list of column names, or a function of the "
            f"DataFrame's rows returning the feature matrix; got {features!r}"
        )
    missing = [n for n in names if n not in columns]
    if missing:
        raise ValueError(
            f"the DataFrame has no column {missing[0]!r} (features={features!r}); its columns "
            f"are {list(columns)!r}"
        )
    if model is not None and reads_documents(model) and len(names) > 1:
        raise ValueError(
            f"{type(first_step(model)).__name__} reads one column of text, but features= names "
            f"{len(names)} columns; pass one column, or put a ColumnTransformer first that "
            "sends each column to its own transformer"
        )


def select_features(
    frame: pd.DataFrame, keys: pd.Index, features: Any, *, model: Any = None
) -> Any:
    """The feature matrix of the rows ``keys``, read as the module docstring says."""
    if callable(features):
        X = features(frame.loc[keys])
        n_rows = X.shape[0] if hasattr(X, "shape") else len(X)
        if n_rows != len(keys):
            raise ValueError(
                f"the features function returned {n_rows} rows for {len(keys)} items; it must "
                "return one row per row of the DataFrame it is given, in the same order"
            )
        return X
    if isinstance(features, str):
        return frame.loc[keys, features]
    names = list(features)
    if len(names) == 1 and model is not None and reads_documents(model):
        return frame.loc[keys, names[0]]
    return frame.loc[keys, names]


def _nested(name: Any) -> bool:
    return not isinstance(name, Hashable) or isinstance(name, (list, tuple))


def first_step(model: Any) -> Any:
    """The estimator that receives the features first (a pipeline's first step)."""
    while hasattr(model, "steps"):
        model = model.steps[0][1]
    return model


def reads_documents(model: Any) -> bool:
    """Whether the model starts with a text vectorizer, which reads 1-D text (duck-typed)."""
    return hasattr(first_step(model), "build_analyzer")


def numeric_or_none(X: Any) -> Any:
    """``X`` if it is a numeric matrix a strategy can measure distances in, else None."""
    if hasattr(X, "tocsr"):  # scipy sparse
        return X
    if isinstance(X, pd.DataFrame):
        return X if all(pd.api.types.is_numeric_dtype(t) for t in X.dtypes) else None
    if isinstance(X, pd.Series):
        return X if pd.api.types.is_numeric_dtype(X.dtype) else None
    try:
        array = np.asarray(X)
    except (TypeError, ValueError):
        return None
    return X if array.dtype.kind in "biuf" else None
