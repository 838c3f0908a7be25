"""The notebooks in ``notebooks/`` are what their scripts in ``tools/notebooks/`` write.

The scripts are the reviewed source; a notebook edited by hand (or a script changed without
``make notebooks``) fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "tools" / "notebooks").glob("make_*.py"))

DEV_INSTALL = "it comes with the dev install: pip install -e '.[dev]'"
pytest.importorskip("nbformat", reason=f"nbformat is missing; {DEV_INSTALL}")


def _is_marimo_notebook(path: Path) -> bool:
    return "app = marimo.App(" in path.read_text()


def test_every_notebook_has_a_script_and_the_folder_holds_only_notebooks():
    assert len(SCRIPTS) == len(list((ROOT / "notebooks").glob("*.ipynb")))
    # marimo notebooks are Python files; nothing else in the folder is.
    assert all(_is_marimo_notebook(p) for p in (ROOT / "notebooks").glob("*.py"))


def test_the_marimo_quickstart_runs_as_a_script(tmp_path):
    pytest.importorskip("marimo", reason=f"marimo is missing; {DEV_INSTALL}")
    notebook = ROOT / "notebooks" / "quickstart_marimo.py"
    env = {**os.environ, "NB_LABEL_STORE": str(tmp_path / "labels.db")}
    subprocess.run([sys.executable, str(notebook)], check=True, env=env, cwd=tmp_path, timeout=300)
    import nb_label as nbl

    with nbl.open_store(tmp_path / "labels.db") as store:
        labels = store.events()
    labels = labels[labels["kind"] == "label"]
    assert labels[["item_key", "value"]].values.tolist() == [["0", "ham"]]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_the_committed_notebook_is_what_its_script_writes(script, tmp_path):
    env = {**os.environ, "NB_LABEL_NOTEBOOK_DIR": str(tmp_path)}
    subprocess.run([sys.executable, str(script)], check=True, env=env, cwd=script.parent)
    (written,) = tmp_path.glob("*.ipynb")
    committed = ROOT / "notebooks" / written.name
    assert written.read_text() == committed.read_text(), (
        f"{committed.name} differs from what {script.name} writes: run `make notebooks`"
    )
