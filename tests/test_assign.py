"""Sharing a dataset with overlap=: leases, heartbeats, late answers, gold items, names."""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest

import nb_label as nbl
from nb_label.assign import check_overlap
from nb_label.errors import StoreLockedError


@pytest.fixture
def df():
    return pd.DataFrame({"text": [f"message {i}" for i in range(12)]})


def labeller(df, store, annotator, **options):
    options.setdefault("overlap", 2)
    return nbl.Labeller(
        df, show="text", labels=["ham", "spam"], store=store, annotator=annotator, **options
    )


def answerers(store, dataset):
    """item key -> annotators with an active label event."""
    labels = nbl.quality.long_labels(store, dataset=dataset)
    return labels.groupby("item_key")["annotator"].apply(list).to_dict()


def label_all(lab, value="ham"):
    n = 0
    while not lab.done:
        lab.label(value)
        n += 1
    return n


def test_each_item_gets_overlap_answers_from_different_annotators(df, store_target):
    labs = [labeller(df, store_target, name) for name in ("ana", "ben", "caro")]
    try:
        # Round-robin, one answer at a time, as a class would.
        while not all(lab.done for lab in labs):
            for lab in labs:
                if not lab.done:
                    lab.label("spam")
        by_item = answerers(labs[0].store, labs[0].dataset)
        assert sorted(by_item) == list(range(12))
        assert all(len(names) == 2 == len(set(names)) for names in by_item.values())
        counts = pd.Series([n for names in by_item.values() for n in names]).value_counts()
        assert counts.sum() == 24 and counts.max() - counts.min() <= 2  # spread fairly
        slots = labs[0].store.slots(labs[0].dataset)
        assert slots["done"].all() and slots["annotator"].notna().all()
    finally:
        for lab in labs:
            lab.close()


def test_only_the_cards_buffer_is_leased_and_close_gives_it_back(df, store_target):
    ana = labeller(df, store_target, "ana", buffer=4)
    ana.card.handle({"type": "hello", "have": []})
    slots = ana.store.slots(ana.dataset)
    held = slots[slots["annotator"] == "ana"]
    assert len(held) == 4 and not held["done"].any()
    assert (held["leased_until"] > pd.Timestamp.now(tz="UTC")).all()
    ana.close()
    with nbl.open_store(store_target) as store:
        assert store.slots(ana.dataset)["annotator"].isna().all()


def test_a_full_item_is_not_offered_and_a_free_one_is(df, store_target):
    ana = labeller(df, store_target, "ana", overlap=1, buffer=3)
    ben = labeller(df, store_target, "ben", overlap=1, buffer=3)
    try:
        ana.card.handle({"type": "hello", "have": []})
        ben.card.handle({"type": "hello", "have": []})
        ana_keys = set(ana.store.slots(ana.dataset).query("annotator == 'ana'")["item_key"])
        ben_keys = set(ben.store.slots(ben.dataset).query("annotator == 'ben'")["item_key"])
        assert len(ana_keys) == len(ben_keys) == 3 and not ana_keys & ben_keys
    finally:
        ana.close()
        ben.close()


def test_an_expired_lease_goes_to_someone_else_and_a_late_answer_is_kept(df, store_target):
    ana = labeller(df, store_target, "ana", overlap=1, lease_seconds=0.3)
    first = ana.current
    time.sleep(0.5)  # no heartbeat: ana's lease on the first item runs out
    ben = labeller(df, store_target, "ben", overlap=1)
    try:
        assert ben.current == first  # the item went to ben
        ben.label("spam")
        ana.label("ham", item_key=first)  # ana comes back from lunch and answers it anyway
        by_item = answerers(ana.store, ana.dataset)
        assert sorted(by_item[first]) == ["ana", "ben"]  # both kept: human work is not dropped
        assert ana._sharing.assignment.extra_answers == 1
    finally:
        ana.close()
        ben.close()


def test_a_heartbeat_keeps_the_lease(df, store_target):
    ana = labeller(df, store_target, "ana", overlap=1, lease_seconds=0.6)
    first = ana.current
    for _ in range(4):
        time.sleep(0.25)
        assert ana.heartbeat() == 1
    ben = labeller(df, store_target, "ben", overlap=1)
    try:
        assert ben.current != first
    finally:
        ana.close()
        ben.close()


