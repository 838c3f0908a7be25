import numpy as np
import pytest
import scipy.sparse as sp

from nb_label.learn import strategies as S

# Rows: a tie, a sure answer, a lean, a three-way split.
PROBA = np.array(
    [
        [0.5, 0.5, 0.0],
        [0.98, 0.01, 0.01],
        [0.7, 0.2, 0.1],
        [0.34, 0.33, 0.33],
    ]
)
ALL_STRATEGIES = sorted(S.STRATEGIES)


def rng():
    return np.random.default_rng(0)


def test_least_confidence_orders_by_top_probability():
    scores = S.least_confidence(PROBA)
    np.testing.assert_allclose(scores, 1 - PROBA.max(axis=1))
    assert list(np.argsort(-scores, kind="stable")) == [3, 0, 2, 1]


def test_margin_is_highest_for_a_tie_between_the_top_two():
    scores = S.margin(PROBA)
    np.testing.assert_allclose(scores, [1.0, 1 - 0.97, 1 - 0.5, 1 - 0.01])
    # The tie (row 0) beats the three-way split (row 3) on margin, unlike least confidence.
    assert list(np.argsort(-scores, kind="stable")) == [0, 3, 2, 1]


def test_entropy_is_highest_for_the_flattest_row():
    scores = S.entropy(PROBA)
    assert np.argmax(scores) == 3
    assert np.argmin(scores) == 1
    np.testing.assert_allclose(scores[0], np.log(2))  # 0 log 0 counts as 0
    assert scores[3] <= np.log(3)


def test_scores_agree_on_two_classes():
    p_spam = np.array([0.1, 0.45, 0.8, 0.52, 0.99])
    proba = np.column_stack([1 - p_spam, p_spam])
    orders = [
        list(np.argsort(-f(proba), kind="stable"))
        for f in (S.least_confidence, S.margin, S.entropy)
    ]
    assert orders[0] == orders[1] == orders[2] == [3, 1, 2, 0, 4]


def test_top_k_breaks_ties_by_position():
    scores = np.array([0.2, 0.9, 0.5, 0.9, 0.5, np.nan])
    assert list(S.top_k(scores, 4)) == [1, 3, 2, 4]
    assert list(S.top_k(scores[::-1].copy(), 2)) == [2, 4]
    assert list(S.top_k(scores, 10)) == [1, 3, 2, 4, 0, 5]  # NaN last


@pytest.mark.parametrize("name", ALL_STRATEGIES)
def test_batch_larger_than_pool_returns_every_candidate(name):
    features = np.random.default_rng(1).normal(size=(len(PROBA), 4))
    chosen = S.get_strategy(name)(PROBA, features, batch_size=50, rng=rng())
    assert sorted(chosen) == list(range(len(PROBA)))


@pytest.mark.parametrize("name", ALL_STRATEGIES)
def test_strategies_return_distinct_ints_of_the_batch_size(name):
    gen = np.random.default_rng(2)
    proba = gen.dirichlet(np.ones(3), size=200)
    features = sp.random(200, 300, density=0.05, random_state=3, format="csr")
    chosen = S.get_strategy(name)(proba, features, batch_size=12, rng=rng())
    assert chosen.dtype.kind == "i"
    assert len(chosen) == 12 == len(set(chosen.tolist()))
    assert chosen.min() >= 0 and chosen.max() < 200


def test_uncertainty_strategies_pick_the_most_uncertain_first():
    assert list(S.margin_sampling(PROBA, None, batch_size=2, rng=rng())) == [0, 3]
    assert list(S.least_confidence_sampling(PROBA, None, batch_size=2, rng=rng())) == [3, 0]
    assert list(S.entropy_sampling(PROBA, None, batch_size=1, rng=rng())) == [3]


def test_random_sampling_depends_on_the_generator():
    proba = np.full((100, 2), 0.5)
    a = S.random_sampling(proba, None, batch_size=10, rng=np.random.default_rng(5))
    b = S.random_sampling(proba, None, batch_size=10, rng=np.random.default_rng(5))
    c = S.random_sampling(proba, None, batch_size=10, rng=np.random.default_rng(6))
    assert list(a) == list(b)
    assert list(a) != list(c)


@pytest.mark.parametrize(
    "share, batch, expected_random", [(0.1, 10, 1), (0.3, 10, 3), (0.5, 8, 4)]
)
def test_mixed_draws_the_random_share_outside_the_inner_choice(share, batch, expected_random):
    # Margin ranks rows 0, 1, 2, ... first; random picks come from the rest of the pool.
    n = 100
    p_first = np.linspace(0.5, 0.99, n)
    proba = np.column_stack([p_first, 1 - p_first])
    chosen = S.mixed("margin", random_share=share)(proba, None, batch_size=batch, rng=rng())
    n_inner = batch - expected_random
    assert len(chosen) == batch == len(set(chosen.tolist()))
    assert sorted(chosen)[:n_inner] == list(range(n_inner))
    assert sum(int(i) >= n_inner for i in chosen) == expected_random
    # The random picks are spread through the batch, not all left at its end.
    random_slots = [pos for pos, i in enumerate(chosen) if int(i) >= n_inner]
    assert random_slots != list(range(n_inner, batch))


