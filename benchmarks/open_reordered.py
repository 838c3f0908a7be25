"""Opening a labeller on a 1M-row frame: first open, reopen, reopen after the rows moved.

The dataset check compares a fixed sample of rows; only when it differs (rows reordered,
edited or filtered) are the answered keys looked up in the frame's index.

Run: python -m benchmarks.open_reordered [--rows 1000000] [--answers 2000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import nb_label as nbl
from benchmarks._common import machine, table


def timed(df: pd.DataFrame, store: str) -> float:
    start = time.perf_counter()
    nbl.Labeller(df, show="text", labels=["ham", "spam"], store=store, annotator="b").close()
    return (time.perf_counter() - start) * 1000


def measure(n_rows: int, n_answers: int, *, keys: str) -> dict:
    texts = np.array([f"short text {i % 5000}" for i in range(n_rows)], dtype=object)
    index = pd.Index([f"k{i}" for i in range(n_rows)]) if keys == "text" else None
    df = pd.DataFrame({"text": texts}, index=index)
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "o.db")
        first = timed(df, store)
        lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=store, annotator="b")
        for _ in range(n_answers):
            lab.label("ham")
        lab.close()
        again = timed(df, store)
        moved = timed(df.sample(frac=1.0, random_state=0), store)
    return {"index": keys, "rows": f"{n_rows:,}", "first open": first, "reopen": again,
            "reopen, rows reordered": moved}  # fmt: skip


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--answers", type=int, default=2_000)
    args = parser.parse_args(argv)
    rows = [measure(args.rows, args.answers, keys=k) for k in ("text", "range")]
    columns = ["index", "rows", "first open", "reopen", "reopen, rows reordered"]
    out = f"Labeller open on a large frame ({machine()})\n\n" + table(rows, columns) + "\n(ms)"
    print(out)
    return out


if __name__ == "__main__":
    main()
