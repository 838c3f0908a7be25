"""Query strategies: which unlabelled items the person should see next.

Every strategy has one signature::

    strategy(proba, features, *, batch_size, rng) -> positions

``proba`` is the model's ``predict_proba`` on the candidates, shape ``(n_candidates,
n_classes)``; ``features`` is the candidates' feature matrix (dense, scipy sparse, a DataFrame,
or ``None``); the result holds positions into the candidate rows, best first.

As in modAL, scoring is separate from selecting: :func:`least_confidence`, :func:`margin` and
:func:`entropy` turn probabilities into an uncertainty score (higher = more useful to label);
:func:`top_k` and the strategies turn scores into a batch.

Over 400 lines because it is a catalogue of strategies, one short function each.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from nb_label._extras import extra_imports

with extra_imports("learn", feature="nb_label.strategies"):
    import scipy.sparse as sp

__all__ = [
    "DEFAULT",
    "STRATEGIES",
    "entropy",
    "entropy_sampling",
    "get_strategy",
    "least_confidence",
    "least_confidence_sampling",
    "margin",
    "margin_cluster_sampling",
    "margin_coverage_sampling",
    "margin_sampling",
    "mixed",
    "random_sampling",
    "takes_labelled",
    "top_k",
]

Strategy = Callable[..., np.ndarray]

# How far rows of ``proba`` may stray from summing to one (float32 models, rounding).
_ROW_SUM_TOLERANCE = 1e-3
# The diversity strategy clusters this many times ``batch_size`` of the most uncertain items.
_SHORTLIST_FACTOR = 10
# Features with more columns than this (or sparse ones) are projected to this many first.
_MAX_DIMS = 50


# --- validation -------------------------------------------------------------------------------


def _check_proba(proba: Any) -> np.ndarray:
    proba = np.asarray(proba, dtype=float)
    if proba.ndim != 2:
        raise ValueError(
            f"proba must be 2-D (n_candidates, n_classes), got shape {proba.shape}; "
            "pass model.predict_proba(X) unchanged."
        )
    if proba.shape[0] and proba.shape[1] == 0:
        raise ValueError("proba has no columns; it needs one column per class.")
    if not np.all(np.isfinite(proba)):
        raise ValueError("proba contains NaN or infinite values; check the model's output.")
    if proba.size and (
        proba.min() < 0 or np.abs(proba.sum(axis=1) - 1).max() > _ROW_SUM_TOLERANCE
    ):
        raise ValueError(
            "each row of proba must be probabilities summing to 1; pass predict_proba's output, "
            "not decision_function scores."
        )
    return proba


def _check_batch_size(batch_size: Any) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}.")
    return int(batch_size)


def _check_features(features: Any, n_rows: int) -> Any:
    if features is None:
        return None
    if not sp.issparse(features):
        features = np.asarray(features, dtype=float)
        if features.ndim == 1:
            features = features.reshape(-1, 1)
    if features.shape[0] != n_rows:
        raise ValueError(
            f"features has {features.shape[0]} rows but proba has {n_rows}; "
            "pass the candidates' features in the same order as proba."
        )
    return features


def _check_scores(scores: Any) -> np.ndarray:
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 1:
        raise ValueError(f"scores must be 1-D, got shape {scores.shape}.")
    return scores


# --- scoring: probabilities -> uncertainty (higher = more useful) -----------------------------


def least_confidence(proba: np.ndarray) -> np.ndarray:
    """One minus the probability of the most likely class.

    Parameters
    ----------
    proba : ndarray of shape (n_candidates, n_classes)
        Class probabilities, rows summing to 1.

    Returns
    -------
    ndarray of shape (n_candidates,)
        Uncertainty; higher means the model is less sure.
    """
    proba = _check_proba(proba)
    if not proba.size:
        return np.zeros(proba.shape[0])
    return 1.0 - proba.max(axis=1)


def margin(proba: np.ndarray) -> np.ndarray:
    """One minus the gap between the two most likely classes.

    A small gap means the model hesitates between two answers, so the score is
    ``1 - (p_first - p_second)``: higher means more uncertain, as for the other scores.

    Parameters
    ----------
    proba : ndarray of shape (n_candidates, n_classes)
        Class probabilities, rows summing to 1.

    Returns
    -------
    ndarray of shape (n_candidates,)
        Uncertainty in [0, 1]; 1 when the top two classes are tied.
    """
    proba = _check_proba(proba)
    if not proba.size:
        return np.zeros(proba.shape[0])
    if proba.shape[1] == 1:
        return np.zeros(proba.shape[0])
    top_two = -np.partition(-proba, 1, axis=1)[:, :2]
    return 1.0 - (top_two[:, 0] - top_two[:, 1])


def entropy(proba: np.ndarray) -> np.ndarray:
    """Shannon entropy of each row (natural log; ``0 log 0`` counts as 0).

    Parameters
    ----------
    proba : ndarray of shape (n_candidates, n_classes)
        Class probabilities, rows summing to 1.

    Returns
    -------
    ndarray of shape (n_candidates,)
        Uncertainty; ``log(n_classes)`` when all classes are equally likely.
    """
    proba = _check_proba(proba)
    if not proba.size:
        return np.zeros(proba.shape[0])
    logs = np.log(proba, out=np.zeros_like(proba), where=proba > 0)
    return -(proba * logs).sum(axis=1)


# --- selecting --------------------------------------------------------------------------------


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest scores, best first.

    Ties go to the earlier position, so the same scores always give the same batch.
    NaN scores come last.

    Parameters
    ----------
    scores : ndarray of shape (n,)
        Higher is better.
    k : int
        How many positions to return (all of them if ``k >= n``).

    Returns
    -------
    ndarray of int
        ``min(k, n)`` positions into ``scores``.
    """
    scores = _check_scores(scores)
    k = _check_batch_size(k)
    keyed = np.where(np.isnan(scores), -np.inf, scores)
    order = np.argsort(-keyed, kind="stable")
    return order[:k].astype(np.intp)