def test_mixed_with_zero_share_equals_the_inner_strategy():
    chosen = S.mixed(S.margin_sampling, random_share=0.0)(PROBA, None, batch_size=3, rng=rng())
    assert list(chosen) == list(S.margin_sampling(PROBA, None, batch_size=3, rng=rng()))


def test_mixed_rejects_a_share_outside_zero_to_one():
    with pytest.raises(ValueError, match="random_share"):
        S.mixed("margin", random_share=1.5)


def test_get_strategy_resolves_names_default_and_callables():
    for name, function in S.STRATEGIES.items():
        assert S.get_strategy(name) is function
    assert S.get_strategy("default") is S.STRATEGIES[S.DEFAULT]

    def mine(proba, features, *, batch_size, rng):
        return np.arange(batch_size)

    assert S.get_strategy(mine) is mine


def test_get_strategy_names_the_choices_for_a_bad_name():
    with pytest.raises(ValueError, match="'margin'.*'random'|'random'.*'margin'"):
        S.get_strategy("smartest")
    with pytest.raises(ValueError, match="unknown strategy"):
        S.get_strategy(42)


def two_blobs(n_first=8, n_second=50, seed=0):
    """Two far-apart clusters; the small first blob is the more uncertain one throughout."""
    gen = np.random.default_rng(seed)
    features = np.vstack(
        [gen.normal(0, 0.1, (n_first, 5)) + 10, gen.normal(0, 0.1, (n_second, 5)) - 10]
    )
    p_first = np.concatenate([gen.uniform(0.50, 0.55, n_first), gen.uniform(0.56, 0.60, n_second)])
    return np.column_stack([p_first, 1 - p_first]), features


def test_margin_cluster_spreads_a_batch_over_two_separate_clusters():
    proba, features = two_blobs()
    margin_only = S.margin_sampling(proba, features, batch_size=2, rng=rng())
    assert all(i < 8 for i in margin_only)  # plain margin takes both from the first blob
    chosen = S.margin_cluster_sampling(proba, features, batch_size=2, rng=rng())
    assert len(set(chosen.tolist())) == 2
    assert sorted(bool(i >= 8) for i in chosen) == [False, True]
    scores = S.margin(proba)
    assert scores[chosen[0]] >= scores[chosen[1]]  # most uncertain first
    assert chosen[0] == np.argmax(scores)


def test_margin_cluster_works_on_sparse_features():
    proba, features = two_blobs()
    chosen = S.margin_cluster_sampling(
        proba, sp.csr_matrix(np.abs(features)), batch_size=2, rng=rng()
    )
    assert len(set(chosen.tolist())) == 2


def test_margin_cluster_skips_identical_rows():
    # Ten copies of the most uncertain row: a batch of 3 takes one copy and two others.
    proba = np.column_stack([np.linspace(0.5, 0.9, 40), 1 - np.linspace(0.5, 0.9, 40)])
    features = np.random.default_rng(4).normal(size=(40, 6))
    features[:10] = features[0]
    chosen = S.margin_cluster_sampling(proba, features, batch_size=3, rng=rng())
    assert sum(int(i) < 10 for i in chosen) == 1


def test_margin_cluster_without_features_is_margin_sampling():
    chosen = S.margin_cluster_sampling(PROBA, None, batch_size=3, rng=rng())
    assert list(chosen) == list(S.margin_sampling(PROBA, None, batch_size=3, rng=rng()))


@pytest.mark.parametrize(
    "proba, match",
    [
        (np.array([0.2, 0.8]), "2-D"),
        (np.array([[0.2, 0.2], [0.5, 0.5]]), "summing to 1"),
        (np.array([[1.5, -0.5]]), "summing to 1"),
        (np.array([[np.nan, 1.0]]), "NaN"),
    ],
)
def test_bad_probabilities_are_refused(proba, match):
    with pytest.raises(ValueError, match=match):
        S.margin(proba)
    with pytest.raises(ValueError, match=match):
        S.random_sampling(proba, None, batch_size=1, rng=rng())


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, True])
@pytest.mark.parametrize("name", ALL_STRATEGIES)
def test_bad_batch_size_is_refused(name, batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        S.get_strategy(name)(PROBA, None, batch_size=batch_size, rng=rng())


def test_features_must_match_the_candidates():
    with pytest.raises(ValueError, match="rows"):
        S.margin_cluster_sampling(
            np.full((20, 2), 0.5), np.zeros((19, 3)), batch_size=3, rng=rng()
        )
