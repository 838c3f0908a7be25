"""Answer kinds: each kind's checks, bad input refused with a clear message, and results."""

import pandas as pd
import pytest

import nb_label as nbl
from nb_label.answers import Caption, MultiLabel, Number, Rating, SingleLabel, as_answer


@pytest.fixture
def df():
    return pd.DataFrame({"text": [f"message {i}" for i in range(8)]})


def make(df, tmp_path, **kwargs):
    return nbl.Labeller(df, show="text", store=str(tmp_path / "a.db"), annotator="ana", **kwargs)


# -- the kinds on their own ------------------------------------------------------------------
def test_multilabel_stores_a_list_in_label_order_each_once():
    kind = MultiLabel(["sport", "politics", "tech"])
    assert kind.check(["tech", "sport", "tech"]) == ["sport", "tech"]
    assert kind.check(("politics",)) == ["politics"]
    assert kind.for_card() == {"kind": "multi", "min_labels": 1}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "choose at least one label"),
        (["chess"], "'chess' is not one of the labels"),
        ("sport", "is a list of labels"),
        (None, "is a list of labels"),
    ],
)
def test_multilabel_refuses_bad_answers(value, message):
    with pytest.raises(ValueError, match=message):
        MultiLabel(["sport", "politics"]).check(value)


def test_multilabel_min_labels_zero_allows_an_empty_answer():
    assert MultiLabel(["a", "b"], min_labels=0).check([]) == []
    with pytest.raises(ValueError, match="min_labels=3 is more than"):
        MultiLabel(["a", "b"], min_labels=3)


def test_rating_keeps_its_scale_in_order():
    stars = Rating(range(1, 6))
    assert stars.scale == (1, 2, 3, 4, 5)
    assert stars.check(4) == 4 and stars.check(4.0) == 4
    named = Rating(["rude", "neutral", "polite"])
    assert named.check("polite") == "polite"
    assert named.for_card() == {"kind": "rating", "scale": ["rude", "neutral", "polite"]}


@pytest.mark.parametrize("value", [0, 6, 2.5, True, "3", None])
def test_rating_refuses_a_value_off_the_scale(value):
    with pytest.raises(ValueError, match="not on the rating scale"):
        Rating(range(1, 6)).check(value)


@pytest.mark.parametrize(
    ("scale", "message"),
    [([1], "at least two steps"), ([1, 1, 2], "repeats"), ([1, "a"], "not a mix"),
     ("abc", "ordered steps"), ([0.5, 1.0], "steps are ints or names")],
)  # fmt: skip
def test_rating_scale_is_checked(scale, message):
    with pytest.raises(ValueError, match=message):
        Rating(scale)


def test_number_checks_type_and_bounds():
    kind = Number(min=0, max=10, step=1)
    assert kind.check(3) == 3 and isinstance(kind.check(3.0), int)
    assert Number(step=0.5).check(2.5) == 2.5
    assert kind.for_card() == {"kind": "number", "min": 0, "max": 10, "step": 1}
    for bad, message in [(11, "out of bounds"), (-1, "at least 0"), ("x", "not a number"),
                         (float("nan"), "not a finite"), (True, "not a number")]:  # fmt: skip
        with pytest.raises(ValueError, match=message):
            kind.check(bad)
    with pytest.raises(ValueError, match="step= must be a positive"):
        Number(step=0)
    with pytest.raises(ValueError, match="is above max"):
        Number(min=5, max=1)


def test_caption_refuses_empty_text_unless_allowed():
    assert Caption().check("two dogs\nbarking") == "two dogs\nbarking"
    with pytest.raises(ValueError, match="the caption is empty"):
        Caption().check("   ")
    assert Caption(allow_empty=True).check("") == ""
    with pytest.raises(ValueError, match="is text"):
        Caption().check(3)
    with pytest.raises(ValueError, match="at most 5"):
        Caption(max_length=5).check("too long")


def test_as_answer_defaults_to_a_single_label_and_refuses_others():
    assert isinstance(as_answer(None), SingleLabel)
    with pytest.raises(ValueError, match="answer= takes"):
        as_answer("rating")


# -- through the labeller --------------------------------------------------------------------
def test_labels_and_answer_kind_do_not_mix(df, tmp_path):
    with pytest.raises(ValueError, match="labels= is missing"):
        make(df, tmp_path)
    with pytest.raises(ValueError, match="leave labels= out"):
        make(df, tmp_path, labels=["a"], answer=Rating(range(1, 4)))


