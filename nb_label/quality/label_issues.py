"""Find labels that are probably wrong, by confident learning (Northcutt et al., 2021).

A model that never saw an item (out-of-fold predictions) says how likely each label is.
Per class, the threshold is the model's mean probability for that class over the items
given that class (its mean *self-confidence*): a class the model finds hard gets a low bar.
An item is an issue when the model is confident, by that bar, in a class other than the
label it was given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from nb_label._extras import extra_imports
from nb_label._features import reads_documents

__all__ = ["find_label_issues"]


def find_label_issues(
    source: Any,
    model: Any,
    *,
    features: str | Sequence[str] | Callable | None = None,
    dataset: str | None = None,
    cv: int = 5,
    threshold: str | float = "per_class",
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Items whose given label a cross-validated model confidently disagrees with.

    Parameters
    ----------
    source : Labeller, tuple (X, y), Store or DataFrame
        Where the items and labels come from:

        - a :class:`~nb_label.Labeller`: its labelled items (``training_data``) and the
          feature columns ``features`` of its DataFrame;
        - a tuple ``(X, y)``: features and labels, ``y`` a Series indexed by item key (or
          array-like, then the positions are the keys);
        - a Store with ``dataset=``, or long-format answers: the consensus label of each item
          (review decisions included), with ``features`` a DataFrame or Series of features
          indexed by item key.
    model : classifier
        Any scikit-learn style classifier with ``fit`` and ``predict_proba`` (e.g. a
        pipeline of ``TfidfVectorizer`` and ``LogisticRegression``); cloned, never changed.
    features : str, list of str, callable, DataFrame or Series, optional
        With a labeller: the column(s) to use (a single name gives a Series, as a text
        pipeline expects) or a function of the labelled rows; by default the shown
        column(s). With a store or long answers: the features themselves.
    dataset : str, optional
        The dataset's name, when ``source`` is a store.
    cv : int, default 5
        Folds for the out-of-fold probabilities (stratified, shuffled).
    threshold : "per_class" or float, default "per_class"
        ``"per_class"``: each class's mean self-confidence, as in confident learning. A
        number in (0, 1]: the same bar for every class.
    random_state : int, optional
        Seeds the fold split, so the result is reproducible.

    Returns
    -------
    pandas.DataFrame
        One row per issue, indexed by ``item_key``, worst first (lowest self-confidence):
        ``given_label``, ``suggested_label`` (the class the model is confident in),
        ``self_confidence`` (the model's probability of the given label) and ``confidence``
        (its probability of the suggested label). ``.attrs`` holds ``thresholds`` (per
        class), ``n_items`` (items checked) and ``classes``.

    Raises
    ------
    ValueError
        With fewer than two classes, or a class with fewer items than ``cv``.

    References
    ----------
    Northcutt, C., Jiang, L., Chuang, I. (2021). Confident learning: estimating uncertainty
    in dataset labels. Journal of Artificial Intelligence Research 70, 1373-1411.

    Examples
    --------
    >>> model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
    >>> issues = find_label_issues(lab, model, features="text")
    >>> issues.head()
    """
    if not hasattr(model, "fit") or not hasattr(model, "predict_proba"):
        raise ValueError(
            f"{type(model).__name__} has no predict_proba; use a probabilistic classifier such "
            "as LogisticRegression, or wrap it in CalibratedClassifierCV"
        )
    if isinstance(cv, bool) or not isinstance(cv, int) or cv < 2:
        raise ValueError(f"cv must be a number of folds, 2 or more; got {cv!r}")
    if threshold != "per_class" and not (
        isinstance(threshold, (int, float)) and 0 < threshold <= 1
    ):
        raise ValueError(f"threshold must be 'per_class' or a number in (0, 1]; got {threshold!r}")
    X, y = _features_and_labels(source, features=features, dataset=dataset, model=model)
    classes, codes = np.unique(np.asarray(y, dtype=object).astype(str), return_inverse=True)
    _check_counts(y, codes, classes, cv)
    probabilities = _out_of_fold(model, X, codes, cv=cv, random_state=random_state)
    n_items = len(codes)
    self_confidence = probabilities[np.arange(n_items), codes]
    if threshold == "per_class":
        thresholds = np.bincount(codes, weights=self_confidence, minlength=len(classes))
        thresholds /= np.bincount(codes, minlength=len(classes))
    else:
        thresholds = np.full(len(classes), float(threshold))
    # The confident class: the likeliest of the classes whose probability reaches its bar.
    above = probabilities >= thresholds[None, :]
    masked = np.where(above, probabilities, -1.0)
    confident = masked.argmax(axis=1)
    is_issue = above.any(axis=1) & (confident != codes)
    keys = y.index
    # Map codes back to the labels as given (the codes were made from their text form).
    label_of_code = dict(zip(codes.tolist(), list(y), strict=True))
    chosen = np.flatnonzero(is_issue)
    issues = pd.DataFrame(
        {
            "given_label": y.to_numpy(dtype=object)[chosen],
            "suggested_label": [label_of_code.get(c, classes[c]) for c in confident[chosen]],
            "self_confidence": self_confidence[chosen],
            "confidence": probabilities[chosen, confident[chosen]],
        },
        index=pd.Index(keys[chosen], name="item_key"),
    )
    issues = issues.sort_values("self_confidence", kind="stable")
    issues.attrs.update(
        thresholds={label_of_code.get(c, classes[c]): float(t) for c, t in enumerate(thresholds)},
        n_items=n_items,
        classes=[label_of_code.get(c, classes[c]) for c in range(len(classes))],
    )
    return issues


