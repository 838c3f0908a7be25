"""Drive real JupyterLab 4 in headless Chromium: the server, the notebook page and the kernel.

The pytest fixtures in ``conftest.py`` build these objects; tests use them through ``lab``.
Why the waits are what they are: docs/testing.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

#: The browser: NB_LABEL_CHROMIUM if set, else the first Chromium on PATH.
CHROMIUM_PATH = os.environ.get("NB_LABEL_CHROMIUM") or next(
    filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))),
    "chromium",
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def missing_browser_prerequisite() -> str | None:
    """Say what is missing to run browser tests, or return None when all is there.

    Returns
    -------
    str or None
        A message naming what to install, or None.
    """
    if not (Path(CHROMIUM_PATH).is_file() or shutil.which(CHROMIUM_PATH)):
        return (
            f"no browser at {CHROMIUM_PATH!r}: run `apt-get update && apt-get install -y "
            "chromium`, or set NB_LABEL_CHROMIUM to a Chromium or Chrome executable"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: run `pip install -e '.[dev]'`"
    return None


def _write_quiet_settings(settings_dir: Path, config_dir: Path) -> None:
    # The build check on every page load costs the server ~10 s of CPU under load.
    labconfig = config_dir / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"buildCheck": False, "buildAvailable": False})
    )
    # The news toast would cover the bottom right corner and can swallow clicks.
    notification = settings_dir / "@jupyterlab" / "apputils-extension" / "notification"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.with_suffix(".jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    """One JupyterLab server process bound to 127.0.0.1, with private Jupyter folders.

    Use :meth:`start` to make one and :meth:`stop` to end it.
    """

    url: str
    token: str
    root_dir: Path
    runtime_dir: Path
    process: subprocess.Popen
    log_path: Path

    @classmethod
    def start(cls, base_dir: Path, *, timeout: float = 60.0) -> LabServer:
        """Start a server whose folders all live under ``base_dir`` and wait until it answers.

        Parameters
        ----------
        base_dir : Path
            An empty folder; ``root/`` becomes the server's root_dir.
        timeout : float
            Seconds to wait for ``/api/status``.

        Returns
        -------
        LabServer
        """
        dirs = {
            name: base_dir / name
            for name in ("root", "config", "data", "runtime", "settings", "workspaces", "ipython")
        }
        for folder in dirs.values():
            folder.mkdir(parents=True, exist_ok=True)
        _write_quiet_settings(dirs["settings"], dirs["config"])
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(dirs["config"]),
            JUPYTER_DATA_DIR=str(dirs["data"]),
            JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
            JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
            JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
            IPYTHONDIR=str(dirs["ipython"]),
            # The kernel inherits this, so it imports nb_label from this checkout.
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
        )
        last_error = ""
        for _attempt in range(3):  # the free port can be taken between probe and bind
            port, token = _free_port(), secrets.token_hex(16)
            log_path = base_dir / f"server-{port}.log"
            cmd = [
                sys.executable, "-m", "jupyter", "lab",
                "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={dirs['root']}",
                "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.expose_app_in_browser=True",
            ]  # fmt: skip
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                cmd.append("--allow-root")
            with open(log_path, "wb") as log:
                process = subprocess.Popen(
                    cmd,
                    cwd=dirs["root"],
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            server = cls(
                url=f"http://127.0.0.1:{port}",
                token=token,
                root_dir=dirs["root"],
                runtime_dir=dirs["runtime"],
                process=process,
                log_path=log_path,
            )
            ready = server._wait_ready(timeout)
            if ready:
                return server
            exited = server.process.poll() is not None
            server.stop()
            last_error = log_path.read_text(errors="replace")[-3000:]
            if not exited:  # a hang is no port clash: retrying would only waste time
                raise RuntimeError(
                    f"JupyterLab did not answer within {timeout:g}s; log:\n{last_error}"
                )
        raise RuntimeError(f"JupyterLab did not start; last log lines:\n{last_error}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            with contextlib.suppress(OSError, ValueError):
                self.api("GET", "/api/status", timeout=2)
                return True
            time.sleep(0.1)
        return False

    def api(self, method: str, path: str, body: Any = None, *, timeout: float = 10.0) -> Any:
        """Call the server's REST API and return the decoded JSON answer (None when empty).

        Parameters
        ----------
        method : str
            HTTP verb.
        path : str
            Path starting with ``/api/``.
        body : object, optional
            Sent as JSON.
        timeout : float
            Seconds.
        """
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def sessions(self) -> list[dict]:
        """Return the server's sessions (each has ``id``, ``path`` and ``kernel``)."""
        return self.api("GET", "/api/sessions")

    def delete_sessions(self) -> None:
        """Delete every session, which shuts its kernel down."""
        for session in self.sessions():
            with contextlib.suppress(urllib.error.HTTPError):
                self.api("DELETE", f"/api/sessions/{session['id']}", timeout=30)

    def page_url(self, notebook_path: str) -> str:
        """Return the URL that opens ``notebook_path`` in a fresh (reset) workspace."""
        quoted = urllib.parse.quote(notebook_path)
        # ``reset`` drops tabs restored from the workspace of an earlier test.
        return f"{self.url}/lab/tree/{quoted}?reset&token={self.token}"

    def stop(self) -> None:
        """Shut the server down: API first, then SIGTERM, then SIGKILL to its process group."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                self.api("POST", "/api/shutdown", timeout=5)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
        # Kernels live in the server's process group; make sure none outlive it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)


def start_logged(cmd: list[str], *, cwd: Path, env: Mapping[str, str], log_path: Path):
    """Start a server command in its own process group, its output going to ``log_path``.

    A file, not a pipe: nobody reads a pipe while the test runs, and a full one stalls the
    server. Stop it with :func:`stop_process_group`.
    """
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            cmd,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_process_group(process: subprocess.Popen, *, first: int = signal.SIGTERM) -> None:
    """``first`` (SIGTERM), then SIGKILL to the whole group, so no kernel outlives a server."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, first)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def wait_for_port(
    process: subprocess.Popen, port: int, log_path: Path, what: str, *, timeout: float = 60.0
) -> None:
    """Wait until ``process`` accepts connections on ``port`` (a GET could start a kernel)."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited:\n{log_path.read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)


@contextlib.contextmanager
def serving_marimo(notebook: Path, mode: str, env: Mapping[str, str], *, timeout: float = 60.0):
    """``marimo <mode>`` ("run" or "edit") serving ``notebook`` on a free port; yields its URL.

    The server runs in the notebook's folder, logs to ``<notebook>.<mode>.log`` and is
    stopped with its kernel when the block ends.
    """
    port = _free_port()
    cmd = [sys.executable, "-m", "marimo", mode, notebook.name, "--headless",
           "--host", "127.0.0.1", "--port", str(port), "--no-token"]  # fmt: skip
    log_path = notebook.with_suffix(f".{mode}.log")
    process = start_logged(cmd, cwd=notebook.parent, env=env, log_path=log_path)
    try:
        wait_for_port(process, port, log_path, "marimo", timeout=timeout)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop_process_group(process)


def env_cell(env: Mapping[str, str]) -> nbformat.NotebookNode:
    """Build a code cell that sets environment variables inside the kernel.

    Put it first in a notebook (or pass ``env=`` to :meth:`Lab.open_notebook`) so code run
    later in the kernel, such as ``NB_LABEL_STORE`` lookups, sees the values.

    Parameters
    ----------
    env : Mapping[str, str]
        Variable names and values.

    Returns
    -------
    nbformat.NotebookNode
    """
    values = {str(key): str(value) for key, value in env.items()}
    return nbformat.v4.new_code_cell(f"import os\nos.environ.update({values!r})")


_CURRENT = "window.jupyterapp.shell.currentWidget"

_NOTEBOOK_READY_JS = """(args) => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.context || w.context.path !== args.path || !w.content || !w.content.model) {
    return false;
  }
  if (!w.context.isReady || !w.sessionContext || !w.sessionContext.isReady) return false;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle' || kernel.connectionStatus !== 'connected') {
    return false;
  }
  return args.cells < 0 || w.content.model.cells.length === args.cells;
}"""

_STATE_JS = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  const kernel = w && w.sessionContext && w.sessionContext.session
    && w.sessionContext.session.kernel;
  const dialogs = Array.from(document.querySelectorAll('.jp-Dialog')).map(d => d.innerText);
  return {
    app: !!app,
    path: w && w.context ? w.context.path : null,
    contextReady: w && w.context ? w.context.isReady : null,
    sessionReady: w && w.sessionContext ? w.sessionContext.isReady : null,
    kernelStatus: kernel ? kernel.status : null,
    connectionStatus: kernel ? kernel.connectionStatus : null,
    cells: w && w.content && w.content.model ? w.content.model.cells.length : null,
    dialogs,
  };
}"""


