"""Images and regions in real JupyterLab + Chromium: keys, the mouse on the canvas, the store."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest

import nb_label as nbl

from .harness import REPO_ROOT, code_notebook, open_card, wait_attr

DIGITS_CELL = """
import os
import nb_label as nbl
digits = nbl.datasets.digits().head(40)
labels = nbl.Schema([nbl.Label(d, key=str(d)) for d in range(10)])
lab = nbl.Labeller(digits, show="image", labels=labels, store=os.environ["NB_LABEL_STORE"],
                   annotator="ana", view=nbl.ImageView("image", value_range=(0, 16)))
lab
"""

# A 320x240 image shown on a 640x480 canvas: enlarged x2, so canvas pixels are twice the
# image's pixels and the stored coordinates are half of what the mouse did.
REGIONS_CELL = """
import os
import numpy as np
import pandas as pd
import nb_label as nbl
pixels = np.zeros((240, 320, 3), dtype=np.uint8)
pixels[60:180, 80:240] = (200, 120, 40)
pre = [None, None, [{{"type": "box", "label": "cat", "xyxy": [50, 50, 150, 100]}}]]
df = pd.DataFrame({{"image": [pixels, pixels.copy(), pixels.copy()], "model": pre}})
rl = nbl.RegionLabeller(df, show="image", labels=["cat", "dog"], tool={tool!r},
                        pre_annotations="model", store=os.environ["NB_LABEL_STORE"],
                        annotator="ana", canvas_size=(640, 480))
