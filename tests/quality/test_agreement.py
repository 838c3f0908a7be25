"""Agreement metrics checked against reference implementations on the real politeness ratings."""

from itertools import combinations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss_kappa

from nb_label.quality import (
    AgreementReport,
    agreement_report,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    pairwise_agreement,
)

SCORES = [f"Score{slot}" for slot in range(1, 6)]


def reliability_data(long_df: pd.DataFrame) -> np.ndarray:
    """Annotators x items matrix with NaN for no answer, as the krippendorff package wants."""
    return long_df.pivot(index="annotator", columns="item_key", values="label").to_numpy(
        dtype=float
    )


def small_answers() -> pd.DataFrame:
    """Three items, unequal answer counts, string labels."""
    return pd.DataFrame(
        {
            "item_key": ["a", "a", "a", "b", "b", "c", "c", "c", "c", "d"],
            "annotator": ["x", "y", "z", "x", "y", "x", "y", "z", "w", "w"],
            "label": ["cat", "cat", "dog", "dog", "dog", "cat", "dog", "bird", "cat", "cat"],
        }
    )


# ---------------------------------------------------------------- Krippendorff's alpha


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_alpha_matches_krippendorff_package_on_politeness(politeness, level):
    expected = krippendorff.alpha(
        reliability_data=reliability_data(politeness), level_of_measurement=level
    )
    assert krippendorff_alpha(politeness, level=level) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_alpha_handles_missing_answers_like_the_package(politeness, level):
    # Drop 40% of ratings at random: items end up with 0..5 answers, some with just one.
    rng = np.random.default_rng(7)
    thinned = politeness.loc[rng.random(len(politeness)) > 0.4]
    assert (thinned.groupby("item_key").size() == 1).any()
    expected = krippendorff.alpha(
        reliability_data=reliability_data(thinned), level_of_measurement=level
    )
    assert krippendorff_alpha(thinned, level=level) == pytest.approx(expected, abs=1e-9)


def test_alpha_ignores_items_with_a_single_answer():
    answers = small_answers()
    without_single = answers.loc[answers["item_key"] != "d"]
    assert krippendorff_alpha(answers) == krippendorff_alpha(without_single)


def test_alpha_is_one_for_perfect_agreement_and_nan_for_a_single_value():
    answers = small_answers().assign(label=lambda df: df["item_key"])
    assert krippendorff_alpha(answers) == pytest.approx(1.0)
    assert np.isnan(krippendorff_alpha(small_answers().assign(label="cat")))


def test_alpha_interval_needs_numbers():
    with pytest.raises(ValueError, match="level='ordinal'"):
        krippendorff_alpha(small_answers(), level="interval")
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha(small_answers(), level="ratio")


def test_alpha_needs_an_item_with_two_answers():
    single = pd.DataFrame({"item_key": [1, 2], "annotator": ["x", "y"], "label": [1, 2]})
    with pytest.raises(ValueError, match="two or more answers"):
        krippendorff_alpha(single)


# ---------------------------------------------------------------- Fleiss' kappa


def test_fleiss_matches_statsmodels_on_politeness(politeness, politeness_wide):
    table, _ = aggregate_raters(politeness_wide[SCORES].to_numpy())
    expected = statsmodels_fleiss_kappa(table, method="fleiss")
    assert fleiss_kappa(politeness) == pytest.approx(expected, abs=1e-12)


def test_fleiss_names_the_items_with_other_answer_counts(politeness):
    first_two = politeness["item_key"].drop_duplicates().iloc[:2].tolist()
    short = politeness.drop(politeness.index[politeness["item_key"].isin(first_two)][:2])
    with pytest.raises(ValueError, match="krippendorff_alpha") as raised:
        fleiss_kappa(short)
    for key in first_two:
        assert repr(key) in str(raised.value)


# ---------------------------------------------------------------- Cohen's kappa


