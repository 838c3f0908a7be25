"""Review: disputed items with every answer and note side by side, and stored decisions."""

import ipywidgets as w
import numpy as np
import pandas as pd
import pytest

import nb_label as nbl
from nb_label.quality import agreement, consensus, long_labels
from nb_label.review import disputed_items
from nb_label.store import open_store

TEXTS = ["win a prize now", "see you at 6", "<b>call</b> 0900 now", "lunch?", "free entry"]
SCRIPT = "<script>alert('x')</script>"


def class_store(target):
    """Three annotators label five messages; they disagree on items 0, 2 and 4."""
    df = pd.DataFrame({"text": TEXTS})
    labellers = {
        who: nbl.Labeller(df, show="text", labels=["ham", "spam"], store=target, annotator=who)
        for who in ("ana", "bob", "cem", "teacher")
    }
    answers = {
        "ana": [("spam", "prize scam"), ("ham", None), ("spam", SCRIPT), ("ham", None)],
        "bob": [("ham", "a real competition"), ("ham", None), ("ham", "just bold text"), None],
        "cem": [("spam", None), ("ham", None), ("spam", None), ("ham", None), ("spam", "promo")],
    }
    answers["ana"].append(("ham", "newsletter I signed up for"))
    answers["bob"].append(("ham", None))
    for who, rows in answers.items():
        lab = labellers[who]
        for key, answer in enumerate(rows):
            if answer is not None:
                lab.label(answer[0], note=answer[1], item_key=key)
    for who in ("ana", "bob", "cem"):
        labellers[who].close()
    return labellers["teacher"]


def test_disputed_items_are_listed_most_disputed_first(tmp_path):
    teacher = class_store(str(tmp_path / "r.db"))
    review = nbl.Review(teacher)
    items = review.items
    assert items.index.tolist() == [0, 2, 4]  # 2-1 splits; 1 and 3 are unanimous
    assert items.loc[0, "labels"] == "2×spam, 1×ham"
    assert items.loc[4, "majority_label"] == "ham"
    assert items["majority_share"].tolist() == pytest.approx([2 / 3] * 3)
    assert items["decision"].isna().all()
    answers = review.answers(2)
    assert answers["annotator"].tolist() == ["bob", "ana", "cem"]  # by label, then name
    assert answers["label"].tolist() == ["ham", "spam", "spam"]
    assert answers.loc[1, "note"] == SCRIPT
    review.select(2)
    # Content and notes are text: the script and the markup show literally.
    assert "<b>call</b> 0900 now" in review.details.value
    assert SCRIPT in review.details.value
    assert "just bold text" in review.details.value
    assert "nbl-review" in review._dom_classes
    assert not any(isinstance(widget, (w.HTML, w.HTMLMath)) for widget in walk(review))
    teacher.close()


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def test_decisions_are_events_and_win_in_consensus(store_target):
    teacher = class_store(store_target)
    try:
        review = nbl.Review(teacher)
        assert review.reviewer == "teacher"
        event_id = review.decide(0, "spam", note="a prize from a stranger is spam")
        event = teacher.store.events(teacher.dataset, kinds=["decision"]).iloc[-1]
        assert event["id"] == event_id
        assert event["item_key"] == "0" and event["value"] == "spam"
        assert event["annotator"] == "teacher" and event["source"] == "review"
        assert event["note"] == "a prize from a stranger is spam"
        assert event["labelset_version"] == teacher.labelset_version
        assert review.items.loc[0, "decision"] == "spam"
        assert "Decision: spam by teacher" in review.details_text(0)
        votes = consensus(teacher)
        assert votes.loc[0].tolist() == ["spam", 1.0, 3, False, "review"]
        assert votes.loc[2, "method"] == "majority" and votes.loc[2, "confidence"] < 1
        # A later decision wins; the reviewer's decisions are not answers in agreement.
        review.decide(0, "ham", note="on second thought, the sender is known")
        assert consensus(teacher).loc[0, "label"] == "ham"
        assert "teacher" not in set(long_labels(teacher)["annotator"])
        assert agreement(teacher, min_common=1).overall["n_annotators"] == 3
        ds = consensus(teacher, method="dawid_skene")
        assert ds.loc[0, "label"] == "ham" and ds.loc[0, "method"] == "review"
        assert set(ds.drop(index=0)["method"]) == {"dawid_skene"}
        assert ds.attrs["annotators"].index.tolist() == ["ana", "bob", "cem"]
        # A store with a dataset name reads the same decisions.
        store = open_store(store_target)
        try:
            from_store = nbl.Review(store, dataset=teacher.dataset, reviewer="head")
            assert from_store.decisions.loc[0, "label"] == "ham"
            from_store.decide(4, "spam", note="promo")
            assert consensus(store, dataset=teacher.dataset).loc[4, "label"] == "spam"
            assert (
                store.events(teacher.dataset, kinds=["decision"])["annotator"].iloc[-1] == "head"
            )
        finally:
            store.close()
    finally:
        teacher.close()


