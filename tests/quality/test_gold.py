"""Gold items: reading the known labels from gold events, and accuracy on them."""

import uuid

import numpy as np
import pandas as pd
import pytest

import nb_label as nbl
from nb_label._keys import encode_key
from nb_label.quality import agreement, gold_accuracy, gold_labels, long_labels
from nb_label.store import open_store

TEXTS = [f"message {i}" for i in range(8)]


def gold_event(lab, item_key, value, *, who="teacher"):
    """A gold event as Labeller.mark_gold writes it (the event contract)."""
    return lab.store.append(
        {
            "client_event_id": uuid.uuid4().hex,
            "dataset": lab.dataset,
            "item_key": encode_key(item_key),
            "annotator": who,
            "kind": "gold",
            "value": value,
            "source": "gold",
        }
    )


def retract(lab, event_id, item_key, *, who="teacher"):
    return lab.store.append(
        {
            "dataset": lab.dataset,
            "item_key": encode_key(item_key),
            "annotator": who,
            "kind": "retract",
            "source": "human",
            "retracts": int(event_id),
        }
    )


def class_of_three(target):
    """Ana, Bob and Cem label 8 messages; the teacher's labeller holds the store."""
    df = pd.DataFrame({"text": TEXTS})
    lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=target, annotator="teacher")
    answers = {
        "ana": ["ham", "spam", "ham", "spam", "ham", "ham", "spam", "ham"],
        "bob": ["ham", "ham", "ham", "spam", "spam", "ham", "spam", "ham"],
        "cem": ["spam", "spam", None, "spam", "ham", "ham", None, None],
    }
    for who, labels in answers.items():
        lab.import_labels(pd.Series(labels, index=df.index).dropna(), annotator=who)
    return lab


def test_gold_accuracy_counts_each_annotators_hits(store_target):
    lab = class_of_three(store_target)
    try:
        gold_event(lab, 0, "ham")
        gold_event(lab, 1, "spam")
        gold_event(lab, 4, "ham")
        gold_event(lab, 6, "spam")
        gold = gold_labels(lab)
        assert gold.to_dict() == {0: "ham", 1: "spam", 4: "ham", 6: "spam"}
        assert gold.index.name == "item_key"
        table = gold_accuracy(lab)
        assert table.index.tolist() == ["ana", "bob", "cem"]
        assert table.loc["ana"].tolist() == [4, 4, 1.0]
        assert table.loc["bob"].tolist() == [4, 2, 0.5]  # wrong on 1 and 4
        assert table.loc["cem"].tolist() == [3, 2, pytest.approx(2 / 3)]  # no answer on 6
        # Gold events are nobody's answer: agreement never sees the teacher.
        assert "teacher" not in set(long_labels(lab)["annotator"])
        assert agreement(lab, min_common=1).overall["n_annotators"] == 3
        # The same through a store and dataset name.
        store = open_store(store_target)
        try:
            same = gold_accuracy(store, dataset=lab.dataset)
            pd.testing.assert_frame_equal(same, table)
        finally:
            store.close()
    finally:
        lab.close()


def test_later_gold_replaces_and_retraction_cancels(tmp_path):
    lab = class_of_three(str(tmp_path / "g.db"))
    first = gold_event(lab, 2, "spam")
    assert gold_labels(lab).to_dict() == {2: "spam"}
    second = gold_event(lab, 2, "ham")
    assert gold_labels(lab).to_dict() == {2: "ham"}
    # Retracting the correction brings the earlier gold label back, as undo does for answers.
    retract(lab, second, 2)
    assert gold_labels(lab).to_dict() == {2: "spam"}
    retract(lab, first, 2)
    assert gold_labels(lab).empty
    empty = gold_accuracy(lab)
    assert empty["n_gold"].tolist() == [0, 0, 0] and empty["accuracy"].isna().all()
    lab.close()


def test_long_answers_need_gold_and_match_a_pandas_computation():
    long = nbl.datasets.politeness(long=True)
    with pytest.raises(ValueError, match="pass gold="):
        gold_accuracy(long)
    with pytest.raises(ValueError, match="Labeller or a Store"):
        gold_labels(long)
    # Known labels for the items where at least 4 of 5 raters gave the same score.
    tally = long.groupby(["item_key", "label"]).size()
    top = tally[tally >= 4].reset_index()
    gold = pd.Series(top["label"].to_numpy(), index=top["item_key"])
    table = gold_accuracy(long, gold=gold)
    merged = long.merge(gold.rename("gold"), left_on="item_key", right_index=True)
    expected = (
        (merged["label"] == merged["gold"]).groupby(merged["annotator"]).agg(["size", "sum"])
    )
    assert table["n_gold"].sum() == len(merged) > 0
    on_gold = table[table["n_gold"] > 0]
    assert on_gold["n_gold"].to_dict() == expected["size"].to_dict()
    assert on_gold["correct"].to_dict() == expected["sum"].to_dict()
    np.testing.assert_allclose(on_gold["accuracy"], on_gold["correct"] / on_gold["n_gold"])
    # Every answer on a gold item agrees with at least 3 others, so most are right.
    assert 0.75 < table["correct"].sum() / table["n_gold"].sum() < 1.0
    assert len(table) == long["annotator"].nunique()


def test_gold_labels_of_a_store_need_a_dataset(tmp_path):
    lab = class_of_three(str(tmp_path / "d.db"))
    with pytest.raises(ValueError, match="pass dataset="):
        gold_labels(lab.store)
    with pytest.raises(ValueError, match="Series"):
        gold_accuracy(lab, gold={0: "ham"})
    with pytest.raises(ValueError, match="repeated"):
        gold_accuracy(lab, gold=pd.Series(["ham", "spam"], index=[0, 0]))
    lab.close()


def test_int_labels_do_not_match_bools(tmp_path):
    answers = pd.DataFrame(
        {"item_key": [1, 2, 1, 2], "annotator": ["a", "a", "b", "b"], "label": [1, 0, True, 0]}
    )
    table = gold_accuracy(answers, gold=pd.Series({1: 1, 2: 0}))
    assert table["correct"].tolist() == [2, 1]
