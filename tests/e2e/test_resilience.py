"""The card under stress: a kernel restart mid-burst, and text in any script."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import nb_label as nbl

from .harness import busy_kernel_from_the_page, code_notebook, open_card, wait_attr

CELL = """
import os
import nb_label as nbl

df = nbl.datasets.sms_spam().iloc[:50]
lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=os.environ["NB_LABEL_STORE"],
                   annotator="ana")
lab
"""

SCRIPTS_CELL = """
import os
import pandas as pd
import nb_label as nbl

df = pd.DataFrame({{"text": {texts}}})
lab = nbl.Labeller(df, show="text", labels=["ok", "broken"], store=os.environ["NB_LABEL_STORE"],
                   annotator="ana")
lab
"""

SCRIPTS = [
    "مرحبا بالعالم",  # Arabic, right to left
    "שלום",  # Hebrew, right to left
    "\U0001f469\U0001f3fd\u200d\U0001f52c test \U0001f389",  # ZWJ sequence with skin tone
    "e\u0301 n\u0303",  # combining accents, not precomposed
    "mixed: hello مرحبا 123 שלום!",
]

ANSWER_KINDS = ("label", "skip", "flag", "none_fits")


def stored_answers(store: Path) -> pd.DataFrame:
    """Answers that are not retracted, oldest first."""
    with nbl.open_store(store) as opened:
        events = opened.events()
    retracted = set(events["retracts"].dropna().astype(int))
    answers = events[events["kind"].isin(ANSWER_KINDS) & ~events["id"].isin(retracted)]
    return answers.reset_index(drop=True)


def test_kernel_restart_mid_burst_loses_nothing_and_resumes(lab, tmp_path):
    store = tmp_path / "restart.db"
    card = open_card(lab, code_notebook(CELL), store)
    page = lab.page

    for key in ("1", "2"):
        page.keyboard.press(key)
    wait_attr(lab, ".nbl-card", "data-saved", "2")
    wait_attr(lab, ".nbl-card", "data-pending", "0")

    # A quick burst, then the kernel restarts at once: some answers may be unacknowledged.
    burst = ["2", "1", "1", "2", "1"]
    for key in burst:
        page.keyboard.press(key)
    saved_before = int(card.get_attribute("data-saved"))
    lab.restart_kernel()

    # The old card says it lost its kernel and that answers are not saved.
    page.wait_for_function(
        """() => {
            const c = document.querySelector('.nbl-card');
            const s = c && c.querySelector('.nbl-status');
            return c !== null && (c.dataset.connected === 'false'
                || (s !== null && s.textContent.includes('not saved')));
        }""",
        timeout=20_000,
    )
    assert "not saved" in page.locator(".nbl-card .nbl-status").first.text_content()
    pressed = ["1", "2", *burst]
    expected = [(str(i), "ham" if k == "1" else "spam") for i, k in enumerate(pressed)]
    # every answer the card marked saved (acks come in order) is in the store
    answers = stored_answers(store)
    stored = list(zip(answers["item_key"], answers["value"], strict=True))
    assert stored[:saved_before] == expected[:saved_before]

    lab.run_all()
    new_card = page.locator(".nbl-card").first
    new_card.wait_for(state="visible")
    wait_attr(lab, ".nbl-card", "data-connected", "true")
    wait_attr(lab, ".nbl-card", "data-pending", "0")
    page.wait_for_function(
        "() => { const i = document.querySelector('.nbl-item'); return i && i.dataset.key; }",
        timeout=20_000,
    )
    answers = stored_answers(store)
    answered = set(answers["item_key"])
    next_free = next(str(i) for i in range(50) if str(i) not in answered)
    assert page.locator(".nbl-item").first.get_attribute("data-key") == next_free
    # nothing doubled by a resend, and (the outbox is kept in localStorage) nothing lost
    assert answers["item_key"].is_unique
    stored = list(zip(answers["item_key"], answers["value"], strict=True))
    assert stored == expected
    assert next_free == str(len(pressed))

    # labelling goes on from there
    new_card.click(position={"x": 5, "y": 5})
    page.keyboard.press("2")
    wait_attr(lab, ".nbl-card", "data-pending", "0")
    page.wait_for_function(
        "(k) => document.querySelector('.nbl-item').dataset.key !== k", arg=next_free
    )
    last = stored_answers(store).iloc[-1]
    assert (last["item_key"], last["kind"], last["value"]) == (next_free, "label", "spam")


def test_answers_unacknowledged_at_restart_are_resent_by_the_new_card(lab, tmp_path):
    """The outbox is kept in localStorage, so re-running the cell resends it (protocol.md)."""
    store = tmp_path / "resend.db"
    card = open_card(lab, code_notebook(CELL), store)
    page = lab.page

    busy_kernel_from_the_page(lab, tmp_path / "sleeping")
    burst = ["2", "1", "2"]
    for key in burst:
        page.keyboard.press(key)
    wait_attr(lab, ".nbl-item", "data-key", str(len(burst)))
    assert card.get_attribute("data-pending") == str(len(burst))
    assert card.get_attribute("data-saved") == "0"
    lab.restart_kernel()
    wait_attr(lab, ".nbl-card", "data-connected", "false")
    status = page.locator(".nbl-card .nbl-status").first.text_content()
    assert f"{len(burst)} answers not saved" in status
    assert stored_answers(store).empty

    lab.run_all()
    page.locator(".nbl-card").first.wait_for(state="visible")
    wait_attr(lab, ".nbl-card", "data-connected", "true")
    wait_attr(lab, ".nbl-card", "data-pending", "0")
    wait_attr(lab, ".nbl-item", "data-key", str(len(burst)))
    answers = stored_answers(store)
    assert list(zip(answers["item_key"], answers["value"], strict=True)) == [
        (str(i), "ham" if key == "1" else "spam") for i, key in enumerate(burst)
    ]


def test_right_to_left_emoji_and_combining_text_stay_intact(lab, tmp_path):
    store = tmp_path / "scripts.db"
    lab.open_notebook(
        code_notebook(SCRIPTS_CELL.format(texts=ascii(SCRIPTS))),
        env={"NB_LABEL_STORE": str(store)},
    )
    lab.run_all()
    card = lab.page.locator(".nbl-card").first
    card.wait_for(state="visible")
    page = lab.page
    for i, text in enumerate(SCRIPTS):
        wait_attr(lab, ".nbl-item", "data-key", str(i))
        shown = page.locator(".nbl-item .nbl-text").first
        assert shown.text_content() == text
        assert shown.get_attribute("dir") == "auto"
        # the browser resolves dir=auto from the first strong character
        expected_dir = "rtl" if i < 2 else "ltr"
        assert shown.evaluate("e => getComputedStyle(e).direction") == expected_dir
        page.locator(".nbl-card textarea.nbl-note").first.fill(text)
        page.keyboard.press("Escape")
        page.keyboard.press("1")
    wait_attr(lab, ".nbl-card", "data-saved", str(len(SCRIPTS)))
    wait_attr(lab, ".nbl-card", "data-pending", "0")

    answers = stored_answers(store)
    assert answers["item_key"].tolist() == [str(i) for i in range(len(SCRIPTS))]
    assert answers["value"].tolist() == ["ok"] * len(SCRIPTS)
    assert answers["note"].tolist() == SCRIPTS  # code point for code point, no normalising
    assert eval(lab.kernel_eval("lab.annotations['note'].tolist()")) == SCRIPTS  # noqa: S307