def _features_and_labels(
    source: Any, *, features: Any, dataset: str | None, model: Any
) -> tuple[Any, Any]:
    from nb_label.store import Store

    if isinstance(source, tuple):
        if len(source) != 2:
            raise ValueError("pass the data as a tuple (X, y)")
        X, y = source
        y = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y, dtype=object))
        if _n_rows(X) != len(y):
            raise ValueError(f"X has {_n_rows(X)} rows but y has {len(y)} labels")
        return X, y
    if isinstance(source, (Store, pd.DataFrame)):
        from nb_label.quality.api import consensus

        if not isinstance(features, (pd.DataFrame, pd.Series)):
            raise ValueError(
                "with a store or long-format answers pass features= (a DataFrame or Series "
                "of features indexed by item key); the labels are the items' consensus"
            )
        y = consensus(source, dataset=dataset)["label"]
        missing = y.index.difference(features.index)
        if len(missing):
            raise ValueError(
                f"{len(missing)} labelled items have no features (e.g. {list(missing[:3])})"
            )
        return features.loc[y.index], y
    if hasattr(source, "training_data") and hasattr(source, "data"):
        X, y = source.training_data(features)
        y = y.astype(object)
        one_column = isinstance(X, pd.DataFrame) and X.shape[1] == 1
        if one_column and (features is None or reads_documents(model)):
            X = X.iloc[:, 0]  # one column of text: a Series, as a text pipeline expects
        return X, y
    raise ValueError("expected a Labeller, a tuple (X, y), a Store with dataset=, or long answers")


def _n_rows(X: Any) -> int:
    return X.shape[0] if hasattr(X, "shape") else len(X)


def _check_counts(y: pd.Series, codes: np.ndarray, classes: np.ndarray, cv: int) -> None:
    if len(classes) < 2:
        found = "no labels" if len(classes) == 0 else f"only the label {list(y)[0]!r}"
        raise ValueError(f"finding label issues needs at least 2 classes; found {found}")
    counts = np.bincount(codes, minlength=len(classes))
    few = {str(classes[c]): int(n) for c, n in enumerate(counts) if n < cv}
    if few:
        raise ValueError(
            f"every class needs at least cv={cv} items for {cv}-fold cross-validation; "
            f"too few: {few}. Label more of them or lower cv="
        )


def _out_of_fold(model: Any, X: Any, codes: np.ndarray, *, cv: int, random_state: Any):
    with extra_imports("learn", feature="nb_label.quality.find_label_issues"):
        from sklearn.base import clone
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    probabilities = cross_val_predict(clone(model), X, codes, cv=folds, method="predict_proba")
    return np.asarray(probabilities, dtype=float)
