"""A class at work: 8 annotator processes on one store, and one of them killed mid-answer.

Each process is ``tests/load/annotator.py``: it answers through the card's messages and prints
every acknowledged event id, so the test knows exactly what each person saw as saved.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import nb_label as nbl

REPO = Path(__file__).resolve().parents[2]
ANNOTATORS = 8
ANSWERS = 500
OVERLAP = 3


def start(store: str, name: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        # by path, not `-m tests.load...`: a package named `tests` in site-packages (some
        # libraries ship one) would shadow this checkout's
        [sys.executable, str(Path(__file__).with_name("annotator.py")), store, name, *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def acknowledged(output: str) -> list[tuple[int, int]]:
    """(event id, item key) of every answer the process saw acknowledged."""
    pairs = []
    for line in output.splitlines():
        first, _, rest = line.partition(" ")
        if first.isdigit():
            pairs.append((int(first), int(rest)))
    return pairs


def label_events(store_target: str) -> pd.DataFrame:
    with nbl.open_store(store_target) as store:
        events = store.events("sms-class", kinds=["label"])
        slots = store.slots("sms-class")
    events.attrs["slots"] = slots
    return events


def test_eight_annotators_store_every_answer_once_and_keep_the_overlap(store_target):
    processes = [
        start(store_target, f"annotator-{i}", "--answers", str(ANSWERS)) for i in range(8)
    ]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err[-3000:]
        outputs.append(out)
    acked = [pair for out in outputs for pair in acknowledged(out)]
    assert len(acked) == ANNOTATORS * ANSWERS == 4000

    events = label_events(store_target)
    assert len(events) == 4000  # none lost, none duplicated
    assert events["client_event_id"].is_unique
    assert set(events["id"]) == {event_id for event_id, _ in acked}
    per_item = events.groupby("item_key")["annotator"].agg(["size", "nunique"])
    assert (per_item["size"] == per_item["nunique"]).all()  # never the same person twice
    assert per_item["size"].max() == OVERLAP  # no item gets more than overlap answers
    assert (events["annotator"].value_counts() == ANSWERS).all()
    slots = events.attrs["slots"]
    assert slots["done"].sum() == 4000 and slots["annotator"].notna().sum() == 4000


def test_a_killed_annotator_loses_only_unacknowledged_answers_and_its_leases_expire(
    store_target,
):
    victim = start(
        store_target, "victim", "--answers", "100", "--lease", "1", "--pause", "0.01",
        "--overlap", "1", "--buffer", "10",
    )  # fmt: skip
    lines = []
    while len(lines) < 15:  # "ready" and some acknowledged answers
        line = victim.stdout.readline()
        if not line:
            pytest.fail(f"the annotator process ended early: {victim.stderr.read()[-3000:]}")
        lines.append(line)
    victim.kill()  # SIGKILL: no clean-up runs, leases stay in the table
    rest, _ = victim.communicate(timeout=30)
    acked = acknowledged("".join(lines) + rest)
    assert len(acked) >= 14

    events = label_events(store_target)
    stored_ids = set(events["id"])
    assert {event_id for event_id, _ in acked} <= stored_ids  # every acknowledged answer kept
    assert len(events) - len(acked) <= 1  # at most the answer in flight when it died
    slots = events.attrs["slots"]
    held = slots[(slots["annotator"] == "victim") & ~slots["done"]]
    assert len(held) >= 2  # the dead card's buffer is still leased ...

    time.sleep(1.2)  # ... until the leases run out
    heir = start(store_target, "heir", "--answers", "2000", "--overlap", "1")
    out, err = heir.communicate(timeout=300)
    assert heir.returncode == 0, err[-3000:]
    taken = {key for _, key in acknowledged(out)}
    assert {int(key) for key in held["item_key"]} <= taken  # they went to someone else
    events = label_events(store_target)
    assert events["item_key"].nunique() == 2000  # every item answered
    # Only the answer in flight at the kill can make an item's second answer.
    assert len(events) <= 2001
