"""Margin over uncovered clusters: uncertain items where the labels so far are thin.

The default strategy. While the budget is low (fewer than 5 labels per class the model
knows), typical items matter more than boundary ones (Hacohen et al., 2022): plain margin
sampling asks about the items nearest the boundary, which early on are often
odd ones that teach the model little, and several in a batch can be near-copies. This
strategy clusters the pool together with the labelled items (k-means, as many clusters as
labels plus twice the batch) and looks only at clusters that no label covers yet. A cluster
is worth its size times its items' mean margin uncertainty (a big region the model is unsure
about), and from each it takes the item with the best uncertainty per distance to the
centre (uncertain, yet typical of the region). When too few clusters are uncovered, the
batch is topped up with :func:`nb_label.strategies.margin_cluster_sampling`, which is
also the whole strategy once the budget is no longer low.

Chosen by ``python -m benchmarks.strategy_quality`` (the loop from zero labels, against
modAL and small-text); the clustering follows TypiClust (Hacohen et al., 2022), the
weighting by uncertainty follows density-weighted sampling (Settles & Craven, 2008).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nb_label.learn.cold_start import cover, top_up
from nb_label.learn.strategies import (
    _check_batch_size,
    _check_features,
    _check_proba,
    margin,
    margin_cluster_sampling,
    top_k,
)

# A pool larger than this is clustered on a random sample of it (keeps a round quick).
_MAX_CLUSTERED = 5000
# Below this many labels per class the budget is low: coverage first (then margin in clusters).
_LOW_BUDGET_PER_CLASS = 5
# Added to uncertainties and distances so that none multiplies or divides by zero.
_EPSILON = 1e-3


def margin_coverage_sampling(
    proba: np.ndarray,
    features: Any,
    *,
    batch_size: int,
    rng: np.random.Generator,
    labelled: Any = None,
) -> np.ndarray:
    """Uncertain, typical items of the clusters no label covers yet, the most useful first.

    Parameters
    ----------
    proba : ndarray of shape (n_candidates, n_classes)
        Class probabilities of the candidates.
    features : array-like, sparse matrix or None
        The candidates' representation; without it this is :func:`margin_sampling`.
    batch_size : int
        How many positions to return.
    rng : numpy.random.Generator
        Seeds the sample, the projection and the clustering.
    labelled : array-like, sparse matrix or None
        The labelled items' representation (same columns as ``features``); their clusters
        count as covered. :class:`ActiveLoop` passes it.

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
    n_labelled = 0 if labelled is None else labelled.shape[0]
    if n_labelled >= _LOW_BUDGET_PER_CLASS * proba.shape[1]:
        return margin_cluster_sampling(proba, features, batch_size=batch_size, rng=rng)
    sample = np.arange(n_pool)
    if n_pool > _MAX_CLUSTERED:
        sample = np.sort(rng.choice(n_pool, _MAX_CLUSTERED, replace=False))
    if labelled is not None:
        labelled = _check_features(labelled, labelled.shape[0])
    found = cover(features[sample], labelled, n_clusters=n_labelled + 2 * batch_size, rng=rng)
    uncertainty = scores[sample] + _EPSILON
    picked, worth = [], []
    for cluster in np.unique(found.clusters):
        if cluster in found.covered:
            continue
        members = np.flatnonzero(found.clusters == cluster)
        best = members[np.argmax(uncertainty[members] / (found.distance[members] + _EPSILON))]
        picked.append(sample[best])
        worth.append(found.sizes[cluster] * uncertainty[members].mean())
    chosen = np.asarray(picked, dtype=np.intp)[np.argsort(-np.asarray(worth), kind="stable")]
    if len(chosen) >= batch_size:
        return chosen[:batch_size]
    fallback = margin_cluster_sampling(proba, features, batch_size=batch_size, rng=rng)
    return top_up(chosen, n_pool, batch_size, np.concatenate([fallback, top_k(scores, n_pool)]))
