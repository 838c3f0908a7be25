"""How many labels each query strategy needs to reach 95% of the full-data macro-F1.

Run from the repository root::

    python -m benchmarks.strategy_quality             # 10 seeds, both datasets
    python -m benchmarks.strategy_quality --seeds 2   # a smoke test

Measured as a user meets it. Per dataset and seed: a stratified 30% test split; the model
trained on every training label gives the target (95% of its test macro-F1). nb_label's
strategies run through ``ActiveLoop`` + ``simulate`` from zero labels: ``loop.retrain()``
before any label orders the first items, and ``simulate(..., n=10, loop=loop)`` answers and
retrains, batch after batch, with the loop's defaults (its 5% audit sample, its grouped and
stratified folds); the model after each batch is scored on the test split. SMS spam uses the
README's pipeline (TF-IDF + LogisticRegression on the text column), digits
LogisticRegression on 64 pixel columns. modAL (``ActiveLearner`` with ``margin_sampling``)
and small-text (``PoolBasedActiveLearner`` with ``BreakingTies`` on a scikit-learn
classifier) run in their documented usage on the same splits, from 10 stratified random seed
items, with LogisticRegression on TF-IDF fitted on the training texts or on the pixels; each
peer's strategy was fixed before the runs. The README's own code is run as written on the
SMS training split (its loop unseeded, as in the README), and scored the same way.

Requires the ``bench`` extra, ``pip install -e ".[bench]"`` (modAL-python and small-text;
small-text's scikit-learn strategies need no torch). Install it in a venv of its own, not
the one the tests run in: small-text installs a top-level package named ``tests``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path

import numpy as np

from benchmarks import _strategy_runs as runs
from benchmarks._common import machine
from nb_label.learn import strategies

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "strategy_quality.md"
README_PATH = "README code path"


def _one_thread() -> None:
    # Two worker processes on two cores: BLAS/OpenMP threads inside each only oversubscribe.
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    os.environ["MPLBACKEND"] = "Agg"  # the README's loop.plot() draws off screen
    warnings.filterwarnings("ignore")  # convergence chatter of the peers' tiny fits


def _run(job: tuple[str, int, str]) -> tuple[str, int, str, int | None, str, float]:
    dataset, seed, name = job
    started = time.perf_counter()
    error = ""
    if name == README_PATH:
        needed, error = runs.readme_run(seed)
    else:
        needed = runs.run(dataset, seed, name)
    return dataset, seed, name, needed, error, time.perf_counter() - started


def _median(values: list[int | None]) -> float | None:
    """The median; a run that never reached the target counts as above every other."""
    keyed = [np.inf if v is None else v for v in values]
    m = statistics.median(keyed)
    return None if m == np.inf else float(m)


def _fmt(value: float | None, cap: int) -> str:
    return f">{cap}" if value is None else f"{value:g}"


def report(results: list[tuple], seeds: list[int], datasets: list[str]) -> str:
    by = {(d, s, n): (k, e, sec) for d, s, n, k, e, sec in results}
    lines = []
    for dataset in datasets:
        t = runs.task(dataset, seeds[0])
        cap = t["cap"]
        lines += [
            f"### {dataset}  (seed {seeds[0]}: full-data macro-F1 {t['full_f1']:.3f} -> target "
            f"{t['target']:.3f}; {len(t['train'])} training items; cap {cap} labels)",
            "",
            "| strategy | median labels | vs random | per seed | raised | seconds/run |",
            "|---|---:|---:|---|---:|---:|",
        ]
        random_median = _median([by[(dataset, s, "random")][0] for s in seeds])
        names = [
            n
            for n in [*runs.LOOP_STRATEGIES, *runs.PEERS, README_PATH]
            if (dataset, seeds[0], n) in by
        ]
        for name in names:
            needed = [by[(dataset, s, name)][0] for s in seeds]
            raised = sum(bool(by[(dataset, s, name)][1]) for s in seeds)
            seconds = statistics.mean(by[(dataset, s, name)][2] for s in seeds)
            med = _median(needed)
            ratio = "-" if med is None or random_median is None else f"{med / random_median:.0%}"
            label = f"**{name}** (the default)" if name == strategies.DEFAULT else name
            per_seed = ", ".join(_fmt(v, cap) for v in needed)
            lines.append(
                f"| {label} | {_fmt(med, cap)} | {ratio} | {per_seed} | {raised} | {seconds:.1f} |"
            )
        errors = sorted({by[(dataset, s, n)][1] for s in seeds for n in names} - {""})
        lines += [f"Raised: {e}" for e in errors]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10, help="number of seeds (default 10)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument(
        "--datasets", default="sms_spam,digits", help="comma-separated: sms_spam,digits"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; keep results file")
    args = parser.parse_args(argv)
    seeds = list(range(args.seeds))
    datasets = args.datasets.split(",")
    names = [*runs.LOOP_STRATEGIES, *runs.PEERS]
    jobs = [(d, s, n) for n in names for d in datasets for s in seeds]
    if "sms_spam" in datasets:
        jobs += [("sms_spam", s, README_PATH) for s in seeds]
    jobs.sort(key=lambda job: job[2] != "random")  # slow runs first: the workers end together

    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs, initializer=_one_thread) as pool:
        results = list(pool.map(_run, jobs))
    elapsed = time.perf_counter() - started

    command = "python -m benchmarks.strategy_quality " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    peers = f"modAL-python {version('modAL-python')}, small-text {version('small-text')}"
    text = "\n".join(
        [
            "## Query strategy quality: labels needed to reach 95% of full-data macro-F1",
            "",
            f"Command: `{command.strip()}`  ",
            f"Machine: {machine()}; numpy {np.__version__}, "
            f"scikit-learn {version('scikit-learn')}  ",
            f"Seeds: {seeds}; batches of {runs.BATCH}; nb_label from zero labels through "
            f"ActiveLoop + simulate; peers ({peers}) from {runs.N_PEER_SEED_ITEMS} stratified "
            "random seed items.  ",
            f'`strategy="default"` resolves to `{strategies.DEFAULT}`. "vs random" divides by '
            "the loop's random strategy's median; medians of 10 seeds average the middle two.  ",
            f"Wall time: {elapsed:.0f} s with {args.jobs} worker processes.",
            "",
            report(results, seeds, datasets),
        ]
    )
    print(text)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text + "\n", encoding="utf-8")
        print(f"written to {RESULTS.relative_to(REPO)}")
    return text


if __name__ == "__main__":
    main()
