"""The front ends as anywidget loads them: one ES module and one stylesheet per widget.

The sources are small ES modules in the repository's ``js/`` folder (the item card in
``js/card/``, the spans widget in ``js/spans/``, what both use in ``js/shared/``). anywidget
loads ``_esm`` as one module from a blob URL, where relative imports do not resolve, so
``tools/bundle.mjs`` bundles each widget with esbuild into ``nb_label/static/`` and the
bundles ship in the package: installing nb_label needs no Node.js. ``make bundle`` rebuilds
them; a test fails when a bundle is older than its sources.
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"


def module_text(widget: str) -> str:
    """The bundled ES module of ``widget`` (``"card"`` or ``"spans"``), as anywidget takes it."""
    return (STATIC / f"{widget}.js").read_text(encoding="utf-8")


def stylesheet_text(widget: str) -> str:
    """The bundled stylesheet of ``widget``: the shared rules first, then the widget's own."""
    return (STATIC / f"{widget}.css").read_text(encoding="utf-8")
