"""One path for every answer: code and card reach the store the same way and agree after."""

import sys
from pathlib import Path

import pandas as pd
import pytest

import nb_label as nbl

PACKAGE = Path(nbl.__file__).parent


def texts(n=30, copies=()):
    values = [f"message {i}" for i in range(n)]
    for copy, original in copies:
        values[copy] = values[original]
    return pd.DataFrame({"text": values})


def make(tmp_path, name, df, **options):
    return nbl.Labeller(
        df,
        show="text",
        labels=["ham", "spam"],
        store=str(tmp_path / f"{name}.db"),
        annotator="ana",
        buffer=5,
        **options,
    )


def capture(lab):
    """Messages the kernel sends to the card (the comm replaced by a list)."""
    messages = []
    lab.card.send = lambda content, buffers=None: messages.append(content)
    return messages


def card_answer(lab, i, key, value="spam", kind="label", showing=None):
    lab.card.handle(
        {
            "type": "answer", "id": f"c{i}", "seq": i, "key": key, "kind": kind,
            "value": value, "note": None, "seconds": 1.0, "client_time": None,
            "suggestion": None, "showing": showing,
        }
    )  # fmt: skip


def keys_of(lab, n=8):
    return [lab.data.index[p] for p in lab.upcoming(n)]


def test_an_answer_from_code_updates_the_cards_progress_and_buffer(tmp_path):
    lab = make(tmp_path, "code", texts())
    sent = capture(lab)
    lab.card.handle({"type": "hello", "have": []})
    sent.clear()
    lab.label("ham")
    assert lab.card.progress["labelled"] == 1  # not "0 / 30" until the next key press
    (buffer,) = sent
    assert buffer["type"] == "buffer" and buffer["mode"] == "jump"
    assert buffer["items"][0]["key"] == "1"  # the card shows what the Python side shows


def test_code_and_card_routes_leave_the_same_state(tmp_path):
    by_code = make(tmp_path, "code", texts())
    by_card = make(tmp_path, "card", texts())
    capture(by_card)
    by_card.card.handle({"type": "hello", "have": []})
    by_code.label("spam")
    by_code.skip()
    by_code.flag(note="unsure")
    card_answer(by_card, 1, "0", showing="1")
    card_answer(by_card, 2, "1", value=None, kind="skip", showing="2")
    by_card.card.handle(
        {"type": "answer", "id": "c3", "seq": 3, "key": "2", "kind": "flag", "value": None,
         "note": "unsure", "seconds": 1.0, "client_time": None, "suggestion": None,
         "showing": "3"}
    )  # fmt: skip
    assert by_code.progress == by_card.progress == by_card.card.progress
    assert by_code.current == by_card.current == 3
    assert keys_of(by_code) == keys_of(by_card)
    columns = ["label", "state", "note", "flagged"]
    pd.testing.assert_frame_equal(
        by_code.annotations[columns], by_card.annotations[columns], check_dtype=False
    )


def test_label_duplicates_is_honoured_from_the_card_as_from_code(tmp_path):
    df = texts(copies=[(2, 0)])  # item 2 is a copy of item 0
    by_code = make(tmp_path, "code", df, label_duplicates=True)
    by_card = make(tmp_path, "card", df, label_duplicates=True)
    sent = capture(by_card)
    by_card.card.handle({"type": "hello", "have": []})
    sent.clear()
    by_code.label("spam")
    card_answer(by_card, 1, "0", showing="1")
    for lab in (by_code, by_card):
        assert lab.annotations.loc[2, "label"] == "spam"
        assert lab.progress["labelled"] == 2
    assert keys_of(by_code) == keys_of(by_card)
    assert 2 not in keys_of(by_card)  # the copy is not shown again
    ack, replace = sent
    assert ack["type"] == "ack" and replace["mode"] == "replace"
    assert "2" not in [item["key"] for item in replace["items"]]  # dropped from the card


def test_on_answer_passes_each_committed_event_and_can_be_removed(tmp_path):
    lab = make(tmp_path, "hooks", texts())
    seen, calls = [], []
    lab.on_answer(seen.append)
    lab.on_answer(lambda: calls.append(1))  # the older form, with no argument, still works
    event_id = lab.label("spam", note="a prize")
    capture(lab)
    card_answer(lab, 1, "1", value="ham", showing="2")
    lab.undo()  # undoes the last answer of this session: the one from the card
    first, second, undo = seen
    assert first == {
        "event_id": event_id, "action": "label", "item_key": 0, "value": "spam",
        "note": "a prize", "annotator": "ana", "labelset_version": lab.labelset_version,
        "source": "human", "seconds": first["seconds"], "suggestion": None,
        "suggestion_withheld": None,
        "retracts": None, "client_event_id": first["client_event_id"],
    }  # fmt: skip
    assert second["item_key"] == 1 and second["client_event_id"] == "c1"
    assert undo["action"] == "retract" and undo["retracts"] == second["event_id"]
    assert len(calls) == 3
    lab.on_answer(seen.append, remove=True)
    lab.label("ham")
    assert len(seen) == 3 and len(calls) == 4


