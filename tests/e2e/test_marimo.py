"""The quickstart's card in marimo, as an app (`marimo run`) and in the editor (`marimo edit`):
keys, a note, undo and the saved mark, each checked in the store."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

import nb_label as nbl

from .harness import REPO_ROOT, serving_marimo

NOTEBOOK = REPO_ROOT / "notebooks" / "quickstart_marimo.py"
NOTEBOOK_CELLS = NOTEBOOK.read_text().count("@app.cell")

try:
    import marimo  # noqa: F401
except ImportError:  # under CI the dev install has it: missing there is a failure
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("the marimo tests need marimo: pip install -e '.[dev]'", allow_module_level=True)


@contextlib.contextmanager
def marimo_serving(notebook: Path, mode: str, env: dict, browser) -> Iterator[object]:
    """`marimo <mode>` serving ``notebook``; yields a page on it, its cells run."""
    with serving_marimo(notebook, mode, env) as url:
        page = browser.new_page()
        try:
            page.goto(url)
            if mode == "edit":
                run_all_in_the_editor(page)
            yield page
        finally:
            page.close()


@pytest.fixture(params=["run", "edit"])
def marimo_page(request, browser, tmp_path) -> Iterator[tuple[object, Path, str]]:
    """marimo serving a copy of the quickstart; yields (page, store path, mode)."""
    store = tmp_path / "marimo.db"
    (tmp_path / "app").mkdir()
    notebook = Path(shutil.copy(NOTEBOOK, tmp_path / "app" / NOTEBOOK.name))
    env = {**os.environ, "NB_LABEL_STORE": str(store), "HOME": str(tmp_path)}
    with marimo_serving(notebook, request.param, env, browser) as page:
        yield page, store, request.param


def run_all_in_the_editor(page) -> None:
    """Press the editor's "run all stale cells" button, as a user would.

    The editor opens with every cell stale. A press before its kernel is connected is
    dropped, and the page shows no sign of that connection: press until the cells run.
    """
    page.get_by_test_id("cell-actions-button").first.wait_for(timeout=60_000)
    for _attempt in range(4):
        page.get_by_test_id("run-button").last.click()
        with contextlib.suppress(PlaywrightTimeout):
            widget = page.locator(".nbl-card, .nbl-spans").first
            widget.wait_for(state="attached", timeout=15_000)
            return
    raise AssertionError("marimo's editor did not run the notebook after four presses")


def human_events(store: Path) -> pd.DataFrame:
    with nbl.open_store(store) as opened:
        events = opened.events()
    return events[(events["source"] == "human") & (events["kind"] != "labelset")]


def test_keys_note_undo_and_saved_mark_in_marimo(marimo_page):
    # marimo puts each widget in a shadow root: Playwright's locators reach into it,
    # document.querySelector (the JupyterLab tests' wait_attr) does not.
    page, store, mode = marimo_page
    expect.set_options(timeout=20_000)
    card = page.locator(".nbl-card").first
    card.wait_for(state="visible", timeout=90_000)
    # The notebook labelled the first message from code; the card counts it and shows item 1.
    expect(page.locator(".nbl-item").first).to_have_attribute("data-key", "1", timeout=60_000)
    assert page.locator(".nbl-progress").first.inner_text().startswith("1 / 5,574 labelled")

    card.click(position={"x": 5, "y": 5})
    page.keyboard.press("1")  # ham for item 1
    expect(page.locator(".nbl-card").first).to_have_attribute("data-saved", "1")
    page.keyboard.press("n")
    note = page.locator("textarea.nbl-note").first
    note.wait_for(state="visible")
    note.type("a prize <b>claim</b> 0800")  # digits typed here label nothing
    page.keyboard.press("Escape")
    page.keyboard.press("2")  # spam for item 2, with the note
    expect(page.locator(".nbl-card").first).to_have_attribute("data-saved", "2")
    expect(page.locator(".nbl-card").first).to_have_attribute("data-pending", "0")
    assert page.locator(".nbl-status").first.inner_text() == "saved"

    page.keyboard.press("z")  # undo item 2's answer
    expect(page.locator(".nbl-item").first).to_have_attribute("data-key", "2")
    expect(page.locator(".nbl-card").first).to_have_attribute("data-pending", "0")
    assert page.locator(".nbl-status").first.inner_text().startswith("undid: spam on item 2")

    events = human_events(store)
    answers = events[events["kind"] == "label"]
    assert list(zip(answers["item_key"], answers["value"], strict=True)) == [
        ("0", "ham"), ("1", "ham"), ("2", "spam"),
    ]  # fmt: skip
    assert answers["note"].iloc[-1] == "a prize <b>claim</b> 0800"
    retract = events[events["kind"] == "retract"]
    assert len(retract) == 1
    assert retract["retracts"].iloc[0] == answers["id"].iloc[-1]
    if mode == "edit":
        # No key reached marimo's editor: no cell was added or deleted.
        assert page.get_by_test_id("cell-actions-button").count() == NOTEBOOK_CELLS


SPANS_NOTEBOOK = """\
import marimo

