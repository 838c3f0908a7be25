"""The model loop's speed: one retrain over a 100k pool, and label() while a worker retrains.

Run: python -m benchmarks.retrain_speed [--rows 100000] [--labels 500]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import nb_label as nbl
from benchmarks._common import machine, percentiles, table
from benchmarks.label_latency import text_frame


def model():
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--labels", type=int, default=500)
    args = parser.parse_args(argv)
    sms = nbl.datasets.sms_spam()
    df = text_frame(args.rows)
    truth = sms["label"].to_numpy()[[i % len(sms) for i in range(args.rows)]]
    oracle = df.assign(label=truth)["label"]
    lines = [f"Machine: {machine()}", ""]
    with tempfile.TemporaryDirectory() as tmp:
        lab = nbl.Labeller(
            df, show="text", labels=["ham", "spam"], store=str(Path(tmp) / "r.db"), annotator="b"
        )
        nbl.simulate(lab, oracle, n=args.labels, seed=0)
        loop = nbl.ActiveLoop(lab, model(), features="text", random_state=0)
        start = time.perf_counter()
        loop.retrain()
        total = time.perf_counter() - start
        fit = loop.history["seconds"].iloc[-1]
        lines.append(
            f"retrain() with {args.labels} labels and {args.rows - args.labels:,} unlabelled "
            f"texts: {total:.2f} s in all (fit + grouped CV + predict_proba + strategy: "
            f"{fit:.2f} s; the rest reorders the queue and sets suggestions)"
        )

        # label() with no model running, then while a worker process retrains every 20 labels;
        # answers are paced 5 ms apart (a fast person needs ~300 ms) so rounds overlap them.
        def timed_label() -> float:
            key = lab.current
            start = time.perf_counter()
            lab.label(oracle.loc[key])
            return (time.perf_counter() - start) * 1000

        quiet = [timed_label() for _ in range(300)]
        bg = nbl.ActiveLoop(lab, model(), features="text", retrain_every=20, random_state=0)
        busy, submits = [], []
        for _ in range(600):
            time.sleep(0.005)
            was_running = bg._future is not None and not bg._future.done()
            elapsed = timed_label()
            if was_running and bg._future is not None:
                busy.append(elapsed)
            else:
                submits.append(elapsed)  # this answer applied or started a round
        bg.wait(timeout=120)
        bg.close()
        lab.close()
    rows = [
        {"when": "no retrain running", **percentiles(quiet)},
        {"when": "a worker process retrains", **percentiles(busy)},
        {"when": "the answer that starts or applies a round", **percentiles(submits)},
    ]
    lines += [
        "",
        "label() -> committed -> next item ready, with retrain_every=20 (ms)",
        "",
        table(rows, ["when", "n", "p50", "p95", "max"]),
        f"background rounds completed: {len(bg.history)}",
    ]
    out = "\n".join(lines)
    print(out)
    return out


if __name__ == "__main__":
    main()
