"""spaCy tuples and BIO tags, read back into the same spans."""

import pytest

from nb_label.spans import (
    from_bio,
    from_spacy,
    sample_texts,
    spans_from_bio,
    to_bio,
    to_spacy,
    tokenize,
)
from nb_label.spans.export import bio_tags


def test_tokenizer_keeps_characters_whole():
    text = "Rene\u0301e met 👩\u200d👩\u200d👧 and 👏🏽, in عمّان."
    tokens = [text[s:e] for s, e in tokenize(text)]
    assert tokens == [
        "Rene\u0301e",
        "met",
        "👩\u200d👩\u200d👧",
        "and",
        "👏🏽",
        ",",
        "in",
        "عمّان",
        ".",
    ]


def test_spacy_tuples_round_trip_on_the_bundled_texts():
    df = sample_texts()
    pairs = list(zip(df["text"], df["entities"], strict=True))
    tuples = to_spacy(pairs)
    assert tuples[0] == (
        df["text"].iloc[0],
        {"entities": [(0, 13, "PER"), (24, 30, "LOC"), (34, 41, "LOC"), (78, 90, "ORG")]},
    )
    # Doc.char_span (strict) needs every entity on token boundaries: check with our tokens
    for text, annotations in tuples:
        starts = {s for s, _ in tokenize(text)}
        ends = {e for _, e in tokenize(text)}
        for start, end, _label in annotations["entities"]:
            assert start in starts and end in ends
    assert from_spacy(tuples) == pairs


def test_spans_off_token_boundaries_are_refused():
    with pytest.raises(ValueError, match="token boundaries"):
        to_spacy([("Parisians love Paris", [(0, 5, "LOC")])])
    assert to_spacy([("Parisians", [(0, 5, "LOC")])], check=False)


def test_bio_round_trip_with_emoji_combining_and_rtl():
    df = sample_texts()
    bio = to_bio(df.rename(columns={"entities": "spans"}))
    assert list(bio.columns) == ["item_key", "token_index", "token", "start", "end", "tag"]
    news5 = bio[bio["item_key"] == "news-5"]
    assert news5["token"].tolist()[:3] == ["🎉", "Kwame", "Mensah"]
    assert news5["tag"].tolist()[:3] == ["O", "B-PER", "I-PER"]
    back = from_bio(bio)
    for key, spans in df["entities"].items():
        assert back[key] == spans, key


def test_bio_cannot_hold_overlaps_and_reads_a_stray_i_as_a_start():
    with pytest.raises(ValueError, match="overlaps"):
        bio_tags("New York City", [(0, 8, "LOC"), (4, 13, "LOC")])
    tokens = [(0, 3), (4, 7), (8, 11)]
    assert spans_from_bio(tokens, ["I-PER", "I-PER", "B-LOC"]) == [(0, 7, "PER"), (8, 11, "LOC")]
    with pytest.raises(ValueError, match="not a BIO tag"):
        spans_from_bio(tokens, ["X", "O", "O"])
