"""Frames without an index (polars, Arrow) and a key column: Labeller(..., key="id")."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

import nb_label as nbl

ROWS = {"id": ["m-3", "m-1", "m-2"], "text": ["win a prize", "see you at 6", "call me"]}


def _label_all(data, store, **kwargs):
    with nbl.Labeller(data, show="text", labels=["ham", "spam"], store=store, **kwargs) as lab:
        for label in ("spam", "ham", "ham"):
            lab.label(label)
        return lab.annotations


def test_a_key_column_keys_the_items_and_survives_a_reorder(tmp_path):
    store = str(tmp_path / "k.db")
    frame = pd.DataFrame(ROWS)
    first = _label_all(frame, store, key="id")
    assert first.index.tolist() == ["m-3", "m-1", "m-2"] and first.index.name == "id"
    shuffled = frame.iloc[[2, 0, 1]].reset_index(drop=True)  # a new RangeIndex, same ids
    with nbl.Labeller(shuffled, show="text", labels=["ham", "spam"], store=store, key="id") as lab:
        assert lab.annotations.loc["m-3", "label"] == "spam"
        assert lab.progress["labelled"] == 3


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"text": ["a", "b"]}, "no column 'id'.*text"),
        ({"id": [1, 1], "text": ["a", "b"]}, "'id' has duplicate values.*1"),
        ({"id": [1.0, None], "text": ["a", "b"]}, "'id' has missing values"),
    ],
)
def test_a_key_that_cannot_key_items_says_why(tmp_path, rows, message):
    with pytest.raises(ValueError, match=message):
        nbl.Labeller(
            pd.DataFrame(rows), show="text", labels=["x"], store=tmp_path / "k.db", key="id"
        )


def test_a_polars_frame_labels_by_its_key_column(tmp_path):
    pl = pytest.importorskip("polars", reason="polars comes with the dev install")
    annotations = _label_all(pl.DataFrame(ROWS), str(tmp_path / "p.db"), key="id")
    assert annotations.loc["m-3", "label"] == "spam"
    assert annotations["label"].tolist() == ["spam", "ham", "ham"]


def test_an_arrow_table_labels_by_its_key_column(tmp_path):
    pa = pytest.importorskip("pyarrow", reason="pyarrow comes with the parquet extra")
    annotations = _label_all(pa.table(ROWS), str(tmp_path / "a.db"), key="id")
    assert annotations.index.tolist() == ["m-3", "m-1", "m-2"]


def test_a_frame_without_an_index_needs_a_key(tmp_path):
    pl = pytest.importorskip("polars", reason="polars comes with the dev install")
    with pytest.raises(ValueError, match='no index.*key="'):
        nbl.Labeller(pl.DataFrame(ROWS), show="text", labels=["x"], store=tmp_path / "k.db")


def test_not_a_frame_at_all_says_what_is_accepted(tmp_path):
    with pytest.raises(ValueError, match="pandas DataFrame.*polars.*Arrow"):
        nbl.Labeller([1, 2, 3], show="text", labels=["x"], store=tmp_path / "k.db")


def test_without_narwhals_the_error_names_the_extra(tmp_path, monkeypatch):
    pa = pytest.importorskip("pyarrow", reason="pyarrow comes with the parquet extra")
    monkeypatch.setitem(sys.modules, "narwhals", None)  # as if not installed
    with pytest.raises(ImportError, match=r"nb-label\[arrow\]"):
        nbl.Labeller(pa.table(ROWS), show="text", labels=["x"], store=tmp_path / "k", key="id")
