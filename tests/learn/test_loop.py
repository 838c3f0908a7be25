import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

import nb_label as nbl
from nb_label.learn import ActiveLoop, simulate


@pytest.fixture(scope="module")
def sms():
    return nbl.datasets.sms_spam().iloc[:600]


def text_model():
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))


def test_too_few_labels_is_decided_by_counting(lab):
    loop = ActiveLoop(lab, text_model(), features="text", random_state=0)
    lab.label("ham")
    row = loop.retrain()
    assert "not enough labels" in row["message"]
    assert "not enough labels" in lab.message
    assert not hasattr(loop, "model_")


def test_retrain_reorders_suggests_and_records_history(lab, sms):
    loop = ActiveLoop(lab, text_model(), features="text", random_state=0, audit=0.1)
    simulate(lab, sms["label"], n=60, seed=0)
    model = text_model()
    row = ActiveLoop(lab, model, features="text", random_state=0).retrain()
    assert not hasattr(model, "classes_")  # the user's model is cloned, never fitted
    row = loop.retrain()
    assert row["n_labels"] == 60 and 0 < row["cv_macro_f1"] <= 1
    assert set(loop.model_.classes_) == {"ham", "spam"}
    suggestion = lab.suggestion()
    assert suggestion["label"] in ("ham", "spam") and 0.5 <= suggestion["p"] <= 1
    assert len(loop.history) == 1
    # the event records the suggestion that was shown
    key = lab.current
    lab.label("spam")
    followed = lab.annotations.loc[key, "followed_suggestion"]
    assert bool(followed) == (suggestion["label"] == "spam")
    last = lab.store.events(lab.dataset).iloc[-1]
    assert last["suggestion"] == suggestion["label"] and last["suggestion_p"] == pytest.approx(
        suggestion["p"]
    )


def test_audit_items_are_never_trained_on(lab, sms):
    loop = ActiveLoop(lab, text_model(), features="text", random_state=1, audit=0.2)
    simulate(lab, sms["label"], n=40, seed=0)
    loop.retrain()
    audit = loop.audit_keys
    assert audit
    simulate(lab, sms["label"], n=60, seed=0)
    row = loop.retrain()
    labelled_audit = [k for k in audit if pd.notna(lab.annotations.loc[k, "label"])]
    assert row["audit_size"] == len(labelled_audit)
    assert row["n_train"] == row["n_labels"] - row["audit_size"]


def test_decision_function_only_models_work(lab, sms):
    loop = ActiveLoop(lab, make_pipeline(TfidfVectorizer(), LinearSVC()), features="text")
    simulate(lab, sms["label"], n=40, seed=0)
    loop.retrain()
    assert 0 <= lab.suggestion()["p"] <= 1


def test_models_without_probabilities_are_refused(lab):
    class NoProba:
        def fit(self, X, y):
            return self

    with pytest.raises(ValueError, match="predict_proba or decision_function"):
        ActiveLoop(lab, NoProba(), features="text")


def test_model_errors_are_shown_and_labelling_goes_on(lab, sms):
    class Broken(LogisticRegression):
        def fit(self, X, y):
            raise RuntimeError("boom")

    loop = ActiveLoop(lab, make_pipeline(TfidfVectorizer(), Broken()), features="text")
    simulate(lab, sms["label"], n=20, seed=0)
    with pytest.raises(RuntimeError, match="boom"):
        loop.retrain()
    assert "boom" in lab.message
    lab.label("ham")  # labelling still works


def test_unpicklable_model_refused_in_background_only(lab):
    model = make_pipeline(TfidfVectorizer(preprocessor=lambda s: s.lower()), LogisticRegression())
    with pytest.raises(ValueError, match="must pickle"):
        ActiveLoop(lab, model, features="text", retrain_every=10)
    ActiveLoop(lab, model, features="text")  # cell mode is fine


