"""Each kind of answer in real JupyterLab: answered by key, checked in the store."""

from __future__ import annotations

from pathlib import Path

import nb_label as nbl

from .harness import code_notebook, open_card, wait_attr

ARTIFACTS = Path(__file__).parent / "artifacts"
SETUP = """
import io, os, wave
import numpy as np
import pandas as pd
import nb_label as nbl
store = os.environ["NB_LABEL_STORE"]
df = pd.DataFrame({"text": [f"message {i}" for i in range(30)], "n": range(30)})
"""


def labeller_cell(answer: str, extra: str = "") -> str:
    return (
        f'lab = nbl.Labeller(df, show=["text", "n"], answer={answer}, store=store, '
        f'annotator="ana"{extra})\nlab'
    )


def stored(store: Path) -> list[tuple]:
    """(item key, value) of every label event from the card, oldest first."""
    with nbl.open_store(store) as opened:
        events = opened.events()
    labels = events[(events["kind"] == "label") & (events["source"] == "human")]
    return list(zip(labels["item_key"], labels["value"], strict=True))


def status(lab) -> str:
    return lab.page.locator(".nbl-status").inner_text()


def open_kind(lab, tmp_path, answer, extra=""):
    store = tmp_path / "labels.db"
    notebook = code_notebook(SETUP, labeller_cell(answer, extra))
    locator = open_card(lab, notebook, store)
    return store, locator


def test_multilabel_keys_toggle_and_enter_sends(lab, tmp_path):
    store, card = open_kind(lab, tmp_path, 'nbl.MultiLabel(["sport", "money", "food"])')
    sources = lab.cell_sources()
    buttons = lab.page.locator(".nbl-label-btn")
    lab.page.keyboard.press("1")
    lab.page.keyboard.press("3")
    lab.page.keyboard.press("1")  # toggled off again
    lab.page.keyboard.press("1")
    assert [buttons.nth(i).get_attribute("aria-pressed") for i in range(3)] == [
        "true", "false", "true",
    ]  # fmt: skip
    ARTIFACTS.mkdir(exist_ok=True)
    card.screenshot(path=str(ARTIFACTS / "answer_multi.png"))
    lab.page.keyboard.press("Enter")
    wait_attr(lab, ".nbl-card", "data-saved", "1")
    wait_attr(lab, ".nbl-item", "data-key", "1")
    # nothing toggled: refused on the card, nothing sent, the item stays
    assert buttons.nth(0).get_attribute("aria-pressed") == "false"
    lab.page.keyboard.press("Enter")
    assert "choose at least one label" in status(lab)
    assert card.get_attribute("data-pending") == "0"
    assert lab.page.locator(".nbl-item").get_attribute("data-key") == "1"
    lab.page.keyboard.press("2")
    lab.page.keyboard.press("Enter")
    wait_attr(lab, ".nbl-card", "data-saved", "2")
    wait_attr(lab, ".nbl-card", "data-pending", "0")
    assert stored(store) == [("0", ["sport", "food"]), ("1", ["money"])]
    assert lab.kernel_eval("bool(lab.annotations.loc[0, 'label=food'])") == "True"
    assert lab.cell_sources() == sources


def test_rating_step_keys_answer_at_once_beside_a_table(lab, tmp_path):
    store, card = open_kind(
        lab, tmp_path, 'nbl.Rating(["rude", "neutral", "polite"])',
        ', view=nbl.views.TextWithTable("text", ["n"])',
    )  # fmt: skip
    assert lab.page.locator(".nbl-labels.nbl-rating .nbl-label-btn").count() == 3
    split = lab.page.locator(".nbl-item .nbl-split")
    assert split.locator(".nbl-text").inner_text() == "message 0"
    assert split.locator(".nbl-table td").inner_text() == "0"
    lab.page.keyboard.press("3")
    lab.page.keyboard.press("1")
    wait_attr(lab, ".nbl-card", "data-saved", "2")
    assert stored(store) == [("0", "polite"), ("1", "rude")]
    assert lab.kernel_eval("lab.annotations.attrs['scale']") == "['rude', 'neutral', 'polite']"
    ARTIFACTS.mkdir(exist_ok=True)
    card.screenshot(path=str(ARTIFACTS / "answer_rating.png"))


