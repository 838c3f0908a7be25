"""The quickstart's card outside JupyterLab: in Notebook 7 and served by Voilà as an app."""

from __future__ import annotations

import os
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import nb_label as nbl

from .harness import (
    KERNELSPEC,
    REPO_ROOT,
    _free_port,
    env_cell,
    start_logged,
    stop_process_group,
    wait_for_port,
)

QUICKSTART = REPO_ROOT / "notebooks" / "quickstart.ipynb"


def private_env(base: Path, extra: dict[str, str]) -> dict[str, str]:
    """Environment with Jupyter folders under ``base`` and this checkout importable."""
    env = dict(os.environ)
    for name, var in (
        ("config", "JUPYTER_CONFIG_DIR"),
        ("data", "JUPYTER_DATA_DIR"),
        ("runtime", "JUPYTER_RUNTIME_DIR"),
        ("ipython", "IPYTHONDIR"),
    ):
        folder = base / name
        folder.mkdir(parents=True, exist_ok=True)
        env[var] = str(folder)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


@pytest.fixture
def voila_app(browser, tmp_path) -> Iterator[tuple[str, Path]]:
    """Voilà serving a copy of the quickstart on a free port; yields (url, store path)."""
    store = tmp_path / "voila.db"
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    notebook = app_dir / "quickstart.ipynb"
    notebook.write_bytes(QUICKSTART.read_bytes())
    env = private_env(
        tmp_path / "jupyter",
        {"NB_LABEL_STORE": str(store), "NB_LABEL_EXPORT": str(tmp_path / "out.csv")},
    )
    port = _free_port()
    log_path = tmp_path / "voila.log"
    cmd = [
        sys.executable, "-m", "voila", str(notebook),
        "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
    ]  # fmt: skip
    process = start_logged(cmd, cwd=app_dir, env=env, log_path=log_path)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for_port(process, port, log_path, "Voilà")
        yield url, store
    finally:
        stop_process_group(process)


def human_labels(store: Path) -> list[tuple]:
    with nbl.open_store(store) as opened:
        events = opened.events()
    labels = events[events["kind"] == "label"]
    notes = [None if pd.isna(n) else n for n in labels["note"]]
    return list(zip(labels["item_key"], labels["value"], notes, strict=True))


def label_item_one_by_key(page, store: Path) -> None:
    """Wait for the quickstart's card on item 1, press 1 and check the store."""
    card = page.locator(".nbl-card").first
    card.wait_for(state="attached", timeout=60_000)
    card.scroll_into_view_if_needed()
    card.wait_for(state="visible")
    # the quickstart labels item 0 from code, then the card shows item 1
    page.wait_for_function(
        "() => { const i = document.querySelector('.nbl-item');"
        " return i !== null && i.dataset.key === '1'; }",
        timeout=60_000,
    )
    saved = int(card.get_attribute("data-saved"))
    card.click(position={"x": 5, "y": 5})
    page.keyboard.press("1")
    page.wait_for_function(
        "(n) => { const c = document.querySelector('.nbl-card');"
        " return Number(c.dataset.saved) > n && c.dataset.pending === '0'; }",
        arg=saved,
        timeout=30_000,
    )
    assert human_labels(store) == [
        ("0", "ham", "a friend, about where to go"),
        ("1", "ham", None),
    ]


def test_quickstart_card_works_in_notebook_7(browser, jupyter_server, tmp_path):
    store = tmp_path / "nb7.db"
    node = nbformat.read(str(QUICKSTART), as_version=4)
    node.cells.insert(
        0,
        env_cell({"NB_LABEL_STORE": str(store), "NB_LABEL_EXPORT": str(tmp_path / "out.csv")}),
    )
    node.metadata["kernelspec"] = dict(KERNELSPEC)
    name = "nb7-quickstart.ipynb"
    nbformat.write(node, str(jupyter_server.root_dir / name))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        url = f"{jupyter_server.url}/notebooks/{urllib.parse.quote(name)}?token="
        page.goto(url + jupyter_server.token, wait_until="domcontentloaded")
        # Notebook 7 is not JupyterLab: its own page, with the notebook's cells
        page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=60_000)
        assert "/lab" not in page.url
        page.wait_for_function(
            "() => { const k = document.querySelector('.jp-Notebook-ExecutionIndicator');"
            " return k !== null && k.dataset.status === 'idle'; }",
            timeout=60_000,
        )
        # Run > Run All Cells, from the menu a person would use
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        label_item_one_by_key(page, store)
    finally:
        context.close()
        jupyter_server.delete_sessions()


def test_quickstart_card_works_as_a_voila_app(browser, voila_app):
    url, store = voila_app
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(url, wait_until="domcontentloaded")
        label_item_one_by_key(page, store)
        # Voilà shows outputs only: no code editor reached the page
        assert page.locator(".cm-editor").count() == 0
    finally:
        context.close()
