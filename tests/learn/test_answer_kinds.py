"""ActiveLoop with multi-label answers (one-vs-rest) and ratings (steps as classes)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import nb_label as nbl
from nb_label.learn import ActiveLoop


def text_model():
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))


@pytest.fixture(scope="module")
def topics():
    words = {"sport": "goal match team", "money": "bank price pay", "food": "lunch pizza eat"}
    rng = np.random.default_rng(0)
    rows, truth = [], []
    for i in range(120):
        chosen = [n for n in words if rng.random() < 0.45] or ["food"]
        rows.append(f"item {i} " + " ".join(words[n] for n in chosen))
        truth.append(chosen)
    return pd.DataFrame({"text": rows}), truth


def test_multilabel_trains_one_vs_rest_and_suggests_labels_above_half(topics, tmp_path):
    df, truth = topics
    lab = nbl.Labeller(
        df, show="text", answer=nbl.MultiLabel(["sport", "money", "food"]),
        store=str(tmp_path / "m.db"), annotator="sim",
    )  # fmt: skip
    loop = ActiveLoop(lab, text_model(), features="text", random_state=0, audit=0)
    for i in range(40):
        lab.label(truth[i], item_key=i)
    row = loop.retrain()
    assert row["n_labels"] == 40 and 0.5 < row["cv_macro_f1"] <= 1
    assert set(row["recall"]) == {"sport", "money", "food"}
    assert type(loop.model_).__name__ == "OneVsRestClassifier"
    key = lab.current
    suggestion = lab.suggestion(key)
    assert suggestion is not None and isinstance(suggestion["label"], list)
    assert set(suggestion["label"]) <= {"sport", "money", "food"} and 0 < suggestion["p"] <= 1
    assert sorted(suggestion["label"]) == sorted(truth[key])  # an easy, separable task
    item = lab.card_item(lab.data.index.get_loc(key))
    assert item["suggestion"]["value"] == suggestion["label"]
    lab.close()


def test_multilabel_with_too_few_examples_says_so(topics, tmp_path):
    df, _ = topics
    lab = nbl.Labeller(df, show="text", answer=nbl.MultiLabel(["a", "b"]),
                       store=str(tmp_path / "f.db"))  # fmt: skip
    lab.label(["a"])
    row = ActiveLoop(lab, text_model(), features="text").retrain()
    assert "not enough labels" in row["message"] and "with and 2 without" in row["message"]
    lab.close()


def test_ratings_are_classes_even_with_steps_nobody_chose(tmp_path):
    df = pd.DataFrame(
        {
            "text": [
                ("thank you kindly" if i % 2 else "do it now idiot") + f" {i}" for i in range(60)
            ]
        }
    )
    lab = nbl.Labeller(
        df, show="text", answer=nbl.Rating(range(1, 6)), store=str(tmp_path / "r.db")
    )
    loop = ActiveLoop(lab, text_model(), features="text", random_state=0, audit=0)
    for i in range(20):
        lab.label(5 if i % 2 else 1, item_key=i)
    row = loop.retrain()
    assert row["cv_macro_f1"] > 0.9  # steps 2..4 are unused: not classes, not a blocker
    assert lab.suggestion(21)["label"] == 5 and lab.suggestion(22)["label"] == 1
    lab.close()


@pytest.mark.parametrize("kind", [nbl.Number(min=0, max=10), nbl.Caption()])
def test_numbers_and_captions_are_refused_clearly(kind, tmp_path):
    df = pd.DataFrame({"text": ["a", "b"]})
    lab = nbl.Labeller(df, show="text", answer=kind, store=str(tmp_path / "n.db"))
    with pytest.raises(ValueError, match="ActiveLoop needs class answers"):
        ActiveLoop(lab, text_model(), features="text")
    lab.close()
