"""The core installs alone; an optional part used without its extra names the pip command."""

from __future__ import annotations

import importlib
import os
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

import nb_label as nbl
from nb_label._extras import EXTRAS, MissingExtraError, extra_imports, has_extra, require

CORE_ONLY = os.environ.get("NB_LABEL_CORE_ONLY") == "1"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
# The distribution each extra's modules come from (ipycanvas arrives with ipyannotations).
_DISTRIBUTIONS = {"sklearn": "scikit-learn", "scipy": "scipy", "matplotlib": "matplotlib",
                  "ipyannotations": "ipyannotations", "ipycanvas": None,
                  "psycopg": "psycopg", "pyarrow": "pyarrow", "narwhals": "narwhals"}  # fmt: skip


def _project():
    tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11+")
    return tomllib.loads(PYPROJECT.read_text())["project"]


def _names(requirements):
    return {re.split(r"[\[<>=~! ]", r, maxsplit=1)[0] for r in requirements}


def test_each_extra_in_the_code_is_an_extra_of_the_package():
    project = _project()
    optional = project["optional-dependencies"]
    core = _names(project["dependencies"])
    for extra, modules in EXTRAS.items():
        wanted = {_DISTRIBUTIONS[m] for m in modules} - {None}
        assert wanted <= _names(optional[extra]), extra
        assert not wanted & core, f"{wanted & core} belong in the {extra!r} extra, not the core"
    assert set(EXTRAS) <= {e.split("[")[-1] for e in optional["all"][0].rstrip("]").split(",")}


def test_a_missing_module_of_an_extra_names_the_install_command():
    needs = r'pip install "nb-label\[learn\]"'
    with (
        pytest.raises(MissingExtraError, match=needs) as caught,
        extra_imports("learn", feature="nb_label.ActiveLoop"),
    ):
        raise ModuleNotFoundError("No module named 'sklearn'", name="sklearn.base")
    assert isinstance(caught.value, ImportError)
    assert "nb_label.ActiveLoop" in str(caught.value)


def test_other_import_errors_pass_unchanged():
    with pytest.raises(ModuleNotFoundError, match="typo"), extra_imports("learn", feature="x"):
        import numpy_typo  # noqa: F401


def test_the_model_loop_without_scikit_learn_says_which_extra(monkeypatch):
    # None in sys.modules makes `import sklearn...` fail as it does on a core-only install
    # (each submodule too: one imported earlier would otherwise be found directly).
    for name in [n for n in sys.modules if n == "sklearn" or n.startswith("sklearn.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "sklearn", None)
    for name in ["nb_label.learn.loop", "nb_label.learn.strategies"]:
        monkeypatch.delitem(sys.modules, name, raising=False)
    with pytest.raises(MissingExtraError, match=r'pip install "nb-label\[learn\]"'):
        importlib.import_module("nb_label.learn.loop")


@pytest.mark.skipif(not CORE_ONLY, reason="runs in the core-only install (CI's core leg)")
class TestCoreOnlyInstall:
    """What `pip install nb-label` (no extras) gives: CI's core leg runs these for real."""

    def test_no_optional_package_is_installed(self):
        assert not any(has_extra(extra) for extra in EXTRAS)

    def test_label_and_export_work(self, tmp_path):
        frame = pd.DataFrame({"text": ["a", "b", "c"]})
        lab = nbl.Labeller(frame, show="text", labels=["x", "y"], store=str(tmp_path / "l.db"))
        lab.label("x", note="first")
        written = lab.export(tmp_path / "labels.csv")
        assert pd.read_csv(written)["label"].iloc[0] == "x"

    def test_star_import_works(self):
        namespace: dict = {}
        exec("from nb_label import *", namespace)
        assert "Labeller" in namespace and "ActiveLoop" not in namespace

    @pytest.mark.parametrize(
        "use, extra",
        [
            (lambda: nbl.ActiveLoop, "learn"),
            (lambda: nbl.strategies, "learn"),
            (
                lambda: nbl.RegionLabeller(pd.DataFrame({"p": []}), show="p", labels=["a"]),
                "regions",
            ),  # fmt: skip
            (lambda: nbl.Dashboard(pd.DataFrame()), "plot"),
            (lambda: require("plot", feature="plots"), "plot"),
        ],
    )
    def test_an_optional_part_names_its_extra(self, use, extra):
        with pytest.raises(ImportError, match=rf'pip install "nb-label\[{extra}\]"'):
            use()
