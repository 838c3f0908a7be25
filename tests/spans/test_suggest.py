"""Pre-annotations from rules and models."""

import re

import pytest

from nb_label.spans import dictionary_suggester, regex_suggester
from nb_label.spans.suggest import as_suggester, suggested_spans

LABELS = ["PER", "LOC", "ORG"]


def test_regex_suggester_finds_every_match_and_a_group():
    find = regex_suggester(r"\b[A-Z][a-z]+ (?:Ltd|Inc)\b", "ORG")
    text = "Harbour Ltd bought Kelp Inc."
    assert find(text) == [(0, 11, "ORG"), (19, 27, "ORG")]
    titled = regex_suggester(re.compile(r"Dr\. (\w+)"), "PER", group=1)
    assert titled("ask Dr. Okafor") == [(8, 14, "PER")]


def test_dictionary_suggester_prefers_longer_terms_and_whole_words():
    find = dictionary_suggester({"York": "LOC", "New York City": "LOC", "Ana": "PER"})
    text = "Ana flew to New York City, not Yorkshire or Anathema."
    assert find(text) == [(0, 3, "PER"), (12, 25, "LOC")]
    loose = dictionary_suggester({"paris": "LOC"}, case_sensitive=False)
    assert loose("In PARIS.") == [(3, 8, "LOC")]
    with pytest.raises(ValueError, match="at least one term"):
        dictionary_suggester({})


def test_dictionary_offsets_with_emoji_and_combining_marks():
    text = "🎉 Montre\u0301al and 👏🏽 Paris"
    find = dictionary_suggester({"Montre\u0301al": "LOC", "Paris": "LOC"})
    assert [text[s:e] for s, e, _ in find(text)] == ["Montre\u0301al", "Paris"]


def test_invalid_and_overlapping_suggestions_are_dropped_with_a_reason():
    def model(text):
        return [(0, 3, "PER"), (0, 99, "PER"), (4, 7, "DATE"), (8, 16, "LOC"), (12, 16, "LOC")]

    spans, problems = suggested_spans(model, "Ana met New York", labels=LABELS, overlapping=False)
    assert spans == [(0, 3, "PER"), (8, 16, "LOC")]
    assert len(problems) == 3
    assert any("outside the text" in p for p in problems)
    assert any("DATE" in p for p in problems)
    both, _ = suggested_spans(model, "Ana met New York", labels=LABELS, overlapping=True)
    assert (12, 16, "LOC") in both


def test_lists_of_suggesters_are_pooled_and_junk_is_refused():
    pooled = as_suggester([dictionary_suggester({"Ana": "PER"}), regex_suggester("Oslo", "LOC")])
    assert pooled("Ana in Oslo") == [(0, 3, "PER"), (7, 11, "LOC")]
    assert as_suggester(None) is None
    with pytest.raises(ValueError, match="suggest="):
        as_suggester("Ana")
