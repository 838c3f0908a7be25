"""The instructor's dashboard: values checked from its data properties, not its pixels."""

import time
import uuid

import pandas as pd
import pytest

import nb_label as nbl
from nb_label._keys import encode_key
from nb_label.dashboard import NOT_ENOUGH
from nb_label.quality import cohen_kappa
from nb_label.store import open_store

TEXTS = [f"message {i}" for i in range(12)]


def labeller(db, who):
    df = pd.DataFrame({"text": TEXTS})
    return nbl.Labeller(df, show="text", labels=["ham", "spam"], store=db, annotator=who)


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_an_empty_store_and_one_annotator_do_not_crash(tmp_path):
    teacher = labeller(str(tmp_path / "e.db"), "teacher")
    dash = nbl.Dashboard(teacher, refresh=0)
    assert dash.progress.empty and dash.agreement is None
    assert dash.message.startswith(NOT_ENOUGH) and NOT_ENOUGH in dash.status.value
    assert dash.disputed.empty and dash.gold.empty
    ana = labeller(str(tmp_path / "e.db"), "ana")
    ana.label("spam", item_key=0)
    ana.label("ham", item_key=1)
    ana.skip(item_key=2)
    ana.skip(item_key=3)
    ana.label("ham", item_key=3)  # answered after the skip: not skipped any more
    ana.flag(item_key=4)
    ana.undo()  # the flag is retracted
    dash.refresh()
    row = dash.progress.loc["ana"]
    assert row[["answers", "labelled", "skipped", "flagged"]].tolist() == [5, 3, 1, 0]
    assert row["last_active"] == teacher.store.events(teacher.dataset)["committed_at"].max()
    assert dash.agreement is None and dash.message.startswith(NOT_ENOUGH)
    assert NOT_ENOUGH in dash.agreement_output.outputs[0]["text"]
    assert dash.heatmap_output.outputs == ()
    dash.close()
    ana.close()
    teacher.close()


def test_figures_for_a_class(tmp_path):
    db = str(tmp_path / "c.db")
    teacher = labeller(db, "teacher")
    dash = nbl.Dashboard(teacher, refresh=0, min_common=3)
    labels = {
        "ana": ["ham", "spam"] * 6,
        "bob": ["ham", "spam"] * 5 + ["spam", "spam"],
        "<b>cem</b>": ["spam", "spam", "ham", "spam", "ham", "ham"],
    }
    for who, values in labels.items():
        teacher.import_labels(pd.Series(values), annotator=who)
    for key, value in {0: "ham", 1: "spam", 2: "ham"}.items():
        teacher.store.append(
            {
                "client_event_id": uuid.uuid4().hex,
                "dataset": teacher.dataset,
                "item_key": encode_key(key),
                "annotator": "teacher",
                "kind": "gold",
                "value": value,
                "source": "gold",
            }
        )
    seen = len(dash.events)
    dash.refresh()
    assert len(dash.events) == seen + 33  # only the new events were read
    assert dash.progress["labelled"].to_dict() == {"<b>cem</b>": 6, "ana": 12, "bob": 12}
    pairwise = dash.agreement.pairwise
    expected = cohen_kappa(labels["ana"], labels["bob"])
    assert pairwise.loc["ana", "bob"] == pytest.approx(expected)
    assert pairwise.loc["ana", "<b>cem</b>"] == pytest.approx(
        cohen_kappa(labels["ana"][:6], labels["<b>cem</b>"])
    )
    # Disputed: items 0 and 5 (cem differs from the others) and 10 (bob differs from ana).
    assert sorted(dash.disputed.index) == [0, 5, 10]
    assert dash.gold.loc["<b>cem</b>"].tolist() == [3, 2, pytest.approx(2 / 3)]  # wrong on 0
    assert dash.gold.loc["ana", "accuracy"] == 1.0
    assert dash.labels.index.tolist() == sorted(
        ["ham", "spam"], key=lambda v: dash.agreement.per_label.loc[v, "specific_agreement"]
    )
    # Tables are plain text outputs (names are not read as HTML); the heatmap is a PNG.
    progress = dash.progress_output.outputs[0]
    assert progress["output_type"] == "stream" and "<b>cem</b>" in progress["text"]
    assert "image/png" in dash.heatmap_output.outputs[0]["data"]
    assert dash.message == "" and "3 annotators, 30 answers" in dash.status.value
    dash.close()
    teacher.close()


def test_the_timer_refreshes_and_stops_on_close(tmp_path):
    db = str(tmp_path / "t.db")
    ana, bob = labeller(db, "ana"), labeller(db, "bob")
    dash = nbl.Dashboard(ana, refresh=0.05)
    assert dash.running
    ana.label("spam", item_key=0)
    bob.label("ham", item_key=0)
    assert wait_for(lambda: len(dash.progress) == 2 and dash.agreement is not None)
    assert dash.disputed.index.tolist() == [0]
    dash.close()
    assert not dash.running
    bob.label("ham", item_key=1)
    time.sleep(0.2)
    assert dash.progress.loc["bob", "labelled"] == 1  # no refresh after close
    ana.close()
    bob.close()


def test_timer_errors_show_in_the_status_and_never_raise(tmp_path):
    db = str(tmp_path / "x.db")
    ana = labeller(db, "ana")
    ana.label("spam", item_key=0)
    store = open_store(db)
    dash = nbl.Dashboard(store, dataset=ana.dataset, refresh=0.05)
    assert dash.progress.loc["ana", "labelled"] == 1
    store.close()
    assert wait_for(lambda: dash.status.value.startswith("refresh failed"))
    assert "closed" in dash.status.value
    assert dash.running  # it keeps trying; the class's work goes on
    dash.refresh_button.click()
    assert dash.status.value.startswith("refresh failed")
    dash.close()
    assert not dash.running
    ana.close()


def test_refresh_button_and_arguments(tmp_path):
    db = str(tmp_path / "a.db")
    ana = labeller(db, "ana")
    dash = nbl.Dashboard(ana.store, dataset=ana.dataset, refresh=None)
    assert not dash.running
    ana.label("ham", item_key=0)
    dash.click_refresh()
    assert dash.progress.loc["ana", "labelled"] == 1
    assert "nbl-dashboard" in dash._dom_classes
    dash.close()
    with pytest.raises(ValueError, match="pass dataset="):
        nbl.Dashboard(ana.store)
    with pytest.raises(ValueError, match="refresh="):
        nbl.Dashboard(ana, refresh=-1)
    ana.close()


def test_long_format_answers_give_the_same_figures_as_the_store(tmp_path):
    ratings = nbl.datasets.politeness(long=True)
    first = ratings[ratings["item_key"].isin(ratings["item_key"].unique()[:60])]
    fixed = nbl.Dashboard(first.assign(note="<script>alert(1)</script>"), refresh=0)
    assert not fixed.running
    assert fixed.progress["answers"].sum() == len(first) == 300
    expected = nbl.agreement(first)
    assert fixed.agreement.overall["krippendorff_alpha"] == pytest.approx(
        expected.overall["krippendorff_alpha"]
    )
    assert set(fixed.disputed.index) <= set(first["item_key"])
    fixed.refresh()  # nothing to read again, nothing lost
    assert fixed.progress["answers"].sum() == 300
    fixed.close()
    with pytest.raises(ValueError, match="item_key, annotator and label"):
        nbl.Dashboard([1, 2, 3])
