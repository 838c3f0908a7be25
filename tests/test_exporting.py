"""nbl.export: one function, two shapes (items, events), three formats, from Python and the CLI."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import nb_label as nbl
from nb_label.cli import main

TEXTS = pd.DataFrame({"text": [f"text {i}" for i in range(6)]})
LABELS = ["ham", "spam"]
READERS = {
    ".csv": pd.read_csv,
    ".parquet": pd.read_parquet,
    ".jsonl": lambda p: pd.read_json(p, lines=True),
}
FORMATS = [".csv", pytest.param(".parquet", marks=pytest.mark.extra("parquet")), ".jsonl"]


@pytest.fixture
def store(tmp_path):
    path = str(tmp_path / "team.db")
    for who in ("ana", "bob"):
        with nbl.Labeller(
            TEXTS, show="text", labels=["ham", "spam"], store=path, annotator=who
        ) as lab:
            lab.label("spam", note=f"{who}: a link")
            lab.skip()
            lab.none_fits("asks for a password", proposed="phishing")
            if who == "bob":
                lab.flag(note="not sure")
    return path


@pytest.mark.parametrize("suffix", FORMATS)
def test_items_from_a_store_are_one_row_per_item_and_annotator(store, tmp_path, suffix):
    out = nbl.export(store, tmp_path / f"items{suffix}")
    items = READERS[suffix](out)
    assert len(items) == 7  # ana answered 3 items, bob 4
    rows = items.set_index(["item_key", "annotator"])
    assert (
        rows.loc[(0, "ana"), "label"] == "spam" and rows.loc[(0, "ana"), "note"] == "ana: a link"
    )
    assert rows.loc[(1, "bob"), "state"] == "skipped"
    assert rows.loc[(2, "ana"), "state"] == "none_fits"
    assert rows.loc[(3, "bob"), "state"] == "flagged"


@pytest.mark.parametrize("suffix", FORMATS)
def test_the_cli_writes_the_same_items_and_the_same_events(store, tmp_path, suffix):
    for shape in ("items", "events"):
        by_python = READERS[suffix](nbl.export(store, tmp_path / f"py{suffix}", shape=shape))
        cli_out = tmp_path / f"cli{suffix}"
        assert main(["export", store, str(cli_out), "--shape", shape]) == 0
        pd.testing.assert_frame_equal(READERS[suffix](cli_out), by_python)


def test_a_labeller_exports_its_items_or_the_whole_log(store, tmp_path):
    with nbl.Labeller(
        TEXTS, show="text", labels=["ham", "spam"], store=store, annotator="ana"
    ) as lab:
        items = pd.read_csv(lab.export(tmp_path / "mine.csv"))
        log = pd.read_csv(lab.export(tmp_path / "log.csv", shape="events"))
        same = pd.read_csv(nbl.export(lab, tmp_path / "same.csv"))
    assert len(items) == len(TEXTS)  # every item of the frame, this annotator's answers
    pd.testing.assert_frame_equal(items, same)
    assert set(log["annotator"].dropna()) == {"ana", "bob"}


@pytest.mark.parametrize("shape", ["items", "events"])
def test_without_notes_no_free_text_is_written(store, tmp_path, shape):
    out = nbl.export(store, tmp_path / f"{shape}.jsonl", shape=shape, notes=False)
    text = out.read_text()
    for written in ("a link", "not sure", "asks for a password"):
        assert written not in text
    if shape == "events":
        assert "phishing" in text  # the proposed label is an answer, not a note


@pytest.mark.extra("parquet")
def test_parquet_keeps_nested_values_as_arrow_lists_and_structs(tmp_path):
    import pyarrow.parquet as pq

    path = str(tmp_path / "multi.db")
    with nbl.Labeller(
        TEXTS, show="text", answer=nbl.MultiLabel(["a", "b", "c"]), store=path
    ) as lab:
        lab.label(["a", "c"])
    table = pq.read_table(nbl.export(path, tmp_path / "items.parquet"))
    assert str(table.schema.field("label").type).startswith("list<")
    events = pq.read_table(nbl.export(path, tmp_path / "events.parquet", shape="events"))
    # the log's `value` mixes texts, lists and label-set changes: JSON text, one per cell
    values = [json.loads(v) for v in events.column("value").to_pylist() if v is not None]
    assert ["a", "c"] in values


def test_a_wrong_shape_or_dataset_says_what_there_is(store, tmp_path):
    with pytest.raises(ValueError, match="items.*events"):
        nbl.export(store, tmp_path / "x.csv", shape="rows")
    with pytest.raises(ValueError, match="no dataset 'nope'"):
        nbl.export(store, tmp_path / "x.csv", dataset="nope")
