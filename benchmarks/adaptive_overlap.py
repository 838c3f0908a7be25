"""Adaptive overlap against fixed overlap=3: answers spent for the consensus accuracy reached.

The class is simulated from the real annotators of the bundled politeness ratings. Each of
the 2,178 requests the corpus' paper labels (top quartile polite, bottom quartile impolite)
was rated by 5 of 219 annotators. Every annotator is a Labeller of their own (its own
connection to one SQLite file, as a notebook would have), restricted with ``where=`` to the
requests they rated, and answers what their real rating says: polite above the scale's
neutral middle (13 of 1..25), impolite otherwise. In turns, each annotator answers the item
they are offered; the store's assignment (``overlap=3`` or ``nbl.Adaptive``) decides who is
offered what, until nobody is offered anything. Then ``nbl.consensus(method="dawid_skene")``
(and a majority vote) is compared with the paper's label.

Reported per policy: answers stored, answers per item, and consensus accuracy. The order of
annotators in each turn is shuffled with ``--seed``.

Run: python -m benchmarks.adaptive_overlap [--seeds 0 1 2] [--confidence 0.9 0.95]
                                           [--items N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._common import machine, table, write_report

#: The scale's neutral middle: a rating above it calls the request polite.
NEUTRAL = 13
RESULTS = Path(__file__).parent / "results" / "adaptive_overlap.md"


def requests(n_items: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The labelled requests (text, paper label) and their real answers in long form."""
    import nb_label as nbl

    wide = nbl.datasets.politeness()
    wide = wide[wide["label"].notna()]
    if n_items is not None:
        wide = wide.iloc[:n_items]
    parts = [
        pd.DataFrame(
            {
                "item_key": wide.index,
                "annotator": wide[f"annotator{slot}"].to_numpy(),
                "answer": np.where(wide[f"score{slot}"] > NEUTRAL, "polite", "impolite"),
            }
        )
        for slot in range(1, 6)
    ]
    return wide[["text", "label"]], pd.concat(parts, ignore_index=True)


def simulate_class(
    items: pd.DataFrame, answers: pd.DataFrame, overlap, store_path: str, seed: int
) -> dict:
    """Every annotator answers in turns until nobody is offered anything; return the figures."""
    import nb_label as nbl

    rng = np.random.default_rng(seed)
    real = answers.set_index(["annotator", "item_key"])["answer"]
    labs = {}
    for who, rated in answers.groupby("annotator")["item_key"]:
        lab = nbl.Labeller(
            items, show="text", labels=["impolite", "polite"], store=store_path,
            annotator=who, dataset="politeness", where=items.index.isin(rated),
            overlap=overlap, lease_seconds=3600, buffer=1,
        )  # fmt: skip
        # Annotators answer in turns: an item another one holds is answered by their next
        # turn, so look at it again at once rather than after the usual pause.
        lab._sharing.assignment._recheck = 0.0
        labs[who] = lab
    raters = answers.groupby("item_key")["annotator"].agg(list).to_dict()
    # An annotator with nothing on offer looks again once an item they rated was answered
    # (which may open a slot for them or end another's lease), as a card that ran dry does.
    woken: set[str] = set()
    started, n_turns = time.perf_counter(), 0
    try:
        answered_in_round = True
        while answered_in_round:
            answered_in_round = False
            for who in rng.permutation(sorted(labs)):
                lab = labs[who]
                if lab.done:
                    if who not in woken:
                        continue
                    woken.discard(who)
                    if not lab.look_again():
                        continue
                key = lab.current
                lab.label(real[(who, key)])
                woken.update(raters[key])
                answered_in_round, n_turns = True, n_turns + 1
        seconds = time.perf_counter() - started
        store = next(iter(labs.values())).store
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a consensus that did not converge is a failure
            ds = nbl.consensus(store, dataset="politeness", method="dawid_skene")
        vote = nbl.consensus(store, dataset="politeness")
        per_item = nbl.quality.long_labels(store, dataset="politeness").groupby("item_key").size()
    finally:
        for lab in labs.values():
            lab.close()
    truth = items["label"]
    return {
        "answers": int(per_item.sum()),
        "items": len(per_item),
        "per_item": per_item.value_counts().sort_index().to_dict(),
        "ds_accuracy": float((ds["label"].reindex(truth.index) == truth).mean()),
        "vote_accuracy": float((vote["label"].reindex(truth.index) == truth).mean()),
        "seconds": seconds,
        "turns": n_turns,
    }


def main(argv: list[str] | None = None) -> str:
    import nb_label as nbl

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--confidence", type=float, nargs="+", default=[0.9, 0.95])
    parser.add_argument("--items", type=int, default=None, help="only the first N requests")
    args = parser.parse_args(argv)
    items, answers = requests(args.items)
    policies = [("overlap=3", 3)] + [
        (f"Adaptive(min=1, max=3, confidence={c})", nbl.Adaptive(min=1, max=3, confidence=c))
        for c in args.confidence
    ]
    rows = []
    for name, overlap in policies:
        runs = []
        for seed in args.seeds:
            with tempfile.TemporaryDirectory() as folder:
                run = simulate_class(items, answers, overlap, f"{folder}/class.db", seed)
            print(name, seed, run, flush=True)
            runs.append(run)
        rows.append(
            {
                "policy": name,
                "answers (mean)": f"{np.mean([r['answers'] for r in runs]):,.0f}",
                "answers per item": f"{np.mean([r['answers'] / r['items'] for r in runs]):.2f}",
                "items with 1/2/3 answers": " / ".join(
                    f"{np.mean([r['per_item'].get(k, 0) for r in runs]):,.0f}" for k in (1, 2, 3)
                ),
                "Dawid-Skene accuracy": _spread([r["ds_accuracy"] for r in runs]),
                "majority accuracy": _spread([r["vote_accuracy"] for r in runs]),
                "seconds per run": f"{np.mean([r['seconds'] for r in runs]):.0f}",
            }
        )
    fixed = float(rows[0]["answers (mean)"].replace(",", ""))
    for row in rows:
        spent = float(row["answers (mean)"].replace(",", ""))
        row["answers saved"] = f"{1 - spent / fixed:.0%}"
    columns = [
        "policy", "answers (mean)", "answers saved", "answers per item",
        "items with 1/2/3 answers", "Dawid-Skene accuracy", "majority accuracy",
        "seconds per run",
    ]  # fmt: skip
    report = "\n".join(
        [
            f"# Adaptive overlap on the politeness ratings ({len(items):,} requests, "
            f"{answers['annotator'].nunique()} annotators, seeds {args.seeds})",
            "",
            f"Machine: {machine()}",
            "",
            table(rows, columns),
            "",
            "Accuracy: consensus label against the paper's polite/impolite label; mean "
            "(min-max) over the seeds.",
        ]
    )
    return write_report(report, RESULTS)


def _spread(values: list[float]) -> str:
    return f"{np.mean(values):.3f} ({min(values):.3f}-{max(values):.3f})"


if __name__ == "__main__":
    main()
