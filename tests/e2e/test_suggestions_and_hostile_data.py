"""Suggestions after retrain() and hostile data, in real JupyterLab."""

from __future__ import annotations

import http.server
import threading

import pandas as pd
import pytest

import nb_label as nbl

from .harness import code_notebook, wait_attr

SUGGEST_CELL = """
import os
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
import nb_label as nbl

df = nbl.datasets.sms_spam().iloc[:400]
lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=os.environ["NB_LABEL_STORE"],
                   annotator="ana")
loop = nbl.ActiveLoop(lab, make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000)),
                      features="text", random_state=0, audit=0)
nbl.simulate(lab, df["label"], n=60, seed=0)
loop.retrain()
lab
"""

HOSTILE = [
    "<img src=x onerror='window.__nbl_pwned = 1'>",
    "<script>window.__nbl_pwned = 2</script>",
    "<a href='javascript:window.__nbl_pwned = 3'>click me</a>",
    "<iframe src='javascript:parent.__nbl_pwned = 4'></iframe>",
    "<style>body { display: none !important }</style>",
]

HOSTILE_CELL = """
import os
import pandas as pd
import nb_label as nbl

texts = {texts}
df = pd.DataFrame({{"text": texts}})
lab = nbl.Labeller(df, show="text", labels=["<b onmouseover=alert(1)>bold</b>", "<i>ok</i>"],
                   store=os.environ["NB_LABEL_STORE"], annotator="ana")
lab
"""


def test_suggestion_is_shown_and_enter_accepts_it(lab, tmp_path):
    store = tmp_path / "s.db"
    lab.open_notebook(code_notebook(SUGGEST_CELL), env={"NB_LABEL_STORE": str(store)})
    lab.run_all(timeout=120)
    card = lab.page.locator(".nbl-card").first
    card.wait_for(state="visible")
    suggestion = lab.page.locator(".nbl-suggestion").first
    suggestion.wait_for(state="visible")
    shown = suggestion.inner_text()
    key = lab.page.locator(".nbl-item").first.get_attribute("data-key")
    expected = eval(lab.kernel_eval(f"lab.suggestion({key})"))  # noqa: S307 (our own repr)
    assert expected["label"] in shown
    assert f"{round(expected['p'] * 100)}%" in shown
    assert lab.page.locator(".nbl-key[data-key='Enter']").first.is_visible()

    card.click(position={"x": 5, "y": 5})
    lab.page.keyboard.press("Enter")
    wait_attr(lab, ".nbl-card", "data-saved", "1")
    with nbl.open_store(store) as opened:
        events = opened.events()
    last = events[events["source"] == "human"].iloc[-1]
    assert last["item_key"] == key
    assert last["value"] == expected["label"] == last["suggestion"]
    assert abs(last["suggestion_p"] - expected["p"]) < 1e-3


def test_hostile_data_renders_as_text_and_runs_nothing(lab, tmp_path):
    store = tmp_path / "h.db"
    cell = HOSTILE_CELL.format(texts=repr(HOSTILE))
    lab.open_notebook(code_notebook(cell), env={"NB_LABEL_STORE": str(store)})
    lab.run_all()
    card = lab.page.locator(".nbl-card").first
    card.wait_for(state="visible")
    raw = HOSTILE
    hostile_note = "<img src=x onerror='window.__nbl_pwned = 9'>"
    for i, text in enumerate(raw):
        wait_attr(lab, ".nbl-item", "data-key", str(i))
        assert lab.page.locator(".nbl-item .nbl-text").first.text_content() == text
        card.click(position={"x": 5, "y": 5})
        if i == 0:
            lab.page.keyboard.press("n")
            lab.page.locator("textarea.nbl-note").type(hostile_note)
            lab.page.keyboard.press("Escape")
        lab.page.keyboard.press("1")
    wait_attr(lab, ".nbl-card", "data-saved", str(len(raw)))
    # nothing ran, nothing was parsed as markup, the page is still visible
    assert lab.page.evaluate("window.__nbl_pwned === undefined")
    assert lab.page.locator(".nbl-card img, .nbl-card script, .nbl-card iframe, "
                            ".nbl-card style, .nbl-card a[href]").count() == 0  # fmt: skip
    assert lab.page.locator(".nbl-label-btn").first.text_content().startswith("<b onmouseover")
    assert lab.page.evaluate("getComputedStyle(document.body).display") != "none"
    with nbl.open_store(store) as opened:
        events = opened.events()
    labels = events[events["kind"] == "label"]
    assert labels["value"].tolist() == ["<b onmouseover=alert(1)>bold</b>"] * len(raw)
    assert labels["note"].iloc[0] == hostile_note
    assert pd.isna(labels["note"].iloc[1])


BEACON_CELL = """
import os
import pandas as pd
import nb_label as nbl

store = os.environ["NB_LABEL_STORE"]
texts = pd.DataFrame({"text": ["Ana met Bo in Oslo", "Kwame went home"]})
multi = nbl.Labeller(texts, show="text", answer=nbl.MultiLabel(["x", "y"]), store=store,
                     annotator="ana", dataset="beacon-multi")
spans = nbl.SpanLabeller(texts, show="text", labels=["x", "y"], store=store, annotator="ana",
                         dataset="beacon-spans")
display(multi, spans)
"""


@pytest.fixture
def beacon_server():
    """A local HTTP server that records every path requested from it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def test_a_label_colour_from_the_store_fetches_nothing(lab, tmp_path, beacon_server):
    """Another kernel wrote label colours that are CSS url()s: no card or span fetches them."""
    base, hits = beacon_server
    store = tmp_path / "beacon.db"
    with nbl.open_store(store) as opened:
        for dataset in ("beacon-multi", "beacon-spans"):
            labels = [
                {"value": v, "definition": "", "key": k, "color": f"url({base}/{dataset}-{v})",
                 "examples": []}
                for v, k in (("x", "1"), ("y", "2"))
            ]  # fmt: skip
            opened.append({
                "dataset": dataset, "annotator": "mallory", "kind": "labelset",
                "value": {"op": "create", "labels": labels, "policy": "open", "owners": []},
            })  # fmt: skip
    lab.open_notebook(code_notebook(BEACON_CELL), env={"NB_LABEL_STORE": str(store)})
    lab.run_all()
    page = lab.page
    card = page.locator(".nbl-card").first
    card.wait_for(state="visible")
    card.click(position={"x": 5, "y": 5})
    page.keyboard.press("1")  # toggles x: its button's background is the label colour
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    wait_attr(lab, ".nbl-card", "data-saved", "1")

    widget = page.locator(".nbl-spans").first
    widget.wait_for(state="visible")
    page.locator(".nbl-span-text").first.click()
    page.keyboard.press("1")  # a span labelled x is drawn in the label colour
    wait_attr(lab, ".nbl-spans", "data-saved", "1")
    assert page.locator(".nbl-span-text [data-start]").count() > 0
    page.wait_for_timeout(500)
    assert hits == []
    colours = page.evaluate(
        "() => Array.from(document.querySelectorAll('.nbl-label-btn, .nbl-span-label-btn,"
        " .nbl-span-text *')).map(e => e.getAttribute('style') || '').join(' ')"
    )
    assert "url(" not in colours
