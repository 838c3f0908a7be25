"""The model in the loop: retrain on the labels so far, score honestly, choose what comes next.

The loop talks to the labeller only through its public API: ``annotations``,
``unlabelled_keys()``, ``upcoming()``, ``prioritize()``, ``suggest()``, ``on_answer()`` and
``message``.

Over 400 lines because one round (prepare, fit in a worker, score, reorder) reads best in one
place; the model-loop issue reworks the round, and will split it then.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from nb_label._extras import extra_imports
from nb_label._features import check_features, select_features

with extra_imports("learn", feature="nb_label.ActiveLoop"):
    from sklearn.base import clone
    from sklearn.metrics import accuracy_score, f1_score, recall_score

    from nb_label.learn.audit import AuditSample
    from nb_label.learn.cold_start import diverse_order
    from nb_label.learn.folds import digests, out_of_fold
    from nb_label.learn.representation import (
        fitted_representation,
        split_for_scoring,
        unfitted_representation,
    )
    from nb_label.learn.strategies import get_strategy, random_sampling, takes_labelled

_MIN_PER_CLASS = 2
# Items a round orders: the strategy's batch, or the queue's own order before a model; the
# rest of the queue keeps its order.
_BATCH = 50
# Before a model exists, at most this many pool items are clustered to pick the first ones.
_COLD_START_POOL = 5000
_HISTORY_COLUMNS = [
    "round",
    "n_labels",
    "n_train",
    "audit_size",
    "audit_macro_f1",
    "audit_accuracy",
    "cv_macro_f1",
    "cv_accuracy",
    "recall",
    "changed",
    "seconds",
    "message",
]


def _can_fit(counts: pd.Series) -> bool:
    """A classifier fits as soon as two classes have a label each; waiting loses labels."""
    return len(counts) >= 2 and counts.min() >= 1


def _probabilities(model: Any, X: Any) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities, or a softmax of the margin where the model only has that."""
    classes = np.asarray(model.classes_)
    if hasattr(model, "predict_proba"):
        proba = np.asarray(model.predict_proba(X), dtype=float)
        _check_columns(proba, classes, _n_rows(X), "classes")
        return proba, classes
    margin = np.asarray(model.decision_function(X), dtype=float)
    if margin.ndim == 1:  # binary: one margin for the positive class
        margin = np.column_stack([-margin, margin])
    margin = margin - margin.max(axis=1, keepdims=True)
    exp = np.exp(margin)
    proba = exp / exp.sum(axis=1, keepdims=True)
    _check_columns(proba, classes, _n_rows(X), "classes")
    return proba, classes


def _check_columns(proba: np.ndarray, names: Any, n_rows: int, what: str) -> None:
    """One row per item and one column per class (or label), or a clear error."""
    if proba.ndim != 2 or proba.shape != (n_rows, len(names)):
        raise ValueError(
            f"predict_proba returned {proba.shape[-1] if proba.ndim else 0} columns (shape "
            f"{proba.shape}) for {n_rows} items, but the model was fitted on {len(names)} "
            f"{what} {list(names)!r}: it must return shape ({n_rows}, {len(names)}), one "
            "column per entry of model.classes_, in that order"
        )


def _multilabel_probabilities(model: Any, X: Any) -> np.ndarray:
    """Per-label probabilities of a one-vs-rest model (a logistic of the margin if need be)."""
    if hasattr(model, "predict_proba"):
        proba = np.asarray(model.predict_proba(X), dtype=float)
        _check_columns(proba, model.classes_, _n_rows(X), "labels")
        return proba
    margin = np.asarray(model.decision_function(X), dtype=float)
    return 1.0 / (1.0 + np.exp(-margin))


