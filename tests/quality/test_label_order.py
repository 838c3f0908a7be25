"""Ordinal and interval alpha follow the scale's order, checked against ``krippendorff``."""

import krippendorff
import numpy as np
import pandas as pd
import pytest

import nb_label as nbl
from nb_label.quality import agreement_report, cohen_kappa, krippendorff_alpha

# Step names whose alphabetical order is not the scale's order.
WORDS = ["rude", "curt", "cold", "flat", "fine", "warm", "kind", "nice", "gracious"]


def reliability_data(long_df: pd.DataFrame) -> np.ndarray:
    """Annotators x items with NaN for no answer, the package's input."""
    wide = long_df.pivot(index="annotator", columns="item_key", values="label")
    return wide.to_numpy(dtype=float)


def package_alpha(long_df: pd.DataFrame, level: str) -> float:
    """The krippendorff package's alpha on numeric labels."""
    return krippendorff.alpha(
        reliability_data=reliability_data(long_df), level_of_measurement=level
    )


def named_ratings(politeness: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The politeness ratings as shuffled words: step k of 1..25 becomes words[k - 1]."""
    rng = np.random.default_rng(3)
    words = [f"{w}{i}" for i, w in enumerate(rng.permutation(WORDS * 3)[:25])]
    assert sorted(words) != words  # alphabetical order would be wrong
    return politeness.assign(label=politeness["label"].map(lambda k: words[k - 1])), words


@pytest.mark.parametrize("level", ["ordinal", "interval"])
def test_numeric_strings_are_taken_as_numbers(politeness, level):
    as_text = politeness.assign(label=politeness["label"].astype(str))
    expected = package_alpha(politeness, level)
    assert krippendorff_alpha(as_text, level=level) == pytest.approx(expected, abs=1e-9)
    report = nbl.agreement(as_text, level=level)
    assert report.overall["krippendorff_alpha"] == pytest.approx(expected, abs=1e-9)


def test_ordered_categorical_with_shuffled_names_uses_its_categories(politeness):
    named, words = named_ratings(politeness)
    named["label"] = pd.Categorical(named["label"], categories=words, ordered=True)
    expected = package_alpha(politeness, "ordinal")
    assert krippendorff_alpha(named, level="ordinal") == pytest.approx(expected, abs=1e-9)
    # The package reads the same order from value_domain on the named data.
    codes = reliability_data(named.assign(label=named["label"].cat.codes))
    assert krippendorff.alpha(
        reliability_data=codes, value_domain=list(range(25)), level_of_measurement="ordinal"
    ) == pytest.approx(expected, abs=1e-9)


def test_ordered_categorical_of_numeric_strings_in_shuffled_category_order(politeness):
    # Categories listed out of order but declared ordered as 1 < 2 < ... < 25 by sorting them.
    steps = [str(k) for k in range(1, 26)]
    shuffled = list(np.random.default_rng(5).permutation(steps))
    labels = politeness["label"].astype(str)
    unordered = pd.Categorical(labels, categories=shuffled)
    ordered = pd.Categorical(labels, categories=steps, ordered=True)
    for column in (unordered, ordered):
        answers = politeness.assign(label=column)
        for level in ("ordinal", "interval"):
            assert krippendorff_alpha(answers, level=level) == pytest.approx(
                package_alpha(politeness, level), abs=1e-9
            )


def test_unused_categories_do_not_change_alpha(politeness):
    steps = list(range(0, 30))  # 0 and 26..29 are never used
    answers = politeness.assign(
        label=pd.Categorical(politeness["label"], categories=steps, ordered=True)
    )
    assert krippendorff_alpha(answers, level="ordinal") == pytest.approx(
        package_alpha(politeness, "ordinal"), abs=1e-9
    )


def test_order_keyword_gives_the_scale(politeness):
    named, words = named_ratings(politeness)
    expected = package_alpha(politeness, "ordinal")
    assert krippendorff_alpha(named, level="ordinal", order=words) == pytest.approx(expected)
    scale = nbl.Rating(words)
    assert krippendorff_alpha(named, level="ordinal", order=scale) == pytest.approx(expected)
    report = nbl.agreement(named, level="ordinal", order=words)
    assert report.overall["krippendorff_alpha"] == pytest.approx(expected)
    with pytest.raises(ValueError, match="not in order=.*'gracious99'"):
        krippendorff_alpha(
            named.assign(label=named["label"].replace(words[0], "gracious99")),
            level="ordinal",
            order=words,
        )


def test_unordered_text_with_ordinal_level_asks_for_the_order(politeness):
    named, _ = named_ratings(politeness)
    for compute in (
        lambda: krippendorff_alpha(named, level="ordinal"),
        lambda: agreement_report(named, level="ordinal"),
        lambda: nbl.agreement(named, level="ordinal"),
    ):
        with pytest.raises(ValueError, match="order=") as error:
            compute()
        assert "ordered=True" in str(error.value)
    # Nominal alpha needs no order.
    assert np.isfinite(krippendorff_alpha(named))


def test_weighted_kappa_follows_the_scale_order():
    y1 = ["1", "2", "10", "3", "2", "10"]
    y2 = ["2", "2", "3", "3", "1", "10"]
    as_numbers = cohen_kappa([int(v) for v in y1], [int(v) for v in y2], weights="linear")
    assert cohen_kappa(y1, y2, weights="linear") == pytest.approx(as_numbers)
    ordered = pd.Categorical(y1, categories=["1", "2", "3", "10"], ordered=True)
    assert cohen_kappa(ordered, y2, weights="linear") == pytest.approx(as_numbers)
