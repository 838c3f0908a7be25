"""Images: next 256x256 image ready on the Python side (encoding included), and key -> shown.

1. Python: ``lab.card_item(position)`` for an item never rendered before (decode + convert +
   encode + block), from JPEG files and from numpy arrays; and label() -> committed -> next
   image rendered, as ``label_latency`` measures for text.
2. Browser: a key press in the item card -> the next image in the DOM (and painted), in real
   JupyterLab 4 + headless Chromium, the next items coming from the card's buffer.

Run from the repository root: python -m benchmarks.image_latency [--items N] [--presses N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # the harness lives in tests/e2e, outside the package
    sys.path.insert(0, str(REPO_ROOT))

import nb_label as nbl  # noqa: E402
from benchmarks._common import machine, percentiles, table  # noqa: E402

SIDE = 256


def photo_crops(n: int) -> list[np.ndarray]:
    """``n`` different 256x256 crops of scikit-learn's two sample photos."""
    from sklearn.datasets import load_sample_images

    photos = load_sample_images().images
    rng = np.random.default_rng(0)
    crops = []
    for i in range(n):
        image = photos[i % 2]
        y = int(rng.integers(0, image.shape[0] - SIDE))
        x = int(rng.integers(0, image.shape[1] - SIDE))
        crops.append(np.ascontiguousarray(image[y : y + SIDE, x : x + SIDE]))
    return crops


def python_side(n: int, folder: Path) -> list[dict]:
    from PIL import Image

    crops = photo_crops(n)
    paths = []
    for i, crop in enumerate(crops):
        path = folder / f"{i}.jpg"
        Image.fromarray(crop).save(path, quality=90)
        paths.append(str(path))
    rows = []
    for name, column in (("JPEG files", paths), ("numpy arrays", crops)):
        df = pd.DataFrame({"image": column})
        lab = nbl.Labeller(df, show="image", labels=["a", "b"], store=folder / f"{name}.db")
        render = []
        for position in range(n):  # every item is new: no cache hit
            start = time.perf_counter()
            lab.card_item(position)
            render.append((time.perf_counter() - start) * 1000)
        lab.close()
        rows.append({"what": f"next image ready ({name}, never seen)", **percentiles(render[5:])})
        df2 = pd.DataFrame({"image": column})
        lab = nbl.Labeller(df2, show="image", labels=["a", "b"], store=folder / f"l{name}.db")
        both = []
        for i in range(n - 1):
            start = time.perf_counter()
            lab.label("a" if i % 3 else "b")
            lab.card_item(lab._current)
            both.append((time.perf_counter() - start) * 1000)
        lab.close()
        rows.append(
            {"what": f"label -> committed -> next ready ({name})", **percentiles(both[5:])}
        )
    return rows


CARD_CELL = """\
import numpy as np, pandas as pd
import nb_label as nbl
from benchmarks.image_latency import photo_crops
df = pd.DataFrame({{"image": photo_crops({n})}})
lab = nbl.Labeller(df, show="image", labels=["a", "b"], store={store!r}, annotator="bench")
lab
"""

INSTRUMENT_JS = """() => {
  const root = document.querySelector('.nbl-widget');
  const B = window.__bench = {presses: [], shown: [], painted: []};
  const probe = () => {
    const item = root.querySelector('.nbl-item');
    return item && item.querySelector('img.nbl-image') ? item.dataset.key : null;
  };
  B.last = probe();
  new MutationObserver(() => {
    const key = probe();
    if (key !== null && key !== B.last) {
      B.last = key;
      const k = B.shown.length;
      B.shown.push(performance.now());
      requestAnimationFrame(() => setTimeout(() => { B.painted[k] = performance.now(); }, 0));
    }
  }).observe(root, {subtree: true, childList: true, attributes: true});
  document.addEventListener('keydown', (e) => {
    if (e.key === '1' || e.key === '2') B.presses.push(e.timeStamp);
  }, true);
}"""


def browser_side(presses: int, folder: Path) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.harness import CHROMIUM_ARGS, CHROMIUM_PATH, Lab, LabServer, code_notebook

    server = LabServer.start(folder / "jupyter")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            lab = Lab(page=page, server=server)
            cell = CARD_CELL.format(n=presses + 40, store=str(folder / "card.db"))
            lab.open_notebook(
                code_notebook(f"import sys; sys.path.insert(0, {str(REPO_ROOT)!r})", cell),
                name="images.ipynb",
            )
            lab.run_all()
            page.wait_for_selector(".nbl-item img.nbl-image", timeout=30_000)
            page.locator(".nbl-card").first.click(position={"x": 5, "y": 5})
            time.sleep(1.0)  # the buffer fills up
            page.evaluate(INSTRUMENT_JS)
            for i in range(presses):
                page.keyboard.press("1" if i % 3 else "2")
                page.wait_for_function("(n) => window.__bench.shown.length >= n", arg=i + 1)
                time.sleep(0.1)
            data = page.evaluate("() => window.__bench")
            browser.close()
    finally:
        server.stop()
    shown = [s - p for s, p in zip(data["shown"], data["presses"], strict=False)]
    painted = [s - p for s, p in zip(data["painted"], data["presses"], strict=False) if s]
    return [
        {"what": "key -> next image in the card's DOM", **percentiles(shown)},
        {"what": "key -> next image painted (next frame)", **percentiles(painted)},
    ]


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=200, help="images for the Python side")
    parser.add_argument("--presses", type=int, default=60, help="key presses in the browser")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        rows = python_side(args.items, Path(tmp))
        if not args.no_browser:
            rows += browser_side(args.presses, Path(tmp))
    out = (
        f"256x256 photo crops ({machine()})\n\n"
        + table(rows, ["what", "n", "p50", "p95", "max"])
        + "\n(milliseconds)"
    )
    print(out)
    return out


if __name__ == "__main__":
    main()