def busiest_pair(politeness: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Ratings of the two annotators who share most items, aligned by item."""
    wide = politeness.pivot(index="item_key", columns="annotator", values="label")
    answered = wide.notna().to_numpy(dtype=float)
    shared = answered.T @ answered
    np.fill_diagonal(shared, 0)
    first, second = np.unravel_index(np.argmax(shared), shared.shape)
    both = wide.iloc[:, [first, second]].dropna()
    return both.iloc[:, 0].astype(int), both.iloc[:, 1].astype(int)


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa_matches_sklearn_on_politeness(politeness, weights):
    first, second = busiest_pair(politeness)
    assert len(first) >= 50
    expected = cohen_kappa_score(first, second, weights=weights)
    assert cohen_kappa(first, second, weights=weights) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("weights", [None, "quadratic"])
def test_cohen_kappa_matches_sklearn_with_given_labels(weights):
    rng = np.random.default_rng(3)
    first = rng.choice(["low", "mid", "high", "other"], size=300)
    second = np.where(rng.random(300) < 0.6, first, rng.choice(["low", "mid", "high"], 300))
    labels = ["low", "mid", "high"]  # a chosen order, and "other" left out
    expected = cohen_kappa_score(first, second, labels=labels, weights=weights)
    actual = cohen_kappa(first, second, labels=labels, weights=weights)
    assert actual == pytest.approx(expected, abs=1e-12)


def test_cohen_kappa_rejects_bad_input():
    with pytest.raises(ValueError, match="same items"):
        cohen_kappa([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="missing"):
        cohen_kappa([1, 2, None], [1, 2, 3])
    with pytest.raises(ValueError, match="weights"):
        cohen_kappa([1, 2], [1, 2], weights="cubic")


# ---------------------------------------------------------------- pairwise kappa


def test_pairwise_agreement_matches_sklearn_per_pair(politeness):
    table = pairwise_agreement(politeness, min_common=10)
    wide = politeness.pivot(index="item_key", columns="annotator", values="label")
    values = wide.to_numpy(dtype=float)
    answered = ~np.isnan(values)
    shared_counts = answered.T.astype(float) @ answered
    np.fill_diagonal(shared_counts, 0)
    # Check every pair that clears min_common for the 15 busiest annotators, and some that don't.
    busiest = np.argsort(-answered.sum(axis=0))[:15]
    pairs = [(i, j) for i, j in combinations(busiest, 2) if shared_counts[i, j] >= 10]
    below = np.argwhere((shared_counts > 0) & (shared_counts < 10))[:20]
    assert len(pairs) >= 10 and len(below) > 0
    for i, j in [*pairs, *map(tuple, below)]:
        first, second = wide.columns[i], wide.columns[j]
        both = answered[:, i] & answered[:, j]
        assert table.attrs["n_common"].loc[first, second] == both.sum()
        if both.sum() < 10:
            assert np.isnan(table.loc[first, second])
        else:
            expected = cohen_kappa_score(values[both, i], values[both, j])
            assert table.loc[first, second] == pytest.approx(expected, abs=1e-12)
            assert table.loc[second, first] == table.loc[first, second]
    assert np.isnan(np.diag(table.to_numpy())).all()


def test_pairwise_agreement_min_common():
    answers = small_answers()
    assert pairwise_agreement(answers, min_common=10).isna().all().all()
    loose = pairwise_agreement(answers, min_common=2)
    # x and y share items a, b, c: cat/cat, dog/dog, cat/dog.
    expected = cohen_kappa_score(["cat", "dog", "cat"], ["cat", "dog", "dog"])
    assert loose.loc["x", "y"] == pytest.approx(expected)
    with pytest.raises(ValueError, match="min_common"):
        pairwise_agreement(answers, min_common=0)


# ---------------------------------------------------------------- report


def brute_force_observed_agreement(answers: pd.DataFrame) -> float:
    shares = []
    for _, item in answers.groupby("item_key"):
        pairs = list(combinations(item["label"], 2))
        if pairs:
            shares.append(np.mean([a == b for a, b in pairs]))
    return float(np.mean(shares))


def brute_force_majority_agreement(answers: pd.DataFrame) -> pd.Series:
    scores: dict[str, list[float]] = {}
    for row in answers.itertuples():
        others = answers.loc[
            (answers["item_key"] == row.item_key) & (answers["annotator"] != row.annotator),
            "label",
        ]
        if others.empty:
            continue
        votes = others.value_counts()
        tied = votes.index[votes == votes.max()]
        scores.setdefault(row.annotator, []).append((row.label in tied) / len(tied))
    return pd.Series({name: np.mean(s) for name, s in scores.items()})


def test_report_on_small_answers_agrees_with_brute_force():
    answers = small_answers()
    report = agreement_report(answers, min_common=2)
    assert isinstance(report, AgreementReport)
    overall = report.overall
    assert overall["n_items"] == 4
    assert overall["n_annotators"] == 4
    assert overall["n_answers"] == len(answers)
    assert np.isnan(overall["fleiss_kappa"])
    assert any("fleiss_kappa" in note for note in report.notes)
    assert overall["krippendorff_alpha"] == krippendorff_alpha(answers)
    assert overall["observed_agreement"] == pytest.approx(brute_force_observed_agreement(answers))

    # "When one annotator chose cat, how often did another on the same item choose it too?"
    pairable = answers.loc[answers["item_key"] != "d"]
    item_sizes = pairable.groupby("item_key").size()
    partners = pairable.merge(pairable, on="item_key").query("annotator_x != annotator_y")
    for label, row in report.per_label.iterrows():
        chosen = partners.loc[partners["label_x"] == label]
        # Krippendorff's pairing: each of an item's m answers pairs with weight 1 / (m - 1).
        weights = 1 / (item_sizes.loc[chosen["item_key"]].to_numpy() - 1)
        expected = (weights * (chosen["label_y"] == label)).sum() / weights.sum()
        assert row["specific_agreement"] == pytest.approx(expected)
        binary = answers.assign(label=answers["label"] == label)
        assert row["alpha_one_vs_rest"] == pytest.approx(krippendorff_alpha(binary))
        assert row["n_answers"] == (answers["label"] == label).sum()

    expected_majority = brute_force_majority_agreement(answers)
    actual = report.per_annotator["agreement_with_majority"]
    pd.testing.assert_series_equal(
        actual.loc[expected_majority.index], expected_majority, check_names=False
    )
    pairwise = pairwise_agreement(answers, min_common=2)
    pd.testing.assert_frame_equal(report.pairwise, pairwise)
    mean_kappa = pairwise.mean(axis=1)
    pd.testing.assert_series_equal(
        report.per_annotator["mean_pairwise_kappa"], mean_kappa, check_names=False
    )


def test_report_on_politeness(politeness):
    report = agreement_report(politeness, level="interval")
    overall = report.overall
    assert overall["n_items"] == politeness["item_key"].nunique()
    assert overall["n_annotators"] == politeness["annotator"].nunique()
    assert overall["fleiss_kappa"] == pytest.approx(fleiss_kappa(politeness))
    assert overall["krippendorff_alpha"] == pytest.approx(
        krippendorff_alpha(politeness, level="interval")
    )
    assert report.notes == []
    assert report.per_annotator["n_answers"].sum() == len(politeness)
    assert report.per_label["n_answers"].sum() == len(politeness)
    assert report.per_annotator["agreement_with_majority"].between(0, 1).all()


# ---------------------------------------------------------------- input checks


def test_input_checks_say_what_to_do():
    answers = small_answers()
    with pytest.raises(ValueError, match="lack the column"):
        krippendorff_alpha(answers.drop(columns="annotator"))
    with pytest.raises(ValueError, match="no answers"):
        krippendorff_alpha(answers.iloc[:0])
    twice = pd.concat([answers, answers.iloc[[0]]])
    with pytest.raises(ValueError, match="one answer per annotator and item"):
        fleiss_kappa(twice)


def test_missing_labels_are_dropped_with_a_count():
    answers = small_answers()
    with_gaps = pd.concat(
        [answers, pd.DataFrame({"item_key": ["a", "b"], "annotator": ["w", "z"], "label": None})],
        ignore_index=True,
    )
    with pytest.warns(UserWarning, match="Dropped 2 answer"):
        alpha = krippendorff_alpha(with_gaps)
    assert alpha == krippendorff_alpha(answers)