def test_the_card_heartbeat_message_renews_and_its_interval_is_a_quarter_lease(df, store_target):
    ana = labeller(df, store_target, "ana", lease_seconds=40)
    try:
        assert ana.card.options["heartbeat_seconds"] == 10
        before = ana.store.slots(ana.dataset).dropna(subset=["leased_until"])
        time.sleep(0.05)
        ana.card.handle({"type": "heartbeat"})
        after = ana.store.slots(ana.dataset).dropna(subset=["leased_until"])
        assert len(after) == len(before) >= 1
        assert (after["leased_until"].to_numpy() > before["leased_until"].to_numpy()).all()
    finally:
        ana.close()
    plain = labeller(df, store_target, "dan", overlap=None)
    assert "heartbeat_seconds" not in plain.card.options
    plain.close()


def test_skip_gives_the_item_back_and_undo_takes_it_again(df, store_target):
    ana = labeller(df, store_target, "ana", overlap=1)
    try:
        first = ana.current
        ana.skip()
        slots = ana.store.slots(ana.dataset).set_index("item_key")
        mine = slots[slots["annotator"] == "ana"]
        assert str(first) not in mine.index
        second = ana.current
        ana.label("ham")
        assert ana.undo() == second
        mine = ana.store.slots(ana.dataset).query("annotator == 'ana'").set_index("item_key")
        assert not mine.loc[str(second), "done"]  # open again, and still ana's
        ana.label("spam")
        mine = ana.store.slots(ana.dataset).query("annotator == 'ana'").set_index("item_key")
        assert mine.loc[str(second), "done"]
    finally:
        ana.close()


def test_gold_items_reach_every_annotator_mixed_in(df, store_target):
    teacher = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=store_target,
                           annotator="teacher")  # fmt: skip
    assert teacher.mark_gold({3: "spam", 7: "ham"}, note="checked by hand") == 2
    teacher.close()
    ana = labeller(df, store_target, "ana", overlap=1, gold_every=3)
    ben = labeller(df, store_target, "ben", overlap=1, gold_every=3)
    try:
        assert ana.gold.to_dict() == {3: "spam", 7: "ham"}
        seen = {"ana": [], "ben": []}
        for lab in (ana, ben, ana, ben, ana, ben, ana, ben, ana, ben, ana, ben):
            if not lab.done:
                seen[lab.annotator].append(lab.current)
                lab.label("spam")
        for name in ("ana", "ben"):
            assert seen[name][2] == 3 and seen[name][5] == 7  # every third item is gold
        accuracy = nbl.quality.gold_accuracy(ana)
        assert accuracy.loc["ana", "n_gold"] == 2 and accuracy.loc["ana", "accuracy"] == 0.5
        by_item = answerers(ana.store, ana.dataset)
        assert sorted(by_item[3]) == ["ana", "ben"]  # gold is answered by all, despite overlap=1
    finally:
        ana.close()
        ben.close()


def test_gold_marked_elsewhere_reaches_a_running_labeller(df, store_target):
    ana = labeller(df, store_target, "ana", overlap=None, gold_every=1)
    teacher = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=store_target,
                           annotator="teacher")  # fmt: skip
    teacher.mark_gold({9: "spam"})
    teacher.close()
    try:
        assert ana.sync_labelset(every=0) is not None
        assert ana.gold.to_dict() == {9: "spam"}
        ana.label("ham")
        assert ana.current == 9
    finally:
        ana.close()


@pytest.mark.parametrize("twin", ["Ana", "A na", "ANA", "a\tna"])
def test_a_name_that_differs_only_by_case_or_spaces_is_refused(df, tmp_path, twin):
    store = str(tmp_path / "names.db")
    ana = labeller(df, store, "ana")
    ana.label("ham")
    ana.close()
    with pytest.raises(ValueError, match="only by case or spaces.*annotator='ana'"):
        labeller(df, store, twin)
    again = labeller(df, store, " ana ")  # spaces around a name are trimmed: the same name
    assert again.annotator == "ana"
    again.close()


def test_overlap_must_be_a_positive_whole_number(df, tmp_path):
    for bad in (0, -1, 1.5, "3", True):
        with pytest.raises(ValueError, match="overlap="):
            labeller(df, str(tmp_path / "o.db"), "ana", overlap=bad)
    assert check_overlap(3) == 3


