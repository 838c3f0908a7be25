"""What every make_*.py script does last: write its cells as a notebook beside itself."""

from pathlib import Path

import nbformat as nbf


def write_notebook(cells: list, name: str) -> None:
    """Write ``cells`` to ``notebooks/<name>`` with the kernel JupyterLab should start."""
    nb = nbf.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nbf.write(nb, Path(__file__).with_name(name))
