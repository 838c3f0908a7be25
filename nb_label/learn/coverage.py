"""Margin over uncovered neighbourhoods: uncertain items where the labels so far are thin.

The default strategy. While the budget is low (fewer than 5 labels per class the model
knows), covering the data matters more than probing the boundary (Hacohen et al., 2022):
plain margin sampling asks about the items nearest the boundary, which early on are often
odd ones that teach the model little, and several in a batch can be near-copies. So each
item gets a neighbourhood (a ball whose radius is the 70th percentile of the items' mean
distance to their 10 nearest neighbours), and the batch is built greedily, as in ProbCover
(Yehuda et al., 2022): next comes the item whose ball holds the most margin uncertainty not
yet covered by a labelled item or an earlier pick. That is dense, uncertain regions first,
one item each. Once the budget is no longer low (or nothing is left uncovered) it is
:func:`nb_label.strategies.margin_cluster_sampling`.

Chosen by ``python -m benchmarks.strategy_quality`` (the loop from zero labels, against
modAL and small-text).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nb_label.learn.cold_start import reduce_rows, stack_rows, top_up
from nb_label.learn.strategies import (
    _check_batch_size,
    _check_features,
    _check_proba,
    margin,
    margin_cluster_sampling,
    top_k,
)

# A pool larger than this is covered on a random sample of it (keeps a round quick).
_MAX_COVERED = 5000
# Below this many labels per class the budget is low: coverage first, then margin in clusters.
_LOW_BUDGET_PER_CLASS = 5
# The ball's radius: this quantile of the rows' mean distance to their nearest neighbours.
_RADIUS_QUANTILE = 0.7
_NEIGHBOURS = 10
# Added to the uncertainty so that a sure but uncovered region still counts a little.
_FLOOR = 1e-2


def margin_coverage_sampling(
    proba: np.ndarray,
    features: Any,
    *,
    batch_size: int,
    rng: np.random.Generator,
    labelled: Any = None,
) -> np.ndarray:
    """Items whose neighbourhoods hold the most uncovered uncertainty, the most useful first.

    Parameters
    ----------
    proba : ndarray of shape (n_candidates, n_classes)
        Class probabilities of the candidates.
    features : array-like, sparse matrix or None
        The candidates' representation; without it this is :func:`margin_sampling`.
    batch_size : int
        How many positions to return.
    rng : numpy.random.Generator
        Seeds the sample and the projection.
    labelled : array-like, sparse matrix or None
        The labelled items' representation (same columns as ``features``); their
        neighbourhoods count as covered, and their number decides whether the budget is
        still low. :class:`ActiveLoop` passes it.

    Returns
    -------
    ndarray of int
        Distinct positions into the candidate rows, best first.
    """
    proba = _check_proba(proba)
    batch_size = _check_batch_size(batch_size)
    features = _check_features(features, proba.shape[0])
    scores = margin(proba)
    n_pool = proba.shape[0]
    if features is None or n_pool <= batch_size:
        return top_k(scores, batch_size)
    if labelled is not None:
        labelled = _check_features(labelled, labelled.shape[0])
    n_labelled = 0 if labelled is None else labelled.shape[0]
    if n_labelled >= _LOW_BUDGET_PER_CLASS * proba.shape[1]:
        return margin_cluster_sampling(proba, features, batch_size=batch_size, rng=rng)
    sample = np.arange(n_pool)
    if n_pool > _MAX_COVERED:
        sample = np.sort(rng.choice(n_pool, _MAX_COVERED, replace=False))
    picked = _greedy_cover(features[sample], labelled, scores[sample] + _FLOOR, batch_size, rng)
    chosen = sample[picked]
    if len(chosen) >= batch_size:
        return chosen[:batch_size]
    fallback = margin_cluster_sampling(proba, features, batch_size=batch_size, rng=rng)
    return top_up(chosen, n_pool, batch_size, np.concatenate([fallback, top_k(scores, n_pool)]))


def _greedy_cover(
    pool: Any, labelled: Any, weights: np.ndarray, size: int, rng: np.random.Generator
) -> np.ndarray:
    """Positions into ``pool``, each the centre of the ball with most uncovered weight."""
    from sklearn.neighbors import NearestNeighbors

    n_pool = pool.shape[0]
    stacked = pool if labelled is None or not labelled.shape[0] else stack_rows(pool, labelled)
    rows = reduce_rows(stacked, rng)
    neighbours = NearestNeighbors(n_neighbors=min(_NEIGHBOURS + 1, len(rows))).fit(rows)
    distance, _ = neighbours.kneighbors(rows)
    radius = np.quantile(distance[:, 1:].mean(axis=1), _RADIUS_QUANTILE)
    balls = neighbours.radius_neighbors_graph(rows, radius=radius, mode="connectivity").tocsr()
    covered = np.zeros(len(rows), dtype=bool)
    if len(rows) > n_pool:  # what a label's ball holds is covered already
        covered[np.unique(balls[n_pool:].indices)] = True
    weight = np.concatenate([weights, np.zeros(len(rows) - n_pool)])
    pool_balls = balls[:n_pool]
    available = np.ones(n_pool, dtype=bool)
    chosen: list[int] = []
    for _ in range(min(size, n_pool)):
        gain = np.where(available, pool_balls @ np.where(covered, 0.0, weight), -1.0)
        best = int(np.argmax(gain))
        if gain[best] <= 0:
            break
        chosen.append(best)
        available[best] = False
        covered[balls[best].indices] = True
    return np.asarray(chosen, dtype=np.intp)
