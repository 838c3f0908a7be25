"""The front-end modules as anywidget loads them: one ES module text each.

``frontend/card.js`` and ``frontend/spans.js`` share ``frontend/common.js`` through a line
``import { a, b } from "./common.js";``. Node's tests import the files as they are, but
anywidget loads ``_esm`` as a single module from a blob URL, where a relative import does not
resolve. :func:`module_text` puts the imported file's text in place of that line (once per
file, with its ``export`` keywords dropped so the widget's own exports stay as they were).
:func:`stylesheet_text` does the same for the styles: ``frontend/common.css`` (the rules the
two widgets share), then the widget's own stylesheet.
"""

from __future__ import annotations

import re
from pathlib import Path

FRONTEND = Path(__file__).parent / "frontend"

# `import { a, b } from "./common.js";` at the start of a line, on one line or several.
_RELATIVE_IMPORT = re.compile(
    r"^import\s*\{(?P<names>[^}]*)\}\s*from\s*(?P<q>[\"'])\./(?P<file>[\w.-]+\.js)(?P=q)[ \t]*;?",
    re.MULTILINE,
)
_ANY_IMPORT = re.compile(r"^[ \t]*import\b|\bimport\s*\(", re.MULTILINE)
_EXPORTED = re.compile(
    r"^export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+(?P<name>[A-Za-z_$][\w$]*)",
    re.MULTILINE,
)
_EXPORT_KEYWORD = re.compile(r"^export\s+(?=(?:async\s+)?function\b|const\b|let\b|class\b)", re.M)
_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")


def module_text(path: Path | str) -> str:
    """Return the module at ``path`` with each ``import { ... } from "./x.js";`` inlined.

    Each imported file is inlined once, where it is first imported; a later import of the
    same file is dropped. Raises ``ValueError`` for anything it cannot inline faithfully: an
    imported name the file does not export, ``import { a as b }``, an imported file with
    imports of its own or with other kinds of export, or an import left over afterwards.
    """
    path = Path(path)
    inlined: set[Path] = set()

    def inline(match: re.Match[str]) -> str:
        names = [n.strip() for n in match["names"].split(",") if n.strip()]
        bad = [n for n in names if not _IDENTIFIER.match(n)]
        if bad:
            raise ValueError(f"{path.name}: cannot inline `import {{ {', '.join(bad)} }}`")
        target = (path.parent / match["file"]).resolve()
        text, exported = _shared_module(target)
        missing = sorted(set(names) - exported)
        if missing:
            raise ValueError(f"{path.name} imports {missing} that {target.name} does not export")
        if target in inlined:
            return ""
        inlined.add(target)
        return (
            f"// ---- {target.name}, inlined by nb_label/_esm.py ----\n"
            f"{text.rstrip()}\n"
            f"// ---- end of {target.name} ----"
        )

    result = _RELATIVE_IMPORT.sub(inline, path.read_text(encoding="utf-8"))
    if _ANY_IMPORT.search(result):
        raise ValueError(f"{path.name}: an import is left that anywidget cannot load")
    return result


def _shared_module(path: Path) -> tuple[str, set[str]]:
    """The text of a shared module without its ``export`` keywords, and the names it exports."""
    text = path.read_text(encoding="utf-8")
    if _ANY_IMPORT.search(text):
        raise ValueError(f"{path.name} imports another module: only one level is inlined")
    exported = {m["name"] for m in _EXPORTED.finditer(text)}
    if "render" in exported:
        # anywidget 0.11 treats a module with a named `render` export as the old style.
        raise ValueError(f"{path.name} must not export `render`")
    body = _EXPORT_KEYWORD.sub("", text)
    if re.search(r"^[ \t]*export\b", body, re.MULTILINE):
        raise ValueError(f"{path.name}: only `export function/const/let/class` can be inlined")
    return body, exported


def stylesheet_text(path: Path | str) -> str:
    """The shared ``common.css`` followed by the stylesheet at ``path`` (anywidget's ``_css``).

    The widget's own rules come last, so they refine the shared ones where both apply.
    """
    path = Path(path)
    return (path.parent / "common.css").read_text() + "\n" + path.read_text()
