"""nb_label._esm: the widgets' modules as anywidget loads them, common.js inlined."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from nb_label._esm import FRONTEND, module_text
from nb_label.card import ItemCard
from nb_label.spans.card import SpanCard

WIDGETS = ["card.js", "spans.js"]
COMMON = (FRONTEND / "common.js").read_text(encoding="utf-8")
SHARED = re.findall(
    r"^export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+([A-Za-z_$][\w$]*)",
    COMMON,
    re.MULTILINE,
)


def _declarations(text: str, name: str) -> int:
    pattern = rf"^(?:export\s+)?(?:(?:async\s+)?function\*?|const|let|class)\s+{re.escape(name)}\b"
    return len(re.findall(pattern, text, re.MULTILINE))


def test_common_js_is_shared_and_exports_no_render():
    assert {"createOutbox", "createGlue", "defaultNewId", "el"} <= set(SHARED)
    assert "render" not in SHARED
    assert not re.search(r"^\s*import\b", COMMON, re.MULTILINE)
    assert not re.search(r"^export\s+default\b", COMMON, re.MULTILINE)


@pytest.mark.parametrize("name", WIDGETS)
def test_inlined_module_has_no_relative_import_and_each_shared_function_once(name):
    source = (FRONTEND / name).read_text(encoding="utf-8")
    assert re.search(r'^import\s*\{[^}]*\}\s*from\s*"\./common\.js";', source, re.MULTILINE)
    text = module_text(FRONTEND / name)
    assert not re.search(r"^\s*import\b", text, re.MULTILINE)
    assert "./" + "common.js" not in text
    assert 'from "./' not in text and "from './" not in text
    for shared in SHARED:
        assert _declarations(text, shared) == 1, shared
        assert _declarations(source, shared) == 0, f"{name} declares {shared} again"
    # anywidget 0.11: no named `render` export, only inside the default export
    assert not re.search(r"^export\s+(?:async\s+)?function\s+render\b", text, re.MULTILINE)
    assert not re.search(r"^export\s*\{[^}]*\brender\b", text, re.MULTILINE)
    assert len(re.findall(r"^export\s+default\b", text, re.MULTILINE)) == 1
    # the inlined declarations are the module's own, not exports of it
    for shared in ("createGlue", "createOutbox", "el"):
        assert not re.search(rf"^export\s+function\s+{shared}\b", text, re.MULTILINE)


def test_the_widgets_load_the_inlined_text():
    assert ItemCard._esm == module_text(FRONTEND / "card.js")
    assert SpanCard._esm == module_text(FRONTEND / "spans.js")
    assert "\n" in ItemCard._esm  # anywidget takes a multi-line string as module text


_LOAD = """
let text = "";
for await (const chunk of process.stdin) text += chunk;
const [path, code] = JSON.parse(text);
const url = "data:text/javascript;base64," + Buffer.from(code).toString("base64");
const inlined = await import(url);  // one module, as from anywidget's blob URL
const direct = await import(path);
console.log(JSON.stringify({
  inlined: Object.keys(inlined).sort(),
  direct: Object.keys(direct).sort(),
  hooks: Object.keys(inlined.default).sort(),
}));
"""


@pytest.mark.parametrize("name", WIDGETS)
def test_inlined_module_loads_as_one_module_like_anywidgets_blob_url(name):
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("node is missing; CI must run the front-end tests (install Node.js 20+)")
        pytest.skip("node is not installed; install Node.js 20+ to run this test")
    path = FRONTEND / name
    result = subprocess.run(
        [node, "--input-type=module", "-e", _LOAD],
        input=json.dumps([path.as_uri(), module_text(path)]),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    keys = json.loads(result.stdout)
    assert keys["hooks"] == ["initialize", "render"]
    assert keys["inlined"] == keys["direct"], "inlining changed the module's exports"
    assert "render" not in keys["inlined"]


# -- the helper's rules, on small modules ---------------------------------------------------
def _write(folder, files):
    for file, text in files.items():
        (folder / file).write_text(text, encoding="utf-8")
    return folder


SHARED_JS = "export const A = 1;\nexport function b() {\n  return A;\n}\nfunction local() {}\n"


def test_inlines_once_drops_export_keywords_and_keeps_the_rest(tmp_path):
    _write(
        tmp_path,
        {
            "shared.js": SHARED_JS,
            "w.js": (
                '// w\nimport {\n  A,\n  b,\n} from "./shared.js";\n'
                "import { b } from './shared.js';\nexport default { x: b() };\n"
            ),
        },
    )
    text = module_text(tmp_path / "w.js")
    assert text.count("const A = 1;") == 1
    assert text.count("function b()") == 1
    assert "export const" not in text and "export function" not in text
    assert text.startswith("// w\n")
    assert text.rstrip().endswith("export default { x: b() };")
    assert "import" not in text


@pytest.mark.parametrize(
    ("shared", "widget", "message"),
    [
        (SHARED_JS, 'import { c } from "./shared.js";\n', "does not export"),
        (SHARED_JS, 'import { b as c } from "./shared.js";\n', "cannot inline"),
        (SHARED_JS, 'import x from "./shared.js";\n', "import is left"),
        (
            'import { z } from "./z.js";\n' + SHARED_JS,
            'import { b } from "./shared.js";\n',
            "only one level",
        ),
        (
            SHARED_JS + "export default {};\n",
            'import { b } from "./shared.js";\n',
            "can be inlined",
        ),
        (
            SHARED_JS + "export function render() {}\n",
            'import { b } from "./shared.js";\n',
            "render",
        ),
    ],
)
def test_refuses_what_it_cannot_inline_faithfully(tmp_path, shared, widget, message):
    _write(tmp_path, {"shared.js": shared, "w.js": widget})
    with pytest.raises(ValueError, match=message):
        module_text(tmp_path / "w.js")


def test_a_missing_shared_file_is_an_error(tmp_path):
    _write(tmp_path, {"w.js": 'import { b } from "./gone.js";\n'})
    with pytest.raises(FileNotFoundError):
        module_text(tmp_path / "w.js")


@pytest.mark.parametrize("name", ["card.css", "spans.css"])
def test_each_widget_gets_the_shared_styles_then_its_own(name):
    from nb_label._esm import stylesheet_text

    common = (FRONTEND / "common.css").read_text()
    own = (FRONTEND / name).read_text()
    text = stylesheet_text(FRONTEND / name)
    assert text.index(common) < text.index(own)
    root = ".nbl-card" if name == "card.css" else ".nbl-spans"
    assert f"{root} {{" not in own and root in common  # the frame is styled once, in common
