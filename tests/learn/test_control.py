"""ActiveLoop(control=): a random share of the suggested items shows no suggestion."""

import io
from contextlib import redirect_stdout

import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import nb_label as nbl
from nb_label._keys import encode_key
from nb_label.learn import ActiveLoop, simulate


@pytest.fixture(scope="module")
def sms():
    return nbl.datasets.sms_spam().iloc[:600]


def text_model():
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))


def trained(lab, sms, control=0.3, n=40):
    loop = ActiveLoop(lab, text_model(), features="text", control=control, random_state=0)
    with redirect_stdout(io.StringIO()):
        simulate(lab, sms["label"], n=n, loop=loop, batch=20)
    return loop


def next_keys(lab, n=50):
    return [lab.data.index[p] for p in lab.upcoming(n)]


def test_control_items_show_no_suggestion_and_the_card_says_withheld(lab, sms):
    trained(lab, sms)
    keys = next_keys(lab)
    items = {k: lab.card_item(lab.data.index.get_loc(k)) for k in keys}
    withheld = [k for k, item in items.items() if item["withheld"]]
    shown = [k for k, item in items.items() if item["suggestion"] is not None]
    assert withheld and shown and not set(withheld) & set(shown)
    assert 0.1 < len(withheld) / len(keys) < 0.5  # about the share asked for
    assert all(items[k]["suggestion"] is None and lab.suggestion(k) is None for k in withheld)


def test_a_withheld_suggestion_is_recorded_with_the_answer_kernel_side(lab, sms):
    loop = trained(lab, sms)
    sent = []
    lab.card.send = lambda content, buffers=None: sent.append(content)
    keys = next_keys(lab)
    control = next(k for k in keys if lab.card_item(lab.data.index.get_loc(k))["withheld"])
    shown = next(k for k in keys if lab.suggestion(k) is not None)
    for i, key in enumerate([control, shown]):
        item = lab.card_item(lab.data.index.get_loc(key))
        lab.card.handle({
            "type": "answer", "id": f"w{i}", "seq": i + 1, "key": encode_key(key),
            "kind": "label", "value": "ham", "note": None, "seconds": 2.0,
            "client_time": "2026-11-27T00:00:00.000Z", "suggestion": item["suggestion"],
            "showing": None,
        })  # fmt: skip
    assert [m["type"] for m in sent if m["type"] in ("ack", "refuse")] == ["ack", "ack"]
    events = lab.store.events(lab.dataset).set_index("client_event_id")
    hidden = loop.model_.predict(lab.data.loc[[control], "text"])[0]
    assert events.loc["w0", "suggestion"] == hidden and events.loc["w0", "suggestion_withheld"]
    assert 0.5 <= events.loc["w0", "suggestion_p"] <= 1
    assert events.loc["w1", "suggestion_withheld"] == False  # noqa: E712 (a pandas boolean)
    annotations = lab.annotations
    assert pd.isna(annotations.loc[control, "suggestion"])  # not the suggestion shown
    assert pd.isna(annotations.loc[control, "followed_suggestion"])
    assert pd.notna(annotations.loc[shown, "followed_suggestion"])


def test_an_item_stays_a_control_item_from_round_to_round(lab, sms):
    loop = trained(lab, sms)

    def status():
        return {k: lab.card_item(lab.data.index.get_loc(k))["withheld"] for k in sms.index}

    before = status()
    shown_before = {k for k in sms.index if lab.suggestion(k) is not None}
    with redirect_stdout(io.StringIO()):
        simulate(lab, sms["label"], n=20)
        loop.retrain()
    after = status()
    open_items = set(lab.unlabelled_keys())
    assert any(before.values()) and any(after.values())
    assert all(after[k] for k in open_items if before[k])  # a control item stays one
    assert not any(after[k] for k in open_items & shown_before)  # and a shown one stays shown


def test_without_control_every_suggestion_is_shown(lab, sms):
    trained(lab, sms, control=0.0, n=60)
    events = lab.store.events(lab.dataset)
    with_suggestion = events[events["suggestion"].notna()]
    assert len(with_suggestion) and not with_suggestion["suggestion_withheld"].any()
    assert not any(lab.card_item(p)["withheld"] for p in lab.upcoming(50))


@pytest.mark.parametrize("control", [-0.1, 1.0, 2])
def test_control_must_be_a_share(lab, control):
    with pytest.raises(ValueError, match="control="):
        ActiveLoop(lab, text_model(), features="text", control=control)


def test_an_annotator_who_always_follows_accepts_every_shown_suggestion(lab, sms):
    loop = ActiveLoop(lab, text_model(), features="text", control=0.3, random_state=0)
    with redirect_stdout(io.StringIO()):
        simulate(lab, sms["label"], n=120, loop=loop, batch=20, follows_suggestion=1.0)
    events = lab.store.events(lab.dataset)
    labels = events[events["kind"] == "label"]
    withheld = labels["suggestion_withheld"].fillna(False).astype(bool)
    shown = labels[labels["suggestion"].notna() & ~withheld]
    control = labels[withheld]
    assert len(shown) > 20 and (shown["value"] == shown["suggestion"]).all()
    truth = [sms.loc[nbl._keys.decode_key(k), "label"] for k in control["item_key"]]
    assert len(control) > 5 and (control["value"] == truth).all()  # no suggestion to follow
    assert (control["value"] != control["suggestion"]).any()


def test_follows_suggestion_is_a_probability(lab, sms):
    with pytest.raises(ValueError, match="follows_suggestion="):
        simulate(lab, sms["label"], n=1, follows_suggestion=1.5)


def test_simulate_without_following_is_unchanged_by_the_new_option(lab, sms, tmp_path):
    simulate(lab, sms["label"], n=30, noise=0.3, seed=2)
    other = nbl.Labeller(sms, show="text", labels=["ham", "spam"], store=str(tmp_path / "o.db"))
    simulate(other, sms["label"], n=30, noise=0.3, seed=2, follows_suggestion=0.0)
    pd.testing.assert_series_equal(lab.annotations["label"], other.annotations["label"])
    other.close()


def test_a_card_answer_given_without_a_suggestion_records_none_shown(lab, sms):
    # The card showed the item before the model existed; the answer arrives after a retrain.
    trained(lab, sms, control=0.0)
    key = next(k for k in next_keys(lab) if lab.suggestion(k) is not None)
    sent = []
    lab.card.send = lambda content, buffers=None: sent.append(content)
    lab.card.handle({
        "type": "answer", "id": "old", "seq": 1, "key": encode_key(key), "kind": "label",
        "value": "ham", "note": None, "seconds": 2.0, "client_time": "2026-11-27T00:00:00.000Z",
        "suggestion": None, "showing": None,
    })  # fmt: skip
    event = lab.store.events(lab.dataset).set_index("client_event_id").loc["old"]
    assert event["suggestion"] is None and pd.isna(event["suggestion_withheld"])
    assert pd.isna(lab.annotations.loc[key, "followed_suggestion"])
