"""The item card in real JupyterLab: keys, clicks, notes, undo, bursts; checked in the store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import nb_label as nbl

from .harness import REPO_ROOT, busy_kernel_from_the_page, open_card, wait_attr

QUICKSTART = REPO_ROOT / "notebooks" / "quickstart.ipynb"
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture
def card(lab, tmp_path):
    """The quickstart, run on a fresh store; returns (lab, store path, card locator)."""
    store = tmp_path / "labels.db"
    # the quickstart labels item 0 from code; the card then shows item 1
    env = {"NB_LABEL_EXPORT": str(tmp_path / "out.csv")}
    locator = open_card(lab, QUICKSTART, store, first_key="1", env=env)
    return lab, store, locator


def card_labels(store: Path) -> list[tuple]:
    """(item key, label, note) of every label event the card sent, oldest first."""
    with nbl.open_store(store) as opened:
        events = opened.events()
    labels = events[(events["kind"] == "label") & (events["source"] == "human")]
    notes = [None if pd.isna(n) else n for n in labels["note"]]
    return list(zip(labels["item_key"], labels["value"], notes, strict=True))


def test_key_click_note_and_undo_reach_the_store(card):
    lab, store, locator = card
    sources = lab.cell_sources()

    lab.page.keyboard.press("1")  # ham for item 1
    wait_attr(lab, ".nbl-card", "data-saved", "1")
    lab.page.locator(".nbl-label-btn[data-value-index='1']").click()  # spam for item 2
    wait_attr(lab, ".nbl-card", "data-saved", "2")

    locator.focus()
    lab.page.keyboard.press("n")
    note = lab.page.locator("textarea.nbl-note")
    note.wait_for(state="visible")
    note.type("calls 0900 <b>premium</b> 12")  # digits typed here must not label anything
    lab.page.keyboard.press("Escape")
    lab.page.keyboard.press("2")  # spam for item 3, with the note
    wait_attr(lab, ".nbl-card", "data-saved", "3")
    wait_attr(lab, ".nbl-card", "data-pending", "0")

    assert card_labels(store)[-3:] == [
        ("1", "ham", None),
        ("2", "spam", None),
        ("3", "spam", "calls 0900 <b>premium</b> 12"),
    ]

    lab.page.keyboard.press("z")  # undo item 3's answer
    wait_attr(lab, ".nbl-item", "data-key", "3")
    wait_attr(lab, ".nbl-card", "data-pending", "0")
    with nbl.open_store(store) as opened:
        events = opened.events()
    retract = events[events["kind"] == "retract"]
    assert len(retract) == 1
    undone = events[events["id"] == retract["retracts"].iloc[0]].iloc[0]
    assert (undone["item_key"], undone["value"]) == ("3", "spam")
    assert lab.kernel_eval("lab.annotations.loc[3, 'state']") == "'unlabelled'"
    status = lab.page.locator(".nbl-status").first.inner_text()
    assert status.startswith("undid: spam on item 3 · ")
    # No model suggests anything here: no "Enter accept" hint.
    assert lab.page.locator(".nbl-key[data-key='Enter']").first.is_hidden()

    # keys never reached JupyterLab: no cell inserted, deleted, run or changed
    assert lab.cell_sources() == sources

    ARTIFACTS.mkdir(exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / "card.png"))


RETRAINING = """
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
_start = time.time()
while time.time() - _start < 6:  # a model retrained on the SMS data, again and again
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
    model.fit(df["text"], df["label"])
"""


@pytest.mark.parametrize("busy", ["sleeping cell", "model retraining"])
def test_burst_of_20_keys_while_the_kernel_is_busy(card, busy):
    lab, store, locator = card
    sources = lab.cell_sources()
    # Keep the kernel busy as a running cell does (through the page's own kernel connection):
    # the card must carry the person from its buffer meanwhile.
    work = RETRAINING if busy == "model retraining" else None
    busy_kernel_from_the_page(lab, store.parent / "busy", seconds=6, work=work)
    keys = ["1" if i % 3 else "2" for i in range(20)]
    for key in keys:
        lab.page.keyboard.press(key)
    # All 20 items came from the buffer; none is saved while the kernel sleeps.
    pending_now = int(locator.get_attribute("data-pending"))
    saved_now = int(locator.get_attribute("data-saved"))
    wait_attr(lab, ".nbl-card", "data-pending", "0", timeout=30_000)
    wait_attr(lab, ".nbl-card", "data-saved", "20", timeout=30_000)

    stored = card_labels(store)
    assert stored[0][0] == "0"  # labelled from code by the quickstart; then exactly 20 from keys
    stored = stored[1:]
    assert [key for key, _, _ in stored] == [str(i) for i in range(1, 21)]
    assert [value for _, value, _ in stored] == ["ham" if k == "1" else "spam" for k in keys]
    assert (pending_now, saved_now) == (20, 0), "answers were acknowledged while the kernel slept?"
    assert lab.cell_sources() == sources
