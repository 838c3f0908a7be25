"""The strategy clusters on what the model sees: a text column reaches it as vectors."""

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import nb_label as nbl
from nb_label.learn import ActiveLoop, simulate
from nb_label.learn import strategies as S


@pytest.fixture(scope="module")
def sms():
    return nbl.datasets.sms_spam().iloc[:600]


def text_model():
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))


def _label_some(lab, sms, n=40):
    spam = sms.index[sms["label"] == "spam"][: n // 4]
    ham = sms.index[sms["label"] == "ham"][: n - len(spam)]
    for key in [*spam, *ham]:
        lab.submit("label", sms.loc[key, "label"], item_key=key, source="simulated")


def test_a_text_column_reaches_the_strategy_as_the_pipelines_vectors(lab, sms):
    seen = []

    def spy(proba, features, *, batch_size, rng):
        seen.append(features)
        return S.margin_sampling(proba, features, batch_size=batch_size, rng=rng)

    _label_some(lab, sms)
    loop = ActiveLoop(lab, text_model(), features="text", strategy=spy, audit=0, random_state=0)
    loop.retrain()
    (features,) = seen
    assert features is not None
    n_pool = len(lab.unlabelled_keys())
    vocabulary = len(loop.model_[0].vocabulary_)
    assert features.shape == (n_pool, vocabulary)  # TF-IDF rows, as the classifier saw them


def test_the_default_strategy_clusters_a_text_column_instead_of_plain_margin(lab, sms):
    _label_some(lab, sms)
    loop = ActiveLoop(lab, text_model(), features="text", audit=0, random_state=0)
    pool = lab.unlabelled_keys()
    loop.retrain()
    proba = loop.model_.predict_proba(sms.loc[pool, "text"])
    plain = [pool[i] for i in S.margin_sampling(proba, None, batch_size=10, rng=None)]
    simulate(lab, sms["label"], n=10)
    labelled = lab.annotations.dropna(subset=["label"]).index
    first_ten = [k for k in labelled if k in set(pool)]
    assert len(first_ten) == 10
    assert set(first_ten) != set(plain)


def test_embed_gives_the_strategy_its_own_representation(lab, sms):
    seen = []

    def spy(proba, features, *, batch_size, rng):
        seen.append(features)
        return S.margin_sampling(proba, features, batch_size=batch_size, rng=rng)

    def lengths(texts):
        return np.column_stack([texts.str.len(), texts.str.count(" ")])

    _label_some(lab, sms)
    loop = ActiveLoop(
        lab, text_model(), features="text", strategy=spy, embed=lengths, audit=0, random_state=0
    )
    loop.retrain()
    pool = lab.unlabelled_keys()
    np.testing.assert_array_equal(seen[0], lengths(sms.loc[pool, "text"]))


def test_a_first_model_as_soon_as_one_label_of_each_of_two_classes(lab, sms):
    ham = sms.index[sms["label"] == "ham"][0]
    spam = sms.index[sms["label"] == "spam"][0]
    lab.submit("label", "ham", item_key=ham, source="simulated")
    lab.submit("label", "spam", item_key=spam, source="simulated")
    loop = ActiveLoop(lab, text_model(), features="text", audit=0, random_state=0)
    row = loop.retrain()
    assert row["message"] == "" and set(loop.model_.classes_) == {"ham", "spam"}


def test_retrain_before_any_label_orders_the_first_items_by_diversity(tmp_path):
    # Sorted by label, the data's own order would give 50 hams first and no model.
    sms = nbl.datasets.sms_spam().iloc[:800].sort_values("label", kind="stable")
    lab = nbl.Labeller(
        sms, show="text", labels=["ham", "spam"], store=str(tmp_path / "c.db"), annotator="sim"
    )
    loop = ActiveLoop(lab, text_model(), features="text", audit=0, random_state=0)
    loop.retrain()
    simulate(lab, sms["label"], n=20, loop=loop)
    first = lab.annotations.dropna(subset=["label"])
    assert set(first["label"]) == {"ham", "spam"}
    assert loop.history["message"].eq("").any()  # a model came within 20 labels
    lab.close()


def test_numbers_in_a_frame_reach_the_strategy_and_text_columns_do_not_crash_it(tmp_path):
    frame = pd.DataFrame(
        {"x": np.r_[np.zeros(30), np.ones(30)] + np.random.default_rng(0).normal(size=60) * 0.1}
    )
    frame["y"] = np.where(frame["x"] > 0.5, "b", "a")
    lab = nbl.Labeller(frame, show="x", labels=["a", "b"], store=str(tmp_path / "n.db"))
    seen = []

    def spy(proba, features, *, batch_size, rng):
        seen.append(features)
        return S.margin_sampling(proba, features, batch_size=batch_size, rng=rng)

    loop = ActiveLoop(lab, LogisticRegression(), features=["x"], strategy=spy, audit=0)
    simulate(lab, frame["y"], n=20, loop=loop)
    assert seen and all(np.asarray(f).shape[1] == 1 for f in seen)
    lab.close()


def test_a_strategy_that_asks_gets_the_labelled_items_as_the_model_sees_them(lab, sms):
    seen = []

    def spy(proba, features, *, batch_size, rng, labelled=None):
        seen.append((features, labelled))
        return S.margin_sampling(proba, features, batch_size=batch_size, rng=rng)

    _label_some(lab, sms)
    loop = ActiveLoop(lab, text_model(), features="text", strategy=spy, audit=0, random_state=0)
    loop.retrain()
    features, labelled = seen[0]
    assert labelled.shape == (40, features.shape[1])


def test_multi_label_answers_give_the_strategy_the_pool_and_the_labelled_items(tmp_path):
    gen = np.random.default_rng(0)
    frame = pd.DataFrame(gen.normal(size=(80, 3)), columns=["a", "b", "c"])
    truth = [[name for name in ("a", "b") if frame.loc[i, name] > 0] or ["c"] for i in frame.index]
    lab = nbl.Labeller(
        frame, show="a", answer=nbl.MultiLabel(["a", "b", "c"]),
        store=str(tmp_path / "m.db"), annotator="sim",
    )  # fmt: skip
    seen = []

    def spy(proba, features, *, batch_size, rng, labelled=None):
        seen.append((features, labelled))
        return S.margin_sampling(proba, features, batch_size=batch_size, rng=rng)

    loop = ActiveLoop(lab, LogisticRegression(), features=["a", "b", "c"], strategy=spy, audit=0)
    for i in range(30):
        lab.label(truth[i], item_key=i)
    loop.retrain()
    features, labelled = seen[0]
    assert features.shape == (50, 3) and labelled.shape == (30, 3)
    lab.close()
