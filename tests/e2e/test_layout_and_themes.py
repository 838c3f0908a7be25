"""The card's layout with huge items, and its colours in the light and dark themes."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

import nb_label as nbl

from .harness import code_notebook, wait_attr

SETUP_CELL = """
import base64, io, os
import numpy as np
import pandas as pd
from PIL import Image
import nb_label as nbl

store = os.environ["NB_LABEL_STORE"]
long_df = pd.DataFrame({"text": [("lorem ipsum dolor " * 2000)[:20_000], "second " * 3000]})
wide_df = pd.DataFrame({f"column_{j:02d}": [f"v{j}-" + "x" * 200, f"w{j}"] for j in range(30)})
img_df = pd.DataFrame({"img": ["big", "small"]})

yy, xx = np.mgrid[0:2000, 0:3000]
pixels = np.stack([xx * 255 // 3000, yy * 255 // 2000, (xx + yy) % 256], axis=-1)
buffer = io.BytesIO()
Image.fromarray(pixels.astype("uint8")).save(buffer, format="PNG")
big_png = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
"""

CARD_CELLS = [
    'nbl.Labeller(long_df, show="text", labels=["ok", "bad"], store=store, annotator="ana",'
    ' dataset="long")',
    'nbl.Labeller(wide_df, show=list(wide_df.columns), labels=["ok", "bad"], store=store,'
    ' annotator="ana", dataset="wide")',
    'nbl.Labeller(img_df, show="img", labels=["ok", "bad"], store=store, annotator="ana",'
    ' dataset="image", view=lambda row: [{"kind": "image", "src": big_png, "alt": "big"}])',
]

THEME_CELL = """
import os
import nb_label as nbl

df = nbl.datasets.sms_spam().iloc[:50]
lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=os.environ["NB_LABEL_STORE"],
                   annotator="ana")
lab
"""

# Walks up from an element to the first ancestor whose background is not transparent.
EFFECTIVE_BACKGROUND_JS = """(el) => {
  for (let e = el; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    const m = bg.match(/rgba?\\(([^)]*)\\)/);
    if (m) {
      const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      if (parts.length < 4 || parts[3] > 0) return bg;
    }
  }
  return 'rgb(255, 255, 255)';
}"""


def label_events(store: Path) -> pd.DataFrame:
    with nbl.open_store(store) as opened:
        events = opened.events()
    return events[events["kind"] == "label"].reset_index(drop=True)


def box(locator) -> dict:
    return locator.evaluate(
        "e => { const r = e.getBoundingClientRect(); "
        "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }"
    )


def output_box(card) -> dict:
    return card.evaluate(
        "e => { const r = e.closest('.jp-OutputArea-output').getBoundingClientRect(); "
        "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }"
    )


def assert_inside_horizontally(inner: dict, outer: dict, what: str) -> None:
    assert inner["left"] >= outer["left"] - 1 and inner["right"] <= outer["right"] + 1, (
        f"{what} {inner} sticks out of the output area {outer}"
    )


def parse_rgba(text: str) -> tuple[float, float, float, float]:
    parts = [float(p) for p in re.findall(r"[\d.]+", text)]
    if len(parts) == 3:
        parts.append(1.0)
    return tuple(parts[:4])


def luminance(rgb: tuple[float, float, float]) -> float:
    """Relative luminance after WCAG 2."""

    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of a (possibly translucent) text colour over an opaque background."""
    fr, fg, fb, fa = parse_rgba(foreground)
    br, bg, bb, _ = parse_rgba(background)
    seen = (fr * fa + br * (1 - fa), fg * fa + bg * (1 - fa), fb * fa + bb * (1 - fa))
    high, low = sorted([luminance(seen), luminance((br, bg, bb))], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_huge_items_stay_inside_the_output_and_long_text_scrolls(lab, tmp_path):
    store = tmp_path / "layout.db"
    lab.open_notebook(code_notebook(SETUP_CELL, *CARD_CELLS), env={"NB_LABEL_STORE": str(store)})
    lab.run_all(timeout=120)
    page = lab.page
    cards = page.locator(".nbl-card")
    page.wait_for_function("() => document.querySelectorAll('.nbl-card .nbl-item').length === 3")
    long_card, wide_card, image_card = (cards.nth(i) for i in range(3))

    for name, card in (("long", long_card), ("wide", wide_card), ("image", image_card)):
        card.scroll_into_view_if_needed()
        item = card.locator(".nbl-item")
        item.wait_for(state="visible")
        outer = output_box(card)
        assert_inside_horizontally(box(card), outer, f"the {name} card")
        assert_inside_horizontally(box(item), outer, f"the {name} item")

    # the long text is all there and can be scrolled to, not cut off
    text = long_card.locator(".nbl-item .nbl-text")
    assert len(text.text_content()) == 20_000
    item = long_card.locator(".nbl-item")
    sizes = item.evaluate(
        "e => ({scroll: e.scrollHeight, client: e.clientHeight,"
        " overflow: getComputedStyle(e).overflowY})"
    )
    assert sizes["scroll"] > sizes["client"]
    assert sizes["overflow"] in ("auto", "scroll")
    item.evaluate("e => { e.scrollTop = e.scrollHeight; }")
    assert item.evaluate("e => e.scrollTop") > 0

    # every one of the 30 columns is shown
    assert wide_card.locator(".nbl-table th").count() == 30
    assert wide_card.locator(".nbl-table td").first.text_content() == "v0-" + "x" * 200

    # the 3000 x 2000 image is loaded whole and shrunk to fit
    image = image_card.locator("img.nbl-image")
    image.wait_for(state="visible")
    page.wait_for_function(
        "(e) => e.complete && e.naturalWidth > 0", arg=image.element_handle(), timeout=20_000
    )
    natural = image.evaluate("e => [e.naturalWidth, e.naturalHeight]")
    assert natural == [3000, 2000]
    assert_inside_horizontally(box(image), output_box(image_card), "the image")
    assert image.get_attribute("alt") == "big"

    # each card still takes answers after the layout strain
    for card, value_index in ((long_card, 0), (wide_card, 1), (image_card, 0)):
        card.scroll_into_view_if_needed()
        card.locator(f".nbl-label-btn[data-value-index='{value_index}']").click()
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.nbl-card'))"
        ".every(c => c.dataset.saved === '1' && c.dataset.pending === '0')"
    )
    # the next long text starts at its top, though the reader had scrolled the last one down
    assert long_card.locator(".nbl-item .nbl-text").text_content().startswith("second ")
    assert item.evaluate("e => e.scrollTop") == 0
    events = label_events(store)
    assert sorted(zip(events["dataset"], events["item_key"], events["value"], strict=True)) == [
        ("image", "0", "ok"),
        ("long", "0", "ok"),
        ("wide", "0", "bad"),
    ]


