"""Key press -> next item on screen, in real JupyterLab 4 and headless Chromium.

Compares nb_label's item card (items held in the browser) with approaches that ask the kernel
for every item: pigeon's Output widget, a bare ``HTML.value`` update, and ipyannotations'
``ClassLabeller``. All run in the same server, browser and timing code.

Run from the repository root: python -m benchmarks.card_latency [--items N] [--quick]
[--host marimo] (the card in ``marimo run`` beside molabel: benchmarks/card_latency_marimo.py)
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # the harness lives in tests/e2e, outside the package
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks._common import percentiles  # noqa: E402
from tests.e2e.harness import CHROMIUM_ARGS, CHROMIUM_PATH, Lab, LabServer  # noqa: E402

RESULTS = REPO_ROOT / "benchmarks" / "results" / "card_latency.md"
PACE_S = 0.1  # pause after each item is shown, so every press meets a settled page
SHOW_TIMEOUT_MS = 10_000

# -- notebooks --------------------------------------------------------------------------------

# Consecutive duplicate texts are dropped so "the text changed" always means "the next item".
_TEXTS = """\
import html
import ipywidgets as widgets
from IPython.display import HTML, display
import nb_label as nbl

_all = nbl.datasets.sms_spam()["text"].tolist()
texts = [t for i, t in enumerate(_all) if i == 0 or t != _all[i - 1]]
state = {"i": 0}
answers = []
"""

CARD_CELL = """\
import nb_label as nbl
lab = nbl.Labeller(nbl.datasets.sms_spam(), show="text", labels=["ham", "spam"],
                   store={store!r}, annotator="bench")
lab
"""

# pigeon's per-item step (pigeon.annotate.show_next): update the count label, then
# ``with out: clear_output(wait=True); display_fn(example)`` with HTML-escaped text.
PIGEON_CELL = """\
count = widgets.HTML()
out = widgets.Output()
out.add_class("bench-view")

def show(i):
    count.value = f"{i} examples annotated, {len(texts) - i} examples left"
    with out:
        out.clear_output(wait=True)
        display(HTML(html.escape(texts[i])))

def on_click(button):
    answers.append((state["i"], button.description))
    state["i"] += 1
    show(state["i"])

buttons = [widgets.Button(description=name) for name in ("ham", "spam")]
for b in buttons:
    b.add_class("bench-btn")
    b.add_class(f"bench-{b.description}")
    b.on_click(on_click)
display(count, widgets.HBox(buttons), out)
show(0)
"""

HTML_VALUE_CELL = """\
view = widgets.HTML()
view.add_class("bench-view")

def on_click(button):
    answers.append((state["i"], button.description))
    state["i"] += 1
    view.value = html.escape(texts[state["i"]])

buttons = [widgets.Button(description=name) for name in ("ham", "spam")]
for b in buttons:
    b.add_class("bench-btn")
    b.add_class(f"bench-{b.description}")
    b.on_click(on_click)
view.value = html.escape(texts[0])
display(widgets.HBox(buttons), view)
"""

# ipyannotations.text.ClassLabeller shows each text with its own display function (Markdown).
IPYANNOTATIONS_CELL = """\
from ipyannotations.text import ClassLabeller

widget = ClassLabeller(options=["ham", "spam"], allow_freetext=False)
widget.display_widget.add_class("bench-view")
for name, hinted in widget.control_elements.buttons.items():
    hinted.button.add_class("bench-btn")
    hinted.button.add_class(f"bench-{name}")

def on_submit(value):
    answers.append((state["i"], value))
    state["i"] += 1
    widget.display(texts[state["i"]])

widget.on_submit(on_submit)
widget.display(texts[0])
display(widget)
"""

BUSY_CODE = """\
import time as _time
from sklearn.feature_extraction.text import TfidfVectorizer as _Tfidf
from sklearn.linear_model import LogisticRegression as _LR
from sklearn.pipeline import make_pipeline as _pipe
_sms = nbl.datasets.sms_spam()
_t0, _fits = _time.perf_counter(), 0
while _time.perf_counter() - _t0 < {seconds}:
    _pipe(_Tfidf(), _LR(max_iter=1000)).fit(_sms["text"], _sms["label"])
    _fits += 1
