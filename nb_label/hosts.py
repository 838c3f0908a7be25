"""What a notebook host can show, and what nb_label says where it cannot.

The card and the spans widget are anywidgets: JupyterLab, Notebook 7, Voilà and marimo show
them. The region labeller (ipycanvas) and the owners' and reviewers' panels are built from
ipywidgets' own controls, which marimo does not render. marimo asks an object for
``_display_()`` before anything else, so these widgets answer there with a note that names
what to use instead; Jupyter never calls it.
"""

from __future__ import annotations

from typing import Any


class ShownByJupyterOnly:
    """Mixin for widgets built from ipywidgets controls: in marimo, say so clearly.

    ``_marimo_instead`` says what to use in marimo (the same results as DataFrames, say).
    """

    _marimo_instead: str = "Open this notebook in JupyterLab or Notebook 7 to use it."

    def _display_(self) -> Any:
        import marimo as mo

        name = type(self).__name__
        return mo.callout(
            mo.md(
                f"**nb_label's {name} needs Jupyter.** It is built from ipywidgets controls, "
                f"which marimo cannot show. {self._marimo_instead}"
            ),
            kind="warn",
        )
