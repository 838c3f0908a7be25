import pandas as pd
import pytest

import nb_label as nbl


@pytest.fixture
def df():
    return pd.DataFrame({"text": [f"message {i}" for i in range(10)]})


def make(df, db, who):
    schema = nbl.Schema(["ham", "spam"], policy="review", owners=["teacher"])
    return nbl.Labeller(df, show="text", labels=schema, store=db, annotator=who)


def test_review_widget_approves_and_refuses_non_owners(df, tmp_path):
    db = str(tmp_path / "w.db")
    ana = make(df, db, "ana")
    ana.none_fits("a reminder from my bank", proposed="service notice")
    ana.none_fits("<script>x</script>", proposed="promo")
    refused = nbl.ProposalReview(ana)
    refused.choice.value = "promo"
    refused.approve_button.click()
    assert refused.status.value.startswith("Not done") and "owners" in refused.status.value
    review = nbl.ProposalReview(make(df, db, "teacher"))
    assert list(review.choice.options) == ["service notice", "promo"]
    assert "message 0" in review.details.value
    review.choice.value = "service notice"
    review.definition.value = "Automated but wanted"
    review.approve_button.click()
    review.choice.value = "promo"
    review.reason.value = "too close to spam"
    review.reject_button.click()
    assert list(review.choice.options) == []
    history = review.labeller.schema.history
    assert history["change"].tolist()[-2:] == ["add", "reject"]
    assert review.labeller.schema.find("service notice").definition == "Automated but wanted"


def test_notes_browser_filters_and_jumps(df, tmp_path):
    db = str(tmp_path / "n.db")
    lab = make(df, db, "ana")
    lab.label("spam", note="premium number")
    lab.label("ham", note="from mum")
    lab.label("spam")
    bob = make(df, db, "bob")
    bob.label("ham", note="Premium? no, a friend")
    browser = nbl.NotesBrowser(lab)
    assert browser.count.value == "3 of 3 notes"
    browser.search.value = "premium"
    assert len(browser.selected) == 2
    browser.annotator.value = "bob"
    assert browser.selected["item_key"].tolist() == [0]
    browser.annotator.value = "(any)"
    browser.label.value = "ham"
    browser.search.value = ""
    assert sorted(browser.selected["note"]) == ["Premium? no, a friend", "from mum"]
    browser.results.value = 1
    key = browser.goto()
    assert lab.current == key


@pytest.mark.extra("plot")
def test_timeline_plot(df, tmp_path):
    lab = make(df, str(tmp_path / "t.db"), "teacher")
    lab.schema.propose("promo", reason="ads")
    lab.schema.approve("promo")
    ax = nbl.plots.labelset_timeline(lab.schema.history)
    assert ax.get_ylabel() == "label-set version"
