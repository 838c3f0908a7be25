"""Offsets in str code points, checked against the exact text: emoji, combining marks, RTL."""

import pytest

from nb_label.spans import check_spans, text_sha256
from nb_label.spans.offsets import inside_character, spans_value

LABELS = ["PER", "LOC", "ORG"]


def test_emoji_outside_the_bmp_count_as_one_character():
    text = "🎉 Kwame Mensah won in Accra 👏🏽."
    start = text.index("Kwame")
    assert start == 2  # one code point for 🎉 (two UTF-16 units in the browser)
    spans = check_spans(text, [(start, start + 12, "PER")], labels=LABELS)
    assert text[spans[0][0] : spans[0][1]] == "Kwame Mensah"
    accra = text.index("Accra")
    assert check_spans(text, [[accra, accra + 5, "LOC"]])[0] == (accra, accra + 5, "LOC")


def test_a_boundary_between_an_emoji_and_its_skin_tone_is_refused():
    text = "thanks 👏🏽 Ana"
    clap = text.index("👏")
    with pytest.raises(ValueError, match="cuts the character"):
        check_spans(text, [(clap, clap + 1, "PER")])
    assert check_spans(text, [(clap, clap + 2, "PER")])  # the whole character is fine


def test_combining_marks_stay_with_their_letter():
    text = "Rene\u0301e Lefe\u0300vre lives in Montre\u0301al."
    name = "Rene\u0301e Lefe\u0300vre"
    assert check_spans(text, [(0, len(name), "PER")]) == [(0, 15, "PER")]
    with pytest.raises(ValueError, match="a letter and its marks"):
        check_spans(text, [(0, 4, "PER")])  # "Rene" without the accent over its e
    assert inside_character(text, 4) and not inside_character(text, 5)


def test_right_to_left_text_uses_logical_order():
    text = "زارت ليلى حداد مدينة عمّان."
    person = "ليلى حداد"
    start = text.index(person)
    assert check_spans(text, [(start, start + len(person), "PER")]) == [(5, 14, "PER")]
    city = text.index("عمّان")
    with pytest.raises(ValueError, match="cuts the character"):
        check_spans(text, [(city, city + 2, "LOC")])  # the shadda belongs to the letter before


@pytest.mark.parametrize(
    ("span", "message"),
    [
        ((0, 40, "PER"), "outside the text"),
        ((-1, 3, "PER"), "outside the text"),
        ((3, 3, "PER"), "empty"),
        ((0, 3, "DATE"), "not in the label set"),
        ((0, 4, "PER"), "white space"),
        ((0.5, 3, "PER"), "whole number"),
        ("Ana", "must be"),
    ],
)
def test_bad_spans_say_what_is_wrong(span, message):
    with pytest.raises(ValueError, match=message):
        check_spans("Ana met Bo in Oslo", [span], labels=LABELS)


def test_overlaps_are_refused_unless_allowed():
    text = "New York City"
    spans = [(0, 8, "LOC"), (4, 13, "LOC")]
    with pytest.raises(ValueError, match="overlaps"):
        check_spans(text, spans)
    assert check_spans(text, spans, overlapping=True) == [(0, 8, "LOC"), (4, 13, "LOC")]
    assert check_spans(text, [(0, 3, "LOC"), (4, 8, "LOC")])  # touching is not overlapping


def test_normal_form_sorts_and_drops_duplicates():
    spans = [{"start": 8, "end": 13, "label": "LOC"}, (0, 3, "PER"), [0, 3, "PER"]]
    assert check_spans("Ana met Paris", spans) == [(0, 3, "PER"), (8, 13, "LOC")]


def test_value_carries_the_fingerprint_of_the_exact_text():
    value = spans_value("Ana", [(0, 3, "PER")])
    assert value == {"spans": [[0, 3, "PER"]], "text_sha256": text_sha256("Ana")}
    assert text_sha256("Ana") != text_sha256("Ana ")


@pytest.mark.parametrize(
    ("text", "inside"),
    [
        ("\U0001f1f3\U0001f1ec Lagos", [1]),  # a flag: two regional indicators
        ("\U0001f469\u200d\U0001f469\u200d\U0001f467 home", [1, 2, 3, 4]),  # a ZWJ family
        ("\u1100\u1161\u11a8 Seoul", [1, 2]),  # a Hangul syllable in conjoining jamo
        ("\u0915\u094d\u0937 Delhi", [1, 2]),  # a Devanagari conjunct (ka, virama, ssa)
        ("line\r\nnext", [5]),  # CRLF is one character
    ],
)
def test_no_span_ends_inside_a_character_as_a_reader_sees_it(text, inside):
    assert [p for p in range(1, len(text)) if inside_character(text, p)] == inside
    with pytest.raises(ValueError, match="cuts the character"):
        check_spans(text, [(0, inside[0], "X")])
