"""A careless or hostile card: every bad message is refused, nothing stored, never acked."""

import pandas as pd
import pytest

import nb_label as nbl


def answer(i, key="0", **fields):
    return {
        "type": "answer", "id": f"c{i}", "seq": i, "key": key, "kind": "label",
        "value": "spam", "note": None, "seconds": 1.0,
        "client_time": "2026-11-27T00:00:00.000Z", "suggestion": None, "showing": "1",
        **fields,
    }  # fmt: skip


@pytest.fixture
def card(tmp_path):
    df = pd.DataFrame({"text": [f"message {i}" for i in range(50)]})
    lab = nbl.Labeller(
        df, show="text", labels=["ham", "spam"], store=str(tmp_path / "m.db"), annotator="ana"
    )
    sent = []
    lab.card.send = lambda content, buffers=None: sent.append(content)
    lab.card.handle({"type": "hello"})
    sent.clear()
    yield lab, sent
    lab.close()


BAD = {
    "a 10 MB note": {"note": "x" * 10_000_000},
    "a 2 MB skip value": {"kind": "skip", "value": "v" * 2_000_000},
    "seconds of -5": {"seconds": -5},
    "seconds of 1e12": {"seconds": 1e12},
    "a client time in the year 9999": {"client_time": "9999-12-31T00:00:00Z"},
    "an unknown kind": {"kind": "erase"},
    "a showing that names no item": {"showing": '"no such item"'},
    "a showing that is not a key": {"showing": {"x": 1}},
    "a key that names no item": {"key": "999"},
}


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_answer_is_refused_and_nothing_is_stored(card, name):
    lab, sent = card
    lab.card.handle(answer(1, **BAD[name]))
    (reply,) = sent
    assert reply["type"] == "refuse" and reply["id"] == "c1" and reply["reason"]
    assert lab.store.events(lab.dataset, kinds=["label", "skip"]).empty
    assert lab.progress["labelled"] == 0 and lab.current == 0


def test_an_answer_without_an_id_is_refused_never_stored_as_none(card):
    lab, sent = card
    lab.card.handle(answer(1, id=None))
    (reply,) = sent
    assert reply == {"type": "refuse", "id": None, "reason": reply["reason"]}
    events = lab.store.events(lab.dataset)
    assert "None" not in events["client_event_id"].tolist()
    assert events[events["kind"] == "label"].empty


def test_junk_messages_are_refused_or_ignored_without_a_traceback(card):
    lab, sent = card
    for junk in [None, [], "answer", {"type": 7}, {"type": "answer"}, {"type": "retract"}]:
        lab.card.handle(junk)
    assert all(m["type"] == "refuse" for m in sent)
    assert lab.store.events(lab.dataset, kinds=["label", "retract"]).empty


def test_the_spans_widget_never_sends_more_than_its_buffer(tmp_path):
    df = pd.DataFrame({"text": [f"Ana met Bob in Paris, text {i}." for i in range(300)]})
    lab = nbl.SpanLabeller(
        df, show="text", labels=["PER", "LOC"], store=str(tmp_path / "s.db"), annotator="ana"
    )
    sent = []
    lab.card.send = lambda content, buffers=None: sent.append(content)
    lab.card.handle({"type": "hello"})
    first = sent[0]["items"][0]
    sent.clear()
    lab.card.handle(
        answer(1, key=first["key"], kind="skip", value=None, showing="1", ahead=-1_000_000_000)
    )
    texts = sum(len(m["items"]) for m in sent if m["type"] == "buffer")
    assert texts <= lab.buffer_size  # not every remaining text
    lab.close()
