"""Smoke tests of the browser harness: a tiny anywidget clicked and typed at in real JupyterLab."""

from __future__ import annotations

import nbformat

from .harness import REPO_ROOT

PROBE_CELL = '''
import anywidget
import traitlets


class Probe(anywidget.AnyWidget):
    _esm = """
    function render({ model, el }) {
      const button = document.createElement("button");
      button.className = "probe";
      button.tabIndex = 0;
      button.textContent = "probe";
      button.addEventListener("click", () => {
        model.set("count", model.get("count") + 1);
        model.save_changes();
      });
      button.addEventListener("keydown", (event) => {
        event.stopPropagation();
        model.set("typed", model.get("typed") + event.key);
        model.save_changes();
      });
      el.appendChild(button);
    }
    export default { render };
    """
    count = traitlets.Int(0).tag(sync=True)
    typed = traitlets.Unicode("").tag(sync=True)


w = Probe()
w
'''


def probe_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# harness smoke test"),
        nbformat.v4.new_code_cell(PROBE_CELL),
    ]
    return notebook


def test_click_reaches_kernel_and_keys_do_not_leak(lab, tmp_path):
    store = tmp_path / "labels.db"
    lab.open_notebook(probe_notebook(), env={"NB_LABEL_STORE": str(store)})
    sources = lab.cell_sources()
    lab.run_all()

    button = lab.page.locator("button.probe")
    button.click()
    lab.wait_for_kernel_value("w.count", "1")
    button.press("b")
    button.press("a")
    lab.wait_for_kernel_value("w.typed", "'ba'")

    assert lab.cell_count() == len(sources)
    assert lab.cell_sources() == sources
    assert lab.kernel_eval("os.environ['NB_LABEL_STORE']") == repr(str(store))
    assert lab.kernel_eval("__import__('nb_label').__file__") == repr(
        str(REPO_ROOT / "nb_label" / "__init__.py")
    )


def test_kernel_restart_theme_and_exec(lab):
    lab.open_notebook(probe_notebook())
    lab.run_all()
    assert lab.kernel_exec("print(w.count + 42)") == "42\n"

    lab.restart_kernel()
    assert lab.kernel_eval("'w' in globals()") == "False"

    lab.set_theme("JupyterLab Dark")
    assert lab.page.evaluate("document.body.dataset.jpThemeLight") == "false"
    lab.set_theme("JupyterLab Light")