def _score_sampling(score: Callable[[np.ndarray], np.ndarray], name: str, doc: str) -> Strategy:
    def strategy(
        proba: np.ndarray, features: Any = None, *, batch_size: int, rng: np.random.Generator
    ) -> np.ndarray:
        proba = _check_proba(proba)
        batch_size = _check_batch_size(batch_size)
        return top_k(score(proba), batch_size)

    strategy.__name__ = strategy.__qualname__ = name
    strategy.__doc__ = doc
    return strategy


_SAMPLING_DOC = """The ``batch_size`` candidates with the highest {score}, best first.

Parameters
----------
proba : ndarray of shape (n_candidates, n_classes)
    Class probabilities of the candidates.
features : array-like, sparse matrix or None
    Ignored; present for the common signature.
batch_size : int
    How many positions to return.
rng : numpy.random.Generator
    Ignored; ties are broken by position.

Returns
-------
ndarray of int
    Positions into the candidate rows, best first.
"""

least_confidence_sampling = _score_sampling(
    least_confidence,
    "least_confidence_sampling",
    _SAMPLING_DOC.format(score=":func:`least_confidence`"),
)
margin_sampling = _score_sampling(
    margin, "margin_sampling", _SAMPLING_DOC.format(score=":func:`margin` uncertainty")
)
entropy_sampling = _score_sampling(
    entropy, "entropy_sampling", _SAMPLING_DOC.format(score=":func:`entropy`")
)


def random_sampling(
    proba: np.ndarray, features: Any = None, *, batch_size: int, rng: np.random.Generator
) -> np.ndarray:
    """``batch_size`` candidates drawn uniformly at random without replacement.

    Parameters
    ----------
    proba : ndarray of shape (n_candidates, n_classes)
        Only its number of rows is used.
    features : array-like, sparse matrix or None
        Ignored.
    batch_size : int
        How many positions to return.
    rng : numpy.random.Generator
        The source of randomness.

    Returns
    -------
    ndarray of int
        Distinct positions into the candidate rows.
    """
    proba = _check_proba(proba)
    batch_size = _check_batch_size(batch_size)
    n = proba.shape[0]
    return rng.permutation(n)[: min(batch_size, n)].astype(np.intp)


# --- diversity --------------------------------------------------------------------------------


def _row_fingerprints(features: Any) -> list[bytes]:
    """One digest per row; identical rows (e.g. duplicate texts) share a digest."""
    if sp.issparse(features):
        csr = sp.csr_matrix(features)
        csr.sum_duplicates()
        csr.sort_indices()
        digests = []
        for i in range(csr.shape[0]):
            lo, hi = csr.indptr[i], csr.indptr[i + 1]
            h = hashlib.blake2b(digest_size=16)
            h.update(csr.indices[lo:hi].tobytes())
            h.update(csr.data[lo:hi].tobytes())
            digests.append(h.digest())
        return digests
    dense = np.ascontiguousarray(features, dtype=float)
    return [hashlib.blake2b(row.tobytes(), digest_size=16).digest() for row in dense]


