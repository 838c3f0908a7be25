"""The card's kernel side, driven by the messages the browser would send."""

import pandas as pd
import pytest

import nb_label as nbl


@pytest.fixture
def lab(tmp_path):
    df = pd.DataFrame({"text": [f"message {i}" for i in range(50)]})
    labeller = nbl.Labeller(
        df, show="text", labels=["ham", "spam"], store=str(tmp_path / "c.db"), annotator="ana"
    )
    yield labeller
    labeller.close()


@pytest.fixture
def sent(lab, monkeypatch):
    """Messages the kernel sends to the card (the comm replaced by a list)."""
    messages = []
    monkeypatch.setattr(lab.card, "send", lambda content, buffers=None: messages.append(content))
    return messages


def answer(i, key, value="spam", kind="label", **extra):
    return {
        "type": "answer", "id": f"c{i}", "seq": i, "key": key, "kind": kind, "value": value,
        "note": extra.pop("note", None), "seconds": 1.5,
        "client_time": "2026-11-27T00:00:00.000Z", "suggestion": None,
        "showing": extra.pop("showing", None), **extra,
    }  # fmt: skip


def test_hello_sends_a_jump_buffer_from_the_current_item(lab, sent):
    lab.card.handle({"type": "hello", "have": []})
    (msg,) = sent
    assert msg["type"] == "buffer" and msg["mode"] == "jump"
    assert [item["key"] for item in msg["items"]][:3] == ["0", "1", "2"]
    assert len(msg["items"]) == 20
    assert msg["items"][0]["blocks"] == [{"kind": "text", "text": "message 0"}]


def test_answer_is_committed_then_acked_then_topped_up(lab, sent):
    lab.card.handle({"type": "hello", "have": []})
    sent.clear()
    lab.card.handle(answer(1, "0", note="premium number", showing="1"))
    ack, top_up = sent
    assert ack == {"type": "ack", "id": "c1", "event_id": ack["event_id"]}
    stored = lab.store.event_for_client_id("c1")
    assert stored["id"] == ack["event_id"] and stored["note"] == "premium number"
    assert stored["seconds"] == 1.5
    assert top_up["mode"] == "append" and [i["key"] for i in top_up["items"]] == ["20"]
    assert lab.current == 1
    assert lab.card.progress["labelled"] == 1


def test_resent_answer_is_stored_once(lab, sent):
    lab.card.handle(answer(1, "0"))
    lab.card.handle(answer(1, "0"))
    acks = [m for m in sent if m["type"] == "ack"]
    assert len(acks) == 2 and acks[0]["event_id"] == acks[1]["event_id"]
    assert (lab.store.events(lab.dataset)["client_event_id"] == "c1").sum() == 1


def test_bad_answers_are_refused_with_a_reason(lab, sent):
    lab.card.handle(answer(1, "0", value="eggs"))
    lab.card.handle(answer(2, "999"))
    lab.card.handle(answer(3, "1", kind="none_fits", value={"proposed": "x", "reason": ""}))
    refusals = [m for m in sent if m["type"] == "refuse"]
    assert [r["id"] for r in refusals] == ["c1", "c2", "c3"]
    assert "not in the label set" in refusals[0]["reason"]
    assert lab.store.events(lab.dataset)["kind"].tolist() == ["labelset"]


def test_retract_names_the_client_id(lab, sent):
    lab.card.handle(answer(1, "0"))
    lab.card.handle({"type": "retract", "id": "r1", "seq": 2, "key": "0", "retracts": "c1"})
    lab.card.handle({"type": "retract", "id": "r1", "seq": 2, "key": "0", "retracts": "c1"})
    acks = [m for m in sent if m["type"] == "ack"]
    assert len(acks) == 3 and acks[1]["event_id"] == acks[2]["event_id"]
    assert pd.isna(lab.annotations.loc[0, "label"])
    assert lab.current == 0
    assert (lab.store.events(lab.dataset)["kind"] == "retract").sum() == 1


def test_python_calls_push_a_jump_buffer(lab, sent):
    lab.label("ham")
    assert sent[-1]["mode"] == "jump" and sent[-1]["items"][0]["key"] == "1"
    lab.goto(7)
    assert sent[-1]["items"][0]["key"] == "7"


def test_reorder_sends_a_new_generation(lab, sent):
    lab.card.handle({"type": "hello", "have": []})
    first = sent[-1]["generation"]
    lab.prioritize([30, 31])
    msg = sent[-1]
    assert msg["mode"] == "replace" and msg["generation"] == first + 1
    assert [i["key"] for i in msg["items"]][:3] == ["0", "30", "31"]


def test_saved_answer_travels_with_the_item(lab, sent):
    lab.label("spam", note="why")
    lab.goto(0)
    assert sent[-1]["items"][0]["saved"] == {"kind": "label", "value": "spam", "note": "why"}


def test_unknown_messages_are_ignored(lab, sent, caplog):
    lab.card.handle({"type": "mystery"})
    assert sent == []


def test_an_image_that_cannot_be_read_is_flagged_once_and_labelling_goes_on(tmp_path):
    from PIL import Image

    paths = []
    for i in range(3):
        path = tmp_path / f"img{i}.png"
        Image.new("RGB", (8, 8), (i * 80, 0, 0)).save(path)
        paths.append(str(path))
    paths[1] = str(tmp_path / "gone.png")  # a file that is not there
    df = pd.DataFrame({"path": paths})
    lab = nbl.Labeller(df, show="path", labels=["a", "b"], store=str(tmp_path / "i.db"))
    messages = []
    lab.card.send = lambda content, buffers=None: messages.append(content)
    lab.card.handle({"type": "hello", "have": []})
    blocks = [item["blocks"][0] for item in messages[0]["items"]]
    assert [b["kind"] for b in blocks] == ["image", "missing", "image"]
    flags = lab.store.events(lab.dataset, kinds=["flag"])
    assert flags["item_key"].tolist() == ["1"] and "gone.png" in flags["note"].iloc[0]
    assert flags["source"].tolist() == ["view"]
    assert lab.progress["flagged"] == 1
    lab.card.handle({"type": "hello", "have": []})  # shown again: not flagged twice
    assert len(lab.store.events(lab.dataset, kinds=["flag"])) == 1
    lab.card.handle(answer(1, "1", value="a"))  # the person may still label it
    assert lab.annotations.loc[1, "label"] == "a"
    lab.close()
