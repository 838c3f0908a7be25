"""label() -> committed -> next item ready, on a SQLite file, for 1k, 100k and 1M rows.

Run: python -m benchmarks.label_latency [--rows 1000 100000 1000000] [--labels 2000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import nb_label as nbl
from benchmarks._common import machine, percentiles, table


def text_frame(n_rows: int) -> pd.DataFrame:
    sms = nbl.datasets.sms_spam()["text"].to_numpy(dtype=object)
    return pd.DataFrame({"text": pd.array(sms[np.arange(n_rows) % len(sms)], dtype="str")})


def measure(n_rows: int, n_labels: int, store: str) -> dict:
    df = text_frame(n_rows)
    lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=store, annotator="bench")
    samples = []
    for i in range(n_labels):
        start = time.perf_counter()
        lab.label("spam" if i % 7 == 0 else "ham")
        lab.card_item(lab._current)  # the next item rendered, ready to send
        samples.append((time.perf_counter() - start) * 1000)
    lab.close()
    return {"rows": f"{n_rows:,}", **percentiles(samples[50:])}  # first 50 warm caches


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--labels", type=int, default=2_000)
    parser.add_argument("--store", default=None, help="a store URL (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    rows = []
    for n in args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            store = args.store or str(Path(tmp) / "bench.db")
            labels = min(args.labels, n - 1)
            rows.append(measure(n, labels, store))
    out = (
        f"label() -> committed -> next item ready ({machine()})\n\n"
        + table(rows, ["rows", "n", "p50", "p95", "max"])
        + "\n(milliseconds)"
    )
    print(out)
    return out


if __name__ == "__main__":
    main()
