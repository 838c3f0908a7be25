"""Annotators shape the label set, in the browser: none-fits and an owner's approval."""

from __future__ import annotations

import time

import nb_label as nbl

from .harness import code_notebook, open_card, wait_attr

CELL = """
import os
import nb_label as nbl

df = nbl.datasets.sms_spam().iloc[:60]
schema = nbl.Schema(["ham", "spam"], policy="review", owners=["teacher"])
lab = nbl.Labeller(df, show="text", labels=schema, store=os.environ["NB_LABEL_STORE"],
                   annotator="ana")
lab
"""


def test_none_fits_then_an_owner_approves_while_ana_labels(lab, tmp_path):
    store = tmp_path / "field.db"
    card = open_card(lab, code_notebook(CELL), store)
    page = lab.page

    # "x": none of these fits, with what it is instead and why
    page.keyboard.press("x")
    page.locator("input.nbl-proposed").fill("service notice")
    page.locator("input.nbl-reason").fill("an automatic reminder from a service")
    page.locator("input.nbl-reason").press("Enter")
    wait_attr(lab, ".nbl-card", "data-saved", "1")
    with nbl.open_store(store) as opened:
        events = opened.events()
    none_fits = events[events["kind"] == "none_fits"].iloc[0]
    assert none_fits["item_key"] == "0"
    assert none_fits["value"] == {
        "proposed": "service notice",
        "reason": "an automatic reminder from a service",
    }
    proposal = events[events["kind"] == "labelset"].iloc[-1]["value"]
    assert proposal["op"] == "propose" and proposal["name"] == "service notice"

    # Another person, on the same store, approves while Ana goes on labelling.
    df = nbl.datasets.sms_spam().iloc[:60]
    schema = nbl.Schema(["ham", "spam"], policy="review", owners=["teacher"])
    with nbl.Labeller(df, show="text", labels=schema, store=str(store), annotator="teacher") as t:
        t.schema.approve("service notice", definition="Automated but wanted")
    time.sleep(2.2)  # the card's kernel looks for label-set changes at most every 2 s
    card.focus()
    page.keyboard.press("1")  # ham for item 1; its acknowledgement brings the new label set
    wait_attr(lab, ".nbl-card", "data-saved", "2")
    page.wait_for_function(
        "() => document.querySelectorAll('.nbl-label-btn').length === 3", timeout=15_000
    )
    on_screen = page.locator(".nbl-item").first.get_attribute("data-key")
    assert on_screen == "2"  # the item on screen was not swapped out by the change
    new_button = page.locator(".nbl-label-btn").nth(2)
    assert new_button.text_content().startswith("service notice")
    assert new_button.get_attribute("title") == "Automated but wanted"
    card.focus()
    page.keyboard.press("3")
    wait_attr(lab, ".nbl-card", "data-saved", "3")
    with nbl.open_store(store) as opened:
        labels = opened.events(kinds=["label"])
    assert list(zip(labels["item_key"], labels["value"], strict=True)) == [
        ("1", "ham"),
        ("2", "service notice"),
    ]
    assert labels["labelset_version"].tolist() == [2, 3]
