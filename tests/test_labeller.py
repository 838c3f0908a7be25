import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

import nb_label as nbl


@pytest.fixture
def df():
    return pd.DataFrame(
        {"text": ["win cash now", "see you at 6", "free prize", "ok", None], "n": range(5)},
        index=[10, 11, 12, 13, 14],
    )


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "labels.db")


def make(df, db, **kw):
    kw.setdefault("annotator", "ana")
    return nbl.Labeller(df, show="text", labels=["ham", "spam"], store=db, **kw)


def test_label_saves_and_moves_on(df, db):
    lab = make(df, db)
    assert lab.current == 10
    lab.label("spam", note="asks me to call a premium number")
    assert lab.current == 11
    ann = lab.annotations
    assert ann.index.equals(df.index)
    assert ann.loc[10, "label"] == "spam"
    assert ann.loc[10, "note"] == "asks me to call a premium number"
    assert ann.loc[10, "annotator"] == "ana"
    assert ann.loc[10, "state"] == "labelled"
    assert pd.isna(ann.loc[11, "label"]) and ann.loc[11, "state"] == "unlabelled"
    events = nbl.open_store(db).events(lab.dataset)
    assert (events["kind"] == "label").sum() == 1


def test_values_keep_their_type(df, db):
    lab = nbl.Labeller(df, show="text", labels=[0, 1], store=db, annotator="ana")
    lab.label(1)
    assert lab.annotations.loc[10, "label"] == 1
    assert isinstance(lab.annotations.loc[10, "label"], (int, np.integer))
    with pytest.raises(ValueError, match="not in the label set"):
        lab.label("1")


def test_skip_comes_back_after_unlabelled(df, db):
    lab = make(df, db)
    lab.skip()
    assert lab.current == 11
    for _ in range(4):
        lab.label("ham")
    assert lab.current == 10
    assert lab.annotations.loc[10, "state"] == "skipped"


def test_flag_keeps_label_and_waits_for_review(df, db):
    lab = make(df, db)
    lab.label("spam")
    lab.goto(10)
    lab.flag(note="not sure")
    ann = lab.annotations
    assert ann.loc[10, "label"] == "spam" and bool(ann.loc[10, "flagged"])
    assert ann.loc[10, "state"] == "flagged"
    assert lab.review("unsure") == 1
    assert lab.current == 10
    lab.label("ham")
    assert not lab.annotations.loc[10, "flagged"]


def test_undo_appends_a_retraction_and_goes_back(df, db):
    lab = make(df, db)
    lab.label("spam")
    lab.label("ham")
    assert lab.undo() == 11
    assert lab.current == 11
    assert pd.isna(lab.annotations.loc[11, "label"])
    events = lab.store.events(lab.dataset)
    retract = events[events["kind"] == "retract"].iloc[0]
    labelled = events[(events["kind"] == "label") & (events["item_key"] == "11")].iloc[0]
    assert retract["retracts"] == labelled["id"]
    assert len(events[events["kind"] == "label"]) == 2  # nothing deleted


def test_back_shows_previous_item(df, db):
    lab = make(df, db)
    lab.label("spam")
    assert lab.back() == 10
    assert lab.current == 10


def test_where_restricts_items(df, db):
    lab = make(df, db, where=df["n"] >= 3)
    assert lab.current == 13
    assert len(lab) == 2
    with pytest.raises(KeyError, match="outside"):
        lab.goto(10)


def test_missing_text_is_labellable(df, db):
    lab = make(df, db)
    lab.goto(14)
    assert lab.card_item(4)["blocks"][0]["kind"] == "missing"
    lab.label("ham")
    assert lab.annotations.loc[14, "label"] == "ham"


def test_reopen_resumes_at_next_unlabelled(df, db):
    lab = make(df, db)
    lab.label("spam")
    lab.skip()
    lab.close()
    again = make(df, db)
    assert again.current == 12
    assert again.annotations.loc[10, "label"] == "spam"
    other = make(df, db, annotator="bob")
    assert other.current == 10  # the current label is per annotator


def test_label_set_on_reopen(df, db):
    make(df, db).close()
    grown = nbl.Labeller(df, show="text", labels=["ham", "spam", "promo"], store=db)
    assert grown.labelset_version == 2
    with pytest.raises(ValueError, match="leaves out"):
        nbl.Labeller(df, show="text", labels=["ham"], store=db)


