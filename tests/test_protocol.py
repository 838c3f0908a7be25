"""docs/protocol.md says what the kernel sends: every field sent is documented, and back.

A scripted session (hello, every kind of answer, a refused answer, undo, a locked store,
a heartbeat) records what the kernel actually sends to the card; the tables of the protocol
page are parsed and compared with it both ways.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import nb_label as nbl

PROTOCOL = Path(__file__).parent.parent / "docs" / "protocol.md"


def documented_tables():
    """{section title: {message type: set of fields}} from the protocol page's tables."""
    tables, section = {}, None
    for line in PROTOCOL.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        match = re.match(r"\| `(\w+)` \|([^|]*)\|", line)
        if match and section and match.group(1) != "type":  # not the header row
            fields = set(re.findall(r"`(\w+)`", match.group(2)))
            tables.setdefault(section, {})[match.group(1)] = fields
    return tables


def documented_item_fields():
    text = PROTOCOL.read_text(encoding="utf-8")
    (fields,) = re.findall(r"An item is `\{([^}]*)\}`", text)
    return {f.strip() for f in fields.split(",")}


def answer(i, key, kind="label", value="spam", **extra):
    return {
        "type": "answer", "id": f"c{i}", "seq": i, "key": key, "kind": kind, "value": value,
        "note": extra.pop("note", None), "seconds": 1.0,
        "client_time": "2026-11-27T00:00:00.000Z", "suggestion": None,
        "showing": extra.pop("showing", None), **extra,
    }  # fmt: skip


@pytest.fixture
def session(tmp_path):
    """Everything the kernel sends in a scripted session, in order."""
    db = tmp_path / "p.db"
    df = pd.DataFrame({"text": [f"message {i}" for i in range(40)]})
    store = nbl.open_store(db, busy_timeout=0.05)
    lab = nbl.Labeller(
        df, show="text", labels=["ham", "spam"], store=store, annotator="ana", overlap=1
    )
    sent = []
    lab.card.send = lambda content, buffers=None: sent.append(content)
    card = lab.card
    card.handle({"type": "hello"})
    card.handle(answer(1, "0", showing="1"))
    card.handle(answer(2, "1", kind="skip", value=None, showing="2"))
    card.handle(answer(3, "2", kind="flag", value=None, note="unsure", showing="3"))
    card.handle(answer(4, "3", kind="none_fits", value={"proposed": "scam", "reason": "a con"}))
    card.handle(answer(5, "4", value="no such label"))  # refused
    card.handle({"type": "retract", "id": "r1", "seq": 6, "key": "0", "retracts": "c1"})
    card.handle(answer(1, "0", showing="1"))  # a resend: acknowledged again
    card.handle({"type": "heartbeat"})
    locker = sqlite3.connect(db)
    locker.execute("BEGIN EXCLUSIVE")  # another writer holds the file: the answer waits
    card.handle(answer(7, "5"))
    locker.rollback()
    locker.close()
    yield sent
    lab.close()
    store.close()


def test_every_field_the_kernel_sends_is_documented_and_every_documented_one_is_sent(session):
    documented = documented_tables()["Messages from the kernel"]
    sent_fields = {}
    for message in session:
        sent_fields.setdefault(message["type"], set()).update(set(message) - {"type"})
    assert set(sent_fields) == set(documented)  # every message type, both ways
    for kind, fields in sent_fields.items():
        assert fields == documented[kind], kind


def test_every_item_field_sent_is_documented_and_back(session):
    items = [item for m in session if m["type"] == "buffer" for item in m["items"]]
    assert items
    sent = set().union(*(set(item) for item in items))
    assert sent == documented_item_fields()


def test_the_card_messages_the_kernel_reads_are_the_documented_ones():
    documented = documented_tables()["Messages from the card"]
    assert set(documented) == {"hello", "answer", "retract", "heartbeat"}
    read = {"id", "seq", "key", "kind", "value", "note", "seconds", "client_time"}
    assert read | {"suggestion", "showing"} <= documented["answer"]
    assert {"id", "seq", "key", "retracts"} == documented["retract"]


def card_session() -> list[dict]:
    """What both widgets send in a scripted session (tests/frontend/record_session.mjs)."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is missing; CI must run the card's tests (install Node.js 20+)")
        pytest.skip("node is not installed; install Node.js 20+ to run the card's tests")
    script = Path(__file__).parent / "frontend" / "record_session.mjs"
    done = subprocess.run(
        [node, str(script)], capture_output=True, text=True, timeout=60, check=True
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_every_field_the_card_sends_is_documented_and_every_documented_one_is_sent():
    documented = documented_tables()["Messages from the card"]
    sent_fields = {}
    for message in card_session():
        sent_fields.setdefault(message["type"], set()).update(set(message) - {"type"})
    assert set(sent_fields) == set(documented)  # every message type, both ways
    for kind, fields in sent_fields.items():
        assert fields == documented[kind], kind


def test_the_card_sends_only_the_answer_kinds_the_kernel_takes():
    from nb_label.messages import ANSWER_KINDS

    kinds = {m["kind"] for m in card_session() if m["type"] == "answer"}
    assert kinds == set(ANSWER_KINDS)


def test_the_options_trait_holds_the_documented_fields(tmp_path):
    text = PROTOCOL.read_text(encoding="utf-8")
    (fields,) = re.findall(r"`options` \(`\{([^}]*)\}`", text)
    documented = {f.strip() for f in fields.split(",")}
    df = pd.DataFrame({"text": ["a", "b"]})
    shared = nbl.Labeller(
        df, show="text", labels=["x", "y"], store=str(tmp_path / "o.db"), annotator="ana",
        overlap=2,
    )  # fmt: skip
    assert set(shared.card.options) == documented
    shared.close()
