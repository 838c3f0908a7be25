"""suggestion_effect compares control answers with answers given beside a shown suggestion."""

import io
from contextlib import redirect_stdout

import pandas as pd
import pytest

import nb_label as nbl
from nb_label.quality import suggestion_effect


def answer(n, value, *, suggestion=None, withheld=None, seconds=None, annotator="ana"):
    return {
        "dataset": "d", "item_key": f"{n}", "annotator": annotator, "kind": "label",
        "value": value, "suggestion": suggestion, "suggestion_p": None if suggestion is None
        else 0.8, "suggestion_withheld": withheld, "seconds": seconds,
    }  # fmt: skip


@pytest.fixture
def store(tmp_path):
    with nbl.open_store(tmp_path / "e.db") as opened:
        yield opened


def fill(store, events):
    for event in events:
        store.append(event)


def test_counts_shares_and_wilson_intervals_on_known_answers(store):
    truth = pd.Series({n: "ham" for n in range(100)})
    events = [answer(n, "ham") for n in range(5)]  # before any model: in neither group
    # 10 control answers, 8 right; the model (always "spam") is right on none of them
    events += [answer(n, "ham" if n < 13 else "spam", suggestion="spam", withheld=True,
                      seconds=4.0 + n % 2) for n in range(5, 15)]  # fmt: skip
    # 20 shown: 12 follow the wrong suggestion
    events += [answer(n, "spam" if n < 27 else "ham", suggestion="spam", withheld=False,
                      seconds=2.0 + n % 2) for n in range(15, 35)]  # fmt: skip
    events.append(answer(99, "ham", suggestion="spam", withheld=True))  # the last control one
    fill(store, events)
    effect = suggestion_effect(store, truth, dataset="d", min_answers=5)
    table = effect.table
    assert table.loc["agreement with reference", ["n_suggested", "n_control"]].tolist() == [20, 11]
    right = table.loc["agreement with reference"]
    assert right["control"] == pytest.approx(9 / 11) and right["suggested"] == pytest.approx(
        8 / 20
    )
    # Wilson's interval for 8 of 20 at 95%
    assert (right["suggested_low"], right["suggested_high"]) == pytest.approx(
        (0.2188, 0.6134), abs=1e-4
    )
    assert right["difference"] == pytest.approx(8 / 20 - 9 / 11)
    assert right["difference_low"] < right["difference"] < right["difference_high"] < 0
    model = table.loc["agreement with model"]
    assert model["suggested"] == pytest.approx(12 / 20) and model["control"] == pytest.approx(
        2 / 11
    )
    seconds = table.loc["seconds per answer"]
    assert seconds["suggested"] == pytest.approx(2.5) and seconds["control"] == pytest.approx(4.5)
    assert seconds["n_control"] == 10 and seconds["difference_high"] < 0
    assert effect.enough_data and "pull answers towards the model" in effect.summary
    assert "20 answers with the suggestion shown, 11 control answers" in effect.summary


def test_shown_answers_outside_the_rounds_with_control_items_are_left_out(store):
    truth = pd.Series({n: "ham" for n in range(60)})
    early = [answer(n, "spam", suggestion="spam", withheld=False) for n in range(10)]
    during = [answer(10, "ham", suggestion="spam", withheld=True)]
    during += [answer(n, "ham", suggestion="ham", withheld=False) for n in range(11, 20)]
    during += [answer(20, "ham", suggestion="spam", withheld=True)]
    fill(store, early + during)
    table = suggestion_effect(store, truth, dataset="d", min_answers=1).table
    assert table.loc["agreement with reference", "n_suggested"] == 9  # not the early 10
    assert table.loc["agreement with reference", "suggested"] == 1.0


def test_too_little_data_is_said_plainly(store):
    fill(store, [answer(1, "ham", suggestion="ham", withheld=True)]
         + [answer(n, "ham", suggestion="ham", withheld=False) for n in range(2, 6)]
         + [answer(6, "ham", suggestion="ham", withheld=True)])  # fmt: skip
    effect = suggestion_effect(store, pd.Series({n: "ham" for n in range(7)}), dataset="d")
    assert not effect.enough_data
    assert effect.summary.startswith("Too little data: 4 answers with the suggestion shown, 2 ")
    assert "at least 30 of each" in effect.summary and "Too little data" in repr(effect)


def test_without_control_items_it_says_to_use_control(store):
    fill(store, [answer(n, "ham", suggestion="ham", withheld=False) for n in range(40)])
    effect = suggestion_effect(store, dataset="d")
    assert "no control answers" in effect.summary and "control=0.1" in effect.summary
    assert effect.table["n_control"].eq(0).all()


def test_the_reference_by_default_is_gold_then_review_decisions_then_the_others(store):
    events = [answer(1, "ham", suggestion="spam", withheld=True),
              answer(2, "spam", suggestion="spam", withheld=False),
              answer(3, "ham", suggestion="spam", withheld=True),
              answer(1, "spam", annotator="bo"), answer(2, "ham", annotator="bo"),
              answer(3, "ham", annotator="bo")]  # fmt: skip
    fill(store, events)
    others = suggestion_effect(store, dataset="d", min_answers=1)
    assert others.reference == "the majority of the other annotators of the item"
    row = others.table.loc["agreement with reference"]
    assert (row["control"], row["suggested"]) == (0.5, 0.0)
    fill(store, [{"dataset": "d", "item_key": "1", "annotator": "teacher", "kind": "gold",
                  "value": "ham"}])  # fmt: skip
    gold = suggestion_effect(store, dataset="d", min_answers=1)
    assert gold.reference == "gold items and review decisions"
    row = gold.table.loc["agreement with reference"]
    assert row["n_control"] == 1 and row["control"] == 1.0 and row["n_suggested"] == 0  # item 1
    fill(store, [{"dataset": "d", "item_key": "2", "annotator": "rev", "kind": "decision",
                  "value": "spam"}])  # fmt: skip
    review = suggestion_effect(store, "review", dataset="d", min_answers=1)
    assert review.reference == "review decisions"
    assert review.table.loc["agreement with reference", "suggested"] == 1.0


def test_bad_arguments_say_what_to_pass(store):
    with pytest.raises(ValueError, match="reference= is a Series"):
        suggestion_effect(store, "truth", dataset="d")
    with pytest.raises(ValueError, match="from a store"):
        suggestion_effect(pd.DataFrame({"item_key": [1], "annotator": ["a"], "label": ["x"]}))
    with pytest.raises(ValueError, match="confidence"):
        suggestion_effect(store, dataset="d", confidence=95)


@pytest.mark.extra("learn")
def test_a_simulated_annotator_who_follows_suggestions_shows_automation_bias(tmp_path):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    df = nbl.datasets.sms_spam().sample(n=2000, random_state=0)
    lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=str(tmp_path / "s.db"))
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
    loop = nbl.ActiveLoop(lab, model, features="text", control=0.3, random_state=0)
    with redirect_stdout(io.StringIO()):
        nbl.simulate(lab, df["label"], n=300, loop=loop, batch=20, follows_suggestion=0.6, seed=0)
    effect = suggestion_effect(lab, df["label"])
    model_row = effect.table.loc["agreement with model"]
    right_row = effect.table.loc["agreement with reference"]
    assert effect.enough_data
    assert model_row["difference_low"] > 0 and right_row["difference_high"] < 0
    assert right_row["control"] == 1.0  # the annotator is never wrong without a suggestion
    events = lab.store.events(lab.dataset)
    withheld = events["suggestion_withheld"].fillna(False).astype(bool)
    assert right_row["n_control"] == (withheld & (events["kind"] == "label")).sum()
    lab.close()