print(_fits, round(_time.perf_counter() - _t0, 2))
"""


def notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


# -- in-page timing ---------------------------------------------------------------------------

# One MutationObserver on the widget records when the shown item changes (its callback runs
# as a microtask right after the DOM change, before any paint); a capture-phase listener on
# document records the press. The press time is the event's own timeStamp (when the browser
# created the input event), so time spent queued behind other page work counts too.
INSTRUMENT_JS = """(args) => {
  const root = document.querySelector(args.root);
  const B = window.__bench = {presses: [], shown: [], frames: [], saved: {}, waiting: false};
  function probe() {
    if (args.probe === 'card') {
      const item = root.querySelector('.nbl-item');
      if (!item || !item.dataset.key || !item.querySelector('.nbl-text')) return null;
      return item.dataset.key;
    }
    const view = root.querySelector('.bench-view');
    const text = view ? view.textContent.trim() : '';
    return text ? text : null;
  }
  B.last = probe();
  function check() {
    const now = performance.now();
    const id = probe();
    if (id !== null && id !== B.last) {
      B.last = id;
      const k = B.shown.length;
      B.shown.push({t: now, id: id.slice(0, 40)});
      // the first task after the next frame: the item has been painted by then
      requestAnimationFrame(() => setTimeout(() => { B.frames[k] = performance.now(); }, 0));
    }
    if (args.probe === 'card') {
      const card = root.querySelector('.nbl-card');
      const saved = Number(card.dataset.saved || 0);
      for (let c = 1; c <= saved; c++) if (!(c in B.saved)) B.saved[c] = now;
      B.waiting = card.dataset.waiting === 'true';
    }
  }
  new MutationObserver(check).observe(root, {
    subtree: true, childList: true, attributes: true, characterData: true});
  const type = args.mode === 'key' ? 'keydown' : 'click';
  document.addEventListener(type, (e) => {
    const ours = args.mode === 'key'
      ? (e.key === '1' || e.key === '2')
      : Boolean(e.target.closest && e.target.closest('.bench-btn'));
    if (ours) B.presses.push({t: e.timeStamp, seen: performance.now()});
  }, true);
  return B.last;
}"""

WAIT_SHOWN_JS = "(n) => window.__bench.shown.length >= n || window.__bench.waiting"

START_BUSY_JS = """(code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const busy = window.__busy = {done: false, out: '', status: null};
  const future = kernel.requestExecute({code, store_history: false});
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === 'stream') busy.out += msg.content.text;
  };
  future.done.then((reply) => { busy.status = reply.content.status; busy.done = true; },
                   (err) => { busy.status = String(err); busy.done = true; });
}"""

KERNEL_BUSY_JS = """() => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  return k.status === 'busy';
}"""


@dataclass
class Run:
    """Timings (ms, page clock) of one sequence of presses."""

    name: str
    shown_ms: list[float] = field(default_factory=list)
    frame_ms: list[float] = field(default_factory=list)
    saved_ms: list[float] = field(default_factory=list)
    queued_ms: list[float] = field(default_factory=list)  # event created -> listener ran
    notes: list[str] = field(default_factory=list)


def press_loop(lab: Lab, n: int, press: Callable[[int], None], *, offset: int = 0) -> int:
    """Press ``n`` times, each after the previous item showed; return how many showed."""
    for i in range(n):
        press(i)
        lab.page.wait_for_function(WAIT_SHOWN_JS, arg=offset + i + 1, timeout=SHOW_TIMEOUT_MS)
        if lab.page.evaluate("() => window.__bench.waiting"):
            return i
        time.sleep(PACE_S)
    return n


def collect(lab: Lab, run: Run, start: int, count: int) -> dict:
    """Pair press i with the i-th item change, from ``start``; fill ``run``; return raw data."""
    data = lab.page.evaluate(
        "() => ({presses: __bench.presses, shown: __bench.shown, frames: __bench.frames,"
        " saved: __bench.saved})"
    )
    for i in range(start, start + count):
        pressed = data["presses"][i]
        run.shown_ms.append(data["shown"][i]["t"] - pressed["t"])
        run.queued_ms.append(pressed["seen"] - pressed["t"])
        frame = data["frames"][i] if i < len(data["frames"]) else None
        if frame is not None:
            run.frame_ms.append(frame - pressed["t"])
    return data


def label_for(i: int) -> str:
    return "spam" if i % 7 == 3 else "ham"


# -- approaches -------------------------------------------------------------------------------


def measure_card(lab: Lab, n: int, busy_seconds: float, store: Path) -> tuple[Run, Run]:
    lab.open_notebook(notebook(CARD_CELL.format(store=str(store))), name="card.ipynb")
    lab.run_all()
    lab.page.wait_for_selector(".nbl-item .nbl-text", timeout=30_000)
    lab.page.locator(".nbl-card").first.click(position={"x": 5, "y": 5})
    lab.page.evaluate(INSTRUMENT_JS, {"root": ".nbl-widget", "probe": "card", "mode": "key"})

    def press(i: int) -> None:
        lab.page.keyboard.press("2" if label_for(i) == "spam" else "1")

    idle = Run("nb_label card (kernel idle)")
    shown = press_loop(lab, n, press)
    lab.page.wait_for_function(
        "(n) => Object.keys(__bench.saved).length >= n", arg=shown, timeout=60_000
    )
    data = collect(lab, idle, 0, shown)
    idle.saved_ms = [
        data["saved"][str(c)] - data["presses"][c - 1]["t"] for c in range(1, shown + 1)
    ]
    time.sleep(1.0)  # let the last buffer top-ups arrive: the card holds its full ~20 items

    busy = Run("nb_label card (kernel busy fitting TF-IDF + LR)")
    lab.page.evaluate(START_BUSY_JS, BUSY_CODE.format(seconds=busy_seconds))
    lab.page.wait_for_function(KERNEL_BUSY_JS, timeout=10_000, polling=10)
    time.sleep(0.5)
    started = time.monotonic()
    held = press_loop(lab, 20, lambda i: press(shown + i), offset=shown)
    pressing_s = time.monotonic() - started
    still_busy = not lab.page.evaluate("() => window.__busy.done")
    collect(lab, busy, shown, held)
    busy.notes.append(
        f"{held} of 20 presses showed a next item from the card's buffer"
        f"{'' if held == 20 else ' (then it showed waiting for the kernel)'}; "
        f"the presses took {pressing_s:.1f} s and the kernel was "
        f"{'still busy' if still_busy else 'NO LONGER busy'} after the last one"
    )
    lab.page.wait_for_function("() => window.__busy.done", timeout=(busy_seconds + 60) * 1000)
    ended = time.monotonic()
    lab.page.wait_for_function(
        "(n) => Object.keys(__bench.saved).length >= n", arg=shown + held, timeout=60_000
    )
    fits, seconds = (lab.page.evaluate("() => window.__busy.out").split() + ["?", "?"])[:2]
    busy.notes.append(
        f"busy cell: {fits} fits in {seconds} s; all {held} answers were saved "
        f"{(time.monotonic() - ended) * 1000:.0f} ms after it ended (they queue behind the cell)"
    )
    stored = lab.kernel_eval("int(lab.progress['labelled'])")
    idle.notes.append(f"store holds {stored} labels after {shown + held} presses")
    return idle, busy


def measure_widget(lab: Lab, *, name: str, cell: str, n: int) -> Run:
    lab.open_notebook(notebook(_TEXTS, cell), name=f"{name.split()[0]}.ipynb")
    lab.run_all()
    lab.page.wait_for_function(
        "() => { const v = document.querySelector('.bench-view');"
        " return v !== null && v.textContent.trim().length > 0; }",
        timeout=30_000,
    )
    lab.page.evaluate(INSTRUMENT_JS, {"root": ".jp-Notebook", "probe": "text", "mode": "click"})
    run = Run(name)
    shown = press_loop(lab, n, lambda i: lab.page.click(f".bench-{label_for(i)}"))
    collect(lab, run, 0, shown)
    handled = lab.kernel_eval("state['i']")
    run.notes.append(f"the kernel handled {handled} clicks")
    return run


APPROACHES = {
    "pigeon": ("pigeon method (Output + clear_output(wait=True) + display(HTML))", PIGEON_CELL),
    "html": ("bare ipywidgets HTML.value per click", HTML_VALUE_CELL),
    "ipyannotations": ("ipyannotations 0.5.1 text.ClassLabeller", IPYANNOTATIONS_CELL),
}

# -- report -----------------------------------------------------------------------------------


def machine_lines() -> list[str]:
    import jupyterlab

    cpu = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    chromium = subprocess.run(
        [CHROMIUM_PATH, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return [
        f"- nproc: {os.cpu_count()}; CPU: {cpu}",
        f"- {chromium} (headless, args as tests/e2e/conftest.py)",
        f"- JupyterLab {jupyterlab.__version__}; Python {sys.version.split()[0]}",
    ]


def row(label: str, what: str, samples: list[float]) -> str:
    if not samples:
        return f"| {label} | {what} | – | – | – | 0 |"
    p = percentiles(samples)
    return f"| {label} | {what} | {p['p50']:.1f} | {p['p95']:.1f} | {p['max']:.1f} | {p['n']} |"


def report(
    runs: list[Run], loads: list[str], argv: list[str], seconds: float, *, nodelay: bool = False
) -> str:
    card, busy, *naive = runs
    server = (
        "TCP_NODELAY set on the server's websockets (diagnostic launcher)"
        if nodelay
        else "stock jupyter_server (no TCP_NODELAY on its websockets)"
    )
    lines = [
        "# Key press → next item on screen, in JupyterLab 4 + headless Chromium",
        "",
        f"Command: `{' '.join(['python -m benchmarks.card_latency', *argv])}`",
        f"Server: {server}",
        f"Date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; took {seconds:.0f} s",
        *machine_lines(),
        f"- load average (1, 5, 15 min) at each step: {'; '.join(loads)}",
        "",
        "Milliseconds from the input event's own timestamp (`event.timeStamp` of the keydown or",
        "click, read by a capture listener on `document`) to the MutationObserver callback that",
        'sees the next item\'s text in the DOM. "Next frame" is the first task after the next',
        "animation frame (the item is painted by then). Presses are paced: each waits until the",
        f"previous item showed, then {PACE_S * 1000:.0f} ms.",
        "",
        "| approach | measured | p50 | p95 | max | n |",
        "|---|---|---|---|---|---|",
        row(card.name, "press → next item's text", card.shown_ms),
        row(card.name, "press → next frame", card.frame_ms),
        row(card.name, "press → saved mark (kernel's ack)", card.saved_ms),
        row(busy.name, "press → next item's text", busy.shown_ms),
        row(busy.name, "press → next frame", busy.frame_ms),
    ]
    for run in naive:
        lines.append(row(run.name, "click → next item's text", run.shown_ms))
        lines.append(row(run.name, "click → next frame", run.frame_ms))
    lines += ["", "Ratio of each kernel-round-trip approach's p50 to the card's p50:", ""]
    base = percentiles(card.shown_ms)["p50"] if card.shown_ms else float("nan")
    base_frame = percentiles(card.frame_ms)["p50"] if card.frame_ms else float("nan")
    for run in naive:
        if run.shown_ms:
            ratio = percentiles(run.shown_ms)["p50"] / base
            ratio_frame = percentiles(run.frame_ms)["p50"] / base_frame if run.frame_ms else 0
            lines.append(
                f"- {run.name}: {ratio:.1f}× (to the DOM), {ratio_frame:.1f}× (to the next frame)"
            )
    lines += ["", "Targets: card next item p50 ≤ 16 ms, p95 ≤ 33 ms; saved mark p50 ≤ 60 ms.", ""]
    lines += ["Notes from the run:", ""]
    for run in runs:
        if run.queued_ms:
            q = percentiles(run.queued_ms)
            run.notes.append(
                f"input event queued before the listener ran: p50 {q['p50']:.1f} ms, "
                f"max {q['max']:.1f} ms"
            )
        lines += [f"- {run.name}: {note}" for note in run.notes]
    lines += [
        "",
        "Method of the compared approaches (none is installed from pigeon/pigeonXT):",
        "- pigeon: re-created in a few lines: two `Button`s whose handler updates a count",
        "  `HTML` and does `with out: clear_output(wait=True); display(HTML(html.escape(text)))`",
        "  in an `Output` widget, as `pigeon.annotate` does per item (pigeonXT is not installed:",
        "  it pins JupyterLab 3).",
        "- bare `HTML.value`: one `HTML` widget whose value the click handler sets (the kernel",
        "  round-trip floor for widgets).",
        "- ipyannotations: `ipyannotations.text.ClassLabeller(options=['ham', 'spam'])` with",
        "  its own text display (Markdown in its `Output`), `on_submit` calling",
        "  `widget.display(next)`; the click is on its label button.",
        "- Consecutive duplicate SMS texts are dropped for these three, so a text change",
        "  always means the next item. Clicks are Playwright mouse clicks; the card gets real",
        "  key presses (`page.keyboard.press`) after one click on the card.",
        "- Every kernel round trip (the saved mark and all three compared approaches) pays",
        "  Nagle's algorithm: jupyter_server does not set TCP_NODELAY on its websockets, so the",
        "  reply frame after the kernel's busy-status frame waits for the browser's delayed",
        "  ACK. `--server-nodelay` starts the server with it set, to show that cost.",
    ]
    return "\n".join(lines) + "\n"


def load_average() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


# Diagnostic only: jupyter_server never sets TCP_NODELAY on its websockets, so Nagle's algorithm
# holds the second small frame of a burst (busy status, then the reply) until the browser's
# delayed ACK. This launcher sets it, to show what that costs every kernel round trip.
NODELAY_LAUNCHER = """\
import sys
import tornado.websocket as ws
_write = ws.WebSocketHandler.write_message
def write_message(self, *args, **kwargs):
    if not getattr(self, "_nodelay_set", False) and self.ws_connection is not None:
        self.set_nodelay(True)
        self._nodelay_set = True
    return _write(self, *args, **kwargs)