def _fit_and_score_multilabel(
    model: Any,
    X_train: Any,
    y_train: np.ndarray,
    X_audit: Any,
    y_audit: np.ndarray,
    X_pool: Any,
    embed: Callable | None = None,
) -> dict[str, Any]:
    """One round for multi-label answers: one binary model per label (one-vs-rest).

    ``y_train`` and ``y_audit`` are indicator matrices (items x labels); scores are macro
    over labels, accuracy is exact-set accuracy, and ``proba`` holds each label's
    probability (the columns do not sum to 1).
    """
    from sklearn.multiclass import OneVsRestClassifier

    start = time.perf_counter()
    wrapped = OneVsRestClassifier(clone(model))
    fitted = wrapped.fit(X_train, y_train)
    result: dict[str, Any] = {"model": fitted}
    if len(y_audit):
        predicted = fitted.predict(X_audit)
        result["audit_macro_f1"] = f1_score(y_audit, predicted, average="macro", zero_division=0)
        result["audit_accuracy"] = accuracy_score(y_audit, predicted)
    cv = out_of_fold(wrapped, X_train, y_train)
    if cv is not None:
        y_true, cv_pred = cv
        result["cv_macro_f1"] = f1_score(y_true, cv_pred, average="macro", zero_division=0)
        result["cv_accuracy"] = accuracy_score(y_true, cv_pred)
        result["recall"] = list(recall_score(y_true, cv_pred, average=None, zero_division=0))
    if X_pool is not None and _n_rows(X_pool):
        result["proba"] = _multilabel_probabilities(fitted, X_pool)
        result["representation"] = fitted_representation(fitted, X_pool, embed)
        result["labelled_representation"] = fitted_representation(fitted, X_train, embed)
    result["seconds"] = time.perf_counter() - start
    return result


def _fit_and_score(
    model: Any,
    X_train: Any,
    y_train: np.ndarray,
    X_audit: Any,
    y_audit: np.ndarray,
    X_pool: Any,
    label_names: list | None = None,
    embed: Callable | None = None,
) -> dict[str, Any]:
    """Everything one round computes; a plain function so a worker process can run it.

    With ``label_names`` the answers are multi-label (indicator matrices, one column per
    name). ``result["representation"]`` is what the strategy clusters the pool on.
    """
    if label_names is not None:
        result = _fit_and_score_multilabel(
            model, X_train, y_train, X_audit, y_audit, X_pool, embed
        )
        if "recall" in result:
            result["recall"] = dict(zip(map(str, label_names), result["recall"], strict=True))
        result["classes"] = np.asarray(label_names, dtype=object)
        return result
    start = time.perf_counter()
    fitted = clone(model).fit(X_train, y_train)
    result: dict[str, Any] = {"model": fitted}
    labels = np.unique(y_train)
    if len(y_audit):
        predicted = fitted.predict(X_audit)
        if len(np.unique(y_audit)) >= 2:  # a macro-F1 over one class says nothing of the rest
            result["audit_macro_f1"] = f1_score(
                y_audit, predicted, average="macro", labels=labels, zero_division=0
            )
        result["audit_accuracy"] = accuracy_score(y_audit, predicted)
    cv = out_of_fold(model, X_train, y_train)
    if cv is not None:
        y_true, cv_pred = cv
        result["cv_macro_f1"] = f1_score(
            y_true, cv_pred, average="macro", labels=labels, zero_division=0
        )
        result["cv_accuracy"] = accuracy_score(y_true, cv_pred)
        result["recall"] = dict(
            zip(
                [str(c) for c in labels],
                recall_score(y_true, cv_pred, labels=labels, average=None, zero_division=0),
                strict=True,
            )
        )
    if X_pool is not None and _n_rows(X_pool):
        scorer, X_scored, result["representation"] = split_for_scoring(fitted, X_pool, embed)
        result["proba"], result["classes"] = _probabilities(scorer, X_scored)
        result["labelled_representation"] = fitted_representation(fitted, X_train, embed)
    result["seconds"] = time.perf_counter() - start
    return result


