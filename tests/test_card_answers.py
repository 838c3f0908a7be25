"""The card's kernel side with other kinds of answer: options, answers, refusals."""

import pandas as pd
import pytest

import nb_label as nbl


def answer(i, key, value, kind="label", **extra):
    return {
        "type": "answer", "id": f"c{i}", "seq": i, "key": key, "kind": kind, "value": value,
        "note": extra.pop("note", None), "seconds": extra.pop("seconds", 4.0),
        "client_time": "2026-11-27T00:00:00.000Z", "suggestion": None,
        "showing": extra.pop("showing", None), **extra,
    }  # fmt: skip


@pytest.fixture
def make(tmp_path):
    made = []

    def build(kind):
        df = pd.DataFrame({"text": [f"message {i}" for i in range(30)]})
        lab = nbl.Labeller(
            df, show="text", answer=kind, store=str(tmp_path / f"{len(made)}.db"), annotator="ana"
        )
        sent = []
        lab.card.send = lambda content, buffers=None: sent.append(content)
        made.append(lab)
        return lab, sent

    yield build
    for lab in made:
        lab.close()


def refusals(sent):
    return {m["id"]: m["reason"] for m in sent if m["type"] == "refuse"}


def values(lab):
    return lab.store.events(lab.dataset, kinds=["label"])["value"].tolist()


def test_the_card_is_told_the_answer_kind(make):
    lab, _ = make(nbl.Rating(["rude", "neutral", "polite"]))
    assert lab.card.options["answer"] == {"kind": "rating", "scale": ["rude", "neutral", "polite"]}
    assert [label["key"] for label in lab.card.labels] == ["1", "2", "3"]
    number, _ = make(nbl.Number(min=0, max=5, step=0.5))
    assert number.card.options["answer"] == {"kind": "number", "min": 0, "max": 5, "step": 0.5}
    assert number.card.labels == []  # no label set
    assert "p" not in number.card.keymap  # listed only where items hold audio


def test_multilabel_answers_are_stored_as_lists_and_bad_ones_refused(make):
    lab, sent = make(nbl.MultiLabel(["a", "b", "c"]))
    lab.card.handle(answer(1, "0", ["c", "a"]))
    lab.card.handle(answer(2, "1", []))
    lab.card.handle(answer(3, "2", ["a", "zzz"]))
    lab.card.handle(answer(4, "3", "a"))
    assert values(lab) == [["a", "c"]]
    reasons = refusals(sent)
    assert "choose at least one label" in reasons["c2"]
    assert "'zzz' is not one of the labels" in reasons["c3"]
    assert "list of labels" in reasons["c4"]
    assert lab.annotations.loc[0, "label=c"]


def test_rating_off_the_scale_is_refused(make):
    lab, sent = make(nbl.Rating(range(1, 6)))
    lab.card.handle(answer(1, "0", 4))
    lab.card.handle(answer(2, "1", 6))
    lab.card.handle(answer(3, "2", "4"))
    assert values(lab) == [4]
    assert set(refusals(sent)) == {"c2", "c3"}
    assert "not on the rating scale" in refusals(sent)["c2"]


def test_numbers_out_of_bounds_or_not_numbers_are_refused(make):
    lab, sent = make(nbl.Number(min=0, max=10, step=0.5))
    lab.card.handle(answer(1, "0", 7.5))
    lab.card.handle(answer(2, "1", 11))
    lab.card.handle(answer(3, "2", "7"))
    lab.card.handle(answer(4, "3", None))
    assert values(lab) == [7.5]
    reasons = refusals(sent)
    assert "out of bounds" in reasons["c2"] and "not a number" in reasons["c3"]
    assert "c4" in reasons
    assert lab.progress["labelled"] == 1


def test_caption_stores_text_and_typing_time_and_refuses_empty(make):
    lab, sent = make(nbl.Caption())
    lab.card.handle(answer(1, "0", "first line\nsecond line", seconds=30.0, typing_seconds=12.5))
    lab.card.handle(answer(2, "1", "  \n "))
    stored = lab.store.event_for_client_id("c1")
    assert stored["value"] == "first line\nsecond line"
    assert stored["seconds"] == 12.5  # the typing time, not the time on the item
    assert "the caption is empty" in refusals(sent)["c2"]
    assert lab.annotations.loc[1, "state"] == "unlabelled"


def test_empty_caption_allowed_when_the_labeller_says_so(make):
    lab, sent = make(nbl.Caption(allow_empty=True))
    lab.card.handle(answer(1, "0", ""))
    assert values(lab) == [""] and not refusals(sent)


def test_skip_and_none_fits_still_work_for_numbers(make):
    lab, sent = make(nbl.Number())
    lab.card.handle(answer(1, "0", None, kind="skip"))
    lab.card.handle(answer(2, "1", {"proposed": "n/a", "reason": "no count"}, kind="none_fits"))
    assert not refusals(sent)
    assert lab.progress["skipped"] == 1 and lab.progress["none_fits"] == 1


def test_the_play_key_is_listed_only_where_items_hold_audio(tmp_path):
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(8000)
        clip.writeframes(b"\x00\x00" * 800)
    texts = pd.DataFrame({"text": ["a", "b"]})
    sounds = pd.DataFrame({"clip": [buffer.getvalue()] * 2})
    plain = nbl.Labeller(texts, show="text", labels=["x"], store=str(tmp_path / "t.db"))
    audio = nbl.Labeller(sounds, show="clip", labels=["x"], store=str(tmp_path / "a.db"))
    assert "p" not in plain.card.keymap and "p" in audio.card.keymap
    plain.close()
    audio.close()
