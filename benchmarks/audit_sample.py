"""How soon the README's loop has an audit score: the audit sample on SMS spam, over seeds.

Runs the README's code path (``ActiveLoop(lab, TF-IDF + LR, features="text")`` and
``simulate(lab, df["label"], n=100, loop=loop)``) once per seed of the loop, and reports how
many audit items were labelled by the end and from which round the history has an audit
macro-F1 (the first round whose audit labels hold both classes).

Run: python -m benchmarks.audit_sample [--seeds 20] [--n 100]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import nb_label as nbl
from benchmarks._common import machine


def one_run(df, seed: int, n: int, folder: str):
    lab = nbl.Labeller(
        df, show="text", labels=["ham", "spam"], store=str(Path(folder) / f"{seed}.db")
    )
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
    loop = nbl.ActiveLoop(lab, model, features="text", random_state=seed)
    with contextlib.redirect_stdout(io.StringIO()):
        history = nbl.simulate(lab, df["label"], n=n, loop=loop)
    lab.close()
    scored = history.loc[history["audit_macro_f1"].notna(), "n_labels"]
    return int(history["audit_size"].iloc[-1]), (int(scored.min()) if len(scored) else None)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--n", type=int, default=100)
    args = parser.parse_args(argv)
    df = nbl.datasets.sms_spam()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(args.seeds):
            rows.append((seed, *one_run(df, seed, args.n, folder)))
    shown = [first for _, _, first in rows if first is not None]
    lines = [
        f"Machine: {machine()}",
        "",
        "| seed | audit labels at the end | first round with an audit macro-F1 (labels) |",
        "|---:|---:|---:|",
        *(f"| {s} | {size} | {'none' if first is None else first} |" for s, size, first in rows),
        "",
        f"{len(shown)} of {len(rows)} runs have an audit macro-F1 within {args.n} answers"
        + (f" (median first at {sorted(shown)[len(shown) // 2]} labels)." if shown else "."),
    ]
    text = "\n".join(lines)
    print(text)
    return text


if __name__ == "__main__":
    main()