def _missing_hint(X: Any) -> str:
    """Say so when the features hold missing values, the usual reason a fit fails."""
    if isinstance(X, (pd.Series, pd.DataFrame)):
        n_missing = (
            int(X.isna().to_numpy().any(axis=-1).sum()) if X.ndim > 1 else int(X.isna().sum())
        )
        if n_missing:
            return (
                f" ({n_missing} labelled items have missing feature values: fill them, e.g. "
                "df[col].fillna(''), or use a model that accepts NaN)"
            )
    return ""


def _n_rows(X: Any) -> int:
    return X.shape[0] if hasattr(X, "shape") else len(X)


class ActiveLoop:
    """Retrain a scikit-learn model on the labels so far and let it choose what comes next.

    Parameters
    ----------
    labeller : Labeller
        The labeller whose labels train the model and whose queue the model reorders. Its
        answers must be classes: single labels, ratings (each step a class) or multi-label
        answers (one binary model per label, one-vs-rest, wrapped around ``model``;
        suggestions are the labels above 0.5). Numbers and captions are refused.
    model : estimator
        Any object with ``fit`` and ``predict_proba`` (or ``decision_function``). It is
        cloned before every fit; the user's object is never fitted.
    features : str, list of str or callable
        A column of the labeller's DataFrame (the model gets a Series), a list of columns (a
        DataFrame; a one-name list is that column's Series when the model starts with a text
        vectorizer), or a function of the DataFrame's rows returning the feature matrix. A
        name that is not a column is refused here, naming it.
    strategy : str or callable, default "default"
        A name from :data:`nb_label.strategies.STRATEGIES` or a function with the strategy
        signature. Its ``features`` are the pool as the model sees it: a pipeline's
        transform up to the classifier (e.g. TF-IDF rows for a text column), else the
        features when they are numbers (see :mod:`nb_label.learn.representation`).
    embed : callable, optional
        ``embed(X) -> matrix``: the representation the strategy clusters on instead, from the
        same input the model gets (e.g. sentence embeddings of a text column). It must
        pickle with ``retrain_every=``.
    retrain_every : int, optional
        Retrain in a worker process after every N new labels (the model and features must
        pickle). ``None`` retrains only when :meth:`retrain` is called.
    audit : float, default 0.05
        The share of answers that go to an audit sample drawn at random: they are never
        used for training and give an unbiased score each round. The sample fills in
        proportion to the labels (with 5%, one answer in every 20, from the first round on)
        until it holds this share of all items, and every reorder puts its due items back.
        The audit macro-F1 is reported once the audit labels hold two classes or more.
    control : float, default 0.0
        The share of the items the model suggests on that show no suggestion: control
        items, chosen at random once per item. Their answers record the withheld
        suggestion, so :func:`nb_label.quality.suggestion_effect` can measure how much the
        suggestions sway the answers (automation bias).
    random_state : int, optional
        Seeds the audit sample, the strategy and the control items.

    Attributes
    ----------
    model_ : estimator
        The model fitted in the last round.
    history : pandas.DataFrame
        One row per round: labels used, scores, seconds.
    """

    def __init__(
        self,
        labeller: Any,
        model: Any,
        *,
        features: str | Sequence[str] | Callable,
        strategy: str | Callable = "default",
        embed: Callable | None = None,
        retrain_every: int | None = None,
        audit: float = 0.05,
        control: float = 0.0,
        random_state: int | None = None,
    ) -> None:
        if not hasattr(model, "fit") or not (
            hasattr(model, "predict_proba") or hasattr(model, "decision_function")
        ):
            raise ValueError(
                f"{type(model).__name__} has no predict_proba or decision_function; use a "
                "classifier such as LogisticRegression, or wrap it in CalibratedClassifierCV"
            )
        kind = getattr(getattr(labeller, "answer", None), "kind", "label")
        if kind not in ("label", "multi", "rating"):
            raise ValueError(
                f"ActiveLoop needs class answers (labels, multi-label or ratings); this "
                f"labeller's answers are {kind}s, which a classifier cannot learn. For numbers, "
                "fit a regressor on lab.training_data() yourself and call lab.prioritize(); "
                "captions have no model loop"
            )
        self._multi = kind == "multi"
        check_features(features, labeller.data.columns, model=model)
        if not 0 <= audit < 1:
            raise ValueError("audit= is a share of the labelled items, between 0 and 1")
        if not 0 <= control < 1:
            raise ValueError("control= is the share of suggestions withheld, from 0 up to 1")
        if retrain_every is not None and retrain_every < 1:
            raise ValueError("retrain_every= must be a positive number of labels, or None")
        self.labeller = labeller
        self.model = model
        self.features = features
        self.strategy = get_strategy(strategy)
        if embed is not None and not callable(embed):
            raise ValueError("embed= must be a function embed(X) -> matrix, or None")
        self.embed = embed
        self.retrain_every = retrain_every
        self.audit = audit
        self.control = control
        self.random_state = random_state
        self._rng = np.random.default_rng(random_state)
        # Its own stream, so control= changes nothing else the seed decides.
        self._control_rng = np.random.default_rng(
            None if random_state is None else [random_state, 1]
        )
        self._is_control: dict[Hashable, bool] = {}
        self._rows: list[dict[str, Any]] = []
        self._audit = AuditSample(audit, len(labeller.data), self._rng)
        self._last_pred: pd.Series | None = None
        self._future: Future | None = None
        self._executor: ProcessPoolExecutor | None = None
        self._labels_at_last_round = 0
        if retrain_every is not None:
            self._check_pickles()
            labeller.on_answer(self._on_answer)

    # -- data ---------------------------------------------------------------------------------
    def _X(self, keys: pd.Index) -> Any:
        return select_features(self.labeller.data, keys, self.features, model=self.model)

    def _labelled(self) -> pd.Series:
        ann = self.labeller.annotations
        keep = ann["label"].notna() & ann["state"].isin(["labelled", "flagged"])
        return ann.loc[keep, "label"]

    @property
    def audit_keys(self) -> list[Hashable]:
        """Item keys of the audit sample (never used for training)."""
        return sorted(self._audit.keys, key=str)

    def _reorder(self, order: list[Hashable]) -> None:
        """Show ``order`` next, with the audit items that are due put in place."""
        pool = self.labeller.unlabelled_keys()
        order = self._audit.place(order, pool=pool, labelled=self._labelled().index)
        self.labeller.prioritize(order)

    def _reorder_without_model(self, *, cold_start: bool = False) -> None:
        """Before a model exists: with ``cold_start``, typical items of the clusters no label
        covers come first; else the queue keeps its order. The audit items still come."""
        if hasattr(self, "model_"):
            return
        order = self._cold_start_order() if cold_start else None
        if order is None:
            if not self.audit:
                return
            index = self.labeller.data.index
            order = [index[p] for p in self.labeller.upcoming(_BATCH)]
        self._reorder(order)
        if self.audit:
            self.labeller.suggest(None, audit=list(self._audit.keys))

    # -- one round ----------------------------------------------------------------------------
    def _prepare(self) -> tuple[dict[str, Any] | None, str]:
        labels = self._labelled()
        audit_mask = labels.index.isin(list(self._audit.keys))
        train = labels[~audit_mask]
        if self._multi:
            return self._prepare_multilabel(labels, audit_mask)
        audit = labels[audit_mask]
        if len(audit) and len(train) and not callable(self.features):
            # A copy of an audit item in the training set would flatter the audit score.
            seen = set(digests(self._X(audit.index)))
            train = train[[d not in seen for d in digests(self._X(train.index))]]
        counts = train.value_counts()
        counts = counts[counts > 0]  # a rating's steps nobody chose yet are not classes
        if not _can_fit(counts):
            have = ", ".join(f"{k}: {v}" for k, v in counts.items()) or "none"
            return None, (
                f"not enough labels to train yet (need at least two different labels; have {have})"
            )
        pool = self.labeller.unlabelled_keys()
        inputs = {
            "X_train": self._X(train.index),
            "y_train": train.to_numpy(),
            "X_audit": self._X(audit.index) if len(audit) else None,
            "y_audit": audit.to_numpy(),
            "X_pool": self._X(pool) if len(pool) else None,
            "embed": self.embed,
        }
        return {"inputs": inputs, "meta": _meta(labels, train, audit, pool)}, ""

    def _prepare_multilabel(
        self, labels: pd.Series, audit_mask: np.ndarray
    ) -> tuple[dict[str, Any] | None, str]:
        """Indicator matrices for the labels that have enough examples either way."""
        train = labels[~audit_mask]
        names = list(self.labeller.schema.values)
        Y = np.array([[name in answer for name in names] for answer in train], dtype=int)
        Y = Y.reshape(len(train), len(names))
        positives = Y.sum(axis=0)
        negatives = len(train) - positives
        usable = [
            i
            for i in range(len(names))
            if positives[i] >= _MIN_PER_CLASS and negatives[i] >= _MIN_PER_CLASS
        ]
        if not usable:
            have = ", ".join(f"{n}: {p}" for n, p in zip(names, positives, strict=True))
            return None, (
                f"not enough labels to train yet (need {_MIN_PER_CLASS} items with and "
                f"{_MIN_PER_CLASS} without a label, for at least one label; have {have})"
            )
        kept = [names[i] for i in usable]
        audit = labels[audit_mask]
        pool = self.labeller.unlabelled_keys()
        inputs = {
            "X_train": self._X(train.index),
            "y_train": Y[:, usable],
            "X_audit": self._X(audit.index) if len(audit) else None,
            "y_audit": np.array(
                [[name in answer for name in kept] for answer in audit], dtype=int
            ).reshape(len(audit), len(kept)),
            "X_pool": self._X(pool) if len(pool) else None,
            "label_names": kept,
            "embed": self.embed,
        }
        return {"inputs": inputs, "meta": _meta(labels, train, audit, pool)}, ""

    def retrain(self) -> pd.Series:
        """Fit, score, reorder the queue and send suggestions, in this cell.

        A model is fitted as soon as two different labels are given. Before that, the queue
        is reordered by diversity instead: a typical item of each of the largest clusters no
        label covers yet, so the first items are chosen too (at random for
        ``strategy="random"``).

        Returns
        -------
        pandas.Series
            This round's row of :attr:`history`.
        """
        job, message = self._prepare()
        if job is None:
            self._reorder_without_model(cold_start=True)
            return self._record_skip(message)
        try:
            result = _fit_and_score(self.model, **job["inputs"])
        except Exception as err:
            hint = _missing_hint(job["inputs"]["X_train"])
            self.labeller.message = f"model error: {type(err).__name__}: {err}{hint}"
            if hint:
                raise ValueError(f"the model failed: {err}{hint}") from err
            raise
        return self._apply(result, job["meta"])

    def _cold_start_order(self) -> list[Hashable] | None:
        """Before a model can be fitted: typical items of clusters no label covers (random
        ones for ``strategy="random"``), or None when there is nothing to cluster."""
        pool = self.labeller.unlabelled_keys()
        pool = pool[~pool.isin(list(self._audit.keys))]  # the audit sample comes on its own
        if len(pool) > _COLD_START_POOL:  # bound the clustering's cost on a huge pool
            pool = pool[np.sort(self._rng.choice(len(pool), _COLD_START_POOL, replace=False))]
        labelled = self._labelled().index
        if len(pool) < 2 or self._multi:
            return None
        if self.strategy is random_sampling:  # "random" means random from the first item on
            return [pool[i] for i in self._rng.permutation(len(pool))[:_BATCH]]
        rows = unfitted_representation(self.model, self._X(pool.append(labelled)), self.embed)
        if rows is None:
            return None
        chosen = diverse_order(
            rows[: len(pool)],
            rows[len(pool) :] if len(labelled) else None,
            size=min(len(pool), _BATCH),
            rng=self._rng,
        )
        return [pool[i] for i in chosen]

    def _record_skip(self, message: str) -> pd.Series:
        self.labeller.message = message
        row = dict.fromkeys(_HISTORY_COLUMNS, np.nan)
        row.update(round=len(self._rows) + 1, n_labels=len(self._labelled()), message=message)
        self._rows.append(row)
        print(message)
        return pd.Series(row)

    def _apply(self, result: dict[str, Any], meta: dict[str, Any]) -> pd.Series:
        self.model_ = result["model"]
        pool: pd.Index = meta["pool"]
        changed = np.nan
        if "proba" in result and len(pool) and self._multi:
            proba, classes = result["proba"], result["classes"]
            chosen_sets = [
                [str(c) for c, p in zip(classes, row, strict=True) if p > 0.5] for row in proba
            ]
            predictions = pd.Series(["|".join(c) for c in chosen_sets], index=pool)
            suggested = [
                [c for c, p in zip(classes.tolist(), row, strict=True) if p > 0.5] for row in proba
            ]
            # The whole set is right with about this probability (labels taken as independent).
            p_set = np.prod(np.maximum(proba, 1.0 - proba), axis=1)
            # Strategies rank rows of class probabilities: give them each item's least
            # certain label as a two-class row, so "uncertain" means "some label is unsure".
            nearest = proba[np.arange(len(proba)), np.abs(proba - 0.5).argmin(axis=1)]
            proba = np.column_stack([nearest, 1.0 - nearest])
            suggestions = pd.DataFrame({"label": suggested, "p": p_set}, index=pool)
            suggestions = suggestions[[bool(s) for s in suggested]]
        elif "proba" in result and len(pool):
            proba, classes = result["proba"], result["classes"]
            best = proba.argmax(axis=1)
            predictions = pd.Series(classes[best], index=pool)
            suggestions = pd.DataFrame(
                {"label": classes[best], "p": proba.max(axis=1)}, index=pool
            )
        if "proba" in result and len(pool):
            if self._last_pred is not None:
                common = predictions.index.intersection(self._last_pred.index)
                if len(common):
                    changed = float((predictions[common] != self._last_pred[common]).mean())
            self._last_pred = predictions
            X_pool = result.get("representation")
            # A strategy that asks for them also gets the labelled items, as it sees the pool.
            seen = {"labelled": result.get("labelled_representation")}
            chosen = self.strategy(
                proba,
                X_pool,
                batch_size=min(len(pool), _BATCH),
                rng=self._rng,
                **(seen if takes_labelled(self.strategy) else {}),
            )
            order = [pool[i] for i in chosen]
            self._reorder(order)
            self.labeller.suggest(
                suggestions, audit=list(self._audit.keys), withheld=self._controls(suggestions)
            )
        row = dict.fromkeys(_HISTORY_COLUMNS, np.nan)
        scores = ("audit_macro_f1", "audit_accuracy", "cv_macro_f1", "cv_accuracy", "recall")
        row.update({k: result[k] for k in scores if k in result})
        row.update(
            round=len(self._rows) + 1,
            n_labels=meta["n_labels"],
            n_train=meta["n_train"],
            audit_size=meta["audit_size"],
            changed=changed,
            seconds=result["seconds"],
            message="",
        )
        self._rows.append(row)
        self._labels_at_last_round = meta["n_labels"]
        summary = self._summary(row)
        self.labeller.message = summary
        print(summary)
        return pd.Series(row)

    def _controls(self, suggestions: pd.DataFrame) -> list[Hashable]:
        """The suggested items that are control items (each decided once, at random)."""
        if not self.control:
            return []
        new = [k for k in suggestions.index if k not in self._is_control]
        draws = self._control_rng.random(len(new)) < self.control
        self._is_control.update(zip(new, draws.tolist(), strict=True))
        return [k for k in suggestions.index if self._is_control[k]]

    @staticmethod
    def _summary(row: dict[str, Any]) -> str:
        def fmt(v: Any) -> str:
            return "n/a" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:.3f}"

        return (
            f"round {row['round']}: {row['n_labels']} labels ({row['n_train']} train, "
            f"{row['audit_size']} audit) · audit macro-F1 {fmt(row['audit_macro_f1'])} · "
            f"CV macro-F1 {fmt(row['cv_macro_f1'])} · {row['seconds']:.2f} s"
        )

    @property
    def history(self) -> pd.DataFrame:
        """One row per round: labels used, audit and cross-validated scores, seconds."""
        return pd.DataFrame(self._rows, columns=_HISTORY_COLUMNS)

    @property
    def stopping_hint(self) -> str:
        """Whether more labels still change the model's predictions on the pool."""
        changed = self.history["changed"].dropna()
        if len(changed) < 2:
            return "too early to tell: retrain a few more rounds"
        if (changed.tail(2) < 0.01).all():
            return (
                "the last two rounds changed under 1% of the pool's predictions: more labels "
                "may not help much; check the audit score"
            )
        return f"the last round changed {changed.iloc[-1]:.1%} of the pool's predictions"

    def plot(self, ax: Any = None) -> Any:
        """Learning curve: audit and cross-validated macro-F1 against labels."""
        from nb_label.plots import learning_curve

        return learning_curve(self.history, ax=ax)

    # -- background rounds --------------------------------------------------------------------
    def _check_pickles(self) -> None:
        for name, obj in (
            ("model", self.model),
            ("features", self.features),
            ("embed", self.embed),
        ):
            try:
                pickle.dumps(obj)
            except Exception as err:
                raise ValueError(
                    f"retrain_every= fits in a worker process, so the {name} must pickle, and "
                    f"it does not ({type(err).__name__}: {err}). Use a module-level function "
                    "instead of a lambda, or call loop.retrain() in a cell instead"
                ) from err

    def _on_answer(self, event: dict | None = None) -> None:
        """Called by the labeller after each committed action (in the kernel's thread)."""
        if self._future is not None and self._future.done():
            future, self._future = self._future, None
            try:
                result, meta = future.result(), self._pending_meta
                self._apply(result, meta)
            except Exception as err:  # shown, never swallowed, never stops labelling
                self.labeller.message = f"model error: {type(err).__name__}: {err}"
        if self._future is None:
            progress = self.labeller.progress  # O(1): no scan of the labels per answer
            n = progress["labelled"] + progress["flagged"]
            if n - self._labels_at_last_round >= self.retrain_every:
                job, message = self._prepare()
                if job is None:
                    self._reorder_without_model()
                    self.labeller.message = message
                    self._labels_at_last_round = n
                    return
                if self._executor is None:
                    self._executor = ProcessPoolExecutor(max_workers=1)
                self._pending_meta = job["meta"]
                self._labels_at_last_round = n
                self._future = self._executor.submit(_fit_and_score, self.model, **job["inputs"])
                self.labeller.message = f"retraining on {n} labels…"

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a background round to finish and apply it (for scripts and tests)."""
        if self._future is not None:
            self._future.result(timeout=timeout)
            self._on_answer()

    def close(self) -> None:
        """Stop retraining: unhook the loop from the labeller and stop the worker process."""
        self.labeller.on_answer(self._on_answer, remove=True)
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None


def _meta(labels: pd.Series, train: pd.Series, audit: pd.Series, pool: pd.Index) -> dict:
    """What a round records beside its inputs: how many labels went where."""
    return {"n_labels": len(labels), "n_train": len(train), "audit_size": len(audit), "pool": pool}
