"""The spans widget's kernel side, driven by the messages the browser sends."""

import pytest

import nb_label as nbl
from nb_label.spans import dictionary_suggester, sample_texts, text_sha256

LABELS = ["PER", "LOC", "ORG"]


@pytest.fixture
def lab(tmp_path):
    labeller = nbl.SpanLabeller(
        sample_texts()[["text"]], show="text", labels=LABELS, store=str(tmp_path / "s.db"),
        annotator="ana", suggest=dictionary_suggester({"Lisbon": "LOC"}),
    )  # fmt: skip
    yield labeller
    labeller.close()


@pytest.fixture
def sent(lab, monkeypatch):
    messages = []
    monkeypatch.setattr(lab.card, "send", lambda content, buffers=None: messages.append(content))
    return messages


def answer(i, key, spans, sha, **extra):
    return {
        "type": "answer", "id": f"c{i}", "seq": i, "key": f'"{key}"', "kind": "label",
        "value": {"spans": spans, "text_sha256": sha}, "note": None, "seconds": 1.0,
        "client_time": "2026-11-27T00:00:00.000Z", "suggestion": None,
        "showing": extra.pop("showing", f'"{key}"'), **extra,
    }  # fmt: skip


def test_buffer_items_carry_text_fingerprint_and_suggestions(lab, sent):
    lab.card.handle({"type": "hello", "have": []})
    (msg,) = sent
    first = msg["items"][0]
    assert msg["mode"] == "jump" and len(msg["items"]) == 8
    assert first["key"] == '"news-1"'
    assert first["sha"] == text_sha256(first["text"])
    assert first["suggestions"] == [[24, 30, "LOC"]]
    assert lab.card.keymap["Enter"].startswith("accept")
    assert "nbl-spans-widget" in lab.card._dom_classes


def test_each_edit_is_acked_and_the_latest_wins(lab, sent):
    sha = text_sha256(lab.text("news-1"))
    lab.card.handle(answer(1, "news-1", [[0, 13, "PER"]], sha))
    lab.card.handle(answer(2, "news-1", [[0, 13, "PER"], [24, 30, "LOC"]], sha,
                           suggestion={"value": [[24, 30, "LOC"]], "p": None}))  # fmt: skip
    acks = [m for m in sent if m["type"] == "ack"]
    assert [a["id"] for a in acks] == ["c1", "c2"]
    assert lab.spans_of("news-1") == [(0, 13, "PER"), (24, 30, "LOC")]
    assert lab.annotations.loc["news-1", "suggested_spans"] == [(24, 30, "LOC")]
    lab.card.handle(answer(2, "news-1", [[0, 13, "PER"]], sha))  # a resend: stored once
    assert lab.store.event_for_client_id("c2")["id"] == acks[1]["event_id"]


@pytest.mark.parametrize(
    ("spans", "sha", "reason"),
    [
        ([[0, 13, "PER"], [7, 20, "ORG"]], None, "overlaps"),
        ([[0, 300, "PER"]], None, "outside the text"),
        ([[0, 13, "GPE"]], None, "not in the label set"),
        ([[0, 13, "PER"]], "0" * 64, "changed since these spans were made"),
    ],
)
def test_bad_answers_are_refused_with_the_reason(lab, sent, spans, sha, reason):
    sha = sha or text_sha256(lab.text("news-1"))
    lab.card.handle(answer(1, "news-1", spans, sha))
    (refuse,) = [m for m in sent if m["type"] == "refuse"]
    assert refuse["id"] == "c1" and reason in refuse["reason"]
    assert lab.store.event_for_client_id("c1") is None


def test_retract_from_the_widget_restores_the_spans_before(lab, sent):
    sha = text_sha256(lab.text("news-1"))
    lab.card.handle(answer(1, "news-1", [[0, 13, "PER"]], sha))
    lab.card.handle(answer(2, "news-1", [[0, 13, "ORG"]], sha))
    lab.card.handle({"type": "retract", "id": "r1", "seq": 3, "key": '"news-1"', "retracts": "c2"})
    assert sent[-1]["type"] == "ack" and sent[-1]["id"] == "r1"
    assert lab.spans_of("news-1") == [(0, 13, "PER")]


def test_skip_from_the_widget(lab, sent):
    lab.card.handle({**answer(1, "news-1", None, None, showing='"news-2"'), "kind": "skip",
                     "value": None})  # fmt: skip
    assert sent[0]["type"] == "ack"
    assert lab.progress["skipped"] == 1 and lab.current == "news-2"


def test_the_buffer_is_topped_up_to_what_the_widget_says_it_holds(tmp_path):
    df = sample_texts()[["text"]]
    many = df.loc[df.index.repeat(5)].reset_index(drop=True)
    with nbl.SpanLabeller(
        many, show="text", labels=LABELS, store=str(tmp_path / "m.db"), buffer=5
    ) as lab:
        sent = []
        lab.card.send = lambda content, buffers=None: sent.append(content)
        lab.card.handle({"type": "hello", "have": []})
        assert [i["key"] for i in sent[0]["items"]] == ["0", "1", "2", "3", "4"]
        sha = text_sha256(lab.text(0))
        edit = answer(1, 0, [[0, 6, "PER"]], sha, showing="0", ahead=4)
        edit["key"] = "0"
        lab.card.handle(edit)  # the text stays on screen; 4 are held ahead: one more is sent
        (top_up,) = [m for m in sent if m["type"] == "buffer" and m["mode"] == "append"]
        assert [i["key"] for i in top_up["items"]] == ["5"]


def test_a_note_and_a_flag_from_the_widget_reach_the_store(lab, sent):
    sha = text_sha256(lab.text("news-1"))
    lab.card.handle(answer(1, "news-1", [[0, 13, "PER"]], sha, note="is this the minister?"))
    flag = {**answer(2, "news-1", None, None, showing='"news-2"'), "kind": "flag", "value": None}
    lab.card.handle({**flag, "note": "unsure about the title"})
    assert [m["id"] for m in sent if m["type"] == "ack"] == ["c1", "c2"]
    labelled = lab.store.event_for_client_id("c1")
    assert labelled["kind"] == "label" and labelled["note"] == "is this the minister?"
    flagged = lab.store.event_for_client_id("c2")
    assert flagged["kind"] == "flag" and flagged["note"] == "unsure about the title"
    assert lab.progress["flagged"] == 1 and lab.current == "news-2"
    assert lab.spans_of("news-1") == [(0, 13, "PER")]  # a flag keeps the spans
    # the text shown again carries its saved spans and note
    item = lab.card_item(lab._position("news-1"))
    assert item["saved"]["spans"] == [[0, 13, "PER"]]
    assert item["saved"]["note"] == "unsure about the title"


def test_the_keys_list_shows_note_and_unsure(lab):
    keymap = lab.card.keymap
    assert keymap["u"].startswith("unsure") and keymap["n"].startswith("write a note")
    assert "Escape" in keymap
