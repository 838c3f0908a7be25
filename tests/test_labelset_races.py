"""Two kernels change one label set at once: the second conflicting change is refused.

Each kernel read the label set before either changed it (they opened at the same time), so
each change passes its kernel's own checks; the store decides, inside the transaction that
appends it, against the history as it stands. Every dataset reopens afterwards.
"""

import multiprocessing as mp

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nb_label as nbl
from nb_label.errors import LabelSetConflict
from nb_label.labelset import LABELSET_KIND

TEXTS = pd.DataFrame({"text": [f"message {i}" for i in range(12)]})


def kernel(target, who, labels=("ham", "spam", "promo")):
    schema = nbl.Schema(list(labels), policy="open")
    return nbl.Labeller(TEXTS, show="text", labels=schema, store=target, annotator=who)


def reopen(target):
    lab = kernel(target, "later")
    values, history = lab.schema.values, lab.schema.history
    lab.close()
    return values, history


RACES = {
    "rename vs rename": (
        lambda s: s.rename("spam", "scam"),
        lambda s: s.rename("spam", "junk"),
    ),
    "rename vs retire": (
        lambda s: s.rename("spam", "scam"),
        lambda s: s.retire("spam"),
    ),
    "split vs split": (
        lambda s: s.split("spam", ["scam", "advert"]),
        lambda s: s.split("spam", ["fraud", "marketing"]),
    ),
    "merge vs rename": (
        lambda s: s.merge(["spam", "promo"], into="unwanted"),
        lambda s: s.rename("promo", "newsletter"),
    ),
}


@pytest.mark.parametrize("race", list(RACES))
def test_the_second_of_two_conflicting_changes_is_refused(store_target, race):
    first, second = RACES[race]
    ana, bob = kernel(store_target, "ana"), kernel(store_target, "bob")  # both read now
    first(ana.schema)
    with pytest.raises(LabelSetConflict, match="changed first by 'ana'"):
        second(bob.schema)
    assert bob.schema.values == ana.schema.values  # bob's kernel now shows what is stored
    values, history = reopen(store_target)
    assert values == ana.schema.values
    assert (history["status"] == "applied").all()  # nothing refused was stored
    ana.close()
    bob.close()


def test_the_same_proposal_twice_adds_one_label(store_target):
    ana, bob = kernel(store_target, "ana"), kernel(store_target, "bob")
    ana.schema.propose("scam", reason="asks for money")
    with pytest.raises(LabelSetConflict, match="'scam' is already a label"):
        bob.schema.propose("scam", reason="a con")  # bob had not seen ana's proposal
    values, _history = reopen(store_target)
    assert values.count("scam") == 1
    ana.close()
    bob.close()


def test_a_store_holding_conflicting_changes_still_opens(tmp_path):
    """Changes written by an older version or a bug: refused on replay, never raised."""
    target = str(tmp_path / "bad.db")
    lab = kernel(target, "ana")
    store, dataset = lab.store, lab.dataset
    for change in (
        {"op": "rename", "old": "spam", "new": "scam"},
        {"op": "rename", "old": "spam", "new": "junk"},  # spam is gone by then
        {"op": "retire", "name": "nothing"},
        {"op": "add", "labels": [{"value": "ham"}]},  # a duplicate name
        {"op": "teleport"},
        {"no op": True},
    ):
        store.append(
            {"dataset": dataset, "annotator": "old-version", "kind": LABELSET_KIND,
             "value": change, "labelset_version": 9}
        )  # fmt: skip
    lab.close()
    values, history = reopen(target)
    assert values == ["ham", "scam", "promo"]
    refused = history[history["status"] == "refused"]
    assert len(refused) == 5
    assert "not a label" in refused["detail"].iloc[0]


# -- the schedule generated: two processes, both read before either commits ---------------

OPS = st.sampled_from(
    [
        ("rename", "spam", "scam"),
        ("rename", "spam", "junk"),
        ("rename", "promo", "scam"),
        ("retire", "spam"),
        ("retire", "promo"),
        ("split", "spam", "fraud", "advert"),
        ("merge", "spam", "promo", "unwanted"),
        ("propose", "scam"),
        ("label", "ham"),
        ("label", "spam"),
    ]
)