def test_duplicate_label_names_refused(df, db):
    with pytest.raises(ValueError, match="same name"):
        nbl.Labeller(df, show="text", labels=["spam", "Spam"], store=db)


def test_an_edited_cell_continues_the_dataset_and_marks_the_answer(df, db):
    lab = make(df, db)
    lab.label("spam", item_key=11)
    lab.close()
    changed = df.copy()
    changed.loc[11, "text"] = "edited"
    again = make(changed, db)
    assert again.dataset == lab.dataset  # the same index: the same dataset, labels kept
    assert again.annotations.loc[11, "label"] == "spam"
    assert bool(again.annotations.loc[11, "content_changed"])  # given on another text
    assert not again.annotations.loc[[12, 13], "content_changed"].fillna(False).any()


def test_html_stays_data(df, db):
    hostile = pd.DataFrame({"text": ["<img src=x onerror=alert(1)>", "<script>x=1</script>"]})
    lab = nbl.Labeller(hostile, show="text", labels=["<b>bold</b>", "ok"], store=db)
    assert lab.card_item(0)["blocks"] == [{"kind": "text", "text": "<img src=x onerror=alert(1)>"}]
    lab.label("<b>bold</b>", note="<iframe src=javascript:alert(1)>")
    assert lab.annotations.loc[0, "note"] == "<iframe src=javascript:alert(1)>"


def test_import_and_item_history(df, db):
    lab = make(df, db)
    imported = lab.import_labels(pd.Series({10: "spam", 11: "ham", 12: None}), annotator="crowd")
    assert imported == 2
    history = lab.item_history(10)
    assert history["annotator"].tolist() == ["crowd"]
    assert history["source"].tolist() == ["import"]
    with pytest.raises(ValueError, match="not in the DataFrame's index"):
        lab.import_labels(pd.Series({99: "spam"}), annotator="crowd")
    with pytest.raises(ValueError, match="not in the label set"):
        lab.import_labels(pd.Series({10: "eggs"}), annotator="crowd")


@pytest.mark.parametrize(
    "suffix", [".csv", pytest.param(".parquet", marks=pytest.mark.extra("parquet")), ".jsonl"]
)
def test_export(df, db, tmp_path, suffix):
    lab = make(df, db)
    lab.label("spam", note="premium number")
    path = lab.export(tmp_path / f"out{suffix}")
    back = {
        ".csv": pd.read_csv,
        ".parquet": pd.read_parquet,
        ".jsonl": lambda p: pd.read_json(p, lines=True),
    }[suffix](path)
    row = back[back["item_key"] == 10].iloc[0]
    assert row["label"] == "spam" and row["note"] == "premium number"
    with pytest.raises(ValueError, match="csv, .parquet or .jsonl"):
        lab.export(tmp_path / "out.xlsx")


def test_none_fits_keeps_item_aside(df, db):
    lab = make(df, db)
    lab.none_fits("a reminder sent by a service", proposed="service notice")
    assert lab.current == 11
    assert lab.annotations.loc[10, "state"] == "none_fits"
    with pytest.raises(ValueError, match="reason"):
        lab.none_fits("  ")


def test_empty_annotator_refused(df, db):
    with pytest.raises(ValueError, match="annotator"):
        make(df, db, annotator="  ")


def test_context_manager_closes(df, db):
    with make(df, db) as lab:
        lab.label("ham")
    assert nbl.open_store(db).events(lab.dataset)["kind"].tolist().count("label") == 1


def test_duplicate_client_event_id_is_stored_once(df, db):
    lab = make(df, db)
    first = lab.submit("label", "spam", item_key=10, client_event_id="abc")
    again = lab.submit("label", "spam", item_key=10, client_event_id="abc")
    assert first == again
    assert (lab.store.events(lab.dataset)["client_event_id"] == "abc").sum() == 1


