"""The database goes away and comes back: the card keeps answers pending and loses nothing.

The outage is real: a private PostgreSQL cluster (the ``private_postgres`` fixture in
tests/conftest.py) that the test stops and starts again. The shared server is never touched.
"""

from __future__ import annotations

import pandas as pd
import pytest

import nb_label as nbl


def answer(i: int, key: int, value: str = "spam") -> dict:
    return {
        "type": "answer", "id": f"c{i}", "seq": i, "key": str(key), "kind": "label",
        "value": value, "note": f"answer {i}", "seconds": 1.0,
        "client_time": "2026-11-27T00:00:00.000Z", "suggestion": None, "showing": None,
    }  # fmt: skip


@pytest.mark.postgres
def test_answers_wait_while_the_database_is_down_and_are_stored_once_when_it_returns(
    private_postgres, caplog
):
    cluster = private_postgres
    df = pd.DataFrame({"text": [f"message {i}" for i in range(30)]})
    lab = nbl.Labeller(
        df, show="text", labels=["ham", "spam"], store=cluster.url, annotator="ana", overlap=2
    )
    sent = []
    lab.card.send = lambda content, buffers=None: sent.append(content)
    lab.card.handle({"type": "hello", "have": []})
    lab.card.handle(answer(1, 0))
    assert [m["type"] for m in sent if m.get("id") == "c1"] == ["ack"]

    cluster.stop()
    sent.clear()
    lab.card.handle(answer(2, 1))
    lab.card.handle(answer(3, 2, "ham"))
    lab.card.handle({"type": "heartbeat"})  # a missed heartbeat is not an error
    waits = [m for m in sent if m["type"] == "wait"]
    assert [m["id"] for m in waits] == ["c2", "c3"]
    assert all(m["retry_in"] > 0 and m["reason"] for m in waits)
    assert cluster.password not in str(waits) + caplog.text  # masked in messages and logs
    assert "***" in waits[0]["reason"]
    assert not [m for m in sent if m["type"] in ("ack", "refuse")]
    assert lab.progress["labelled"] == 1  # nothing counted that is not stored

    cluster.start()
    sent.clear()
    for message in (answer(2, 1), answer(3, 2, "ham")):  # the card's retry, oldest first
        lab.card.handle(message)
    assert [(m["type"], m["id"]) for m in sent if "id" in m] == [("ack", "c2"), ("ack", "c3")]
    lab.card.handle(answer(2, 1))  # a second retry of the same answer is stored once
    events = lab.store.events(lab.dataset, kinds=["label"])
    assert events["client_event_id"].tolist() == ["c1", "c2", "c3"]
    assert events["value"].tolist() == ["spam", "spam", "ham"]
    assert lab.progress["labelled"] == 3
    slots = lab.store.slots(lab.dataset)
    assert set(slots[slots["done"]]["item_key"]) == {"0", "1", "2"}
    lab.close()
