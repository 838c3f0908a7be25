"""Run the card's JavaScript tests (``node --test tests/frontend/``) from pytest."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).parent
REPO = HERE.parent.parent


def test_card_javascript_passes_node_tests():
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("node is missing; CI must run the card's tests (install Node.js 20+)")
        pytest.skip("node is not installed; install Node.js 20+ to run the card's tests")
    result = subprocess.run(
        [node, "--test", str(HERE.relative_to(REPO)) + "/"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"node --test failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
