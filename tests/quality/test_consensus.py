"""Majority vote and Dawid-Skene on real ratings and on simulated annotators of known skill."""

import numpy as np
import pandas as pd
import pytest

from nb_label.quality import dawid_skene, majority_vote

LABELS = ["ant", "bee", "cat"]


def simulated_answers(
    accuracies: list[float], *, n_items: int = 600, per_item: int = 5, seed: int = 0
) -> tuple[pd.DataFrame, pd.Series]:
    """Answers from annotators who are right with the given chance, else pick a wrong label.

    Returns the long-form answers and the true label of each item.
    """
    rng = np.random.default_rng(seed)
    truth = rng.integers(len(LABELS), size=n_items)
    rows = []
    for item, true_label in enumerate(truth):
        for annotator in rng.choice(len(accuracies), size=per_item, replace=False):
            if rng.random() < accuracies[annotator]:
                answer = true_label
            else:
                answer = (true_label + rng.integers(1, len(LABELS))) % len(LABELS)
            rows.append((f"item{item}", f"ann{annotator}", LABELS[answer]))
    answers = pd.DataFrame(rows, columns=["item_key", "annotator", "label"])
    keys = [f"item{item}" for item in range(n_items)]
    return answers, pd.Series(np.asarray(LABELS)[truth], index=pd.Index(keys, name="item_key"))


# ---------------------------------------------------------------- majority vote


def test_majority_vote_counts_and_flags_ties():
    answers = pd.DataFrame(
        {
            "item_key": [3, 3, 3, 1, 1, 2, 2, 2, 2],
            "annotator": ["a", "b", "c", "a", "b", "a", "b", "c", "d"],
            "label": ["no", "yes", "yes", "yes", "no", "no", "yes", "maybe", "no"],
        }
    )
    votes = majority_vote(answers)
    assert votes.index.tolist() == [3, 1, 2]  # order of first appearance
    assert votes.index.name == "item_key"
    assert votes.loc[3].tolist() == ["yes", pytest.approx(2 / 3), 3, False]
    # A tie goes to the label that sorts first, and is flagged.
    assert votes.loc[1].tolist() == ["no", 0.5, 2, True]
    assert votes.loc[2].tolist() == ["no", 0.5, 4, False]
    shuffled = majority_vote(answers.sample(frac=1, random_state=1))
    pd.testing.assert_frame_equal(shuffled.loc[votes.index], votes)


def test_majority_vote_on_politeness_matches_pandas_mode(politeness):
    votes = majority_vote(politeness)
    # Votes per item and label, labels sorted ascending: idxmax takes the smallest top label.
    tally = politeness.groupby(["item_key", "label"]).size().unstack(fill_value=0)
    tally = tally.sort_index(axis=1).loc[votes.index]
    top = tally.max(axis=1)
    assert len(votes) == politeness["item_key"].nunique()
    assert (votes["label"] == tally.idxmax(axis=1)).all()
    assert (votes["tie"] == (tally.eq(top, axis=0).sum(axis=1) > 1)).all()
    assert votes["tie"].any() and not votes["tie"].all()
    assert (votes["n_answers"] == 5).all()
    np.testing.assert_allclose(votes["confidence"], top / 5)


# ---------------------------------------------------------------- Dawid-Skene


def test_dawid_skene_beats_majority_vote_and_recovers_accuracies():
    # Three careful annotators and five careless ones (just above chance, 1/3).
    accuracies = [0.9, 0.85, 0.8, 0.45, 0.45, 0.4, 0.4, 0.4]
    answers, truth = simulated_answers(accuracies)
    items, annotators = dawid_skene(answers)
    votes = majority_vote(answers)
    assert items.attrs["converged"]

    ds_accuracy = (items["label"] == truth.loc[items.index]).mean()
    vote_accuracy = (votes["label"] == truth.loc[votes.index]).mean()
    assert ds_accuracy > vote_accuracy + 0.03

    # Their real accuracy on these answers, measured against the truth.
    answered = answers.assign(
        right=answers["label"].to_numpy() == truth.loc[answers["item_key"]].to_numpy()
    )
    measured = answered.groupby("annotator")["right"].mean()
    np.testing.assert_allclose(annotators["accuracy"], measured.loc[annotators.index], atol=0.06)
    assert (annotators["n_answers"] == answers.groupby("annotator").size()).all()
    assert {f"recall_{label}" for label in LABELS} <= set(annotators.columns)
    assert items["confidence"].between(1 / len(LABELS), 1).all()


def test_dawid_skene_is_deterministic_and_ignores_row_order():
    answers, _ = simulated_answers([0.9, 0.8, 0.6, 0.5, 0.4], n_items=300, per_item=3, seed=5)
    items, annotators = dawid_skene(answers)
    again_items, again_annotators = dawid_skene(answers)
    pd.testing.assert_frame_equal(items, again_items)
    pd.testing.assert_frame_equal(annotators, again_annotators)
    shuffled_items, shuffled_annotators = dawid_skene(answers.sample(frac=1, random_state=2))
    pd.testing.assert_frame_equal(shuffled_items.loc[items.index], items, check_exact=False)
    pd.testing.assert_frame_equal(shuffled_annotators, annotators, check_exact=False)


def test_dawid_skene_warns_when_it_runs_out_of_iterations():
    answers, _ = simulated_answers([0.8, 0.7, 0.6, 0.5], n_items=200, per_item=3, seed=5)
    with pytest.warns(UserWarning, match="did not converge"):
        items, _ = dawid_skene(answers, max_iter=1)
    assert not items.attrs["converged"]
    with pytest.raises(ValueError, match="max_iter"):
        dawid_skene(answers, max_iter=0)
