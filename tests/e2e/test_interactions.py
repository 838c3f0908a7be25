"""Every key of the key map and every button of the card, each checked in the store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import nb_label as nbl

from .harness import code_notebook, open_card, wait_attr

CELL = """
import os
import nb_label as nbl

df = nbl.datasets.sms_spam().iloc[:50]
lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=os.environ["NB_LABEL_STORE"],
                   annotator="ana")
lab
"""

ANSWER_KINDS = ("label", "skip", "flag", "none_fits", "retract")


def answer_events(store: Path) -> pd.DataFrame:
    """The answers and retractions in the store, oldest first (label-set events left out)."""
    with nbl.open_store(store) as opened:
        events = opened.events()
    return events[events["kind"].isin(ANSWER_KINDS)].reset_index(drop=True)


def as_tuple(event: pd.Series) -> tuple:
    """(item key, kind, value, note) with missing notes as None."""
    note = None if pd.isna(event["note"]) else event["note"]
    return (event["item_key"], event["kind"], event["value"], note)


@pytest.fixture
def fresh_card(lab, tmp_path):
    """A 50-message labeller on a fresh store; returns (lab, store, card locator)."""
    store = tmp_path / "keys.db"
    return lab, store, open_card(lab, code_notebook(CELL), store)


class Driver:
    """Waits for the card's counters and reads what the last actions stored."""

    def __init__(self, lab, store: Path) -> None:
        self.lab, self.store = lab, store
        self.saved = 0
        self.seen = 0  # answer events already checked

    def settle(self, answers: int = 1) -> None:
        """Wait until ``answers`` more answers are acknowledged and nothing is pending."""
        self.saved += answers
        wait_attr(self.lab, ".nbl-card", "data-saved", str(self.saved))
        wait_attr(self.lab, ".nbl-card", "data-pending", "0")

    def new_events(self) -> pd.DataFrame:
        """Events stored since the previous call."""
        events = answer_events(self.store)
        fresh = events.iloc[self.seen :]
        self.seen = len(events)
        return fresh

    def shown_key(self) -> str:
        return self.lab.page.locator(".nbl-item").first.get_attribute("data-key")


def test_every_key_of_the_key_map_reaches_the_store(fresh_card):
    lab, store, card = fresh_card
    page = lab.page
    sources, cells = lab.cell_sources(), lab.cell_count()
    d = Driver(lab, store)

    page.keyboard.press("1")
    d.settle()
    assert [as_tuple(e) for _, e in d.new_events().iterrows()] == [("0", "label", "ham", None)]

    page.keyboard.press("2")
    d.settle()
    assert [as_tuple(e) for _, e in d.new_events().iterrows()] == [("1", "label", "spam", None)]

    page.keyboard.press("s")
    d.settle()
    assert [as_tuple(e) for _, e in d.new_events().iterrows()] == [("2", "skip", None, None)]

    page.keyboard.press("u")
    d.settle()
    assert [as_tuple(e) for _, e in d.new_events().iterrows()] == [("3", "flag", None, None)]

    # x opens the none-fits form; its text fields take letters and digits as text
    page.keyboard.press("x")
    proposed = page.locator("input.nbl-proposed").first
    proposed.wait_for(state="visible")
    assert page.evaluate("document.activeElement.classList.contains('nbl-proposed')")
    page.keyboard.type("promo 2")
    page.locator("input.nbl-reason").first.focus()
    page.keyboard.type("sells a ringtone, not spam 1 s z")
    assert d.shown_key() == "4"
    page.keyboard.press("Enter")
    d.settle()
    stored = d.new_events()
    assert len(stored) == 1
    event = stored.iloc[0]
    assert (event["item_key"], event["kind"]) == ("4", "none_fits")
    assert event["value"] == {"proposed": "promo 2", "reason": "sells a ringtone, not spam 1 s z"}
    assert page.locator(".nbl-nonefits").first.is_hidden()
    wait_attr(lab, ".nbl-item", "data-key", "5")

    # b shows the previous item; a label key then relabels it (a second event for key 4)
    page.keyboard.press("b")
    wait_attr(lab, ".nbl-item", "data-key", "4")
    assert d.new_events().empty
    page.keyboard.press("1")
    d.settle()
    assert [as_tuple(e) for _, e in d.new_events().iterrows()] == [("4", "label", "ham", None)]
    events = answer_events(store)
    assert events[events["item_key"] == "4"]["kind"].tolist() == ["none_fits", "label"]
    relabel_id = int(events["id"].iloc[-1])
    wait_attr(lab, ".nbl-item", "data-key", "5")

    # z retracts the card's last answer (the relabel) and shows that item again
    page.keyboard.press("z")
    wait_attr(lab, ".nbl-item", "data-key", "4")
    wait_attr(lab, ".nbl-card", "data-pending", "0")
    stored = d.new_events()
    assert stored["kind"].tolist() == ["retract"]
    assert int(stored["retracts"].iloc[0]) == relabel_id
    assert stored["item_key"].iloc[0] == "4"

    # Enter without a suggestion; then n and typing keys into the note: none of them acts.
    page.keyboard.press("Enter")
    page.keyboard.press("n")
    note = page.locator("textarea.nbl-note").first
    assert page.evaluate("document.activeElement.classList.contains('nbl-note')")
    typed = "s z 1 2 b u x 0 n Enter"
    page.keyboard.type(typed)
    page.wait_for_timeout(300)
    assert note.input_value() == typed
    assert d.shown_key() == "4"
    assert card.get_attribute("data-pending") == "0"
    assert d.new_events().empty
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.classList.contains('nbl-card')")
    page.keyboard.press("2")
    d.settle()
    # messages are handled in order: had Enter or a typed key acted, it would be stored first
    assert [as_tuple(e) for _, e in d.new_events().iterrows()] == [("4", "label", "spam", typed)]
    wait_attr(lab, ".nbl-item", "data-key", "5")

    # keys never reached JupyterLab: no cell inserted, deleted, run or changed
    assert lab.cell_sources() == sources
    assert lab.cell_count() == cells


