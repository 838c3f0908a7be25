"""The tests run on any machine: no machine's paths in the repo, the browser from the
environment (tests/e2e/harness.py), the data from the package."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Paths that belong to one machine: a home or work folder, a fixed browser location.
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|home|root|Users|opt|usr/bin)/\w")
CHECKED = ("*.py", "*.md", "*.toml", "*.json", "*.ipynb", "Makefile", "run")


def _repo_files():
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *CHECKED],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if listed.returncode != 0:
        if os.environ.get("CI") == "true":  # CI runs on a clone: this check must run there
            pytest.fail("git ls-files failed under CI")
        pytest.skip("not a git checkout (the machine-path check reads git's file list)")
    return [ROOT / name for name in listed.stdout.split() if (ROOT / name).is_file()]


def test_no_file_names_a_machine_path():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _repo_files()
        if path.name != Path(__file__).name
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if MACHINE_PATH.search(line)
    ]
    assert not found, "machine paths:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("chromium", "expected"), [("/somewhere/chrome", "/somewhere/chrome"), ("", None)]
)
def test_the_browser_comes_from_the_environment(chromium, expected):
    pytest.importorskip("nbformat")  # the harness reads notebooks (not in a core-only install)
    code = "from tests.e2e import harness; print(harness.CHROMIUM_PATH)"
    env = {**os.environ, "NB_LABEL_CHROMIUM": chromium, "PYTHONPATH": str(ROOT)}
    printed = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
        check=True,
    ).stdout.strip()  # fmt: skip
    if expected:
        assert printed == expected
    else:  # unset: found on PATH, whatever folder it is in
        assert Path(printed).name.startswith(("chromium", "google-chrome"))
