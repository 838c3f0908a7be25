"""Annotators shape the label set: proposals, renames, merges, splits, retirements."""

import pandas as pd
import pytest

import nb_label as nbl


@pytest.fixture
def df():
    return pd.DataFrame({"text": [f"message {i}" for i in range(12)]})


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "ls.db")


def schema(policy="review"):
    return nbl.Schema(
        [
            nbl.Label("ham", "A normal personal or business message", key="1"),
            nbl.Label("spam", "Unsolicited advertising or a scam", key="2"),
        ],
        policy=policy,
        owners=["teacher"],
    )


def labeller(df, db, who, policy="review"):
    return nbl.Labeller(df, show="text", labels=schema(policy), store=db, annotator=who)


def test_none_fits_makes_a_proposal_that_an_owner_approves(df, db):
    ana = labeller(df, db, "ana")
    ana.none_fits("a reminder sent by a service", proposed="service notice")
    proposals = ana.schema.proposals
    assert proposals["name"].tolist() == ["service notice"]
    assert proposals["proposed_by"].tolist() == ["ana"]
    assert proposals["item_key"].tolist() == ["0"]
    assert "service notice" not in ana.schema.values
    with pytest.raises(PermissionError, match="only the owners"):
        ana.schema.approve("service notice")
    teacher = labeller(df, db, "teacher")
    teacher.schema.approve("service notice", definition="Automated but wanted messages")
    assert teacher.schema.values == ["ham", "spam", "service notice"]
    assert teacher.schema.find("service notice").key == "3"
    assert teacher.schema.proposals.empty
    # ana's labeller sees it too once it looks at the store again
    assert ana.schema.refresh()
    ana.label("service notice")
    history = ana.schema.history
    assert history["change"].tolist() == ["create", "propose", "add"]
    assert history["who"].tolist() == ["ana", "ana", "teacher"]


def test_open_policy_adds_proposals_at_once(df, db):
    lab = labeller(df, db, "ana", policy="open")
    lab.schema.propose("promo", reason="ads from shops I use", definition="Wanted ads")
    assert "promo" in lab.schema.values
    assert lab.labelset_version == 3


def test_same_name_differently_cased_is_one_proposal(df, db):
    ana, bob = labeller(df, db, "ana"), labeller(df, db, "bob")
    ana.schema.propose("Service notice", reason="reminders")
    bob.schema.refresh()
    bob.schema.propose("service  NOTICE", reason="same thing")
    proposals = bob.schema.proposals
    assert len(proposals) == 1 and proposals["supporters"].iloc[0] == ["ana", "bob"]


def test_rename_and_merge_map_earlier_answers(df, db):
    lab = labeller(df, db, "teacher", policy="open")
    lab.schema.propose("promo", reason="shop ads")
    lab.label("spam")
    lab.label("promo")
    lab.label("ham")
    lab.schema.merge(["promo", "spam"], into="spam", reason="annotators could not tell them apart")
    lab.schema.rename("ham", "normal", reason="clearer")
    ann = lab.annotations
    assert ann.loc[[0, 1, 2], "label"].tolist() == ["spam", "spam", "normal"]
    assert ann.loc[[0, 1, 2], "original_label"].tolist() == ["spam", "promo", "ham"]
    assert lab.schema.values == ["normal", "spam"]
    # each answer keeps the version it was given under
    events = lab.store.events(lab.dataset, kinds=["label"])
    assert events["labelset_version"].tolist() == [3, 3, 3]


def test_split_sends_items_back_to_the_queue(df, db):
    lab = labeller(df, db, "teacher")
    lab.label("spam")
    lab.label("ham")
    before = lab.progress["labelled"]
    lab.schema.split("spam", ["scam", "advert"], reason="two different harms")
    assert lab.progress["labelled"] == before - 1
    assert lab.annotations.loc[0, "state"] == "unlabelled"
    assert lab.annotations.loc[0, "original_label"] == "spam"
    assert lab.upcoming(1, exclude=[lab.data.index.get_loc(lab.current)]) == [0]  # comes next
    lab.goto(0)
    lab.label("scam")
    assert lab.annotations.loc[0, "label"] == "scam"
    with pytest.raises(ValueError, match="retired"):
        lab.label("spam")
    reopened = labeller(df, db, "teacher")
    assert reopened.annotations.loc[0, "label"] == "scam"
    assert reopened.progress["labelled"] == 2


def test_retire_keeps_old_answers(df, db):
    lab = labeller(df, db, "teacher")
    lab.label("spam")
    lab.schema.retire("spam", reason="out of scope")
    assert lab.schema.values == ["ham"]
    assert lab.annotations.loc[0, "label"] == "spam"
    with pytest.raises(ValueError, match="retired"):
        lab.label("spam")
    with pytest.raises(ValueError, match="last label"):
        lab.schema.retire("ham")