rl
"""


def no_widget_errors(page) -> None:
    errors = page.locator(".jupyter-widgets-error-widget")
    assert errors.count() == 0, errors.first.inner_text()


def test_classify_images_by_key_and_zoom(lab, tmp_path):
    store = tmp_path / "digits.db"
    card = open_card(lab, code_notebook(DIGITS_CELL), store, first_key="0")
    image = card.locator("img.nbl-image")
    image.wait_for(state="visible")
    # an 8x8 digit is enlarged by a whole factor, with crisp pixels
    assert "nbl-image-pixelated" in image.get_attribute("class")
    width = image.evaluate("e => e.getBoundingClientRect().width")
    assert width >= 192 and abs(width / 8 - round(width / 8)) < 1e-6
    assert card.locator(".nbl-image-size").inner_text() == "8\u00d78 px"
    card.locator("button[aria-label='Zoom in']").click()
    assert image.get_attribute("data-zoom") == "2"
    assert image.evaluate("e => e.getBoundingClientRect().width") == pytest.approx(2 * width)

    truths = lab.kernel_eval("digits['target'].head(4).tolist()")
    keys = [str(d) for d in ast.literal_eval(truths)]
    for i, key in enumerate(keys):
        lab.page.keyboard.press(key)
        wait_attr(lab, ".nbl-card", "data-saved", str(i + 1))
    wait_attr(lab, ".nbl-card", "data-pending", "0")
    with nbl.open_store(store) as opened:
        events = opened.events()
    labels = events[events["kind"] == "label"]
    assert labels["item_key"].tolist() == ["0", "1", "2", "3"]
    assert [str(v) for v in labels["value"]] == keys
    no_widget_errors(lab.page)


def canvas_box(lab):
    canvas = lab.page.locator(".nbl-regions-canvas").first
    canvas.wait_for(state="visible")
    # Activate the cell first: JupyterLab scrolls a cell into view when it becomes active,
    # which would move the canvas under a drag that started in it.
    lab.page.locator(".nbl-regions-progress").first.click()
    canvas.scroll_into_view_if_needed()
    lab.page.wait_for_timeout(300)
    box = canvas.bounding_box()
    assert (round(box["width"]), round(box["height"])) == (640, 480), box
    return box


def drag(page, box, start, end) -> None:
    page.mouse.move(box["x"] + start[0], box["y"] + start[1])
    page.mouse.down()
    page.mouse.move(box["x"] + end[0], box["y"] + end[1], steps=8)
    page.mouse.up()


def click_at(page, box, point) -> None:
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    time.sleep(0.15)  # each click is a round trip to the kernel's canvas handler


def stored_regions(store: Path) -> list:
    with nbl.open_store(store) as opened:
        events = opened.events()
    return [v for v in events[events["kind"] == "label"]["value"]]


def stored_notes(store: Path) -> list:
    with nbl.open_store(store) as opened:
        events = opened.events()
    return [n if isinstance(n, str) else None for n in events[events["kind"] == "label"]["note"]]


def open_regions(lab, tmp_path, tool: str) -> Path:
    store = tmp_path / f"{tool}.db"
    lab.open_notebook(
        code_notebook(REGIONS_CELL.format(tool=tool)), env={"NB_LABEL_STORE": str(store)}
    )
    lab.run_all()
    canvas_box(lab)
    time.sleep(0.5)  # the canvas draws the image after its model syncs
    no_widget_errors(lab.page)
    return store


def submit(lab) -> None:
    lab.page.locator(".nbl-regions-submit").first.click()


def test_draw_a_box_with_the_mouse(lab, tmp_path):
    store = open_regions(lab, tmp_path, "box")
    box = canvas_box(lab)
    drag(lab.page, box, (60, 40), (240, 300))
    lab.wait_for_kernel_value("len(rl.annotator.data)", "1")
    note = lab.page.locator(".nbl-region-note input").first
    note.fill("the cat's tail is cut off")
    lab.wait_for_kernel_value("rl.note.value", repr("the cat's tail is cut off"))
    submit(lab)
    lab.wait_for_kernel_value("rl.current", "1")
    assert stored_notes(store) == ["the cat's tail is cut off"]
    lab.wait_for_kernel_value("rl.note.value", "''")
    assert note.input_value() == ""  # cleared for the next image
    regions = stored_regions(store)
    assert regions[0]["width"] == 320 and regions[0]["height"] == 240
    (region,) = regions[0]["regions"]
    assert region["type"] == "box" and region["label"] == "cat"
    assert region["xyxy"] == pytest.approx([30, 20, 120, 150], abs=1.0)


def test_draw_a_polygon_with_the_mouse(lab, tmp_path):
    store = open_regions(lab, tmp_path, "polygon")
    box = canvas_box(lab)
    for point in [(100, 100), (400, 120), (260, 380), (100, 100)]:  # the last click closes it
        click_at(lab.page, box, point)
    lab.wait_for_kernel_value("len(rl.annotator.data)", "1")
    submit(lab)
    lab.wait_for_kernel_value("rl.current", "1")
    (region,) = stored_regions(store)[0]["regions"]
    assert region["type"] == "polygon"
    flat = [c for point in region["points"] for c in point]
    assert flat == pytest.approx([50, 50, 200, 60, 130, 190], abs=1.0)


def test_correct_a_pre_annotation_with_the_mouse(lab, tmp_path):
    store = open_regions(lab, tmp_path, "box")
    lab.kernel_exec("rl.skip(); rl.skip()")  # on to the image with the model's box
    lab.wait_for_kernel_value("rl.current", "2")
    assert lab.kernel_eval("rl.annotator.data") == (
        "[{'type': 'box', 'label': 'cat', 'xyxy': (100, 100, 300, 200)}]"
    )
    time.sleep(0.5)
    lab.page.locator(".nbl-regions-annotator button:has-text('Edit')").first.click()
    lab.wait_for_kernel_value("rl.annotator.canvas.editing", "True")
    box = canvas_box(lab)
    drag(lab.page, box, (300, 200), (400, 260))  # the model's bottom-right corner
    lab.wait_for_kernel_value(
        "rl.annotator.data[0]['xyxy']", lambda v: v.startswith("(100, 100, 4")
    )
    submit(lab)
    lab.wait_for_kernel_value("rl.labeller.progress['labelled']", "1")
    (region,) = stored_regions(store)[-1]["regions"]
    assert region["label"] == "cat"
    assert region["xyxy"] == pytest.approx([50, 50, 200, 130], abs=1.0)


@pytest.mark.parametrize("name", ["images.ipynb", "regions.ipynb"])
def test_notebooks_run_in_the_browser_without_errors(lab, tmp_path, name):
    lab.open_notebook(
        REPO_ROOT / "notebooks" / name, env={"NB_LABEL_STORE": str(tmp_path / "nb.db")}
    )
    lab.run_all(timeout=180)
    lab.page.wait_for_timeout(1500)  # let every widget view render
    no_widget_errors(lab.page)
    assert not [line for line in lab.console if line.startswith("pageerror")], lab.console
    shown = ".nbl-card img.nbl-image" if name == "images.ipynb" else ".nbl-regions-canvas"
    widget = lab.page.locator(shown).first
    widget.scroll_into_view_if_needed()
    widget.wait_for(state="visible")
    no_widget_errors(lab.page)
