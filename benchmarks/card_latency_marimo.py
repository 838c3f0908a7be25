"""Press -> next item on screen in marimo (`marimo run`), nb_label's card beside molabel.

molabel (a marimo-first anywidget labeller) keeps every answer in the page's memory; the
card commits each one to SQLite and marks it saved. Both are measured the same way: a
click fired in the page on the widget's label button, and a MutationObserver inside the
widget's shadow root that sees the next item. The card is also pressed with real keys
(Playwright), timed from the keydown's own timestamp to the next item and to its saved mark.

Needs marimo and molabel 0.1.5 (`pip install marimo molabel==0.1.5`: molabel is only a peer
measured here, not a dependency). Run from the repository root:
python -m benchmarks.card_latency_marimo [--items N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # the harness lives in tests/e2e, outside the package
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks._common import percentiles, write_report  # noqa: E402
from tests.e2e.harness import CHROMIUM_ARGS, CHROMIUM_PATH, serving_marimo  # noqa: E402

RESULTS = REPO_ROOT / "benchmarks" / "results" / "card_latency_marimo.md"
PACE_S = 0.1  # pause after each item is shown, so every press meets a settled page

CARD_NOTEBOOK = """\
import marimo

app = marimo.App()


@app.cell
def _():
    import nb_label as nbl

    lab = nbl.Labeller(nbl.datasets.sms_spam(), show="text", labels=["ham", "spam"],
                       store={store!r}, annotator="bench")
    lab
    return
"""

# molabel's own README usage, on the same SMS texts (escaped: molabel sets innerHTML).
MOLABEL_NOTEBOOK = """\
import marimo

app = marimo.App()


@app.cell
def _():
    import html

    from molabel import SimpleLabel

    import nb_label as nbl

    texts = nbl.datasets.sms_spam()["text"].tolist()
    widget = SimpleLabel(examples=[{{"text": t}} for t in texts[:{n}]],
                         render=lambda ex: "<p>" + html.escape(ex["text"]) + "</p>")
    widget
    return
"""

# Finds `selector` in the page or in any (nested) shadow root: marimo puts each widget in one.
FIND_JS = """
window.__find = (selector) => {
  const search = (root) => {
    const hit = root.querySelector(selector);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) { const f = search(el.shadowRoot); if (f) return f; }
    }
    return null;
  };
  return search(document);
};
"""

# args: {root, item, button}. `item` identifies the item shown; a change is the next item.
INSTRUMENT_JS = (
    FIND_JS
    + """