def test_the_buttons_decide_like_the_method(tmp_path):
    teacher = class_store(str(tmp_path / "b.db"))
    review = nbl.Review(teacher)
    review.select(4)
    review.choose("spam")
    review.reason.value = "an offer"
    review.decide_button.click()
    assert review.status.value.startswith("Decided")
    assert review.decisions.loc[4, ["label", "note"]].tolist() == ["spam", "an offer"]
    assert review.selected == 4  # the list stays on the decided item
    assert review.choice.options[review.choice.value][0].startswith("✓ ")
    assert review.reason.value == ""
    # Nothing chosen: the status says so, nothing is stored.
    review.decide_button.click()
    assert review.status.value == "Select an item and a label first."
    assert len(review.decisions) == 1
    review.refresh_button.click()
    assert review.items.loc[4, "decision"] == "spam"
    teacher.close()


def test_unknown_labels_and_items_are_refused(tmp_path):
    teacher = class_store(str(tmp_path / "u.db"))
    review = nbl.Review(teacher)
    with pytest.raises(ValueError, match="not in the label set"):
        review.decide(0, "eggs")
    with pytest.raises(KeyError):
        review.decide(99, "spam")
    with pytest.raises(ValueError, match="note= must be text"):
        review.decide(0, "spam", note=3)
    store_review = nbl.Review(teacher.store, dataset=teacher.dataset, reviewer="head")
    with pytest.raises(ValueError, match="not a known label"):
        store_review.decide(0, "eggs")
    with pytest.raises(KeyError, match="no answers"):
        store_review.decide(99, "spam")
    with pytest.raises(ValueError, match="pass dataset="):
        nbl.Review(teacher.store)
    assert teacher.store.events(teacher.dataset, kinds=["decision"]).empty
    teacher.close()


def test_long_answers_are_read_only():
    long = nbl.datasets.politeness(long=True)
    review = nbl.Review(long)
    assert review.read_only and review.decide_button.disabled
    assert len(review.items) == (long.groupby("item_key")["label"].nunique() > 1).sum()
    top = review.items.iloc[0]
    assert top["n_labels"] == 5 and top["entropy"] == pytest.approx(np.log2(5))
    # Among items whose five ratings all differ, the widest spread comes first.
    five = review.items[review.items["n_labels"] == 5]
    assert five["spread"].is_monotonic_decreasing
    with pytest.raises(ValueError, match="pass a Labeller or a Store"):
        review.decide(review.items.index[0], 3)
    review.choose(3)
    review.decide_selected()
    assert (
        review.status.value.startswith("Not decided") and "pass a Labeller" in review.status.value
    )


def test_disputed_items_of_nothing_and_of_unanimity():
    empty = disputed_items(pd.DataFrame(columns=["item_key", "annotator", "label"]))
    assert empty.empty
    same = pd.DataFrame({"item_key": [1, 1], "annotator": ["a", "b"], "label": ["x", "x"]})
    assert disputed_items(same).empty
    review = nbl.Review(same)
    assert review.selected is None
    assert review.details.value.startswith("No disputed items")


def test_missing_notes_are_none(tmp_path):
    teacher = class_store(str(tmp_path / "n.db"))
    answers = nbl.Review(teacher).answers(0)
    assert answers.set_index("annotator")["note"].to_dict() == {
        "ana": "prize scam",
        "bob": "a real competition",
        "cem": None,
    }
    teacher.close()


def test_deciding_an_item_nobody_disputed_is_stored_once_and_says_so(tmp_path):
    teacher = class_store(str(tmp_path / "u.db"))
    review = nbl.Review(teacher)
    event_id = review.decide(1, "ham", note="unanimous, confirmed")  # item 1 is not disputed
    decisions = teacher.store.events(teacher.dataset, kinds=["decision"])
    assert decisions["id"].tolist() == [event_id]
    assert "not among the disputed items" in review.status.value
    teacher.close()