def _first_of_each_duplicate(positions: np.ndarray, features: Any) -> np.ndarray:
    """Keep the first of ``positions`` whose feature rows are identical; order is kept."""
    fingerprints = _row_fingerprints(features[positions])
    seen: set[bytes] = set()
    keep = []
    for i, fp in enumerate(fingerprints):
        if fp not in seen:
            seen.add(fp)
            keep.append(i)
    return positions[np.asarray(keep, dtype=np.intp)]


def _embed(features: Any) -> np.ndarray:
    """Dense, low-dimensional, unit-length rows, so k-means compares directions (as cosine).

    Sparse or wide rows are projected on their top singular vectors. For the few hundred rows
    of a shortlist this is done exactly through their Gram matrix, which is much quicker than
    a randomized TruncatedSVD over tens of thousands of sparse columns.
    """
    from sklearn.preprocessing import normalize

    rows = normalize(features)
    n_rows, n_cols = rows.shape
    if not sp.issparse(rows) and n_cols <= _MAX_DIMS:
        return np.asarray(rows, dtype=float)
    gram = rows @ rows.T
    gram = gram.toarray() if sp.issparse(gram) else np.asarray(gram)
    eigenvalues, eigenvectors = np.linalg.eigh(gram)  # ascending
    n_components = min(_MAX_DIMS, n_rows)
    eigenvalues = np.clip(eigenvalues[::-1][:n_components], 0.0, None)
    embedded = eigenvectors[:, ::-1][:, :n_components] * np.sqrt(eigenvalues)
    return normalize(embedded)


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def margin_cluster_sampling(
    proba: np.ndarray, features: Any, *, batch_size: int, rng: np.random.Generator
) -> np.ndarray:
    """The most uncertain candidate of each cluster among the most uncertain candidates.

    Takes the ``10 * batch_size`` candidates with the highest :func:`margin` uncertainty,
    drops exact duplicates (identical feature rows), clusters the rest into ``batch_size``
    groups with k-means (on unit-length rows, projected on their top 50 singular vectors when
    the features are sparse or wide) and picks the most uncertain item of each group. Items
    that look alike are redundant within one batch; this spends the batch on different ones.

    Parameters
    ----------
    proba : ndarray of shape (n_candidates, n_classes)
        Class probabilities of the candidates.
    features : array-like, sparse matrix or None
        The candidates' features; without them this is :func:`margin_sampling`.
    batch_size : int
        How many positions to return.
    rng : numpy.random.Generator
        Seeds the SVD and the clustering.

    Returns
    -------
    ndarray of int
        Distinct positions into the candidate rows, most uncertain first.
    """
    proba = _check_proba(proba)
    batch_size = _check_batch_size(batch_size)
    features = _check_features(features, proba.shape[0])
    scores = margin(proba)
    if features is None or batch_size == 1 or proba.shape[0] <= batch_size:
        return top_k(scores, batch_size)

    shortlist = top_k(scores, _SHORTLIST_FACTOR * batch_size)
    distinct = _first_of_each_duplicate(shortlist, features)
    if len(distinct) <= batch_size:
        # Too few distinct items to cluster: take them all, then top up with the duplicates.
        rest = shortlist[~np.isin(shortlist, distinct)]
        return np.concatenate([distinct, rest])[:batch_size]

    from sklearn.cluster import KMeans  # here: importing it costs ~0.2 s
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    # Plain k-means: the shortlist is at most a few hundred rows, where Lloyd's algorithm is
    # quicker and steadier than the mini-batch variant; one thread, as starting OpenMP
    # threads for so small a job took longer than the job (4x here, more on a busy machine).
    with threadpool_limits(limits=1), warnings.catch_warnings():
        # Rows that coincide once unit length (e.g. one column): empty clusters are topped up.
        warnings.simplefilter("ignore", ConvergenceWarning)
        embedded = _embed(features[distinct])
        kmeans = KMeans(n_clusters=batch_size, n_init=3, random_state=_seed(rng))
        clusters = kmeans.fit_predict(embedded)
    # ``distinct`` is ordered most uncertain first, so the first member of a cluster is its best.
    _, first = np.unique(clusters, return_index=True)
    chosen = distinct[np.sort(first)]
    if len(chosen) < batch_size:  # k-means left some clusters empty
        rest = distinct[~np.isin(distinct, chosen)]
        chosen = np.concatenate([chosen, rest[: batch_size - len(chosen)]])
    return chosen[np.argsort(-scores[chosen], kind="stable")].astype(np.intp)


