"""The annotator-quality model adaptive overlap asks: gold and overlapping answers only."""

import numpy as np
import pandas as pd
import pytest

from nb_label.quality import dawid_skene
from nb_label.quality.answer_model import fit_answer_model


def answers(rows):
    return pd.DataFrame(rows, columns=["item_key", "annotator", "label"])


def test_single_answers_say_nothing_about_their_annotator():
    solo = answers([(i, "ana", "a" if i % 2 else "b") for i in range(100)])
    model = fit_answer_model(solo)
    assert model.confusion == {}  # no evidence: ana keeps the prior quality
    assert model.confidence({"ana": "a"}) == pytest.approx(0.7, abs=0.05)


def test_gold_tells_a_reliable_annotator_from_an_unreliable_one():
    gold = {i: "a" if i % 2 else "b" for i in range(20)}
    rows = [(i, "good", g) for i, g in gold.items()]
    rows += [(i, "bad", "b" if g == "a" else "a") for i, g in gold.items()]
    rows += [(100, "good", "a"), (101, "bad", "a")]  # single answers on other items
    model = fit_answer_model(answers(rows), gold=gold)
    assert model.confidence({"good": "a"}) > 0.9
    bad = model.posterior({"bad": "a"})
    assert bad[model.labels.get_loc("b")] > 0.75  # "bad" says a when the truth is b
    assert model.confidence({"new": "a"}) == pytest.approx(0.7, abs=0.05)
    assert model.confidence({"good": "zebra"}) == 0.0  # a label the model never saw


def test_on_overlapping_answers_it_agrees_with_dawid_skene():
    rng = np.random.default_rng(4)
    truth = rng.integers(3, size=300)
    accuracy = {"a1": 0.9, "a2": 0.8, "a3": 0.6, "a4": 0.5}
    rows = []
    for item, label in enumerate(truth):
        for who in rng.choice(list(accuracy), size=3, replace=False):
            right = rng.random() < accuracy[who]
            rows.append((item, who, int(label if right else (label + rng.integers(1, 3)) % 3)))
    long = answers(rows)
    model = fit_answer_model(long, prior_strength=0.03)
    items, _ = dawid_skene(long)
    by_item = long.groupby("item_key")
    ours = [
        model.labels[
            np.argmax(model.posterior(dict(zip(g["annotator"], g["label"], strict=True))))
        ]
        for _, g in by_item
    ]
    assert np.mean(np.asarray(ours) == items.loc[list(by_item.groups), "label"]) > 0.97
    assert np.mean(np.asarray(ours) == truth[list(by_item.groups)]) > 0.8
