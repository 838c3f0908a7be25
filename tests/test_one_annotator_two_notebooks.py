"""One person with two notebooks open on a shared dataset answers each item once."""

import multiprocessing as mp
import time

import pandas as pd
import pytest

import nb_label as nbl

TEXTS = pd.DataFrame({"text": [f"message {i}" for i in range(34)]})


def _notebook(target, start_after, barrier, results):
    barrier.wait(timeout=60)
    time.sleep(start_after)
    lab = nbl.Labeller(
        TEXTS, show="text", labels=["ham", "spam"], store=target, annotator="ana", overlap=1,
        buffer=5, dataset="shared",
    )  # fmt: skip
    answered = []
    while not lab.done:
        answered.append(lab.current)
        lab.label("ham")
        time.sleep(0.05)  # a person's pace, so both notebooks are at work at once
    lab.close()
    results.put(answered)


@pytest.mark.parametrize("stagger", [0.0, 0.3], ids=["at once", "0.3 s apart"])
def test_two_notebooks_of_one_annotator_never_answer_one_item_twice(store_target, stagger):
    nbl.Labeller(TEXTS, show="text", labels=["ham", "spam"], store=store_target,
                 annotator="ana", overlap=1, dataset="shared").close()  # fmt: skip
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    workers = [
        ctx.Process(target=_notebook, args=(store_target, delay, barrier, results))
        for delay in (0.0, stagger)
    ]
    for worker in workers:
        worker.start()
    answered = [results.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    events = nbl.open_store(store_target).events("shared", kinds=["label"])
    per_item = events.groupby("item_key").size()
    assert (per_item == 1).all(), per_item[per_item > 1]  # each item once, by one person
    assert len(per_item) == len(TEXTS)
    first, second = answered
    assert not set(first) & set(second)  # neither notebook showed an item the other answered
