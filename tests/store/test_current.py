"""Current and gold labels read in SQL, as adaptive overlap reads them mid-transaction."""

import json

import pandas as pd

import nb_label as nbl


def test_stored_labels_follow_undo_and_later_gold(tmp_path):
    df = pd.DataFrame({"text": ["a", "b", "c"]})
    store = str(tmp_path / "s.db")
    ana = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=store, annotator="ana")
    ben = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=store, annotator="ben")
    try:
        ana.label("ham", item_key=0)
        ana.label("spam", item_key=1)
        ana.undo()  # item 1 has no answer by ana any more
        ana.label("ham", item_key=1)
        ana.undo()
        ben.label("spam", item_key=0)
        ana.label("spam", item_key=0)  # a change of mind replaces the earlier label
        ana.mark_gold({2: "ham"})
        ana.mark_gold({2: "spam"})
        labels, gold = ana.store.stored_labels(ana.dataset)
        decoded = {
            json.loads(key): {who: json.loads(v) for who, v in answers.items()}
            for key, answers in labels.items()
        }
        assert decoded == {0: {"ana": "spam", "ben": "spam"}}
        assert {json.loads(k): json.loads(v) for k, v in gold.items()} == {2: "spam"}
        expected = nbl.quality.long_labels(ana).set_index(["item_key", "annotator"])["label"]
        assert expected.to_dict() == {(0, "ana"): "spam", (0, "ben"): "spam"}
    finally:
        ana.close()
        ben.close()