ws.WebSocketHandler.write_message = write_message
from jupyterlab.labapp import main
sys.exit(main())
"""


def start_server(base_dir: Path, *, nodelay: bool) -> LabServer:
    """Start the harness's server; with ``nodelay``, through :data:`NODELAY_LAUNCHER`."""
    if not nodelay:
        return LabServer.start(base_dir)
    popen = subprocess.Popen

    def launch(cmd: list[str], *args: object, **kwargs: object) -> subprocess.Popen:
        if cmd[1:4] == ["-m", "jupyter", "lab"]:
            cmd = [cmd[0], "-c", NODELAY_LAUNCHER, *cmd[4:]]
        return popen(cmd, *args, **kwargs)

    subprocess.Popen = launch  # the harness calls subprocess.Popen; restored right after
    try:
        return LabServer.start(base_dir)
    finally:
        subprocess.Popen = popen


def run_all(
    n: int, busy_seconds: float, only: list[str], *, nodelay: bool = False
) -> tuple[list[Run], list[str]]:
    from playwright.sync_api import sync_playwright

    runs: list[Run] = []
    loads = [f"start {load_average()}"]
    with tempfile.TemporaryDirectory(prefix="nbl-card-bench-") as tmp:
        server = start_server(Path(tmp) / "jupyter", nodelay=nodelay)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS
                )
                try:

                    def with_lab(step: Callable[[Lab], object]) -> object:
                        context = browser.new_context(viewport={"width": 1280, "height": 900})
                        try:
                            lab = Lab(page=context.new_page(), server=server)
                            result = step(lab)
                            errors = [c for c in lab.console if c.startswith("pageerror")]
                            if errors:
                                print(f"page errors: {errors[:3]}", file=sys.stderr)
                            return result
                        finally:
                            context.close()
                            server.delete_sessions()

                    store = Path(tmp) / "bench.db"
                    runs += with_lab(lambda lab: measure_card(lab, n, busy_seconds, store))
                    loads.append(f"after card {load_average()}")
                    for key in only:
                        name, cell = APPROACHES[key]
                        step = functools.partial(measure_widget, name=name, cell=cell, n=n)
                        runs.append(with_lab(step))
                        loads.append(f"after {key} {load_average()}")
                finally:
                    browser.close()
        finally:
            server.stop()
    return runs, loads


