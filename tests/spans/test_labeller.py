"""SpanLabeller on a real SQLite file: saving, editing, undo, reopening, label-set changes."""

import json

import pandas as pd
import pytest

import nb_label as nbl
from nb_label.spans import dictionary_suggester, sample_texts, text_sha256, to_bio, to_spacy

LABELS = ["PER", "LOC", "ORG"]


@pytest.fixture
def df():
    return sample_texts()[["text"]]


@pytest.fixture
def make(df, tmp_path):
    made = []

    def make(**kwargs):
        options = {"show": "text", "labels": LABELS, "annotator": "ana"}
        options.update(kwargs)
        lab = nbl.SpanLabeller(df, store=str(tmp_path / "spans.db"), **options)
        made.append(lab)
        return lab

    yield make
    for lab in made:
        lab.close()


def span_events(path):
    with nbl.open_store(path) as store:
        events = store.events()
    return events[events["kind"].isin(["label", "retract"])].reset_index(drop=True)


def test_spans_are_label_events_with_offsets_and_fingerprint(make, df, tmp_path):
    lab = make()
    assert lab.current == "news-1"
    lab.add_span(0, 13, "PER")
    lab.add_span(24, 30, "LOC")
    assert lab.current == "news-1"  # editing spans keeps the text on screen
    lab.label([(0, 13, "PER"), (24, 30, "LOC"), (34, 41, "LOC")])
    assert lab.current == "news-2"
    events = span_events(tmp_path / "spans.db")
    assert events["kind"].tolist() == ["label"] * 3
    last = events["value"].iloc[-1]
    assert last == {
        "spans": [[0, 13, "PER"], [24, 30, "LOC"], [34, 41, "LOC"]],
        "text_sha256": text_sha256(df.loc["news-1", "text"]),
    }
    frame = lab.annotations
    assert frame.loc["news-1", "spans"] == [(0, 13, "PER"), (24, 30, "LOC"), (34, 41, "LOC")]
    assert frame.loc["news-1", "state"] == "labelled"
    assert frame.loc["news-2", "state"] == "unlabelled" and frame.loc["news-2", "spans"] is None
    assert lab.progress["labelled"] == 1


def test_emoji_combining_and_rtl_texts_store_code_point_offsets(make, df, tmp_path):
    lab = make()
    for key, name in [("news-4", "Rene\u0301e Lefe\u0300vre"), ("news-5", "Kwame Mensah"),
                      ("news-6", "ليلى حداد")]:  # fmt: skip
        text = df.loc[key, "text"]
        start = text.index(name)
        lab.add_span(start, start + len(name), "PER", item_key=key)
        (span,) = lab.spans_of(key)
        assert text[span[0] : span[1]] == name
    values = span_events(tmp_path / "spans.db")["value"].tolist()
    assert [v["spans"][0][:2] for v in values] == [[0, 15], [2, 14], [5, 14]]


def test_bad_spans_are_refused_and_nothing_saved_is_lost(make, tmp_path):
    lab = make()
    lab.add_span(0, 13, "PER")
    for args, message in [
        ((0, 200, "PER"), "outside the text"),
        ((5, 5, "PER"), "empty"),
        ((14, 18, "DATE"), "not in the label set"),
        ((7, 13, "PER"), "overlaps"),
    ]:
        with pytest.raises(ValueError, match=message):
            lab.add_span(*args)
    assert lab.spans_of() == [(0, 13, "PER")]
    assert len(span_events(tmp_path / "spans.db")) == 1


def test_overlapping_spans_when_the_labeller_allows_them(make):
    lab = make(overlapping=True)
    lab.add_span(64, 77, "PER", item_key="news-3")
    lab.add_span(37, 56, "ORG", item_key="news-3")
    lab.add_span(37, 44, "LOC", item_key="news-3")  # "the Harbour" inside the club's name
    assert lab.spans_of("news-3") == [(37, 44, "LOC"), (37, 56, "ORG"), (64, 77, "PER")]


def test_remove_relabel_and_undo_walk_back_through_edits(make, tmp_path):
    lab = make()
    lab.add_span(0, 13, "PER")
    lab.add_span(78, 90, "LOC")
    lab.relabel_span(78, 90, "ORG")
    assert lab.spans_of() == [(0, 13, "PER"), (78, 90, "ORG")]
    lab.remove_span(0, 13)
    assert lab.spans_of() == [(78, 90, "ORG")]
    with pytest.raises(ValueError, match="no saved span"):
        lab.remove_span(0, 13)
    assert lab.undo() == "news-1"
    assert lab.spans_of() == [(0, 13, "PER"), (78, 90, "ORG")]
    lab.undo()
    lab.undo()
    lab.undo()
    assert lab.spans_of() == []
    assert lab.annotations.loc["news-1", "state"] == "unlabelled"
    events = span_events(tmp_path / "spans.db")
    assert events["kind"].value_counts().to_dict() == {"label": 4, "retract": 4}


def test_reopening_the_store_restores_spans_and_the_queue(make, df, tmp_path):
    lab = make()
    lab.label([(0, 13, "PER")])
    lab.skip()
    lab.label([])  # news-3 names nothing (wrongly, but it is the person's answer)
    lab.close()
    again = make()
    assert again.current == "news-4"
    assert again.spans_of("news-1") == [(0, 13, "PER")]
    assert again.spans_of("news-3") == []
    assert again.progress == {"total": 8, "labelled": 2, "flagged": 0, "none_fits": 0,
                              "skipped": 1}  # fmt: skip
    assert again.card_item(0)["saved"] == {"spans": [[0, 13, "PER"]], "note": None}