def test_text_is_readable_in_light_and_dark_themes(lab, tmp_path):
    store = tmp_path / "themes.db"
    lab.open_notebook(code_notebook(THEME_CELL), env={"NB_LABEL_STORE": str(store)})
    lab.run_all()
    page = lab.page
    card = page.locator(".nbl-card").first
    card.wait_for(state="visible")
    seen = {}
    try:
        for i, theme in enumerate(("JupyterLab Light", "JupyterLab Dark")):
            lab.set_theme(theme)
            page.wait_for_timeout(300)  # let the theme's stylesheet apply
            wait_attr(lab, ".nbl-item", "data-key", str(i))
            text = page.locator(".nbl-item .nbl-text").first
            color = text.evaluate("e => getComputedStyle(e).color")
            item_bg = text.evaluate(EFFECTIVE_BACKGROUND_JS)
            card_bg = card.evaluate(EFFECTIVE_BACKGROUND_JS)
            for where, background in (("item", item_bg), ("card", card_bg)):
                assert parse_rgba(color)[:3] != parse_rgba(background)[:3]
                ratio = contrast(color, background)
                assert ratio >= 4.5, (
                    f"{theme}: text {color} on the {where} {background}: {ratio:.2f}"
                )
            for selector in (".nbl-label-btn", ".nbl-progress", ".nbl-action-btn"):
                part = page.locator(f".nbl-card {selector}").first
                ratio = contrast(
                    part.evaluate("e => getComputedStyle(e).color"),
                    part.evaluate(EFFECTIVE_BACKGROUND_JS),
                )
                assert ratio >= 3.0, f"{theme}: {selector} contrast {ratio:.2f}"
            seen[theme] = luminance(parse_rgba(card_bg)[:3])
            card.click(position={"x": 5, "y": 5})
            page.keyboard.press("2")
            wait_attr(lab, ".nbl-card", "data-saved", str(i + 1))
            wait_attr(lab, ".nbl-card", "data-pending", "0")
        # the card follows the theme rather than keeping one fixed palette
        assert seen["JupyterLab Dark"] < 0.2 < seen["JupyterLab Light"]
        events = label_events(store)
        assert list(zip(events["item_key"], events["value"], strict=True)) == [
            ("0", "spam"),
            ("1", "spam"),
        ]
    finally:  # the theme is a server-wide setting: later tests expect the light one
        lab.set_theme("JupyterLab Light")
