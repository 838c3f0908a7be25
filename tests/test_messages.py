"""Card messages are checked field by field before the kernel acts on them."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nb_label.messages import (
    MAX_NOTE_CHARS,
    MAX_SECONDS,
    MessageRefused,
    check_message,
)


def answer(**fields):
    return {
        "type": "answer", "id": "c1", "seq": 1, "key": "0", "kind": "label", "value": "spam",
        "note": None, "seconds": 1.5, "client_time": "2026-11-27T00:00:00.000Z",
        "suggestion": None, "showing": "1", **fields,
    }  # fmt: skip


def test_a_good_answer_passes_with_its_fields():
    checked = check_message(answer(note="a prize", suggestion={"value": "spam", "p": 0.9}))
    assert checked["note"] == "a prize" and checked["seconds"] == 1.5
    assert checked["suggestion"] == {"value": "spam", "p": 0.9}
    assert checked["client_time"].year == 2026


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"id": None}, "'id'"),
        ({"id": ""}, "'id'"),
        ({"key": 5}, "'key'"),
        ({"note": "x" * (MAX_NOTE_CHARS + 1)}, "'note'"),
        ({"kind": "skip", "value": "y" * 2_000_000}, "'value'"),
        ({"kind": "skip", "value": "something"}, "no value"),
        ({"seconds": -5}, "'seconds'"),
        ({"seconds": 1e12}, "'seconds'"),
        ({"seconds": float("nan")}, "'seconds'"),
        ({"seconds": True}, "'seconds'"),
        ({"client_time": "9999-01-01T00:00:00Z"}, "'client_time'"),
        ({"client_time": "yesterday"}, "'client_time'"),
        ({"kind": "delete"}, "'kind'"),
        ({"kind": "none_fits", "value": {"reason": 3}}, "'reason'"),
        ({"suggestion": {"value": "spam", "p": 7}}, "probability"),
        ({"showing": ["1"]}, "'showing'"),
        ({"ahead": -1.5}, "'ahead'"),
        ({"note": "a\x00b"}, "NUL"),
        ({"withheld": "yes"}, "'withheld'"),
        ({"withheld": True, "suggestion": {"value": "spam", "p": 0.9}}, "withheld"),
    ],
)
def test_a_bad_field_is_refused_with_its_name(fields, reason):
    with pytest.raises(MessageRefused, match=reason):
        check_message(answer(**fields))


def test_an_answer_may_echo_the_withheld_flag():
    assert check_message(answer(withheld=True))["withheld"] is True
    assert check_message(answer())["withheld"] is None


def test_retract_hello_and_heartbeat():
    retract = {"type": "retract", "id": "r1", "seq": 2, "key": "0", "retracts": "c1"}
    assert check_message(retract) == retract
    assert check_message({"type": "hello", "have": ["0", "1"]}) == {"type": "hello"}
    assert check_message({"type": "heartbeat"}) == {"type": "heartbeat"}
    with pytest.raises(MessageRefused, match="'retracts'"):
        check_message({**retract, "retracts": None})
    with pytest.raises(MessageRefused, match="'have'"):
        check_message({"type": "hello", "have": [1]})
    with pytest.raises(MessageRefused, match="unknown"):
        check_message({"type": "drop table"})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
field_names = st.sampled_from(
    ["type", "id", "seq", "key", "kind", "value", "note", "seconds", "client_time",
     "suggestion", "showing", "ahead", "retracts", "have", "typing_seconds"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(field_names, json_values) | json_values)
def test_junk_is_refused_or_passed_never_anything_else(junk):
    try:
        checked = check_message(junk)
    except MessageRefused:
        return
    assert checked["type"] in ("answer", "retract", "hello", "heartbeat")


@settings(max_examples=200, deadline=None)
@given(
    note=st.text(alphabet=string.printable, max_size=200),
    seconds=st.floats(min_value=0, max_value=MAX_SECONDS),
    kind=st.sampled_from(["label", "skip", "flag"]),
)
def test_valid_answers_pass_unchanged(note, seconds, kind):
    value = "ham" if kind == "label" else None
    checked = check_message(answer(note=note, seconds=seconds, kind=kind, value=value))
    assert checked["note"] == (note or None) and checked["seconds"] == seconds
    assert checked["kind"] == kind and checked["value"] == value
