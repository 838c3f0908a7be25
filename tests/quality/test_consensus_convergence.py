"""consensus(method="dawid_skene") converges by default and reports how it went."""

import warnings

import pandas as pd
import pytest

import nb_label as nbl
from nb_label.quality import consensus, dawid_skene


def test_default_converges_on_the_politeness_ratings_without_a_warning(politeness):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        items = consensus(politeness, method="dawid_skene")
        direct, _ = dawid_skene(politeness)
    assert items.attrs["converged"] and direct.attrs["converged"]
    assert 1 < items.attrs["n_iter"] == direct.attrs["n_iter"]
    assert items.attrs["max_iter"] > items.attrs["n_iter"]
    assert len(items) == politeness["item_key"].nunique()


def test_max_iter_and_tol_reach_dawid_skene(politeness):
    with pytest.warns(UserWarning, match="did not converge in 3 iterations"):
        capped = consensus(politeness, method="dawid_skene", max_iter=3)
    assert capped.attrs["n_iter"] == 3 and not capped.attrs["converged"]
    loose = consensus(politeness, method="dawid_skene", tol=1e-3)
    strict = consensus(politeness, method="dawid_skene")
    assert loose.attrs["converged"] and loose.attrs["n_iter"] < strict.attrs["n_iter"]
    assert loose.attrs["tol"] == 1e-3
    with pytest.raises(ValueError, match="max_iter"):
        consensus(politeness, method="dawid_skene", max_iter=0)


def test_max_iter_and_tol_are_refused_for_a_majority_vote(politeness):
    with pytest.raises(ValueError, match="method='dawid_skene'"):
        consensus(politeness, max_iter=50)
    with pytest.raises(ValueError, match="method='dawid_skene'"):
        consensus(politeness, method="majority", tol=1e-3)


def test_a_labellers_consensus_reports_the_iterations_beside_review_decisions(tmp_path):
    df = pd.DataFrame({"text": [f"message {i}" for i in range(12)]})
    store = str(tmp_path / "class.db")
    for who, flips in [("ana", {1}), ("bob", {2, 3}), ("cem", set())]:
        lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=store, annotator=who)
        for i in range(12):
            spam = (i % 3 == 0) != (i in flips)
            lab.label("spam" if spam else "ham", item_key=i)
        lab.close()
    teacher = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=store, annotator="t")
    try:
        nbl.Review(teacher).decide(2, "ham", note="checked")
        items = consensus(teacher, method="dawid_skene", max_iter=200)
        assert items.loc[2, "method"] == "review"
        assert items.attrs["converged"] and items.attrs["max_iter"] == 200
        assert items.attrs["n_iter"] >= 1
    finally:
        teacher.close()