@dataclass
class Lab:
    """A JupyterLab page plus its server, with the waits browser tests need.

    Parameters
    ----------
    page : playwright.sync_api.Page
        A fresh page.
    server : LabServer
        The running server.
    default_name : str
        Stem for notebook file names when ``open_notebook`` gets no ``name``.
    """

    page: Any
    server: LabServer
    default_name: str = "test"
    console: list[str] = field(default_factory=list)
    notebook_path: str | None = None
    _opened: int = 0

    def __post_init__(self) -> None:
        # Kept so a failing test can show what the page logged.
        self.page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        self.page.on("pageerror", lambda err: self.console.append(f"pageerror: {err}"))

    # ----- notebooks -------------------------------------------------------------------------

    def open_notebook(
        self,
        notebook: str | os.PathLike | Mapping,
        *,
        name: str | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 60.0,
    ) -> str:
        """Write a notebook into the server root, open it and wait for an idle kernel.

        Parameters
        ----------
        notebook : path or NotebookNode
            An ``.ipynb`` file to copy, or a notebook object (left unchanged).
        name : str, optional
            File name (may contain ``/``) in the server root; derived from the test by default.
        env : Mapping[str, str], optional
            Environment variables for the kernel: an :func:`env_cell` is put first, so they
            take effect when the cells run (and again after a kernel restart + run all).
        timeout : float
            Seconds to wait for the page, the cells and the kernel.

        Returns
        -------
        str
            The notebook's path relative to the server root.
        """
        if isinstance(notebook, (str, os.PathLike)):
            node = nbformat.read(os.fspath(notebook), as_version=4)
            name = name or Path(notebook).name
        elif isinstance(notebook, Mapping):
            node = nbformat.from_dict(json.loads(json.dumps(notebook)))
        else:
            raise ValueError("notebook must be a path to an .ipynb file or a notebook object")
        if name is None:
            self._opened += 1
            suffix = "" if self._opened == 1 else f"-{self._opened}"
            name = f"{self.default_name}{suffix}.ipynb"
        if env:
            node.cells.insert(0, env_cell(env))
        node.metadata["kernelspec"] = dict(KERNELSPEC)
        target = self.server.root_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(node, str(target))
        self.page.goto(self.server.page_url(name), wait_until="domcontentloaded")
        self.notebook_path = name
        self._wait_js(
            _NOTEBOOK_READY_JS,
            {"path": name, "cells": len(node.cells)},
            timeout,
            f"notebook {name} with {len(node.cells)} cells and an idle kernel",
        )
        return name

    def run_all(self, *, timeout: float = 60.0, check: bool = True) -> None:
        """Run every cell and wait until the last one finished and the kernel is idle.

        Parameters
        ----------
        timeout : float
            Seconds.
        check : bool
            Raise ``AssertionError`` with the tracebacks when a cell failed.
        """
        self.page.evaluate(
            """() => {
              window.__nblRunAll = null;
              window.jupyterapp.commands.execute('notebook:run-all-cells').then(
                ok => { window.__nblRunAll = {ok: ok !== false}; },
                err => { window.__nblRunAll = {ok: false, err: String(err)}; });
            }"""
        )
        self._wait_js("() => window.__nblRunAll !== null", None, timeout, "run-all to finish")
        self.wait_idle(timeout=timeout)
        if check:
            errors = self.cell_errors()
            if errors:
                raise AssertionError("cells failed:\n" + "\n\n".join(errors))

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait until the current notebook's kernel is connected and idle."""
        self._wait_js(
            _NOTEBOOK_READY_JS, {"path": self.notebook_path, "cells": -1}, timeout, "idle kernel"
        )

    def cell_count(self) -> int:
        """Return the number of cells in the open notebook's model."""
        return self.page.evaluate(f"() => {_CURRENT}.content.model.cells.length")

    def cell_sources(self) -> list[str]:
        """Return the source text of every cell, in order."""
        return self.page.evaluate(
            f"() => Array.from({_CURRENT}.content.model.cells).map(c => c.sharedModel.getSource())"
        )

    def cell_errors(self) -> list[str]:
        """Return ``"ename: evalue"`` plus traceback for every error output in the notebook."""
        return self.page.evaluate(
            f"""() => {{
              const out = [];
              for (const cell of Array.from({_CURRENT}.content.model.cells)) {{
                for (const o of (cell.toJSON().outputs || [])) {{
                  if (o.output_type === 'error') {{
                    const tb = (o.traceback || []).join('\\n').replace(/\\x1b\\[[0-9;]*m/g, '');
                    out.push(`${{o.ename}}: ${{o.evalue}}\\n${{tb}}`);
                  }}
                }}
              }}
              return out;
            }}"""
        )

    def restart_kernel(self, *, timeout: float = 60.0) -> None:
        """Restart the kernel without the confirmation dialog and wait until it is idle.

        Variables set by cells (including ``env=``) are gone afterwards until cells run again.
        """
        self.page.evaluate(
            f"""() => {{
              window.__nblRestart = null;
              {_CURRENT}.sessionContext.restartKernel().then(
                () => {{ window.__nblRestart = 'ok'; }},
                err => {{ window.__nblRestart = String(err); }});
            }}"""
        )
        self._wait_js("() => window.__nblRestart !== null", None, timeout, "kernel restart")
        outcome = self.page.evaluate("() => window.__nblRestart")
        if outcome != "ok":
            raise RuntimeError(f"kernel restart failed: {outcome}")
        self.wait_idle(timeout=timeout)

    def set_theme(self, theme: str, *, timeout: float = 15.0) -> None:
        """Switch to ``"JupyterLab Dark"`` or ``"JupyterLab Light"`` and wait until applied."""
        self.page.evaluate(
            "(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})",
            theme,
        )
        self._wait_js(
            "(theme) => document.body.dataset.jpThemeName === theme",
            theme,
            timeout,
            f"theme {theme!r}",
        )

    # ----- kernel ----------------------------------------------------------------------------

    def kernel_id(self) -> str:
        """Return the id of the open notebook's kernel, as the server reports it."""
        for session in self.server.sessions():
            if session.get("path") == self.notebook_path and session.get("kernel"):
                return session["kernel"]["id"]
        raise RuntimeError(f"no kernel session for {self.notebook_path!r}; open a notebook first")

    def _kernel_client(self, timeout: float):
        from jupyter_client import BlockingKernelClient

        client = BlockingKernelClient(
            connection_file=str(self.server.runtime_dir / f"kernel-{self.kernel_id()}.json")
        )
        client.load_connection_file()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=timeout)
        except RuntimeError:
            client.stop_channels()
            raise
        return client

    def kernel_eval(self, expr: str, *, timeout: float = 30.0) -> str:
        """Evaluate ``expr`` in the notebook's kernel and return its repr.

        It waits behind any running cell. Raises ``RuntimeError`` with the kernel's error text.
        """
        client = self._kernel_client(timeout)
        try:
            reply = client.execute(
                "", silent=True, user_expressions={"r": expr}, reply=True, timeout=timeout
            )
        finally:
            client.stop_channels()
        result = reply["content"].get("user_expressions", {}).get("r", {})
        if result.get("status") != "ok":
            detail = f"{result.get('ename')}: {result.get('evalue')}" if result else reply
            raise RuntimeError(f"kernel_eval({expr!r}) failed: {detail}")
        return result["data"]["text/plain"]

    def kernel_exec(self, code: str, *, timeout: float = 30.0) -> str:
        """Run statements in the notebook's kernel and return what they printed.

        It waits behind any running cell. Raises ``RuntimeError`` with the kernel's error text.
        """
        client = self._kernel_client(timeout)
        printed: list[str] = []
        try:
            reply = client.execute(
                code,
                store_history=False,
                reply=True,
                timeout=timeout,
            )
            msg_id = reply["parent_header"]["msg_id"]
            # Output arrives on iopub; it is complete once the kernel reports idle for us.
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                msg = client.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "stream":
                    printed.append(msg["content"]["text"])
                elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
        finally:
            client.stop_channels()
        content = reply["content"]
        if content["status"] != "ok":
            raise RuntimeError(
                f"kernel_exec failed: {content.get('ename')}: {content.get('evalue')}"
            )
        return "".join(printed)

    def wait_for_kernel_value(
        self, expr: str, expected: str | Callable[[str], bool], *, timeout: float = 10.0
    ) -> str:
        """Poll ``kernel_eval(expr)`` until it equals ``expected`` (or the predicate holds).

        Returns the last repr; raises ``AssertionError`` naming the last value on timeout.
        """
        check = expected if callable(expected) else (lambda value: value == expected)
        deadline = time.monotonic() + timeout
        while True:
            value = self.kernel_eval(expr, timeout=timeout)
            if check(value) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        if not check(value):
            raise AssertionError(f"kernel value {expr!r} is {value}, expected {expected!r}")
        return value

    # ----- plumbing --------------------------------------------------------------------------

    def _wait_js(self, script: str, arg: Any, timeout: float, what: str) -> None:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(script, arg=arg, timeout=timeout * 1000, polling=50)
        except PlaywrightTimeout as exc:
            try:
                state = self.page.evaluate(_STATE_JS)
            except Exception as inner:  # the page itself may be gone
                state = f"<unavailable: {inner}>"
            raise TimeoutError(f"waited {timeout:g}s for {what}; page state: {state}") from exc