@pytest.mark.parametrize(
    ("operation", "match"),
    [
        (lambda s: s.rename("ham", "SPAM"), "already a label"),
        (lambda s: s.merge(["spam"], into="spam"), "into itself"),
        (lambda s: s.rename("eggs", "x"), "not a label on offer"),
        (lambda s: s.split("spam", ["only one"]), "at least two"),
        (lambda s: s.propose("  ", reason="x"), "empty"),
        (lambda s: s.propose("new", reason=" "), "reason"),
        (lambda s: s.propose("x" * 500, reason="long"), "too long"),
        (lambda s: s.approve("nothing pending"), "no pending proposal"),
    ],
)
def test_conflicts_are_refused_with_a_reason(df, db, operation, match):
    lab = labeller(df, db, "teacher")
    with pytest.raises(ValueError, match=match):
        operation(lab.schema)
    assert lab.schema.values == ["ham", "spam"]


def test_split_with_a_pending_proposal_of_the_same_name(df, db):
    lab = labeller(df, db, "teacher")
    lab.schema.propose("scam", reason="a kind of spam")
    with pytest.raises(ValueError, match="pending proposal"):
        lab.schema.split("spam", ["scam", "advert"])


def test_html_in_names_definitions_and_reasons_is_kept_as_text(df, db):
    lab = labeller(df, db, "teacher", policy="open")
    lab.schema.propose("<b>x</b>", reason="<script>alert(1)</script>", definition="<i>d</i>")
    card = {d["display"]: d for d in lab.schema.for_card()}
    assert card["<b>x</b>"]["definition"] == "<i>d</i>"
    assert lab.schema.history["why"].iloc[1] == "<script>alert(1)</script>"


def test_a_change_reaches_another_labeller_and_its_card(df, db):
    ana = labeller(df, db, "ana")
    sent = []
    ana.card.send = lambda content, buffers=None: sent.append(content)
    teacher = labeller(df, db, "teacher")
    teacher.schema.propose("promo", reason="shop ads")
    teacher.schema.approve("promo")
    ana._labelset_checked = -1e9  # as if the last look was long ago
    ana.card.handle({"type": "answer", "id": "a1", "seq": 1, "key": "0", "kind": "label",
                     "value": "ham", "note": None, "seconds": 1.0, "client_time": None,
                     "suggestion": None, "showing": "1"})  # fmt: skip
    assert [x["display"] for x in ana.card.labels] == ["ham", "spam", "promo"]
    assert ana.card.labels[2]["key"] == "3"
    ana.label("promo")  # the new label works at once


def test_label_summary(df, db):
    from nb_label.labelset import label_summary

    lab = labeller(df, db, "teacher", policy="open")
    lab.label("spam", note="spam from a shop")
    lab.schema.propose("promo", reason="shop ads", definition="Ads I asked for")
    lab.label("promo", note="a promo")
    lab.schema.rename("promo", "advert", reason="clearer")
    table = label_summary(lab)
    assert table.loc["spam", "answers"] == 1
    assert table.loc["promo", "proposed_by"] == "teacher"
    assert table.loc["promo", "definitions"] == ["Ads I asked for"]
    assert table.loc["spam", "notes_mentioning"] == 1
    assert table.loc["advert", "answers"] == 1 and bool(table.loc["advert", "on_offer"])
    assert not table.loc["promo", "on_offer"]


def test_retiring_a_label_that_queued_items_still_carry(df, db):
    lab = labeller(df, db, "teacher")
    sent = []
    lab.card.send = lambda content, buffers=None: sent.append(content)
    lab.suggest(pd.DataFrame({"label": ["spam"] * 3, "p": [0.9] * 3}, index=[1, 2, 3]))
    lab.label("spam")  # item 0 keeps its label after the retirement
    lab.schema.retire("spam", reason="out of scope")
    # the card still holds items suggesting "spam"; accepting one is refused with the reason
    lab.card.handle({"type": "answer", "id": "c1", "seq": 1, "key": "1", "kind": "label",
                     "value": "spam", "note": None, "seconds": 1.0, "client_time": None,
                     "suggestion": {"value": "spam", "p": 0.9}, "showing": "2"})  # fmt: skip
    refusal = [m for m in sent if m["type"] == "refuse"][-1]
    assert "retired" in refusal["reason"]
    assert lab.annotations.loc[0, "label"] == "spam"
    assert pd.isna(lab.annotations.loc[1, "label"])
    assert [x["display"] for x in lab.card.labels] == ["ham"]
    assert lab.card_item(2)["suggestion"] is None  # a retired label is no longer suggested