def _run(op, schema, lab):
    name, *args = op
    if name == "rename":
        schema.rename(args[0], args[1])
    elif name == "retire":
        schema.retire(args[0])
    elif name == "split":
        schema.split(args[0], args[1:])
    elif name == "merge":
        schema.merge(args[:2], into=args[2])
    elif name == "propose":
        schema.propose(args[0], reason="generated")
    else:
        lab.label(args[0])


def _worker(target, who, ops, barrier, results):
    lab = kernel(target, who)
    outcome = []
    for op in ops:
        lab.schema.refresh(force=True)  # read ...
        barrier.wait(timeout=30)  # ... both have read before either commits
        try:
            _run(op, lab.schema, lab)
            outcome.append("ok")
        except (ValueError, PermissionError) as err:  # refused with a reason, never corrupt
            outcome.append(type(err).__name__)
        barrier.wait(timeout=30)
    lab.close()
    results.put((who, outcome))


def _reference_labels(store, dataset, annotator):
    """Replay the stored events by hand: the latest active label of each item."""
    events = store.events(dataset, annotator=annotator)
    retracted = set(events["retracts"].dropna().astype(int))
    answers = events[(events["kind"] == "label") & ~events["id"].isin(retracted)]
    return answers.groupby("item_key")["value"].last()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=st.lists(st.tuples(OPS, OPS), min_size=1, max_size=4))
def test_generated_schedules_of_two_processes_always_reopen(backend, ops, tmp_path_factory,
                                                              request):  # fmt: skip
    if backend == "sqlite":
        target = str(tmp_path_factory.mktemp("race") / "r.db")
    else:
        target = request.getfixturevalue("postgres_schema_factory")()
    kernel(target, "setup").close()
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    workers = [
        ctx.Process(
            target=_worker, args=(target, who, [pair[i] for pair in ops], barrier, results)
        )
        for i, who in enumerate(("ana", "bob"))
    ]
    for w in workers:
        w.start()
    outcomes = dict(results.get(timeout=120) for _ in workers)
    for w in workers:
        w.join(timeout=30)
    assert set(outcomes) == {"ana", "bob"}
    lab = kernel(target, "later")  # it always opens
    history = lab.schema.history
    assert (history["status"] == "applied").all()  # no refused change was ever stored
    events = lab.store.events(lab.dataset)
    assert events["client_event_id"].is_unique  # every event stored exactly once
    changes = events[events["kind"] == LABELSET_KIND]
    assert len(changes) == len(history)  # none applied twice, none dropped
    for who in ("ana", "bob"):
        mine = kernel(target, who)
        expected = _reference_labels(lab.store, lab.dataset, who)
        got = mine.annotations["original_label"].dropna()
        assert sorted(map(str, got.tolist())) == sorted(map(str, expected.tolist()))
        mine.close()
    lab.close()


def test_a_store_whose_labels_collide_after_nfc_opens_and_reports_them(tmp_path):
    """Written by a version that compared names without Unicode normalisation."""
    nfc, nfd = "caf\u00e9", "cafe\u0301"
    store = nbl.open_store(tmp_path / "old.db")
    df = pd.DataFrame({"text": ["a latte", "an espresso"]})
    probe = nbl.Labeller(df, show="text", labels=["tea"], store=store, annotator="probe")
    dataset = probe.dataset
    probe.close()
    store.append(
        {"dataset": dataset, "annotator": "old", "kind": LABELSET_KIND, "labelset_version": 2,
         "value": {"op": "add", "labels": [{"value": nfc}, {"value": nfd}]}}
    )  # fmt: skip
    lab = nbl.Labeller(df, show="text", labels=["tea"], store=store, annotator="ana")
    assert lab.schema.values == ["tea"]  # the add that held both is reported, not half-applied
    last = lab.schema.history.iloc[-1]
    assert last["status"] == "refused" and "same name" in last["detail"]
    lab.close()
