"""The widgets' bundles (nb_label/static/): fresh from js/, one module each, styles in order."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from nb_label._esm import STATIC, module_text, stylesheet_text
from nb_label.card import ItemCard
from nb_label.spans.card import SpanCard

REPO = Path(__file__).resolve().parent.parent
WIDGETS = ["card", "spans"]
BUNDLES = [f"{w}.{ext}" for w in WIDGETS for ext in ("js", "css")]


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("node is missing; CI must check the bundles (install Node.js 20+)")
        pytest.skip("node is not installed; install Node.js 20+ to check the bundles")
    return node


def test_each_bundle_is_what_its_sources_build_today(tmp_path):
    node = _node()
    if not (REPO / "node_modules" / "esbuild").is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("esbuild is not installed: `make test` runs `npm ci` first")
        pytest.skip("esbuild is not installed: run `npm ci` (or `make bundle`) in the checkout")
    built = subprocess.run(
        [node, "tools/bundle.mjs", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    stale = [
        name for name in BUNDLES if (tmp_path / name).read_bytes() != (STATIC / name).read_bytes()
    ]
    assert not stale, f"{stale} are older than js/: run `make bundle` and commit the result"


def test_the_widgets_load_the_bundles():
    assert ItemCard._esm == module_text("card") == (STATIC / "card.js").read_text()
    assert SpanCard._esm == module_text("spans")
    assert ItemCard._css == stylesheet_text("card") and SpanCard._css == stylesheet_text("spans")
    for text in (ItemCard._esm, SpanCard._esm):
        # anywidget loads the text from a blob URL: no import may be left to resolve
        assert not re.search(r"^\s*import\b|\bimport\s*\(", text, re.MULTILINE)


_LOAD = """
let text = "";
for await (const chunk of process.stdin) text += chunk;
const url = "data:text/javascript;base64," + Buffer.from(text).toString("base64");
const module = await import(url);  // one module, as from anywidget's blob URL
console.log(JSON.stringify({
  exports: Object.keys(module).sort(),
  hooks: Object.keys(module.default).sort(),
}));
"""


@pytest.mark.parametrize("widget", WIDGETS)
def test_a_bundle_loads_as_one_module_with_only_anywidgets_hooks(widget):
    result = subprocess.run(
        [_node(), "--input-type=module", "-e", _LOAD],
        input=module_text(widget),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["hooks"] == ["initialize", "render"]
    # anywidget 0.11 treats a module with a named `render` export as the old style
    assert loaded["exports"] == ["default"]


@pytest.mark.parametrize("widget", WIDGETS)
def test_each_widget_gets_the_shared_styles_once_then_its_own(widget):
    text = stylesheet_text(widget)
    shared_frame = re.search(r"^\.nbl-card,\n\.nbl-spans \{", text, re.MULTILINE)
    assert shared_frame, "the frame both widgets share is styled in js/shared/common.css"
    assert len(re.findall(r"^\.nbl-card,\n\.nbl-spans \{", text, re.MULTILINE)) == 1
    own = text.index(f".nbl-{widget}:focus")
    assert shared_frame.start() < own, "the widget's own rules come after the shared ones"