def test_an_annotator_with_different_data_is_refused_and_nothing_saved_is_touched(
    df, store_target
):
    ana = labeller(df, store_target, "ana", dataset="shared")
    ana.label("spam")
    ana.close()
    other = df.set_axis([f"other-{i}" for i in range(len(df))])  # another frame's keys
    with pytest.raises(
        ValueError, match="dataset .shared. in the store has answers on 1 items.*holds 0 of them"
    ):
        labeller(other, store_target, "ben", dataset="shared")
    again = labeller(df, store_target, "ana", dataset="shared")
    assert again.annotations.loc[0, "label"] == "spam"
    again.close()


def test_a_card_that_ran_dry_takes_items_whose_leases_ran_out(df, store_target):
    small = df.iloc[:4]
    # Leases long enough that ben surely asks while ana's are live, even on a busy machine.
    lease = 3.0
    ana = labeller(small, store_target, "ana", overlap=1, buffer=4, lease_seconds=lease)
    ana.card.send = lambda content, buffers=None: None
    ana.card.handle({"type": "hello", "have": []})  # ana's card holds all four
    leased_until = time.monotonic() + lease
    ben = labeller(small, store_target, "ben", overlap=1, buffer=4, lease_seconds=lease)
    try:
        sent = []
        ben.card.send = lambda content, buffers=None: sent.append(content)
        ben.card.handle({"type": "hello", "have": []})
        assert ben.done and sent[-1]["items"] == []
        # ana's laptop is closed: no heartbeat, the leases run out
        time.sleep(max(0.0, leased_until - time.monotonic()) + 0.2)
        ben.card.handle({"type": "heartbeat"})
        assert not ben.done
        assert sent[-1]["mode"] == "jump" and len(sent[-1]["items"]) == 4
    finally:
        ana.close()
        ben.close()


def test_an_answer_that_did_not_commit_keeps_its_lease(df, tmp_path, hold_write_lock):
    path = tmp_path / "shared.db"
    store = nbl.open_store(path, busy_timeout=0.2)
    ana = labeller(df, store, "ana", lease_seconds=60)
    try:
        first = ana.current
        held_before = ana.store.slots(ana.dataset).query("annotator == 'ana' and not done")
        with hold_write_lock(path), pytest.raises(StoreLockedError):
            ana.label("spam")
        # The answer is not in the store, so its lease is still this session's: the
        # heartbeat renews it with the others, and no one else is offered the item.
        assert ana.heartbeat() == len(held_before)
        leased = ana.store.slots(ana.dataset).query("annotator == 'ana' and not done")
        assert first in set(leased["item_key"].map(json.loads))
        ana.label("spam")  # tried again: now it commits and fills the slot
        slots = ana.store.slots(ana.dataset)
        mine = slots[slots["item_key"].map(json.loads) == first]
        assert mine.query("annotator == 'ana'")["done"].all()
        assert ana.store.slots(ana.dataset).query("done")["annotator"].tolist() == ["ana"]
    finally:
        ana.close()


def test_answering_leaves_no_connection_checked_out(df, store_target):
    ana = labeller(df, store_target, "ana")
    pool = ana.store._engine.pool
    # SQLite keeps one connection for the store's life; PostgreSQL checks one out per call.
    own = 1 if ana.store.dialect == "sqlite" else 0
    try:
        for value in ["ham", "spam"]:
            ana.label(value)
        ana.skip()
        ana.undo()
        ana.heartbeat()
        assert pool.checkedout() == own
    finally:
        ana.close()
    assert pool.checkedout() == 0


def test_annotators_with_different_subsets_each_get_their_items(df, store_target):
    # The first labeller's slots must not make the second think its items have slots too.
    ana = labeller(df, store_target, "ana", overlap=1, where=df.index < 8)
    ben = labeller(df, store_target, "ben", overlap=1, where=df.index >= 8)
    try:
        assert label_all(ana) == 8
        assert label_all(ben) == 4
        assert sorted(answerers(ana.store, ana.dataset)) == list(range(12))
        assert len(ana.store.slots(ana.dataset)) == 12
    finally:
        ana.close()
        ben.close()
