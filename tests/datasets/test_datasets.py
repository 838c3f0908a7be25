"""The bundled data sets load completely, in the documented shape, and unchanged."""

import hashlib
import sys
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from nb_label import datasets
from nb_label.datasets import _load, digits, politeness, sms_spam

SMS_SHA256 = "7d039a24a6083ed9ef0f806ebad56bbb976e3aeb8de05669173bfdc4996c239d"


def raw_bytes(name: str) -> bytes:
    return resources.files("nb_label.datasets").joinpath("data", name).read_bytes()


def test_public_names():
    assert sorted(datasets.__all__) == ["digits", "politeness", "sms_spam"]


def test_sms_file_is_the_uci_original():
    assert hashlib.sha256(raw_bytes("SMSSpamCollection")).hexdigest() == SMS_SHA256


def test_sms_spam_has_every_message():
    frame = sms_spam()
    # Count records straight from the bytes, independently of pandas' parser.
    records = raw_bytes("SMSSpamCollection").decode("utf-8").splitlines()
    assert len(frame) == len(records) == 5574
    assert frame["label"].value_counts().to_dict() == {"ham": 4827, "spam": 747}
    assert list(frame.columns) == ["text", "label"]
    assert isinstance(frame.index, pd.RangeIndex)
    assert pd.api.types.is_string_dtype(frame["text"])
    assert frame["text"].notna().all()


def test_sms_spam_matches_the_file_line_by_line():
    frame = sms_spam()
    records = [
        line.split("\t", 1) for line in raw_bytes("SMSSpamCollection").decode().splitlines()
    ]
    assert frame["label"].tolist() == [label for label, _ in records]
    assert frame["text"].tolist() == [text for _, text in records]
    # A merged record would carry the next line's tab or newline inside its text.
    assert not frame["text"].str.contains("[\t\n\r]", regex=True).any()


def test_politeness_wide_shape():
    wide = politeness()
    assert len(wide) == 4353
    assert wide.index.name == "item_key"
    assert wide.index.is_unique
    assert pd.api.types.is_integer_dtype(wide.index)
    scores = wide[[f"score{i}" for i in range(1, 6)]]
    assert scores.notna().all().all()
    assert scores.min().min() >= 1 and scores.max().max() <= 25
    annotators = wide[[f"annotator{i}" for i in range(1, 6)]]
    assert pd.unique(annotators.to_numpy().ravel()).size == 219
    assert not wide["text"].str.contains("[\t\n\r]", regex=True).any()


def test_politeness_label_is_the_quartile_split():
    wide = politeness()
    low, high = wide["normalized_score"].quantile([0.25, 0.75])
    polite = wide["label"] == "polite"
    impolite = wide["label"] == "impolite"
    assert (wide.loc[polite, "normalized_score"] >= high).all()
    assert (wide.loc[impolite, "normalized_score"] <= low).all()
    middle = wide["normalized_score"].between(low, high, inclusive="neither")
    assert wide.loc[middle, "label"].isna().all()
    assert set(wide["label"].dropna()) == {"polite", "impolite"}
    # Each quartile holds about a quarter of the requests.
    assert abs(polite.mean() - 0.25) < 0.01 and abs(impolite.mean() - 0.25) < 0.01


def test_politeness_long_has_five_ratings_per_item():
    long = politeness(long=True)
    assert list(long.columns) == ["item_key", "annotator", "label"]
    assert len(long) == 21765
    assert long["annotator"].nunique() == 219
    per_item = long.groupby("item_key").size()
    assert len(per_item) == 4353
    assert (per_item == 5).all()
    assert not long.duplicated(["item_key", "annotator"]).any()
    assert long["label"].between(1, 25).all()


def test_politeness_long_agrees_with_wide():
    wide = politeness()
    long = politeness(long=True)
    for i in range(1, 6):
        pairs = wide[[f"annotator{i}", f"score{i}"]].reset_index()
        pairs.columns = ["item_key", "annotator", "label"]
        merged = pairs.merge(long, on=["item_key", "annotator"], suffixes=("_wide", "_long"))
        assert len(merged) == len(wide)
        assert (merged["label_wide"] == merged["label_long"]).all()


def test_politeness_rejects_a_non_bool_long():
    with pytest.raises(ValueError, match="long must be True or False"):
        politeness(long="yes")


@pytest.mark.parametrize(
    "load", [sms_spam, politeness, lambda: politeness(long=True)], ids=["sms", "wide", "long"]
)
def test_changing_a_result_does_not_change_the_next(load):
    first = load()
    expected = load()
    first.iloc[0, 0] = first.iloc[1, 0]
    first["added"] = 1
    assert load().equals(expected)
    assert load() is not load()


def test_digits_are_8x8_uint8_images():
    frame = digits()
    assert len(frame) == 1797
    assert list(frame.columns) == ["image", "target"]
    assert all(image.shape == (8, 8) and image.dtype == np.uint8 for image in frame["image"])
    assert sorted(frame["target"].unique()) == list(range(10))
    frame["image"].iloc[0][0, 0] = 99
    assert digits()["image"].iloc[0][0, 0] != 99


@pytest.mark.extra("learn")
def test_bundled_digits_are_scikit_learns_digits():
    from sklearn.datasets import load_digits

    bunch = load_digits()
    frame = digits()
    assert (np.stack(frame["image"]) == bunch.images).all()
    assert (frame["target"].to_numpy() == bunch.target).all()


def test_digits_load_without_scikit_learn(monkeypatch):
    # None in sys.modules makes `import sklearn` fail, as on a core-only install.
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    _load._digits_cached.cache_clear()
    assert len(digits()) == 1797
