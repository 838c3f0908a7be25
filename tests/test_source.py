import numpy as np
import pandas as pd
import pytest

from nb_label.source import DataSource, fingerprint_changes


def frame(n=10):
    return pd.DataFrame({"text": [f"t{i}" for i in range(n)], "n": range(n)})


def test_never_copies_or_mutates():
    df = frame()
    before = df.copy()
    source = DataSource(df, show="text")
    assert source.df is df
    assert source.row(3) == {"text": "t3"}
    pd.testing.assert_frame_equal(df, before)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: pd.DataFrame({"text": []}), "empty"),
        (lambda: frame().rename(index={1: 0}), "duplicate labels"),
        (lambda: frame(), "does not have"),
        (lambda: [1, 2], "expected a pandas DataFrame"),
    ],
)
def test_bad_frames_say_how_to_fix(make, match):
    show = "missing" if match == "does not have" else "text"
    with pytest.raises(ValueError, match=match):
        DataSource(make(), show=show)


def test_unhashable_index_is_refused():
    df = pd.DataFrame({"text": ["a", "b"]}, index=pd.Index([[1], [2]], dtype=object))
    with pytest.raises(ValueError, match="hashable|cannot be item keys"):
        DataSource(df, show="text")


def test_where_mask_and_query():
    df = frame()
    assert DataSource(df, show="text", where=df["n"] > 6).positions.tolist() == [7, 8, 9]
    assert DataSource(df, show="text", where="n < 2").positions.tolist() == [0, 1]
    with pytest.raises(ValueError, match="selects no rows"):
        DataSource(df, show="text", where="n > 100")
    with pytest.raises(ValueError, match="booleans"):
        DataSource(df, show="text", where=np.ones(3, dtype=bool))


def test_fingerprint_allows_appended_rows_and_names_changes():
    df = frame(100)
    stored = DataSource(df, show="text").fingerprint()
    grown = pd.concat([df, frame(5).set_axis(range(100, 105))])
    assert fingerprint_changes(stored, DataSource(grown, show="text").fingerprint()) == []
    changed = df.copy()
    changed.loc[64, "text"] = "edited"
    changes = fingerprint_changes(stored, DataSource(changed, show="text").fingerprint())
    assert any("64" in c for c in changes)
    shrunk = fingerprint_changes(stored, DataSource(df.head(50), show="text").fingerprint())
    assert any("50 rows" in c for c in shrunk)


def test_default_name_is_stable_under_appends():
    df = frame(100)
    grown = pd.concat([df, frame(5).set_axis(range(100, 105))])
    assert (
        DataSource(df, show="text").default_dataset_name()
        == DataSource(grown, show="text").default_dataset_name()
    )


def test_fingerprint_is_cheap_on_a_million_rows():
    df = pd.DataFrame({"text": np.repeat(np.array(["x" * 50], dtype=object), 1_000_000)})
    fingerprint = DataSource(df, show="text").fingerprint()
    # a sample, not a hash of every row: head rows plus powers of two
    assert len(fingerprint["sample"]) < 64


def test_images_are_fingerprinted_by_their_pixels_not_their_repr():
    from PIL import Image

    def frame(shade):
        images = [Image.new("RGB", (4, 4), (shade, 0, 0)) for _ in range(3)]
        return pd.DataFrame({"image": images, "raw": [b"\x89PNG" + bytes([shade])] * 3})

    first = DataSource(frame(10), show=["image", "raw"]).fingerprint()
    same_pixels = DataSource(frame(10), show=["image", "raw"]).fingerprint()  # new objects
    other = DataSource(frame(11), show=["image", "raw"]).fingerprint()
    assert fingerprint_changes(first, same_pixels) == []
    assert fingerprint_changes(first, other) != []


def test_an_integer_column_name_is_a_column_not_a_list():
    df = pd.DataFrame({0: ["a", "b"], 1: ["c", "d"]})
    source = DataSource(df, show=0)
    assert source.columns == [0] and source.row(1) == {0: "b"}


def test_a_list_of_integer_columns_is_shown_by_name():
    df = pd.DataFrame({0: ["a", "b"], 1: ["c", "d"]})
    source = DataSource(df, show=[0, 1])
    assert source.row(0) == {0: "a", 1: "c"}


def test_show_of_a_wrong_type_says_what_to_pass():
    with pytest.raises(ValueError, match="show= takes a column name or a list of them"):
        DataSource(frame(), show={"text": 1})


@pytest.mark.parametrize("show", ["text", ["text", "n"]])
def test_duplicate_column_names_are_refused_with_the_fix(show):
    df = pd.DataFrame([["a", 1, "b"]], columns=["text", "n", "text"])
    with pytest.raises(ValueError, match=r"more than one column named 'text'.*rename"):
        DataSource(df, show=show)


def test_show_naming_a_column_twice_is_refused():
    with pytest.raises(ValueError, match="names column 'text' twice"):
        DataSource(frame(), show=["text", "text"])