(args) => {
  const root = window.__find(args.root);
  const B = window.__bench = {fired: [], shown: [], keys: [], saved: {}};
  const itemId = () => {
    const el = root.querySelector(args.item);
    if (!el) return null;
    return args.attr ? el.getAttribute(args.attr) : el.textContent.trim().slice(0, 80);
  };
  B.last = itemId();
  new MutationObserver(() => {
    const now = performance.now();
    const id = itemId();
    if (id !== null && id !== B.last) { B.last = id; B.shown.push(now); }
    if (args.saved) {
      const n = Number(root.dataset.saved || 0);
      for (let c = 1; c <= n; c++) if (!(c in B.saved)) B.saved[c] = now;
    }
  }).observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  document.addEventListener('keydown', (e) => {
    if (e.key === '1') B.keys.push(e.timeStamp);
  }, true);
  window.__fire = () => {
    B.fired.push(performance.now());
    root.querySelector(args.button).click();
  };
  return B.last;
}
"""
)

WIDGETS = {
    "nb_label": {
        # (.nbl-card, not .nbl-widget: marimo does not apply a widget's _dom_classes)
        "root": ".nbl-card", "item": ".nbl-item", "attr": "data-key",
        "button": ".nbl-label-btn[data-value-index='0']", "saved": True,
    },
    "molabel": {
        "root": ".molabel-container", "item": ".molabel-example", "attr": None,
        "button": ".molabel-btn-yes", "saved": False,
    },
}  # fmt: skip


def open_widget(browser, url: str, spec: dict):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    page.wait_for_function(
        FIND_JS + "; (s) => window.__find(s) !== null", arg=spec["item"], timeout=90_000
    )
    time.sleep(1.0)  # let the first buffer and the page settle
    page.evaluate(INSTRUMENT_JS, spec)
    return page


def fire_clicks(page, n: int) -> list[float]:
    """Click the label button from inside the page ``n`` times; ms from click to next item."""
    for i in range(n):
        page.evaluate("() => window.__fire()")
        page.wait_for_function("(k) => window.__bench.shown.length >= k", arg=i + 1)
        time.sleep(PACE_S)
    data = page.evaluate("() => window.__bench")
    return [shown - fired for fired, shown in zip(data["fired"], data["shown"], strict=True)]


def press_keys(page, n: int) -> tuple[list[float], list[float]]:
    """Press "1" ``n`` times; ms from the keydown to the next item, and to its saved mark."""
    page.evaluate("() => window.__find('.nbl-card').focus()")
    start = page.evaluate("() => window.__bench.shown.length")
    saved_before = page.evaluate("() => Object.keys(window.__bench.saved).length")
    for i in range(n):
        page.keyboard.press("1")
        page.wait_for_function("(k) => window.__bench.shown.length >= k", arg=start + i + 1)
        time.sleep(PACE_S)
    page.wait_for_function(
        "(k) => Object.keys(window.__bench.saved).length >= k", arg=saved_before + n,
        timeout=60_000,
    )  # fmt: skip
    data = page.evaluate("() => window.__bench")
    keys, shown = data["keys"], data["shown"][start:]
    to_item = [s - k for k, s in zip(keys, shown, strict=True)]
    to_saved = [data["saved"][str(saved_before + i + 1)] - keys[i] for i in range(n)]
    return to_item, to_saved


def row(what: str, samples: list[float]) -> str:
    p = percentiles(samples)
    return f"| {what} | {p['p50']:.1f} | {p['p95']:.1f} | {p['max']:.1f} | {p['n']} |"


def versions() -> str:
    from importlib.metadata import version

    chromium = subprocess.run(
        [CHROMIUM_PATH, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        f"marimo {version('marimo')}, molabel {version('molabel')}, anywidget "
        f"{version('anywidget')}, {chromium}, Python {sys.version.split()[0]}"
    )


def main(argv: list[str] | None = None) -> str:
    """Run the benchmark, print the markdown report and write it to the results file.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (``--items N``, ``--out PATH``).

    Returns
    -------
    str
        The markdown report.
    """
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=200, help="presses per measurement")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        import marimo  # noqa: F401
        import molabel  # noqa: F401
    except ImportError as err:
        raise SystemExit(f"{err.name} is missing: pip install marimo molabel==0.1.5") from err
    from playwright.sync_api import sync_playwright

    n = args.items
    started = time.monotonic()
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="nbl-marimo-bench-") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        env = {**os.environ, "HOME": tmp}
        try:
            for name, source in [
                ("nb_label", CARD_NOTEBOOK.format(store=str(Path(tmp) / "bench.db"))),
                ("molabel", MOLABEL_NOTEBOOK.format(n=2 * n + 10)),
            ]:
                notebook = Path(tmp) / name / f"{name}_bench.py"
                notebook.parent.mkdir()
                notebook.write_text(source)
                with serving_marimo(notebook, "run", env) as url:
                    page = open_widget(browser, url, WIDGETS[name])
                    results[f"{name}: click fired in the page → next item"] = fire_clicks(page, n)
                    if name == "nb_label":
                        to_item, to_saved = press_keys(page, n)
                        results["nb_label: key press → next item"] = to_item
                        results["nb_label: key press → saved mark (committed to SQLite)"] = (
                            to_saved
                        )
                    page.close()
        finally:
            browser.close()
    load = "/".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        "# Press → next item in marimo (`marimo run`), nb_label beside molabel",
        "",
        f"Command: `python -m benchmarks.card_latency_marimo --items {n}`",
        f"Date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; took "
        f"{time.monotonic() - started:.0f} s; {os.cpu_count()} cores; load {load} at the end",
        f"- {versions()}",
        "",
        "Milliseconds, page clock. A click fired in the page is `button.click()` from page",
        "script, timed from just before it; a key press is Playwright's, timed from the",
        "keydown's own `timeStamp`. The next item is seen by a MutationObserver inside the",
        "widget's shadow root. Presses are paced: each waits for the item, then "
        f"{PACE_S * 1000:.0f} ms.",
        "molabel keeps answers in the page's memory only; the card's saved mark appears",
        "when the kernel has committed the answer to SQLite and acknowledged it.",
        "",
        "| measured | p50 | p95 | max | n |",
        "|---|---|---|---|---|",
        *(row(what, samples) for what, samples in results.items()),
    ]
    return write_report("\n".join(lines) + "\n", args.out)


if __name__ == "__main__":
    main()
