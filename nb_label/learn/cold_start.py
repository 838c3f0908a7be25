"""Clusters no label covers yet: where the first items (and later uncertain ones) come from.

With no model there are no probabilities to rank by, and random seed items waste labels on
near-copies of one another. Instead the pool (with the items labelled so far) is clustered
into as many groups as there are labels plus the items wanted; the groups that hold no
labelled item yet are taken largest first, and from each its most typical item (the one
nearest the centre), as in TypiClust (Hacohen et al., 2022). Any prefix of the order is
spread over different groups, so it does not matter how many of them are labelled before
the next round. :func:`nb_label.learn.coverage.margin_coverage_sampling` carries the idea on
once a model exists.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

# Rows are projected on this many singular vectors before clustering (sparse or wide rows).
_DIMS = 50


def reduce_rows(rows: Any, rng: np.random.Generator) -> np.ndarray:
    """Rows of at most ``_DIMS`` dense columns (unit length and a truncated SVD when wider)."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    n_rows, n_cols = rows.shape
    if not sp.issparse(rows) and n_cols <= _DIMS:
        # A few dense columns are compared as they are: unit length would fold them together.
        return np.asarray(rows, dtype=float)
    rows = normalize(rows)  # text and pixel rows are compared by direction (as cosine)
    n_components = min(_DIMS, n_rows - 1, n_cols - 1)
    if n_components < 1:
        return np.asarray(rows.toarray() if sp.issparse(rows) else rows, dtype=float)
    svd = TruncatedSVD(n_components=n_components, random_state=int(rng.integers(2**31 - 1)))
    return normalize(svd.fit_transform(rows))


@dataclass
class Coverage:
    """The pool's clusters: each pool row's cluster and distance to its centre."""

    clusters: np.ndarray  # of the pool rows
    distance: np.ndarray  # of the pool rows, to their cluster's centre
    sizes: np.ndarray  # per cluster, pool and labelled rows together
    covered: set  # clusters holding a labelled row


def cover(pool: Any, labelled: Any, *, n_clusters: int, rng: np.random.Generator) -> Coverage:
    """Cluster the pool with the labelled rows into ``n_clusters`` groups (k-means)."""
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    n_pool = pool.shape[0]
    n_labelled = 0 if labelled is None else labelled.shape[0]
    stacked = pool if not n_labelled else stack_rows(pool, labelled)
    n_clusters = max(1, min(n_clusters, stacked.shape[0]))
    # One thread: starting OpenMP threads for a job this size costs more than the job.
    with threadpool_limits(limits=1), warnings.catch_warnings():
        # Fewer distinct rows than clusters (duplicates): callers top their order up.
        warnings.simplefilter("ignore", ConvergenceWarning)
        rows = reduce_rows(stacked, rng)
        kmeans = KMeans(n_clusters=n_clusters, n_init=1, random_state=int(rng.integers(2**31 - 1)))
        clusters = kmeans.fit_predict(rows)
    distance = np.linalg.norm(rows - kmeans.cluster_centers_[clusters], axis=1)
    return Coverage(
        clusters=clusters[:n_pool],
        distance=distance[:n_pool],
        sizes=np.bincount(clusters, minlength=n_clusters),
        covered=set(clusters[n_pool:].tolist()),
    )


def top_up(chosen: np.ndarray, n_pool: int, size: int, fallback: np.ndarray) -> np.ndarray:
    """``chosen``, then ``fallback``'s positions not in it, up to ``size`` in all."""
    rest = fallback[~np.isin(fallback, chosen)]
    return np.concatenate([chosen, rest])[: min(size, n_pool)].astype(np.intp)


def diverse_order(pool: Any, labelled: Any, *, size: int, rng: np.random.Generator) -> np.ndarray:
    """Positions into ``pool`` of ``size`` typical items of clusters no label covers yet.

    Parameters
    ----------
    pool : array-like or sparse matrix of shape (n_pool, n_features)
        The representation of the unlabelled items.
    labelled : array-like or sparse matrix of shape (n_labelled, n_features), or None
        The representation of the items labelled so far (their clusters are covered).
    size : int
        How many positions to return (fewer when the pool is smaller).
    rng : numpy.random.Generator
        Seeds the projection and the clustering.

    Returns
    -------
    ndarray of int
        Distinct positions into ``pool``; the largest uncovered cluster's item first.
    """
    n_pool = pool.shape[0]
    size = min(size, n_pool)
    if size < 1:
        return np.empty(0, dtype=np.intp)
    n_labelled = 0 if labelled is None else labelled.shape[0]
    found = cover(pool, labelled, n_clusters=n_labelled + size, rng=rng)
    picked = []
    for cluster in np.argsort(-found.sizes, kind="stable"):
        members = np.flatnonzero(found.clusters == cluster)
        if cluster not in found.covered and len(members):
            picked.append(members[np.argmin(found.distance[members])])
    return top_up(np.asarray(picked, dtype=np.intp), n_pool, size, rng.permutation(n_pool))


def stack_rows(pool: Any, labelled: Any) -> Any:
    """The pool's rows, then the labelled ones (sparse if either is)."""
    if sp.issparse(pool) or sp.issparse(labelled):
        return sp.vstack([sp.csr_matrix(pool), sp.csr_matrix(labelled)]).tocsr()
    return np.vstack([np.asarray(pool, dtype=float), np.asarray(labelled, dtype=float)])
