"""The default strategy: typical, uncertain items of clusters no label covers yet."""

import numpy as np

from nb_label.learn import strategies as S
from nb_label.learn.cold_start import diverse_order


def rng():
    return np.random.default_rng(0)


def blobs(sizes, spread=0.05):
    gen = np.random.default_rng(1)
    centres = np.eye(len(sizes), 4) * 10
    rows = [centres[i] + gen.normal(scale=spread, size=(n, 4)) for i, n in enumerate(sizes)]
    return np.vstack(rows), np.repeat(np.arange(len(sizes)), sizes)


def test_the_first_items_are_one_typical_item_of_each_cluster_the_largest_first():
    X, blob = blobs([60, 30, 10])
    order = diverse_order(X, None, size=3, rng=rng())
    assert list(blob[order]) == [0, 1, 2]


def test_a_cluster_with_a_label_is_covered_and_asked_about_last():
    X, blob = blobs([60, 30, 10])
    labelled = X[blob == 0][:2] + 0.01
    order = diverse_order(X, labelled, size=2, rng=rng())
    assert set(blob[order]) == {1, 2}


def test_margin_coverage_asks_where_no_label_is_even_when_elsewhere_is_as_uncertain():
    X, blob = blobs([40, 40])
    proba = np.full((len(X), 2), 0.5)  # equally unsure everywhere
    labelled = X[blob == 0][:3] + 0.01
    chosen = S.margin_coverage_sampling(proba, X, batch_size=1, rng=rng(), labelled=labelled)
    assert blob[chosen[0]] == 1


def test_margin_coverage_prefers_the_uncertain_region_among_uncovered_ones():
    X, blob = blobs([40, 40])
    p = np.where(blob == 1, 0.5, 0.99)
    proba = np.column_stack([p, 1 - p])
    chosen = S.margin_coverage_sampling(proba, X, batch_size=1, rng=rng())
    assert blob[chosen[0]] == 1


def test_a_batch_spreads_over_regions_instead_of_near_copies():
    X, blob = blobs([40, 40, 40])
    proba = np.full((len(X), 3), 1 / 3)
    chosen = S.margin_coverage_sampling(proba, X, batch_size=3, rng=rng())
    assert sorted(blob[chosen]) == [0, 1, 2]


def test_with_enough_labels_per_class_it_is_margin_within_clusters():
    X, _ = blobs([40, 40, 40])
    proba = np.random.default_rng(2).dirichlet(np.ones(2), size=len(X))
    labelled = X[:10]  # 5 per class of 2 classes: the budget is no longer low
    coverage = S.margin_coverage_sampling(proba, X, batch_size=5, rng=rng(), labelled=labelled)
    cluster = S.margin_cluster_sampling(proba, X, batch_size=5, rng=rng())
    assert list(coverage) == list(cluster)


def test_without_features_it_is_margin_sampling():
    proba = np.random.default_rng(3).dirichlet(np.ones(3), size=30)
    chosen = S.margin_coverage_sampling(proba, None, batch_size=4, rng=rng())
    assert list(chosen) == list(S.margin_sampling(proba, None, batch_size=4, rng=rng()))


def test_the_default_is_margin_coverage_and_it_asks_for_the_labelled_items():
    assert S.get_strategy("default") is S.margin_coverage_sampling
    assert S.takes_labelled(S.margin_coverage_sampling)
    assert not S.takes_labelled(S.margin_sampling)
    assert S.takes_labelled(S.mixed("default"))


def test_mixed_passes_the_labelled_items_on():
    seen = []

    def inner(proba, features, *, batch_size, rng, labelled=None):
        seen.append(labelled)
        return np.arange(batch_size)

    proba = np.full((20, 2), 0.5)
    marker = np.zeros((3, 2))
    S.mixed(inner, random_share=0.5)(proba, None, batch_size=4, rng=rng(), labelled=marker)
    assert seen[0] is marker
