"""A dataset is its index labels: reordered, edited or filtered, it is the same dataset."""

import pandas as pd
import pytest

import nb_label as nbl


@pytest.fixture
def sms():
    df = nbl.datasets.sms_spam().iloc[:300]
    return df.set_axis([f"msg-{i}" for i in range(len(df))])  # an index of its own


def open_(df, db, **options):
    return nbl.Labeller(df, show="text", labels=["ham", "spam"], store=db, annotator="ana",
                        **options)  # fmt: skip


def labelled(db, df):
    lab = open_(df, db)
    for key in df.index[:5]:
        lab.label("spam" if key.endswith(("1", "3")) else "ham", item_key=key)
    lab.close()
    return lab.dataset


@pytest.mark.parametrize(
    "change",
    [
        lambda df: df.sample(frac=1.0, random_state=0),  # rows reordered
        lambda df: df.assign(text=df["text"].str.upper()),  # every cell edited
        lambda df: df.iloc[::3],  # filtered
        lambda df: pd.concat([df, df.set_axis([f"new-{i}" for i in range(len(df))])]),  # grown
    ],
    ids=["reordered", "edited", "filtered", "grown"],
)
def test_the_same_index_continues_the_same_dataset(sms, tmp_path, change):
    db = str(tmp_path / "i.db")
    dataset = labelled(db, sms)
    lab = open_(change(sms), db)
    assert lab.dataset == dataset  # the default name: the same dataset, never an empty start
    done = lab.annotations["label"].dropna()
    assert set(done.index) == set(sms.index[:5]) & set(change(sms).index)
    lab.close()


def test_another_frames_index_is_refused_with_the_choices(sms, tmp_path):
    db = str(tmp_path / "i.db")
    dataset = labelled(db, sms)
    renumbered = sms.reset_index(drop=True)  # keys 0..299: not the keys the labels were on
    with pytest.raises(
        ValueError, match=r"answers on 5 items.*holds 0 of them.*dataset='<new name>'"
    ):
        open_(renumbered, db, dataset=dataset)


def test_a_shuffled_frame_renumbered_reports_answers_given_on_another_text(tmp_path):
    db = str(tmp_path / "r.db")
    df = nbl.datasets.sms_spam().iloc[:200]  # a RangeIndex: the row number is the key
    lab = open_(df, db, dataset="sms")
    for _ in range(10):
        lab.label("ham")
    lab.close()
    shuffled = df.sample(frac=1.0, random_state=1).reset_index(drop=True)
    again = open_(shuffled, db, dataset="sms")  # the same keys 0..199, other texts under them
    changed = again.annotations["content_changed"].dropna()
    assert len(changed) == 10 and changed.all()
    again.close()


def test_two_different_numbered_frames_never_continue_each_other(tmp_path):
    db = str(tmp_path / "two.db")
    first = pd.DataFrame({"text": [f"first {i}" for i in range(50)]})
    second = pd.DataFrame({"text": [f"second {i}" for i in range(50)]})
    a = open_(first, db)
    a.label("spam")
    a.close()
    b = open_(second, db)
    assert b.dataset != a.dataset and b.progress["labelled"] == 0
    assert a.dataset in b.message  # and it says where the other work is
    b.close()


def test_a_store_named_by_an_earlier_version_is_found(sms, tmp_path):
    db = str(tmp_path / "old.db")
    from nb_label.source import DataSource

    legacy = DataSource(sms, show="text").legacy_dataset_name()
    lab = open_(sms, db, dataset=legacy)  # what the default name used to be
    lab.label("spam")
    lab.close()
    again = open_(sms, db)
    assert again.dataset == legacy and again.progress["labelled"] == 1
    again.close()