def main(argv: list[str] | None = None) -> str:
    """Run the benchmark, print the markdown report and write it to the results file.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (``--items N``, ``--quick``, ``--busy-seconds S``, ...).

    Returns
    -------
    str
        The markdown report.
    """
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=200, help="presses per approach")
    parser.add_argument("--quick", action="store_true", help="50 presses per approach")
    parser.add_argument("--busy-seconds", type=float, default=20.0)
    parser.add_argument(
        "--only", nargs="*", default=list(APPROACHES), choices=list(APPROACHES),
        help="which kernel-round-trip approaches to compare with (default: all)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the report")
    parser.add_argument("--append", action="store_true", help="append to --out, not replace it")
    parser.add_argument(
        "--server-nodelay", action="store_true",
        help="diagnostic: set TCP_NODELAY on the server's websockets (jupyter_server does not)",
    )  # fmt: skip
    parser.add_argument(
        "--host", choices=["jupyterlab", "marimo"], default="jupyterlab",
        help="marimo: the card in `marimo run` beside molabel (benchmarks/card_latency_marimo.py)",
    )  # fmt: skip
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    n = 50 if args.quick else args.items
    if args.host == "marimo":
        from benchmarks import card_latency_marimo

        return card_latency_marimo.main(["--items", str(n)])
    if n < 1:
        raise ValueError("--items must be at least 1")
    started = time.monotonic()
    runs, loads = run_all(n, args.busy_seconds, args.only, nodelay=args.server_nodelay)
    loads.append(f"end {load_average()}")
    used = sys.argv[1:] if argv is None else argv
    text = report(runs, loads, used, time.monotonic() - started, nodelay=args.server_nodelay)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.append and args.out.exists():
        text = args.out.read_text() + "\n" + text
    args.out.write_text(text)
    return text


if __name__ == "__main__":
    main()
