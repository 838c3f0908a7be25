"""What every make_*.py script does last: write its cells as a notebook in ``notebooks/``.

``NB_LABEL_NOTEBOOK_DIR`` writes them elsewhere (the test that checks the committed
notebooks are what the scripts write uses it).
"""

import os
from pathlib import Path

import nbformat as nbf


def write_notebook(cells: list, name: str) -> None:
    """Write ``cells`` to ``notebooks/<name>`` with the kernel JupyterLab should start.

    Cell ids are numbered, not random, so rewriting an unchanged notebook changes nothing.
    """
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    nb = nbf.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    default = Path(__file__).resolve().parents[2] / "notebooks"
    folder = Path(os.environ.get("NB_LABEL_NOTEBOOK_DIR") or default)
    nbf.write(nb, folder / name)
