"""One label per item from several annotators' answers: majority vote and Dawid-Skene."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from nb_label.quality._long import CodedAnswers, as_long, code_answers

__all__ = ["dawid_skene", "majority_vote"]

# EM creeps towards its optimum linearly: the bundled politeness ratings (25 steps, 219
# annotators) need 112 iterations at this tolerance, so 500 leaves room for harder data.
MAX_ITER = 500
TOL = 1e-6


def majority_vote(long_df: pd.DataFrame) -> pd.DataFrame:
    """The most frequent label of each item.

    Parameters
    ----------
    long_df : DataFrame
        One row per answer with columns ``item_key``, ``annotator`` and ``label``.

    Returns
    -------
    DataFrame
        Indexed by ``item_key`` (in order of first appearance), with ``label``,
        ``confidence`` (the winning label's share of the item's answers), ``n_answers`` and
        ``tie``. A tie goes to the label that sorts first, so the result is reproducible;
        ``tie`` marks those items for a second look.
    """
    coded = code_answers(as_long(long_df))
    counts = coded.counts
    # argmax returns the first maximum, i.e. the label that sorts first.
    winner = counts.argmax(axis=1)
    top = counts.max(axis=1)
    n_answers = counts.sum(axis=1)
    return pd.DataFrame(
        {
            "label": coded.labels.take(winner),
            "confidence": top / n_answers,
            "n_answers": n_answers,
            "tie": (counts == top[:, None]).sum(axis=1) > 1,
        },
        index=coded.items,
    )


def _m_step(
    coded: CodedAnswers, posterior: np.ndarray, smoothing: float | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Class priors and per-annotator confusion matrices from the items' class posteriors.

    ``smoothing`` is added to every count: one pseudo-count, or a (truth, answer) matrix.
    """
    n_annotators, n_labels = len(coded.annotators), len(coded.labels)
    priors = posterior.mean(axis=0)
    # confusion[j, k, l]: expected number of times annotator j answered l when truth was k.
    confusion = np.empty((n_annotators, n_labels, n_labels))
    cell = coded.annotator * n_labels + coded.label
    for truth in range(n_labels):
        confusion[:, truth, :] = np.bincount(
            cell, weights=posterior[coded.item, truth], minlength=n_annotators * n_labels
        ).reshape(n_annotators, n_labels)
    confusion += smoothing
    confusion /= confusion.sum(axis=2, keepdims=True)
    return priors, confusion


def _e_step(
    coded: CodedAnswers, priors: np.ndarray, confusion: np.ndarray
) -> tuple[np.ndarray, float]:
    """Items' class posteriors and the data's log-likelihood under the current model."""
    n_items, n_labels = len(coded.items), len(coded.labels)
    # log P(answer | truth = k) for every answer and every k.
    answer_log_lik = np.log(confusion[coded.annotator, :, coded.label])
    log_joint = np.log(np.clip(priors, 1e-300, None))[None, :].repeat(n_items, axis=0)
    for truth in range(n_labels):
        log_joint[:, truth] += np.bincount(
            coded.item, weights=answer_log_lik[:, truth], minlength=n_items
        )
    peak = log_joint.max(axis=1, keepdims=True)
    joint = np.exp(log_joint - peak)
    evidence = joint.sum(axis=1, keepdims=True)
    log_likelihood = float((np.log(evidence) + peak).sum())
    return joint / evidence, log_likelihood


def dawid_skene(
    long_df: pd.DataFrame, *, max_iter: int = MAX_ITER, tol: float = TOL
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Labels and annotator reliabilities estimated jointly by Dawid and Skene's EM.

    Each annotator gets a confusion matrix (how often they answer l when the truth is k);
    answers of reliable annotators then weigh more than a plain vote. EM starts from the
    vote shares of each item, so the result is deterministic.

    Parameters
    ----------
    long_df : DataFrame
        One row per answer with columns ``item_key``, ``annotator`` and ``label``.
    max_iter : int, default 500
        Most EM iterations. A UserWarning says when they ran out before convergence.
    tol : float, default 1e-6
        Stop when an iteration raises the log-likelihood by less than ``tol`` times its
        absolute value.

    Returns
    -------
    items : DataFrame
        Indexed by ``item_key``: ``label`` (most probable) and ``confidence`` (its posterior
        probability). ``.attrs`` holds ``n_iter`` (iterations run), ``converged`` (False when
        ``max_iter`` ran out first), ``log_likelihood``, ``max_iter`` and ``tol``.
    annotators : DataFrame
        Indexed by ``annotator``: ``n_answers``, ``accuracy`` (estimated chance of a correct
        answer, weighted by the class priors) and ``recall_<label>`` per label (the diagonal
        of the annotator's confusion matrix).

    References
    ----------
    Dawid, A. P., Skene, A. M. (1979). Maximum likelihood estimation of observer error-rates
    using the EM algorithm. Applied Statistics 28(1), 20-28.
    """
    if max_iter < 1:
        raise ValueError(f"max_iter must be at least 1; got {max_iter}.")
    if tol <= 0:
        raise ValueError(f"tol must be positive; got {tol}.")
    coded = code_answers(as_long(long_df))
    counts = coded.counts
    posterior = counts / counts.sum(axis=1, keepdims=True)
    # A small pseudo-count keeps unseen (truth, answer) cells from becoming log(0).
    smoothing = 0.01
    converged, log_likelihood, n_iter = False, -np.inf, 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - n_iter is reported after the loop
        priors, confusion = _m_step(coded, posterior, smoothing)
        posterior, updated_log_likelihood = _e_step(coded, priors, confusion)
        # EM creeps towards its optimum linearly; judge progress by the likelihood, which
        # settles long before every posterior stops moving in its last digits.
        gain = updated_log_likelihood - log_likelihood
        log_likelihood = updated_log_likelihood
        if gain <= tol * abs(log_likelihood):
            converged = True
            break
    if not converged:
        warnings.warn(
            f"dawid_skene did not converge in {max_iter} iterations (tol={tol}); "
            "raise max_iter or tol.",
            UserWarning,
            stacklevel=2,
        )
    priors, confusion = _m_step(coded, posterior, smoothing)
    items = pd.DataFrame(
        {
            "label": coded.labels.take(posterior.argmax(axis=1)),
            "confidence": posterior.max(axis=1),
        },
        index=coded.items,
    )
    items.attrs.update(
        n_iter=n_iter,
        converged=converged,
        log_likelihood=log_likelihood,
        max_iter=max_iter,
        tol=tol,
    )
    recall = np.diagonal(confusion, axis1=1, axis2=2)
    annotators = pd.DataFrame(
        {
            "n_answers": np.bincount(coded.annotator, minlength=len(coded.annotators)),
            "accuracy": recall @ priors,
        },
        index=coded.annotators,
    )
    for position, label in enumerate(coded.labels):
        annotators[f"recall_{label}"] = recall[:, position]
    return items, annotators