def test_undo_says_what_was_undone(tmp_path):
    lab = make(tmp_path, "undo", texts())
    lab.label("spam")
    assert lab.undo() == 0
    assert lab.message == "undid: spam on item 0"
    assert lab.card.message == "undid: spam on item 0"


def test_a_card_answer_and_a_python_answer_reach_one_commit_function(tmp_path):
    """Trace both routes down to the store: the same commit, each module crossed once."""
    lab = make(tmp_path, "trace", texts())
    capture(lab)
    lab.card.handle({"type": "hello", "have": []})

    def stack_at_store_append(action):
        """The package's frames, outermost first, when the store's append is entered."""
        found = []

        def profile(frame, event, _arg):
            if event != "call" or found or frame.f_code.co_name != "append":
                return
            if Path(frame.f_code.co_filename) != PACKAGE / "store" / "sql.py":
                return
            stack, f = [], frame
            while f is not None:
                file = Path(f.f_code.co_filename)
                if PACKAGE in file.parents:
                    stack.append((file.relative_to(PACKAGE).as_posix(), f.f_code.co_name))
                f = f.f_back
            found.append(stack[::-1])

        sys.setprofile(profile)
        try:
            action()
        finally:
            sys.setprofile(None)
        (stack,) = found
        return stack

    from_code = stack_at_store_append(lambda: lab.label("spam"))
    from_card = stack_at_store_append(lambda: card_answer(lab, 1, "1", showing="2"))
    assert (
        from_code[-2:]
        == from_card[-2:]
        == [
            ("answering.py", "_commit"),
            ("store/sql.py", "append"),
        ]
    )
    assert ("answering.py", "submit") in from_code and ("answering.py", "submit") in from_card
    for stack in (from_code, from_card):
        modules = [module for module, _name in stack]
        crossed = [m for i, m in enumerate(modules) if i == 0 or modules[i - 1] != m]
        assert len(crossed) == len(set(crossed)), f"a module entered twice: {crossed}"
    assert [m for m, _ in from_card][0] == "card.py"  # card -> answering -> store, once each


@pytest.mark.extra("learn")
@pytest.mark.parametrize("retrain_every", [None, 2])
def test_closing_the_model_loop_unhooks_it(tmp_path, retrain_every):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    lab = make(tmp_path, "loop", texts())
    model = make_pipeline(TfidfVectorizer(), LogisticRegression())
    loop = nbl.ActiveLoop(lab, model, features="text", retrain_every=retrain_every)
    loop.close()
    for value in ["spam", "ham", "spam", "ham"]:
        lab.label(value)
    loop.wait(timeout=30)
    assert loop.history.empty  # no round after close
    assert "retraining" not in lab.message


def test_record_answer_still_works_for_one_release_with_a_warning(tmp_path):
    lab = make(tmp_path, "old", texts())
    with pytest.warns(DeprecationWarning, match="lab.submit"):
        event_id = lab.record_answer(3, "label", "spam")
    assert lab.annotations.loc[3, "label"] == "spam"
    assert lab.current == 0  # as before: recording an answer did not move on
    assert lab.store.events(lab.dataset)["id"].iloc[-1] == event_id


def test_answers_from_another_kernel_reach_on_answer_when_seen(tmp_path):
    df = texts()
    ana = make(tmp_path, "shared", df)
    bob = nbl.Labeller(
        df, show="text", labels=["ham", "spam"], store=str(tmp_path / "shared.db"),
        annotator="bob",
    )  # fmt: skip
    seen = []
    ana.on_answer(seen.append)
    bob.label("ham", note="from the other notebook")
    ana.sync_labelset(every=0)  # what the card does when it acknowledges an answer
    (event,) = seen
    assert event["annotator"] == "bob" and event["item_key"] == 0
    assert event["value"] == "ham" and event["note"] == "from the other notebook"
    ana.sync_labelset(every=0)
    assert len(seen) == 1  # each seen once
