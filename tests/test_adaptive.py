"""Adaptive overlap: between min and max answers per item, as its consensus needs.

Each annotator is a Labeller with its own connection to one store (SQLite file or
PostgreSQL), as notebooks of a class would be: what one is offered depends on what the
others committed.
"""

from __future__ import annotations

import pandas as pd
import pytest

import nb_label as nbl
from nb_label.adaptive import Adaptive

TRUTH = {i: "spam" if i % 2 else "ham" for i in range(16)}
GOLD = {i: TRUTH[i] for i in range(8)}  # items 0..7 have a known label


@pytest.fixture
def df():
    return pd.DataFrame({"text": [f"message {i}" for i in range(16)]})


def labeller(df, store, annotator, policy, **options):
    return nbl.Labeller(
        df,
        show="text",
        labels=["ham", "spam"],
        store=store,
        annotator=annotator,
        overlap=policy,
        **options,
    )


def answer_all(lab, answer) -> list:
    """Answer every item offered with ``answer(key)``; return the keys, in order."""
    seen = []
    while not lab.done:
        seen.append(lab.current)
        lab.label(answer(lab.current))
    return seen


def answers_per_item(store, dataset) -> pd.Series:
    labels = nbl.quality.long_labels(store, dataset=dataset)
    return labels.groupby("item_key")["annotator"].nunique()


def truthful(key):
    return TRUTH[key]


def contrary(key):
    return "ham" if TRUTH[key] == "spam" else "spam"


def test_adaptive_checks_its_arguments():
    assert Adaptive() == Adaptive(min=1, max=3, confidence=0.9)
    with pytest.raises(ValueError, match="min cannot exceed max"):
        Adaptive(min=3, max=2)
    with pytest.raises(ValueError, match=r"confidence=.*\(0, 1\]"):
        Adaptive(confidence=1.5)
    with pytest.raises(ValueError, match="whole number"):
        Adaptive(max=0)
    with pytest.raises(ValueError, match="nbl.Adaptive"):
        nbl.Labeller(pd.DataFrame({"text": ["a"]}), show="text", labels=["x"], overlap="3")


def test_the_rule_min_then_confidence_then_disagreement_up_to_max():
    policy = Adaptive(min=1, max=3, confidence=0.9)
    assert policy.wanted(0, {}, None) == 1
    assert policy.wanted(1, {"ana": "a"}, None) == 2  # no model: not sure
    assert policy.wanted(2, {"ana": "a", "ben": "b"}, None) == 3
    assert policy.wanted(3, {"ana": "a", "ben": "b", "cem": "b"}, None) == 3
    two = Adaptive(min=1, max=2, confidence=0.5)
    assert two.wanted(2, {"ana": "a", "ben": "b"}, None) == 2  # max caps a disagreement


@pytest.mark.parametrize(
    ("first", "others_offered"),
    [(truthful, set()), (contrary, set(range(8, 16)))],
    ids=["reliable-first-annotator", "unreliable-first-annotator"],
)
def test_a_single_answer_is_enough_from_an_annotator_gold_shows_reliable(
    df, store_target, first, others_offered
):
    teacher = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=store_target,
                           annotator="teacher")  # fmt: skip
    teacher.mark_gold(GOLD)
    teacher.close()
    policy = Adaptive(min=1, max=3, confidence=0.8)
    ana = labeller(df, store_target, "ana", policy)
    ben = None
    try:
        # ana answers gold as `first` does, and every other item as the truth.
        assert sorted(answer_all(ana, lambda k: first(k) if k in GOLD else TRUTH[k])) == list(
            range(16)
        )
        ben = labeller(df, store_target, "ben", policy)
        ben_items = set(answer_all(ben, truthful))
        assert ben_items - set(GOLD) == others_offered
    finally:
        ana.close()
        if ben is not None:
            ben.close()


