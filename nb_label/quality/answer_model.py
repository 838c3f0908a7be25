"""How sure a few answers make an item's label: Dawid-Skene with annotators' estimated quality.

The annotators' confusion matrices are estimated only from the evidence that can tell a good
annotator from a bad one: items with a gold label and items that two or more annotators
answered. An item with a single answer says nothing about its annotator (EM would take them
at their word and call them perfect), so it is left out of the fit; an annotator with no
such evidence gets a prior quality. The fitted model then gives the posterior of any item
from its answers, cheaply, which is what adaptive overlap asks item by item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nb_label.quality._long import CodedAnswers
from nb_label.quality.consensus import _e_step, _m_step

__all__ = ["AnswerModel", "fit_answer_model"]


@dataclass(frozen=True)
class AnswerModel:
    """Class priors and each annotator's confusion matrix, to score an item's answers.

    Attributes
    ----------
    labels : pandas.Index
        The labels the matrices are over.
    priors : ndarray of shape (n_labels,)
        Share of each true label.
    confusion : dict
        Annotator -> matrix of P(answer | truth), shape (n_labels, n_labels).
    default : ndarray of shape (n_labels, n_labels)
        The matrix of an annotator with no gold or overlapping answers yet.
    """

    labels: pd.Index
    priors: np.ndarray
    confusion: dict[Any, np.ndarray]
    default: np.ndarray

    def __post_init__(self) -> None:
        # A dict lookup per answer: the assignment asks item by item, in its transaction.
        object.__setattr__(self, "_code", {label: i for i, label in enumerate(self.labels)})

    def posterior(self, answers: Mapping[Any, Any]) -> np.ndarray | None:
        """P(true label) given ``{annotator: label}``; None when a label is unknown here."""
        log_p = np.log(self.priors)
        for annotator, label in answers.items():
            code = self._code.get(label)
            if code is None:
                return None
            log_p = log_p + np.log(self.confusion.get(annotator, self.default)[:, code])
        p = np.exp(log_p - log_p.max())
        return p / p.sum()

    def confidence(self, answers: Mapping[Any, Any]) -> float:
        """The most probable label's posterior; 0.0 with no answers or an unknown label."""
        p = self.posterior(answers) if answers else None
        return 0.0 if p is None else float(p.max())


def _prior_counts(n_labels: int, accuracy: float, strength: float) -> np.ndarray:
    """Dirichlet pseudo-counts of a confusion matrix row: right ``accuracy`` of the time."""
    wrong = strength * (1.0 - accuracy) / max(n_labels - 1, 1)
    counts = np.full((n_labels, n_labels), wrong)
    np.fill_diagonal(counts, strength * accuracy)
    return counts


def fit_answer_model(
    long_df: pd.DataFrame,
    *,
    gold: pd.Series | Mapping | None = None,
    prior_accuracy: float = 0.7,
    prior_strength: float = 4.0,
    max_iter: int = 100,
    tol: float = 1e-6,
) -> AnswerModel:
    """Fit priors and annotators' confusion matrices on gold and overlapping answers.

    Parameters
    ----------
    long_df : DataFrame
        One row per answer: ``item_key``, ``annotator``, ``label`` (one answer per
        annotator and item).
    gold : Series or dict, optional
        Item key -> known label; those items' truth is fixed instead of estimated.
    prior_accuracy, prior_strength : float
        An annotator's quality before evidence: right ``prior_accuracy`` of the time, worth
        ``prior_strength`` answers (a Dirichlet prior on each row of their matrix).
    max_iter, tol : int, float
        EM's limits, as for :func:`nb_label.quality.dawid_skene`.

    Returns
    -------
    AnswerModel
    """
    gold = pd.Series(dict(gold) if isinstance(gold, Mapping) else gold, dtype=object)
    if gold.empty:
        gold = pd.Series(dtype=object)
    answers = long_df.loc[:, ["item_key", "annotator", "label"]]
    given = [part for part in (answers["label"], gold) if len(part)] or [answers["label"]]
    labels = pd.Index(pd.unique(pd.concat(given, ignore_index=True)))
    n_labels = max(len(labels), 1)
    pseudo = _prior_counts(n_labels, prior_accuracy, prior_strength)
    default = pseudo / pseudo.sum(axis=1, keepdims=True)
    per_item = answers.groupby("item_key")["annotator"].transform("size")
    informative = answers[(per_item >= 2) | answers["item_key"].isin(gold.index)]
    if informative.empty or len(labels) < 2:
        counts = answers["label"].value_counts().reindex(labels, fill_value=0).to_numpy()
        priors = (counts + 1.0) / (counts + 1.0).sum() if len(labels) else np.ones(1)
        return AnswerModel(labels, priors, {}, default)
    coded = _code(informative, labels)
    truth = np.full(len(coded.items), -1)
    known = gold.reindex(coded.items)
    truth[known.notna().to_numpy()] = labels.get_indexer(known.dropna())
    posterior = coded.counts / coded.counts.sum(axis=1, keepdims=True)
    posterior = _clamp(posterior, truth)
    log_likelihood = -np.inf
    for _ in range(max_iter):
        priors, confusion = _m_step(coded, posterior, pseudo)
        posterior, updated = _e_step(coded, priors, confusion)
        posterior = _clamp(posterior, truth)
        gain, log_likelihood = updated - log_likelihood, updated
        if gain <= tol * abs(log_likelihood):
            break
    priors, confusion = _m_step(coded, posterior, pseudo)
    # Smoothed so that a label no informative item has yet keeps a little probability.
    priors = (priors * len(coded.items) + 1.0) / (len(coded.items) + n_labels)
    matrices = dict(zip(coded.annotators, confusion, strict=True))
    return AnswerModel(labels, priors, matrices, default)


def _code(answers: pd.DataFrame, labels: pd.Index) -> CodedAnswers:
    item_codes, items = pd.factorize(answers["item_key"], sort=False)
    annotator_codes, annotators = pd.factorize(answers["annotator"], sort=False)
    return CodedAnswers(
        item=np.asarray(item_codes, dtype=np.intp),
        annotator=np.asarray(annotator_codes, dtype=np.intp),
        label=np.asarray(labels.get_indexer(answers["label"]), dtype=np.intp),
        items=pd.Index(items),
        annotators=pd.Index(annotators),
        labels=labels,
    )


def _clamp(posterior: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Gold items' posteriors fixed at their known label."""
    known = truth >= 0
    if known.any():
        posterior = posterior.copy()
        posterior[known] = 0.0
        posterior[np.flatnonzero(known), truth[known]] = 1.0
    return posterior