def test_background_retrain_in_a_worker_process(lab, sms):
    loop = ActiveLoop(lab, text_model(), features="text", retrain_every=20, random_state=0)
    try:
        simulate(lab, sms["label"], n=20, seed=0)
        for _ in range(3):
            lab.label(sms["label"].loc[lab.current])
        loop.wait(timeout=60)
        assert len(loop.history) == 1 and loop.history["n_labels"].iloc[0] >= 20
        assert lab.suggestion() is not None
    finally:
        loop.close()


def test_simulate_needs_an_aligned_oracle(lab):
    with pytest.raises(ValueError, match="not aligned"):
        simulate(lab, pd.Series(["ham"], index=[10_000]), n=5)


def test_simulate_returns_history_and_noise_changes_answers(lab, sms):
    loop = ActiveLoop(lab, text_model(), features="text", random_state=0)
    history = simulate(lab, sms["label"], n=40, loop=loop, batch=20, noise=0.5, seed=3)
    assert list(history["round"]) == [1, 2]
    ann = lab.annotations.dropna(subset=["label"])
    assert (ann["label"] != sms.loc[ann.index, "label"]).sum() > 0


def test_plot_returns_axes(lab, sms):
    loop = ActiveLoop(lab, text_model(), features="text", random_state=0)
    simulate(lab, sms["label"], n=40, loop=loop, batch=20, seed=0)
    ax = loop.plot()
    assert ax.get_xlabel() == "labels"
    assert np.isfinite(loop.history["cv_macro_f1"]).all()


def test_missing_feature_values_are_explained(tmp_path):
    df = pd.DataFrame({"text": ["free cash", None, "see you", "win now", "lunch?", None] * 3})
    truth = pd.Series(["spam", "ham", "ham", "spam", "ham", "spam"] * 3)
    lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=str(tmp_path / "n.db"))
    simulate(lab, truth, n=18)
    loop = ActiveLoop(lab, text_model(), features="text")
    with pytest.raises(ValueError, match="missing feature values"):
        loop.retrain()
    assert "fillna" in lab.message


def test_a_class_that_first_appears_later(tmp_path, sms):
    lab = nbl.Labeller(
        sms, show="text", labels=["ham", "spam", "other"], store=str(tmp_path / "c.db")
    )
    loop = ActiveLoop(lab, text_model(), features="text", random_state=0)
    simulate(lab, sms["label"], n=40, loop=loop, batch=20, seed=0)
    for _ in range(2):
        lab.label("other")
    row = loop.retrain()
    assert set(loop.model_.classes_) == {"ham", "spam", "other"}
    assert row["n_labels"] == 42


def test_a_features_function_is_never_called_with_no_rows(lab, sms):
    calls = []

    def features(rows):
        calls.append(len(rows))
        if not len(rows):
            raise ValueError("need at least one array to stack")  # what np.stack says
        return np.stack([np.array([len(t), t.count("!")], dtype=float) for t in rows["text"]])

    simulate(lab, sms["label"], n=40, seed=0)
    loop = ActiveLoop(lab, LogisticRegression(), features=features, audit=0, random_state=0)
    row = loop.retrain()
    assert "error" not in row["message"].lower() and 0 <= row["cv_macro_f1"] <= 1
    assert 0 not in calls


def test_the_card_carries_the_audit_flag_of_audit_items(lab, sms):
    loop = ActiveLoop(lab, text_model(), features="text", random_state=1, audit=0.2)
    simulate(lab, sms["label"], n=40, seed=0)
    loop.retrain()
    audit = set(loop.audit_keys)
    items = [lab.card_item(p) for p in lab.upcoming(30)]
    flagged = {lab.data.index[lab.data.index.get_loc(int(i["key"]))] for i in items if i["audit"]}
    shown = {int(i["key"]) for i in items}
    assert flagged == audit & shown and flagged  # carried for real, for exactly those items


def test_the_card_carries_the_audit_flag_of_exactly_the_audit_sample(lab, sms):
    loop = ActiveLoop(lab, text_model(), features="text", random_state=1, audit=0.2)
    simulate(lab, sms["label"], n=40, seed=0)
    loop.retrain()
    audit = set(loop.audit_keys)
    assert audit
    flagged = {key for position, key in enumerate(sms.index) if lab.card_item(position)["audit"]}
    assert flagged == audit
