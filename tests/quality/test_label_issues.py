"""Confident learning on real SMS messages with labels flipped on purpose."""

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

import nb_label as nbl
from nb_label.quality import find_label_issues

FLIP_RATE = 0.08


def text_model():
    return make_pipeline(
        TfidfVectorizer(sublinear_tf=True), LogisticRegression(C=10, max_iter=1000)
    )


@pytest.fixture(scope="module")
def sms():
    return nbl.datasets.sms_spam().sample(2500, random_state=1)


def flipped(labels: pd.Series, rate: float, seed: int) -> tuple[pd.Series, pd.Index]:
    rng = np.random.default_rng(seed)
    flip = rng.random(len(labels)) < rate
    noisy = labels.copy()
    noisy[flip] = np.where(labels[flip] == "ham", "spam", "ham")
    return noisy, labels.index[flip]


def test_recovers_most_flipped_labels(sms):
    noisy, truly_flipped = flipped(sms["label"], FLIP_RATE, seed=0)
    model = text_model()
    issues = find_label_issues((sms["text"], noisy), model)
    found = set(issues.index)
    hits = len(found & set(truly_flipped))
    precision = hits / len(found)
    recall = hits / len(truly_flipped)
    # Flagging items at random would be right at the flip rate and find, on average, the
    # share of items it flags.
    chance_precision = len(truly_flipped) / len(sms)
    chance_recall = len(found) / len(sms)
    assert precision > 6 * chance_precision
    assert recall > 5 * chance_recall
    assert precision > 0.6 and recall > 0.6
    # The given and suggested labels are those of the data, worst first.
    assert set(issues["given_label"]) <= {"ham", "spam"}
    assert (issues["given_label"] != issues["suggested_label"]).all()
    assert issues["self_confidence"].is_monotonic_increasing
    assert (
        issues.loc[list(found & set(truly_flipped)), "given_label"]
        == noisy[list(found & set(truly_flipped))]
    ).all()
    assert set(issues.attrs["thresholds"]) == {"ham", "spam"}
    assert issues.attrs["n_items"] == len(sms)
    assert not hasattr(model[-1], "coef_")  # the model given is cloned, never fitted


def test_clean_labels_give_few_issues(sms):
    issues = find_label_issues((sms["text"], sms["label"]), text_model())
    noisy, _ = flipped(sms["label"], FLIP_RATE, seed=0)
    with_noise = find_label_issues((sms["text"], noisy), text_model())
    assert len(issues) < 0.01 * len(sms)
    assert len(issues) < len(with_noise) / 10


def test_a_labeller_is_a_source(sms, tmp_path):
    part = sms.iloc[:800]
    noisy, truly_flipped = flipped(part["label"], 0.1, seed=3)
    lab = nbl.Labeller(
        part, show="text", labels=["ham", "spam"], store=str(tmp_path / "l.db"), annotator="ana"
    )
    lab.import_labels(noisy, annotator="ana")
    issues = find_label_issues(lab, text_model())
    assert issues.index.isin(part.index).all()
    hits = issues.index.isin(truly_flipped).sum()
    assert hits / len(issues) > 5 * len(truly_flipped) / len(part)
    # Features by name or by function give the same result.
    by_name = find_label_issues(lab, text_model(), features="text")
    by_function = find_label_issues(lab, text_model(), features=lambda rows: rows["text"])
    pd.testing.assert_frame_equal(issues, by_name)
    pd.testing.assert_frame_equal(issues, by_function)
    # A store with the consensus labels and features by item key: the same labels here.
    from_store = find_label_issues(
        lab.store, text_model(), dataset=lab.dataset, features=part["text"]
    )
    pd.testing.assert_frame_equal(from_store, issues)
    lab.close()


def test_a_fixed_threshold_flags_more_when_lower(sms):
    noisy, _ = flipped(sms["label"], FLIP_RATE, seed=0)
    strict = find_label_issues((sms["text"], noisy), text_model(), threshold=0.9)
    loose = find_label_issues((sms["text"], noisy), text_model(), threshold=0.5)
    assert set(strict.index) <= set(loose.index)
    assert (strict["confidence"] >= 0.9).all()
    assert strict.attrs["thresholds"] == {"ham": 0.9, "spam": 0.9}


def test_clear_errors():
    X = pd.Series([f"text {i}" for i in range(12)])
    with pytest.raises(ValueError, match="at least 2 classes"):
        find_label_issues((X, ["ham"] * 12), text_model())
    labels = ["ham"] * 9 + ["spam"] * 3
    with pytest.raises(ValueError, match=r"at least cv=5 items.*'spam': 3"):
        find_label_issues((X, labels), text_model())
    with pytest.raises(ValueError, match="predict_proba"):
        find_label_issues((X, labels), make_pipeline(TfidfVectorizer(), LinearSVC()), cv=3)
    with pytest.raises(ValueError, match="cv must be"):
        find_label_issues((X, labels), text_model(), cv=1)
    with pytest.raises(ValueError, match="threshold"):
        find_label_issues((X, labels), text_model(), threshold=1.5)
    with pytest.raises(ValueError, match="rows"):
        find_label_issues((X, labels[:5]), text_model())
    with pytest.raises(ValueError, match="features="):
        find_label_issues(pd.DataFrame({"item_key": [1], "annotator": ["a"], "label": ["x"]}),
                          text_model())  # fmt: skip
