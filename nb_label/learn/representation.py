"""What the query strategy clusters on: the candidates as the model sees them.

A text column means nothing to k-means; the TF-IDF rows a pipeline makes of it do. So the
strategy gets, in this order of preference:

1. ``embed(X)``, when the user gave ``ActiveLoop(..., embed=)``;
2. a fitted scikit-learn ``Pipeline``'s transform up to its last step (``pipeline[:-1]``),
   the very rows its classifier scored; before any fit, the same steps fitted on the pool
   alone (they are unsupervised, e.g. a vectorizer or a scaler);
3. the features themselves, when they are numbers (an array, a sparse matrix, numeric
   columns);
4. ``None`` otherwise: the strategy then ranks on the probabilities alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from nb_label._features import numeric_or_none


def _numeric(X: Any) -> Any:
    """``X`` as a numeric matrix, or None when it holds text or objects."""
    found = numeric_or_none(X)
    if found is None or sp.issparse(found):
        return found
    array = np.asarray(found, dtype=float)
    return array.reshape(len(array), -1) if array.ndim != 2 else array


def _embedded(embed: Callable, X: Any) -> Any:
    rows = embed(X)
    return rows if sp.issparse(rows) else np.asarray(rows, dtype=float)


def _has_transform_steps(model: Any) -> bool:
    return isinstance(model, Pipeline) and len(model.steps) > 1


def split_for_scoring(fitted: Any, X: Any, embed: Callable | None) -> tuple[Any, Any, Any]:
    """The estimator to score with, its input, and the representation of ``X``.

    For a pipeline the pool is transformed once: its last step scores the transformed rows
    (the same probabilities as ``fitted.predict_proba(X)``) and those rows are the
    representation, so handing them to the strategy costs nothing extra.
    """
    if _has_transform_steps(fitted):
        transformed = fitted[:-1].transform(X)
        representation = _embedded(embed, X) if embed is not None else transformed
        return fitted[-1], transformed, representation
    representation = _embedded(embed, X) if embed is not None else _numeric(X)
    return fitted, X, representation


def fitted_representation(fitted: Any, X: Any, embed: Callable | None) -> Any:
    """The representation of ``X`` (e.g. the labelled items) as the fitted model sees it."""
    return split_for_scoring(fitted, X, embed)[2]


def unfitted_representation(model: Any, X: Any, embed: Callable | None) -> Any:
    """The representation before any model is fitted (for choosing the very first items).

    A pipeline's steps before the classifier are fitted on ``X`` itself; when they need
    labels to fit, or fail, there is no representation (None) and the caller keeps its order.
    """
    if embed is not None:
        return _embedded(embed, X)
    if _has_transform_steps(model):
        try:
            return clone(model[:-1]).fit_transform(X)
        except Exception:  # a supervised step (it needs y) or odd input: no representation
            return None
    return _numeric(X)