def test_disagreement_opens_an_item_to_a_third_annotator_and_max_closes_it(df, store_target):
    policy = Adaptive(min=2, max=3, confidence=0.5)
    disputed = {0, 5, 9, 14}
    offered = {}
    for who, answer in [
        ("ana", truthful),
        ("ben", lambda k: contrary(k) if k in disputed else TRUTH[k]),
        ("caro", truthful),
        ("dan", truthful),
    ]:
        lab = labeller(df, store_target, who, policy)
        try:
            offered[who] = set(answer_all(lab, answer))
        finally:
            lab.close()
    assert offered["ana"] == offered["ben"] == set(range(16))  # min=2
    assert offered["caro"] == disputed  # only where ana and ben disagree
    assert offered["dan"] == set()  # the disputed items have max=3 answers
    with nbl.open_store(store_target) as store:
        counts = answers_per_item(store, lab.dataset)
        assert counts[sorted(disputed)].eq(3).all()
        assert counts.drop(sorted(disputed)).eq(2).all()
        assert store.slots(lab.dataset).groupby("item_key").size().eq(3).all()  # max slots


def test_answers_from_other_notebooks_decide_at_once(df, store_target):
    # No quality evidence yet: one answer is never sure (the prior accuracy), two that agree
    # are at confidence=0.8.
    policy = Adaptive(min=1, max=3, confidence=0.8)
    caro = labeller(df, store_target, "caro", policy, buffer=1)
    ana = labeller(df, store_target, "ana", policy, buffer=1)
    ben = labeller(df, store_target, "ben", policy, buffer=1)
    try:
        assert caro.current == 0
        ana.label(TRUTH[5], item_key=5)
        ben.label(TRUTH[5], item_key=5)
        ana.label(TRUTH[6], item_key=6)
        # caro's notebook saw none of those answers: the store decides what it is offered.
        offered = answer_all(caro, truthful)
        assert 6 in offered and 5 not in offered
        counts = answers_per_item(caro.store, caro.dataset)
        assert counts[5] == 2 and counts[6] == 2
    finally:
        for lab in (ana, ben, caro):
            lab.close()


@pytest.mark.postgres
def test_two_claims_side_by_side_on_postgresql_open_one_slot(postgres_schema):
    # On PostgreSQL two kernels' claims run at once, each seeing the item one answer short.
    # Both must compete for the same slot, so only one of them is given the item.
    import datetime as dt

    from sqlalchemy import create_engine

    from nb_label.store import slots

    key = '"x"'
    nbl.open_store(postgres_schema).close()  # creates the tables
    engine = create_engine(postgres_schema)
    now = dt.datetime.now(dt.timezone.utc)
    claim = dict(dataset="d", candidates=[key], n=1, overlap=3, now=now,
                 until=now + dt.timedelta(minutes=5))  # fmt: skip

    def wants(n):
        return lambda connection, done: {key: n}

    try:
        with engine.begin() as connection:
            slots.ensure(connection, "d", [key], 3)
            assert slots.claim(connection, annotator="ana", session_id="a", wanted=wants(1),
                               **claim)[0] == [key]  # fmt: skip
            assert slots.complete(connection, dataset="d", annotator="ana", session_id="a",
                                  item_key=key, overlap=3, now=now)  # fmt: skip
        with engine.connect() as first, engine.connect() as second:
            with first.begin():
                granted, _ = slots.claim(first, annotator="ben", session_id="b",
                                         wanted=wants(2), **claim)  # fmt: skip
                assert granted == [key]
                with second.begin():  # ben's lease is not committed yet
                    granted, _ = slots.claim(second, annotator="caro", session_id="c",
                                             wanted=wants(2), **claim)  # fmt: skip
                    assert granted == []
            with second.begin():  # and once it is
                granted, _ = slots.claim(second, annotator="caro", session_id="c",
                                         wanted=wants(2), **claim)  # fmt: skip
                assert granted == []
        with engine.connect() as connection:
            rows = slots.table(connection, "d")
        assert sorted(r.annotator or "" for r in rows) == ["", "ana", "ben"]
    finally:
        engine.dispose()
