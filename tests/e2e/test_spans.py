"""The spans widget in real JupyterLab + Chromium: a span by mouse drag, one by keyboard,
one with a note typed in the widget's note box."""

from __future__ import annotations

from pathlib import Path

import nb_label as nbl
from nb_label.spans import text_sha256

from .harness import code_notebook, wait_attr

TEXTS = {
    "t1": "Ana Lima met the Harbour Club in Porto.",
    "t2": "🎉 Kwame Mensah visited Accra 👏🏽 today.",
    "t3": 'Hi <script>window.__xss = 1</script> and <img src=x onerror="window.__xss = 2"> Bo',
}

CELL = """\
import os
import pandas as pd
import nb_label as nbl

df = pd.DataFrame({{"text": {texts!r}}})
lab = nbl.SpanLabeller(df, show="text", labels=["PER", "LOC", "ORG"],
                       store=os.environ["NB_LABEL_STORE"], annotator="ana")
lab
"""

# The screen point of the character at code-unit offset `at` of the shown text.
POINT_JS = """(at) => {
  const box = document.querySelector('.nbl-span-text');
  for (const seg of box.querySelectorAll('[data-start]')) {
    const s = Number(seg.dataset.start), e = Number(seg.dataset.end);
    if (at >= s && at < e) {
      const range = document.createRange();
      range.setStart(seg.firstChild, at - s);
      range.setEnd(seg.firstChild, at - s + 1);
      const r = range.getBoundingClientRect();
      return {x: r.left + r.width / 2, y: r.top + r.height / 2};
    }
  }
  return null;
}"""


def label_events(store: Path) -> list[tuple[str, dict, str | None]]:
    with nbl.open_store(store) as opened:
        events = opened.events()
    labels = events[events["kind"] == "label"]
    notes = [n if isinstance(n, str) else None for n in labels["note"]]
    return list(zip(labels["item_key"], labels["value"], notes, strict=True))


def test_mark_by_mouse_and_by_keyboard_and_check_the_store(lab, tmp_path):
    store = tmp_path / "spans.db"
    lab.open_notebook(
        code_notebook(CELL.format(texts=list(TEXTS.values()))),
        env={"NB_LABEL_STORE": str(store)},
    )
    lab.run_all()
    page = lab.page
    widget = page.locator(".nbl-spans").first
    widget.wait_for(state="visible")
    wait_attr(lab, ".nbl-span-text", "data-key", "0")
    sources = lab.cell_sources()

    # 1. mouse: drag from inside "Ana" to inside "Lima"; the selection snaps to whole words
    start = page.evaluate(POINT_JS, 1)
    end = page.evaluate(POINT_JS, 6)
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move(end["x"], end["y"], steps=6)
    page.mouse.up()
    page.keyboard.press("1")  # PER
    wait_attr(lab, ".nbl-spans", "data-saved", "1")

    # 2. keyboard: word cursor to "Harbour", shift-extend over "Club", label key 3 (ORG)
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("3")
    wait_attr(lab, ".nbl-spans", "data-saved", "2")
    page.keyboard.press("Enter")  # saved already: shows the next text, no new answer
    wait_attr(lab, ".nbl-span-text", "data-key", "1")

    # 3. a note: n opens the box; label keys, letters and arrows typed there are text only
    page.keyboard.press("n")
    note = page.locator(".nbl-spans-note").first
    assert note.evaluate("(n) => n === document.activeElement")
    page.keyboard.type("2 names? s b z u 1")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Escape")  # back to the text: the keys work again
    assert note.input_value() == "2 names? s b z u 1"
    assert page.locator(".nbl-spans").first.get_attribute("data-saved") == "2"
    assert page.locator(".nbl-spans").first.get_attribute("data-pending") == "0"  # none sent
    assert page.locator(".nbl-span-text").first.get_attribute("data-key") == "1"

    # 4. keyboard on a text with emoji: offsets must arrive in code points, not UTF-16
    page.keyboard.press("Shift+ArrowRight")  # the cursor starts on "Kwame"
    page.keyboard.press("1")
    wait_attr(lab, ".nbl-spans", "data-saved", "3")
    page.keyboard.press("Enter")
    wait_attr(lab, ".nbl-span-text", "data-key", "2")
    wait_attr(lab, ".nbl-spans", "data-pending", "0")

    t1 = TEXTS["t1"]
    harbour = t1.index("Harbour Club")
    stored = label_events(store)
    assert [key for key, _, _ in stored] == ["0", "0", "1"]
    assert [note for _, _, note in stored] == [None, None, "2 names? s b z u 1"]
    assert stored[0][1]["spans"] == [[0, 8, "PER"]]
    assert stored[1][1]["spans"] == [[0, 8, "PER"], [harbour, harbour + 12, "ORG"]]
    assert stored[1][1]["text_sha256"] == text_sha256(t1)
    assert stored[2][1]["spans"] == [[2, 14, "PER"]]
    assert TEXTS["t2"][2:14] == "Kwame Mensah"
    assert lab.kernel_eval("lab.spans_of(1)") == "[(2, 14, 'PER')]"

    # 5. hostile text arrives as characters: no script ran, no image element exists
    box = page.locator(".nbl-span-text")
    assert box.inner_text().strip() == TEXTS["t3"]
    assert page.locator(".nbl-spans img, .nbl-spans script").count() == 0
    assert page.evaluate("() => window.__xss === undefined")

    # keys never reached JupyterLab: no cell inserted, deleted or changed
    assert lab.cell_sources() == sources
    artifacts = Path(__file__).parent / "artifacts"
    artifacts.mkdir(exist_ok=True)
    page.keyboard.press("b")
    wait_attr(lab, ".nbl-span-text", "data-key", "1")
    assert note.input_value() == "2 names? s b z u 1"  # back: the text's note is shown again
    page.keyboard.press("b")
    wait_attr(lab, ".nbl-span-text", "data-key", "0")
    assert note.input_value() == ""
    widget.screenshot(path=str(artifacts / "spans.png"))