def test_every_button_reaches_the_store(fresh_card):
    lab, store, card = fresh_card
    page = lab.page
    sources, cells = lab.cell_sources(), lab.cell_count()
    d = Driver(lab, store)

    def click(selector: str) -> None:
        page.locator(f".nbl-card {selector}").first.click()

    click(".nbl-label-btn[data-value-index='0']")
    d.settle()
    assert [as_tuple(e) for _, e in d.new_events().iterrows()] == [("0", "label", "ham", None)]

    click(".nbl-label-btn[data-value-index='1']")
    d.settle()
    assert [as_tuple(e) for _, e in d.new_events().iterrows()] == [("1", "label", "spam", None)]

    click(".nbl-action-btn[data-action='skip']")
    d.settle()
    assert [as_tuple(e) for _, e in d.new_events().iterrows()] == [("2", "skip", None, None)]

    click(".nbl-action-btn[data-action='unsure']")
    d.settle()
    assert [as_tuple(e) for _, e in d.new_events().iterrows()] == [("3", "flag", None, None)]

    click(".nbl-action-btn[data-action='none_fits']")
    page.locator("input.nbl-proposed").first.fill("promo")
    page.locator("input.nbl-reason").first.fill("an advert for a shop")
    page.locator("input.nbl-reason").first.press("Enter")
    d.settle()
    stored = d.new_events()
    assert stored["item_key"].tolist() == ["4"]
    assert stored["kind"].tolist() == ["none_fits"]
    assert stored["value"].iloc[0] == {"proposed": "promo", "reason": "an advert for a shop"}
    wait_attr(lab, ".nbl-item", "data-key", "5")

    click(".nbl-action-btn[data-action='back']")
    wait_attr(lab, ".nbl-item", "data-key", "4")
    assert d.new_events().empty
    click(".nbl-label-btn[data-value-index='1']")
    d.settle()
    assert [as_tuple(e) for _, e in d.new_events().iterrows()] == [("4", "label", "spam", None)]
    relabel_id = int(answer_events(store)["id"].iloc[-1])

    click(".nbl-action-btn[data-action='undo']")
    wait_attr(lab, ".nbl-item", "data-key", "4")
    wait_attr(lab, ".nbl-card", "data-pending", "0")
    stored = d.new_events()
    assert stored["kind"].tolist() == ["retract"]
    assert int(stored["retracts"].iloc[0]) == relabel_id

    # a click leaves the focus on the card, so keys go on working after buttons
    assert page.evaluate("document.activeElement.classList.contains('nbl-card')")
    page.keyboard.press("1")
    d.settle()
    assert [as_tuple(e) for _, e in d.new_events().iterrows()] == [("4", "label", "ham", None)]

    assert lab.cell_sources() == sources
    assert lab.cell_count() == cells
