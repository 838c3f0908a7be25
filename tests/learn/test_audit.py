"""The audit sample fills in proportion to the labels, survives reorders and scores the loop."""

import io
from contextlib import redirect_stdout

import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import nb_label as nbl
from nb_label._keys import decode_key
from nb_label.learn import ActiveLoop, simulate


@pytest.fixture(scope="module")
def sms():
    return nbl.datasets.sms_spam()


def text_model():
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))


def answered_in_order(lab):
    """Item keys in the order they were answered (the store's event order)."""
    events = lab.store.events(lab.dataset)
    return [decode_key(k) for k in events.loc[events["kind"] == "label", "item_key"]]


def readme_run(lab, sms, seed, n=100):
    loop = ActiveLoop(lab, text_model(), features="text", random_state=seed)
    with redirect_stdout(io.StringIO()):
        history = simulate(lab, sms["label"], n=n, loop=loop)
    return loop, history


@pytest.mark.parametrize("seed", [0, 1])
def test_the_readme_run_has_an_audit_item_in_every_20_answers(lab, sms, seed):
    loop, history = readme_run(lab, sms, seed)
    audit = set(loop.audit_keys)
    answered = answered_in_order(lab)
    assert len(answered) == 100
    # The loop's first round comes after 10 answers; from there no 20 answers go by without one.
    flags = [key in audit for key in answered]
    first = flags.index(True)
    assert first <= 20
    positions = [k for k, f in enumerate(flags) if f]
    gaps = [b - a for a, b in zip(positions, positions[1:], strict=False)]
    assert max(gaps) <= 20 and len(positions) >= 100 // 20
    assert list(history["audit_size"]) == [
        sum(flags[:n]) for n in history["n_labels"]
    ]  # and every labelled audit item is scored


@pytest.mark.parametrize("seed", [0, 1, 4])
def test_audit_macro_f1_from_the_first_round_with_two_classes_in_the_audit(lab, sms, seed):
    loop, history = readme_run(lab, sms, seed)
    audit = set(loop.audit_keys)
    answered = answered_in_order(lab)
    for _, row in history.iterrows():
        classes = {sms.loc[k, "label"] for k in answered[: row["n_labels"]] if k in audit}
        assert pd.notna(row["audit_macro_f1"]) == (len(classes) >= 2), row
        assert pd.notna(row["audit_accuracy"]) == bool(classes)
    if seed == 1:  # this seed's audit holds a spam by 30 answers: the README run shows it
        assert history["audit_macro_f1"].notna().any()


def test_audit_items_come_before_any_model_and_are_never_trained_on(lab, sms):
    loop = ActiveLoop(lab, text_model(), features="text", random_state=0)
    row = loop.retrain()  # no labels yet: no model, but the first answer is an audit item
    assert "not enough labels" in row["message"]
    assert lab.current in loop.audit_keys
    simulate(lab, sms["label"], n=1)
    with redirect_stdout(io.StringIO()):
        simulate(lab, sms["label"], n=60, loop=loop, batch=20)
    row = loop.history.iloc[-1]
    assert row["audit_size"] >= 3 and row["n_train"] == row["n_labels"] - row["audit_size"]


def test_a_reorder_puts_pending_audit_items_back(lab, sms):
    loop = ActiveLoop(lab, text_model(), features="text", random_state=0, audit=0.2)
    with redirect_stdout(io.StringIO()):
        simulate(lab, sms["label"], n=40, loop=loop, batch=20)
        drawn = set(loop.audit_keys)
        loop.retrain()
        loop.retrain()  # two reorders without answers between them: no new draws
    assert set(loop.audit_keys) == drawn
    # The drawn items that are not answered yet come back as one in five of the next answers.
    upcoming = [lab.data.index[p] for p in lab.upcoming(50)]
    flags = [k in drawn for k in upcoming]
    assert flags[0]  # the 41st answer is the 9th audit item
    assert [sum(flags[i : i + 5]) for i in range(0, 50, 5)] == [1] * 10
