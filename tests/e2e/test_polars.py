"""A polars DataFrame, keyed by a column, labelled with the card's keys in real JupyterLab."""

from __future__ import annotations

import nb_label as nbl

from .harness import code_notebook, open_card, wait_attr

NOTEBOOK = code_notebook(
    """
import os
import polars as pl
import nb_label as nbl
df = pl.DataFrame({"sms_id": [f"sms-{i}" for i in range(10)],
                   "text": [f"message {i}" for i in range(10)]})
lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], key="sms_id",
                   store=os.environ["NB_LABEL_STORE"], annotator="ana")
lab
"""
)


def test_a_polars_frame_labels_end_to_end(lab, tmp_path):
    store = tmp_path / "labels.db"
    open_card(lab, NOTEBOOK, store, first_key='"sms-0"')  # keys travel as JSON
    for key in ("2", "1", "2"):
        lab.page.keyboard.press(key)
    wait_attr(lab, ".nbl-card", "data-saved", "3")
    wait_attr(lab, ".nbl-item", "data-key", '"sms-3"')
    with nbl.open_store(store) as opened:
        events = opened.events()
    labels = events[events["kind"] == "label"]
    assert list(zip(labels["item_key"], labels["value"], strict=True)) == [
        ('"sms-0"', "spam"),
        ('"sms-1"', "ham"),
        ('"sms-2"', "spam"),
    ]
    assert lab.kernel_eval("lab.annotations.loc['sms-2', 'label']") == "'spam'"