app = marimo.App()


@app.cell
def _():
    import os

    import pandas as pd
    from PIL import Image

    import nb_label as nbl

    return Image, nbl, os, pd


@app.cell
def _(nbl, os, pd):
    texts = pd.DataFrame({"text": ["Ana Lima met the Harbour Club in Porto.", "Kwame went home."]})
    lab = nbl.SpanLabeller(texts, show="text", labels=["PER", "LOC", "ORG"],
                           store=os.environ["NB_LABEL_STORE"], annotator="ana")
    lab
    return


@app.cell
def _(Image, nbl, os, pd):
    images = pd.DataFrame({"image": [Image.new("RGB", (8, 8))]})
    nbl.RegionLabeller(images, show="image", labels=["tree"],
                       store=os.environ["NB_LABEL_STORE"], annotator="ana", dataset="photos")
    return
"""


@pytest.fixture(params=["run", "edit"])
def marimo_spans(request, browser, tmp_path):
    """marimo serving a notebook with a spans widget and a region labeller."""
    store = tmp_path / "spans.db"
    (tmp_path / "app").mkdir()
    notebook = tmp_path / "app" / "spans_marimo.py"
    notebook.write_text(SPANS_NOTEBOOK)
    env = {**os.environ, "NB_LABEL_STORE": str(store), "HOME": str(tmp_path)}
    with marimo_serving(notebook, request.param, env, browser) as page:
        yield page, store


def test_spans_widget_marks_notes_and_undoes_in_marimo(marimo_spans):
    page, store = marimo_spans
    expect.set_options(timeout=20_000)
    widget = page.locator(".nbl-spans").first
    widget.wait_for(state="visible", timeout=90_000)
    text = page.locator(".nbl-span-text").first
    expect(text).to_have_attribute("data-key", "0", timeout=60_000)
    text.click()

    page.keyboard.press("Shift+ArrowRight")  # the cursor starts on "Ana": extend over "Lima"
    page.keyboard.press("1")  # PER
    expect(widget).to_have_attribute("data-saved", "1")
    page.keyboard.press("z")  # undo: the span is gone, in the store too
    expect(widget).to_have_attribute("data-pending", "0")
    page.keyboard.press("n")
    page.keyboard.type("two names? 1 z")  # keys typed in the note are text only
    page.keyboard.press("Escape")
    page.keyboard.press("1")  # the selection outlived the undo and the note: PER again
    expect(widget).to_have_attribute("data-pending", "0")
    page.keyboard.press("Enter")  # the next text
    expect(text).to_have_attribute("data-key", "1")

    with nbl.open_store(store) as opened:
        events = opened.events()
    events = events[events["kind"].isin(["label", "retract"])]
    assert events["kind"].tolist() == ["label", "retract", "label"]
    first, _, last = events.to_dict("records")
    assert first["value"]["spans"] == last["value"]["spans"] == [[0, 8, "PER"]]
    assert last["note"] == "two names? 1 z"

    # The region labeller cannot be shown here, and says so instead of a blank cell.
    expect(page.get_by_text("RegionLabeller needs Jupyter")).to_be_visible()