# --- combinators ------------------------------------------------------------------------------


def mixed(strategy: str | Strategy, *, random_share: float = 0.1) -> Strategy:
    """Wrap a strategy so that a share of every batch is drawn at random.

    Random picks keep an honest view of the whole pool and correct a model that is confidently
    wrong in places the strategy would never look.

    Parameters
    ----------
    strategy : str or callable
        A name from :data:`STRATEGIES` or a function with the strategy signature.
    random_share : float, default 0.1
        Share of each batch drawn at random, in [0, 1]; ``round(random_share * batch_size)``
        items. They are spread evenly through the batch so that they are seen even when only
        the first items of a batch are labelled.

    Returns
    -------
    callable
        A strategy with the common signature.
    """
    inner = get_strategy(strategy)
    if isinstance(random_share, bool) or not 0.0 <= float(random_share) <= 1.0:
        raise ValueError(f"random_share must be a number in [0, 1], got {random_share!r}.")
    random_share = float(random_share)

    passes_labelled = takes_labelled(inner)

    def mixed_strategy(
        proba: np.ndarray,
        features: Any = None,
        *,
        batch_size: int,
        rng: np.random.Generator,
        labelled: Any = None,
    ) -> np.ndarray:
        proba = _check_proba(proba)
        batch_size = _check_batch_size(batch_size)
        n = proba.shape[0]
        size = min(batch_size, n)
        n_random = int(round(random_share * size))
        n_chosen = size - n_random
        chosen = (
            np.asarray(
                inner(
                    proba,
                    features,
                    batch_size=n_chosen,
                    rng=rng,
                    **({"labelled": labelled} if passes_labelled else {}),
                ),
                dtype=np.intp,
            )
            if n_chosen
            else np.empty(0, dtype=np.intp)
        )[:n_chosen]
        others = np.setdiff1d(np.arange(n), chosen)
        picked = rng.choice(others, size=min(n_random, len(others)), replace=False)
        # Spread the random picks evenly through the batch (slots 1 apart at the least).
        total = len(chosen) + len(picked)
        is_random = np.zeros(total, dtype=bool)
        if len(picked):
            step = total / len(picked)
            is_random[(np.arange(len(picked)) * step + step / 2).astype(int)] = True
        out = np.empty(total, dtype=np.intp)
        out[is_random] = picked
        out[~is_random] = chosen
        return out

    name = getattr(inner, "__name__", "strategy")
    mixed_strategy.__name__ = mixed_strategy.__qualname__ = f"mixed_{name}"
    return mixed_strategy


# --- lookup -----------------------------------------------------------------------------------

# Defined in its own module, which uses the scores above (so imported after them).
from nb_label.learn.coverage import margin_coverage_sampling  # noqa: E402

STRATEGIES: dict[str, Strategy] = {
    "random": random_sampling,
    "least_confidence": least_confidence_sampling,
    "margin": margin_sampling,
    "entropy": entropy_sampling,
    "margin_cluster": margin_cluster_sampling,
    "margin_coverage": margin_coverage_sampling,
}
"""Strategy name -> function. ``"default"`` in :func:`get_strategy` means :data:`DEFAULT`."""

DEFAULT = "margin_coverage"
"""The name ``"default"`` resolves to; chosen by ``python -m benchmarks.strategy_quality``."""


def takes_labelled(strategy: Strategy) -> bool:
    """Whether ``strategy`` takes ``labelled=`` (the labelled items' representation)."""
    import inspect

    try:
        parameters = inspect.signature(strategy).parameters
    except (TypeError, ValueError):  # a builtin or an odd callable: pass the common arguments
        return False
    return "labelled" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


def get_strategy(strategy: str | Strategy) -> Strategy:
    """Resolve a strategy name, or pass a user's own strategy function through.

    Parameters
    ----------
    strategy : str or callable
        ``"default"``, a key of :data:`STRATEGIES`, or a function
        ``f(proba, features, *, batch_size, rng) -> positions``.

    Returns
    -------
    callable
        The strategy function.
    """
    if callable(strategy):
        return strategy
    if isinstance(strategy, str):
        key = DEFAULT if strategy == "default" else strategy
        if key in STRATEGIES:
            return STRATEGIES[key]
    names = ", ".join(repr(n) for n in ["default", *STRATEGIES])
    raise ValueError(
        f"unknown strategy {strategy!r}; use one of {names}, or pass a function "
        "f(proba, features, *, batch_size, rng) returning positions, best first."
    )
