"""The loop's cross-validation: folds grouped by content and stratified by class.

Grouping keeps identical texts on one side of a fold (a copy on both sides would flatter the
score). Stratifying spreads a rare class over the folds, so with two spam among ten labels
each fold's model still sees a spam. Where grouping leaves a fold's training part without a
class all the same (the rare class's items are one text), that fold is skipped and the score
rests on the others: a round never fails because a fold could not be fitted.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold
from sklearn.utils import _safe_indexing

_MAX_FOLDS = 5


def digests(X: Any) -> list[str]:
    """A short hash of each row's content."""
    rows = X.itertuples(index=False) if isinstance(X, pd.DataFrame) else X
    return [hashlib.blake2b(repr(row).encode(), digest_size=8).hexdigest() for row in rows]


def content_groups(X: Any) -> np.ndarray:
    """Group ids by identical content, so duplicates never sit on both sides of a fold."""
    codes: dict[str, int] = {}
    return np.asarray([codes.setdefault(d, len(codes)) for d in digests(X)])


def out_of_fold(model: Any, X: Any, y: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Out-of-fold predictions for the items that got one, with their true labels.

    ``y`` is a vector of classes, or an indicator matrix (items x labels) for multi-label
    answers, whose folds are grouped only (scikit-learn stratifies single labels only).

    Returns
    -------
    (y_true, y_pred) or None
        None when no fold could be formed or fitted (too few items or groups).
    """
    groups = content_groups(X)
    multilabel = y.ndim == 2
    if multilabel:
        positives = y.sum(axis=0)
        fewest = int(min(positives.min(), (len(y) - positives).min()))
    else:
        fewest = int(pd.Series(y).value_counts().min())
    n_folds = min(_MAX_FOLDS, len(np.unique(groups)), fewest)
    if n_folds < 2:
        return None
    folds = (GroupKFold if multilabel else StratifiedGroupKFold)(n_splits=n_folds)
    covered, predictions = [], []
    for train, test in folds.split(np.zeros(len(y)), y if not multilabel else None, groups):
        if not multilabel and len(np.unique(y[train])) < 2:
            continue  # a model fitted on one class fails; the other folds still score
        fitted = clone(model).fit(_safe_indexing(X, train), y[train])
        predictions.append(np.asarray(fitted.predict(_safe_indexing(X, test))))
        covered.append(test)
    if not covered:
        return None
    return y[np.concatenate(covered)], np.concatenate(predictions)
