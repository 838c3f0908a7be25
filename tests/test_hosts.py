"""Widgets marimo cannot show say so there, naming what to use (nb_label/hosts.py)."""

from __future__ import annotations

import pandas as pd
import pytest

import nb_label as nbl
from nb_label.hosts import ShownByJupyterOnly
from nb_label.widgets import NotesBrowser, ProposalReview

mo = pytest.importorskip(
    "marimo", reason="marimo comes with the dev install (pip install -e '.[dev]')"
)


@pytest.fixture
def lab(tmp_path):
    df = pd.DataFrame({"text": ["a", "b", "c"]})
    schema = nbl.Schema(["x", "y"], policy="review", owners=["ana"])
    with nbl.Labeller(
        df, show="text", labels=schema, store=tmp_path / "s.db", annotator="ana"
    ) as lab:
        yield lab


def _said(widget) -> str:
    return widget._display_().text


def test_the_card_is_what_marimo_shows_for_a_labeller(lab):
    assert lab._display_() is lab.card


@pytest.mark.parametrize(
    ("make", "instead"),
    [
        (lambda lab: ProposalReview(lab), "lab.schema.approve"),
        (lambda lab: NotesBrowser(lab), "lab.store.events"),
        (lambda lab: nbl.Review(lab), "review.decide"),
    ],
)
def test_ipywidgets_panels_say_they_need_jupyter_and_what_to_use(lab, make, instead):
    widget = make(lab)
    said = _said(widget)
    assert f"{type(widget).__name__} needs Jupyter" in said
    assert instead in said


@pytest.mark.extra("regions")
def test_the_region_labeller_says_it_needs_jupyter(tmp_path):
    from PIL import Image

    from nb_label.regions import RegionLabeller

    df = pd.DataFrame({"image": [Image.new("RGB", (8, 8))]})
    rl = RegionLabeller(df, show="image", labels=["tree"], store=tmp_path / "r.db",
                        annotator="ana")  # fmt: skip
    said = _said(rl)
    assert "RegionLabeller needs Jupyter" in said and "ipycanvas" in said


def test_every_ipywidgets_panel_has_its_own_advice():
    for cls in ShownByJupyterOnly.__subclasses__():
        assert cls._marimo_instead != ShownByJupyterOnly._marimo_instead, cls