def test_a_changed_text_is_stale_and_an_answer_for_the_old_text_is_refused(make, df, tmp_path):
    lab = make(dataset="news")
    lab.add_span(0, 13, "PER")
    old = lab.card_item(0)
    lab.close()
    changed = df.copy()
    changed.loc["news-1", "text"] = "Dr " + changed.loc["news-1", "text"]
    # An edited cell is the same dataset (items are index labels): its saved spans are stale.
    lab = nbl.SpanLabeller(changed, show="text", labels=LABELS, store=str(tmp_path / "spans.db"),
                           annotator="ana", dataset="news")  # fmt: skip
    with pytest.raises(ValueError, match="changed since these spans were made"):
        lab.check_value(0, {"spans": [[0, 13, "PER"]], "text_sha256": old["sha"]})
    item = lab.card_item(0)
    assert item["stale"] and item["saved"] is None
    assert bool(lab.annotations.loc["news-1", "stale"])
    assert len(span_events(tmp_path / "spans.db")) == 1


def test_renames_map_span_labels_and_splits_requeue_texts(make):
    lab = make()
    lab.label([(0, 13, "PER"), (24, 30, "LOC")])
    lab.schema.rename("PER", "PERSON")
    frame = lab.annotations
    assert frame.loc["news-1", "spans"] == [(0, 13, "PERSON"), (24, 30, "LOC")]
    assert frame.loc["news-1", "original_spans"] == [(0, 13, "PER"), (24, 30, "LOC")]
    lab.add_span(34, 41, "LOC", item_key="news-1")  # an edit saves the new name
    assert lab.spans_of("news-1")[0] == (0, 13, "PERSON")
    lab.schema.split("LOC", into=["CITY", "COUNTRY"])
    assert lab.annotations.loc["news-1", "state"] == "unlabelled"
    assert "news-1" in lab.unlabelled_keys()


def test_suggestions_are_shown_and_accepted_with_enter(make, tmp_path):
    lab = make(suggest=dictionary_suggester({"Lisbon": "LOC", "Nairobi": "LOC"}))
    assert lab.suggestion() == [(24, 30, "LOC"), (34, 41, "LOC")]
    assert lab.card_item(0)["suggestions"] == [[24, 30, "LOC"], [34, 41, "LOC"]]
    lab.add_span(0, 13, "PER")
    lab.accept_suggestions()
    assert lab.spans_of("news-1") == [(0, 13, "PER"), (24, 30, "LOC"), (34, 41, "LOC")]
    frame = lab.annotations
    assert frame.loc["news-1", "suggested_spans"] == [(24, 30, "LOC"), (34, 41, "LOC")]
    assert lab.card_item(0)["suggestions"] == []  # saved spans are shown instead


def test_a_failing_suggester_is_reported_not_raised(make):
    def broken(text):
        raise RuntimeError("model not loaded")

    lab = make(suggest=broken)
    assert lab.suggestion() == []
    assert "model not loaded" in lab.message


def test_exports_from_the_labeller(make, tmp_path):
    lab = make()
    truth = sample_texts()["entities"]
    for key in ["news-1", "news-5", "news-6"]:
        lab.label(truth[key], item_key=key)
    tuples = to_spacy(lab)
    assert [t[1]["entities"] for t in tuples] == [truth[k] for k in ["news-1", "news-5", "news-6"]]
    bio = to_bio(lab)
    assert set(bio["item_key"]) == {"news-1", "news-5", "news-6"}
    csv = pd.read_csv(lab.export(tmp_path / "spans.csv"), index_col="item_key")
    assert json.loads(csv.loc["news-6", "spans"]) == [list(s) for s in truth["news-6"]]
    lines = pd.read_json(lab.export(tmp_path / "spans.jsonl"), lines=True)
    assert lines.set_index("item_key").loc["news-1", "spans"][0] == [0, 13, "PER"]
    X, y = lab.training_data()
    assert list(X.index) == list(y.index) == ["news-1", "news-5", "news-6"]


def test_show_must_name_one_text_column(df, tmp_path):
    with pytest.raises(ValueError, match="one text column"):
        nbl.SpanLabeller(df, show=["text"], labels=LABELS, store=str(tmp_path / "x.db"))


def test_a_class_labeller_on_the_same_column_is_another_dataset(df, tmp_path):
    store = str(tmp_path / "both.db")
    with (
        nbl.Labeller(df, show="text", labels=["ok", "bad"], store=store) as plain,
        nbl.SpanLabeller(df, show="text", labels=LABELS, store=store) as spans,
    ):
        assert spans.dataset == plain.dataset + "/spans"


def test_a_team_shares_the_texts_with_overlap(make):
    ana = make(overlap=1)
    ben = make(overlap=1, annotator="ben")
    marked = {"ana": [], "ben": []}
    while not (ana.done and ben.done):
        for lab in (ana, ben):
            if not lab.done:
                marked[lab.annotator].append(lab.current)
                lab.label([])  # "this text names nothing" is an answer too
    assert marked["ana"] and marked["ben"]
    assert not set(marked["ana"]) & set(marked["ben"])  # overlap=1: one person per text
    assert sorted(marked["ana"] + marked["ben"]) == sorted(ana.data.index)
    assert ana.card.options["heartbeat_seconds"] == 30  # the widget keeps its leases alive