def test_multilabel_annotations_have_a_list_and_one_bool_column_per_label(df, tmp_path):
    lab = make(df, tmp_path, answer=MultiLabel(["sport", "politics", "tech"]))
    assert lab.schema.values == ["sport", "politics", "tech"]
    lab.label(["tech", "sport"])
    lab.label(["politics"], note="an election")
    with pytest.raises(ValueError, match="choose at least one label"):
        lab.label([])
    ann = lab.annotations
    assert ann.loc[0, "label"] == ["sport", "tech"] and ann.loc[1, "label"] == ["politics"]
    assert ann.columns[:4].tolist() == ["label", "label=sport", "label=politics", "label=tech"]
    assert ann["label=sport"].tolist()[:3] == [True, False, pd.NA]
    assert ann.attrs["answer"] == "multi"
    stored = lab.store.events(lab.dataset, kinds=["label"])["value"].tolist()
    assert stored == [["sport", "tech"], ["politics"]]
    out = lab.export(tmp_path / "out.csv")
    assert '"[""sport"", ""tech""]"' in out.read_text()
    lab.close()


def test_multilabel_labels_follow_a_rename(df, tmp_path):
    lab = make(df, tmp_path, answer=MultiLabel(["sport", "politics"]))
    lab.label(["sport", "politics"])
    lab.schema.rename("politics", "government")
    ann = lab.annotations
    assert ann.loc[0, "label"] == ["sport", "government"]
    assert bool(ann.loc[0, "label=government"]) is True
    lab.close()


def test_rating_annotations_are_ordered_with_the_scale(df, tmp_path):
    lab = make(df, tmp_path, answer=Rating(["rude", "neutral", "polite"]))
    lab.label("polite")
    lab.label("rude")
    with pytest.raises(ValueError, match="not on the rating scale"):
        lab.label("very polite")
    ann = lab.annotations
    assert ann.attrs["scale"] == ["rude", "neutral", "polite"]
    assert ann["label"].cat.ordered and ann["label"].cat.codes.tolist()[:2] == [2, 0]
    assert ann["label"].min() == "rude"  # ordered by the scale, not alphabetically
    assert lab.store.events(lab.dataset, kinds=["label"])["value"].tolist() == ["polite", "rude"]
    lab.close()


def test_number_and_caption_have_no_label_set(df, tmp_path):
    lab = make(df, tmp_path, answer=Number(min=0, max=5, step=0.5))
    lab.label(2.5)
    for bad in [7, "two"]:
        with pytest.raises(ValueError):
            lab.label(bad)
    lab.none_fits("not a measurable item", proposed="other")  # no label set to propose to
    assert lab.annotations["label"].iloc[0] == 2.5
    assert lab.store.events(lab.dataset, kinds=["labelset"]).empty
    lab.close()
    cap = nbl.Labeller(df, show="text", answer=Caption(), store=str(tmp_path / "c.db"))
    cap.label("line one\nline two")
    with pytest.raises(ValueError, match="caption is empty"):
        cap.label("")
    assert cap.annotations.loc[0, "label"] == "line one\nline two"
    assert cap.progress["labelled"] == 1
    cap.close()


def test_import_labels_checks_the_answer_kind(df, tmp_path):
    lab = make(df, tmp_path, answer=Rating(range(1, 6)))
    assert lab.import_labels(pd.Series({0: 4, 1: 2}), annotator="bo") == 2
    with pytest.raises(ValueError, match="not on the rating scale"):
        lab.import_labels(pd.Series({2: 9}), annotator="bo")
    lab.close()


def test_agreement_is_ordinal_for_ratings(tmp_path):
    df = pd.DataFrame({"text": [f"t{i}" for i in range(30)]})
    store = str(tmp_path / "g.db")
    scale = ["low", "mid", "high"]
    for who, shift in [("ana", 0), ("bo", 1)]:
        lab = nbl.Labeller(df, show="text", answer=Rating(scale), store=store, annotator=who)
        for i in range(30):
            lab.label(scale[min(2, i % 3 + (shift if i % 5 == 0 else 0))], item_key=i)
        lab.close()
    lab = nbl.Labeller(df, show="text", answer=Rating(scale), store=store, annotator="ana")
    report = nbl.agreement(lab)
    nominal = nbl.agreement(lab, level="nominal")
    assert report.level == "ordinal" and nominal.level == "nominal"
    # the disagreements are one step apart: ordinal alpha counts them as near misses
    assert report.overall["krippendorff_alpha"] > nominal.overall["krippendorff_alpha"]
    lab.close()
    # The scale is kept in the store: read without a labeller, the ratings are still ordinal.
    with nbl.open_store(store) as opened:
        from_store = nbl.agreement(opened, dataset=lab.dataset)
    assert from_store.level == "ordinal"
    assert from_store.overall["krippendorff_alpha"] == pytest.approx(
        report.overall["krippendorff_alpha"]
    )
    multi = nbl.Labeller(
        df, show="text", answer=MultiLabel(["a", "b"]), store=str(tmp_path / "m.db")
    )
    with pytest.raises(ValueError, match="one label at a time"):
        nbl.agreement(multi)
    multi.close()