def artifact_name(nodeid: str) -> str:
    """Turn a pytest node id into a safe file stem for screenshots and logs."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")[:150]


def busy_kernel_from_the_page(
    lab, marker: Path, seconds: float = 4.0, *, work: str | None = None
) -> None:
    """Keep the kernel busy through the notebook's own connection, as a running cell would.

    ``work`` is code to run instead of sleeping (e.g. a model fit); the marker file is touched
    first so the caller knows the kernel has started it.
    """
    busy = work if work is not None else f"time.sleep({seconds})"
    code = f"import pathlib, time; pathlib.Path({str(marker)!r}).touch()\n{busy}"
    lab.page.evaluate(
        "(code) => { window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
        ".requestExecute({code, store_history: false}); }",
        code,
    )
    deadline = time.monotonic() + 15
    while not marker.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the kernel did not start the sleep within 15 s")
        time.sleep(0.02)


def wait_attr(lab, selector: str, name: str, value: str, timeout: float = 20_000) -> None:
    lab.page.wait_for_function(
        """([sel, name, value]) => {
            const el = document.querySelector(sel);
            return el !== null && el.getAttribute(name) === value;
        }""",
        arg=[selector, name, value],
        timeout=timeout,
    )


def code_notebook(*sources: str) -> nbformat.NotebookNode:
    """A notebook of code cells, one per source."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return notebook


def open_card(
    lab,
    notebook: str | os.PathLike | Mapping,
    store: Path,
    *,
    first_key: str = "0",
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
):
    """Open a notebook on a fresh store, run it, and click into its item card.

    Waits until the card shows ``first_key``; returns the card's locator.
    """
    lab.open_notebook(notebook, env={"NB_LABEL_STORE": str(store), **(env or {})})
    lab.run_all(timeout=timeout)
    card = lab.page.locator(".nbl-card").first
    card.wait_for(state="visible")
    wait_attr(lab, ".nbl-item", "data-key", first_key)
    card.click(position={"x": 5, "y": 5})
    return card
