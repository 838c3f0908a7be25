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

pytest.importorskip("nbformat")


def test_every_notebook_has_a_script_and_the_folder_holds_only_notebooks():
    assert len(SCRIPTS) == len(list((ROOT / "notebooks").glob("*.ipynb")))
    assert not list((ROOT / "notebooks").glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_the_committed_notebook_is_what_its_script_writes(script, tmp_path):
    env = {**os.environ, "NB_LABEL_NOTEBOOK_DIR": str(tmp_path)}
    subprocess.run([sys.executable, str(script)], check=True, env=env, cwd=script.parent)
    (written,) = tmp_path.glob("*.ipynb")
    committed = ROOT / "notebooks" / written.name
    assert written.read_text() == committed.read_text(), (
        f"{committed.name} differs from what {script.name} writes: run `make notebooks`"
    )
