"""Fixtures for real-browser tests: one JupyterLab server and one Chromium per session.

Fixtures: ``jupyter_server`` (session), ``browser`` (session), ``page`` (per test; screenshot
in ``tests/e2e/artifacts/`` when the test fails; server sessions deleted afterwards) and
``lab`` (per test; a :class:`harness.Lab` bound to ``page``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    Lab,
    LabServer,
    artifact_name,
    missing_browser_prerequisite,
)

ARTIFACTS = Path(__file__).parent / "artifacts"
E2E_DIR = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e with ``e2e``."""
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item (``rep_setup``, ``rep_call``) for the fixtures."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _require_browser() -> None:
    problem = missing_browser_prerequisite()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests need Chromium and Playwright under CI: {problem}")
    pytest.skip(problem)


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """One JupyterLab server for the whole session, stopped (with its kernels) at the end."""
    _require_browser()
    server = LabServer.start(tmp_path_factory.mktemp("jupyter"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Debian Chromium for the whole session."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(
    browser: object, jupyter_server: LabServer, request: pytest.FixtureRequest
) -> Iterator[object]:
    """A fresh page (1280x900); saves a screenshot and console log if the test fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda err: console.append(f"pageerror: {err}"))
    try:
        yield page
    finally:
        failed = any(
            getattr(getattr(request.node, f"rep_{when}", None), "failed", False)
            for when in ("setup", "call")
        )
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            stem = ARTIFACTS / artifact_name(request.node.name)
            try:
                page.screenshot(path=str(stem.with_suffix(".png")), full_page=True)
            except Exception as exc:  # a crashed page must not hide the test's own failure
                console.append(f"screenshot failed: {exc}")
            stem.with_suffix(".log").write_text("\n".join(console) + "\n")
        context.close()
        # Kernels of this test must not linger into the next one.
        jupyter_server.delete_sessions()


@pytest.fixture
def lab(page: object, jupyter_server: LabServer, request: pytest.FixtureRequest) -> Lab:
    """A :class:`harness.Lab` for this test: open notebooks, run them, query the kernel."""
    return Lab(page=page, server=jupyter_server, default_name=artifact_name(request.node.name))
