"""`make demo` as a newcomer meets it: every URL it prints opens the quickstart, no news
pop-up covers the card, and after Run All the card counts the label given from code."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest

from .harness import (
    _NOTEBOOK_READY_JS,
    REPO_ROOT,
    _free_port,
    start_logged,
    stop_process_group,
)

ARTIFACTS = Path(__file__).parent / "artifacts"
URL = re.compile(r"(http://127\.0\.0\.1:\d+/\S*\?token=\w+)")


@pytest.fixture
def demo(tmp_path):
    """`make demo` on a free port with private Jupyter folders; yields (printed URL, runtime)."""
    if not (REPO_ROOT / ".venv" / ".installed-lab").exists():
        if os.environ.get("CI") == "true":  # CI's make test installs it: missing is a failure
            pytest.fail("make demo's venv (.venv/.installed-lab) is missing under CI")
        pytest.skip("`make demo` would install the venv first; run `make test` or `make demo`")
    runtime = tmp_path / "runtime"
    # For the test only (the demo stays as users get it): window.jupyterapp, so the test can
    # wait for the kernel before it presses Run All, as a person waits for "Idle".
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "jupyter_lab_config.py").write_text(
        "c.LabApp.expose_app_in_browser = True\n"
    )
    env = {
        **os.environ,
        "PORT": str(_free_port()),
        "NB_LABEL_STORE": str(tmp_path / "labels.db"),
        "NB_LABEL_EXPORT": str(tmp_path / "my_labels.csv"),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        # Empty user settings: the news setting must come from what `make demo` installs.
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "BROWSER": "true",  # no browser window to launch on a server
    }
    log_path = tmp_path / "demo.log"
    process = start_logged(["make", "-s", "demo"], cwd=REPO_ROOT, env=env, log_path=log_path)
    try:
        deadline = time.monotonic() + 90
        match = None
        while match is None and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
            match = URL.search(log_path.read_text(errors="replace"))
        if match is None:
            tail = log_path.read_text(errors="replace")[-3000:]
            pytest.fail(f"make demo printed no URL (exit {process.poll()}):\n{tail}")
        yield match.group(1), runtime
    finally:
        # Ctrl-C: JupyterLab asks to confirm the first one, and stops on a second.
        os.killpg(process.pid, signal.SIGINT)
        time.sleep(0.5)
        stop_process_group(process, first=signal.SIGINT)


def test_every_url_make_demo_prints_opens_the_quickstart(demo, browser):
    url, runtime = demo
    assert "/lab/tree/quickstart.ipynb?token=" in url
    opened = [path.read_text() for path in Path(runtime).glob("jpserver-*open.html")]
    assert opened and all("/lab/tree/quickstart.ipynb?token=" in html for html in opened)

    page = browser.new_page()
    try:
        page.goto(url)
        heading = page.locator(".jp-RenderedMarkdown h1", has_text="nb_label quickstart")
        heading.first.wait_for(timeout=60_000)
        page.wait_for_function(
            _NOTEBOOK_READY_JS, arg={"path": "quickstart.ipynb", "cells": -1}, timeout=60_000
        )
        # Run All from the menu, as a newcomer would.
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        progress = page.locator(".nbl-progress").first
        progress.wait_for(timeout=90_000)
        # The quickstart labels one message from code: the card says so without a key press.
        page.wait_for_function(
            "el => el.textContent.startsWith('1 / 5,574 labelled')",
            arg=progress.element_handle(),
            timeout=30_000,
        )
        time.sleep(3)  # the news question, when asked, comes within a second of loading
        assert page.get_by_text("Jupyter news").count() == 0
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "make_demo.png"))
        raise
    finally:
        page.close()