def test_sigkill_after_n_labels_loses_nothing(tmp_path):
    db = tmp_path / "kill.db"
    script = textwrap.dedent(
        f"""
        import os, sys, pandas as pd, nb_label as nbl
        df = pd.DataFrame({{"text": [f"t{{i}}" for i in range(100)]}})
        lab = nbl.Labeller(df, show="text", labels=["a", "b"], store={str(db)!r}, annotator="k")
        for i in range(37):
            lab.label("a" if i % 2 else "b")
        print("done", flush=True)
        sys.stdin.read()
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "done"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    df = pd.DataFrame({"text": [f"t{i}" for i in range(100)]})
    lab = nbl.Labeller(df, show="text", labels=["a", "b"], store=str(db), annotator="k")
    assert lab.annotations["label"].notna().sum() == 37
    assert lab.current == 37


def test_the_same_flow_on_postgres_and_sqlite(df, store_target):
    lab = nbl.Labeller(
        df, show="text", labels=["ham", "spam"], store=store_target, annotator="ana"
    )
    lab.label("spam", note="premium")
    lab.skip()
    lab.undo()
    lab.close()
    again = nbl.Labeller(
        df, show="text", labels=["ham", "spam"], store=store_target, annotator="ana"
    )
    assert again.current == 11
    assert again.annotations.loc[10, "label"] == "spam"
    assert again.annotations.loc[10, "note"] == "premium"
    kinds = again.store.events(again.dataset)["kind"].tolist()
    assert kinds == ["labelset", "label", "skip", "retract"]
    again.close()


def test_label_duplicates_is_opt_in(db):
    df = pd.DataFrame({"text": ["same", "other", "same", "same"]})
    plain = nbl.Labeller(df, show="text", labels=["a", "b"], store=db, annotator="p")
    plain.label("a")
    assert plain.annotations["label"].notna().sum() == 1
    lab = nbl.Labeller(df, show="text", labels=["a", "b"], store=db, annotator="d",
                       label_duplicates=True)  # fmt: skip
    lab.label("a")
    ann = lab.annotations
    assert ann["label"].tolist()[0] == "a" and ann.loc[[2, 3], "label"].tolist() == ["a", "a"]
    assert lab.current == 1  # the copies are answered, so the queue skips them
    sources = lab.store.events(lab.dataset, annotator="d", kinds=["label"])["source"].tolist()
    assert sources == ["human", "duplicate", "duplicate"]


@pytest.mark.parametrize("show", [0, [0, 1]])
def test_integer_column_names_label_export_and_reopen(db, tmp_path, show):
    df = pd.DataFrame({0: ["first", "second"], 1: ["a", "b"]})  # as pd.DataFrame(array) names them
    with nbl.Labeller(df, show=show, labels=["x", "y"], store=db, annotator="ana") as lab:
        assert lab.card_item(0)["blocks"]  # the card can show it
        lab.label("x")
        lab.export(tmp_path / "out.csv")
    with nbl.Labeller(df, show=show, labels=["x", "y"], store=db, annotator="ana") as lab:
        assert lab.annotations["label"].tolist()[0] == "x"
        assert lab.current == 1


@pytest.mark.parametrize(
    "index",
    [
        pd.MultiIndex.from_tuples([(1, "x"), (1, "y"), (2, "x")], names=["batch", None]),
        pd.Index([True, False]),
    ],
    ids=["multiindex", "boolean"],
)
def test_multiindex_and_boolean_keys_label_export_and_reopen(db, tmp_path, index):
    df = pd.DataFrame({"text": [f"t{i}" for i in range(len(index))]}, index=index)
    with nbl.Labeller(df, show="text", labels=["x", "y"], store=db, annotator="ana") as lab:
        first = lab.current
        lab.label("x")
        lab.skip()
        states = lab.annotations["state"].tolist()
        exported = pd.read_csv(lab.export(tmp_path / "out.csv"))
    assert states[:2] == ["labelled", "skipped"]
    assert len(exported) == len(df) and exported["label"].tolist()[0] == "x"
    with nbl.Labeller(df, show="text", labels=["x", "y"], store=db, annotator="ana") as lab:
        assert lab.annotations["label"].tolist()[0] == "x"
        assert lab.current != first


def test_annotations_of_flagged_items_set_no_incompatible_dtype(tmp_path):
    import warnings

    df = pd.DataFrame({"text": ["a", "b", "c"]})
    with nbl.Labeller(df, show="text", labels=["x", "y"], store=tmp_path / "f.db") as lab:
        lab.flag(note="unsure")
        lab.label("x")
        with warnings.catch_warnings():
            # pandas 2.2 warned here, setting objects into the bool `flagged` column
            warnings.simplefilter("error", FutureWarning)
            frame = lab.annotations
    assert frame["flagged"].dtype == bool and frame["flagged"].tolist() == [True, False, False]