def test_number_typed_nudged_and_refused_out_of_bounds(lab, tmp_path):
    store, card = open_kind(lab, tmp_path, "nbl.Number(min=0, max=10, step=0.5)")
    sources = lab.cell_sources()
    box = lab.page.locator("input.nbl-number")
    lab.page.keyboard.press("7")  # typed at the card: goes into the box
    assert box.input_value() == "7"
    lab.page.keyboard.press("ArrowUp")
    assert box.input_value() == "7.5"
    lab.page.keyboard.press("Enter")
    wait_attr(lab, ".nbl-card", "data-saved", "1")
    wait_attr(lab, ".nbl-item", "data-key", "1")
    assert box.input_value() == ""
    lab.page.keyboard.type("12")
    lab.page.keyboard.press("Enter")
    assert "out of bounds" in status(lab)
    assert box.get_attribute("aria-invalid") == "true"
    assert card.get_attribute("data-saved") == "1" and card.get_attribute("data-pending") == "0"
    box.fill("abc")
    lab.page.keyboard.press("Enter")
    assert "not a number" in status(lab)
    box.fill("3")
    lab.page.keyboard.press("Enter")
    wait_attr(lab, ".nbl-card", "data-saved", "2")
    wait_attr(lab, ".nbl-card", "data-pending", "0")
    assert stored(store) == [("0", 7.5), ("1", 3)]
    assert lab.cell_sources() == sources


def test_caption_enter_saves_shift_enter_new_line_and_typing_time(lab, tmp_path):
    store, card = open_kind(lab, tmp_path, "nbl.Caption()")
    sources = lab.cell_sources()
    lab.page.keyboard.press("Enter")  # focus the caption box
    box = lab.page.locator("textarea.nbl-caption")
    assert box.evaluate("el => document.activeElement === el")
    box.type("two dogs")
    lab.page.keyboard.press("Shift+Enter")
    box.type("bark: s z 1 b")  # shortcut keys typed here are text
    lab.page.keyboard.press("Enter")
    wait_attr(lab, ".nbl-card", "data-saved", "1")
    wait_attr(lab, ".nbl-item", "data-key", "1")
    lab.page.keyboard.press("Enter")  # an empty caption
    assert "caption is empty" in status(lab)
    assert card.get_attribute("data-pending") == "0"
    wait_attr(lab, ".nbl-card", "data-pending", "0")
    assert stored(store) == [("0", "two dogs\nbark: s z 1 b")]
    with nbl.open_store(store) as opened:
        event = opened.events(kinds=["label"]).iloc[0]
    assert 0 < event["seconds"] < 30  # the typing time
    assert lab.cell_sources() == sources


AUDIO = """
def tone(hz, seconds=1.0, rate=8000):
    t = np.arange(int(seconds * rate)) / rate
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes((0.2 * 32767 * np.sin(2 * np.pi * hz * t)).astype("<i2").tobytes())
    return out.getvalue()
clips = pd.DataFrame({"clip": [tone(220), b"RIFF\\x00\\x00\\x00\\x00WAVEbroken", tone(440)]})
lab = nbl.Labeller(clips, show="clip", answer=nbl.Caption(), store=store, annotator="ana")
lab
"""


def test_audio_plays_on_p_and_a_broken_clip_is_flagged(lab, tmp_path):
    store = tmp_path / "labels.db"
    card = open_card(lab, code_notebook(SETUP, AUDIO), store)
    audio = lab.page.locator(".nbl-item audio.nbl-audio")
    assert audio.get_attribute("src").startswith("data:audio/wav;base64,")
    lab.page.wait_for_function(
        "() => document.querySelector('.nbl-item audio').readyState >= 1", timeout=10_000
    )  # the browser decoded its header
    lab.page.keyboard.press("p")
    lab.page.wait_for_function("() => !document.querySelector('.nbl-item audio').paused")
    lab.page.keyboard.press("p")
    lab.page.wait_for_function("() => document.querySelector('.nbl-item audio').paused")
    ARTIFACTS.mkdir(exist_ok=True)
    card.screenshot(path=str(ARTIFACTS / "answer_audio.png"))
    lab.page.keyboard.press("Enter")  # into the caption box
    lab.page.keyboard.press("Alt+p")  # listen again while typing
    lab.page.wait_for_function("() => !document.querySelector('.nbl-item audio').paused")
    lab.page.keyboard.press("Alt+p")
    lab.page.wait_for_function("() => document.querySelector('.nbl-item audio').paused")
    lab.page.keyboard.type("a low hum")
    lab.page.keyboard.press("Enter")
    wait_attr(lab, ".nbl-card", "data-saved", "1")
    wait_attr(lab, ".nbl-card", "data-pending", "0")
    assert stored(store) == [("0", "a low hum")]
    with nbl.open_store(store) as opened:
        flags = opened.events(kinds=["flag"])
    assert flags["item_key"].tolist() == ["1"] and "WAV" in flags["note"].iloc[0]
    assert card.get_attribute("data-connected") == "true"
