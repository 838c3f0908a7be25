"""How many labels each query strategy needs to reach 95% of the full-data macro-F1.

Run from the repository root::

    python -m benchmarks.strategy_quality            # 5 seeds, both datasets
    python -m benchmarks.strategy_quality --quick    # 2 seeds, no uncapped random: a smoke test

Protocol, per dataset and seed: a stratified 30% test split; the model trained on every
training label gives the target (95% of its test macro-F1); active learning starts from 10
random stratified labels and adds batches of 10 chosen by the strategy, cloning and refitting
the model after each batch (no warm start), until the target is reached or 1,000 labels are
used. The table shows the median labels needed over the seeds (">1000" if never reached);
random sampling is also run with the cap lifted, so that it gets a number.
"""

from __future__ import annotations

import argparse
import functools
import platform
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split

from nb_label.learn import strategies

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "strategy_quality.md"

BATCH = 10
N_SEED_LABELS = 10
MAX_LABELS = 1000
TARGET_SHARE = 0.95
TEST_SHARE = 0.3
# Random sampling run again past the cap, to give it a number when it needs more than 1,000.
UNCAPPED_RANDOM = "random, cap lifted"


# --- datasets ---------------------------------------------------------------------------------


@functools.cache
def _sms_frame() -> pd.DataFrame:
    from nb_label.datasets import sms_spam

    return sms_spam()  # the bundled copy, parsed as the package parses it


@functools.cache
def task(dataset: str, seed: int) -> dict[str, Any]:
    """The split, features, model and target for one dataset and seed (cached per process)."""
    if dataset == "sms_spam":
        frame = _sms_frame()
        texts, y = frame["text"].to_numpy(), frame["label"].to_numpy()
        t_train, t_test, y_train, y_test = train_test_split(
            texts, y, test_size=TEST_SHARE, stratify=y, random_state=seed
        )
        # Fitting the vocabulary on the unlabelled training texts is fair: no labels are used.
        vectorizer = TfidfVectorizer().fit(t_train)
        X_train, X_test = vectorizer.transform(t_train), vectorizer.transform(t_test)
    elif dataset == "digits":
        X, y = load_digits(return_X_y=True)
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=TEST_SHARE, stratify=y, random_state=seed
        )
    else:
        raise ValueError(f"unknown dataset {dataset!r}; use 'sms_spam' or 'digits'.")
    model = LogisticRegression(max_iter=1000)
    full = clone(model).fit(X_train, y_train)
    full_f1 = f1_score(y_test, full.predict(X_test), average="macro")
    return {
        "X_train": X_train,
        "y_train": y_train,
        "X_test": X_test,
        "y_test": y_test,
        "model": model,
        "full_f1": full_f1,
        "target": TARGET_SHARE * full_f1,
    }


# --- strategies under test --------------------------------------------------------------------


def modal_uncertainty(model: Any, X_pool: Any, batch_size: int) -> np.ndarray:
    """modAL's own uncertainty_sampling on the fitted model (imported lazily: optional)."""
    from modAL.uncertainty import uncertainty_sampling

    picked = uncertainty_sampling(model, X_pool, n_instances=batch_size)
    indices = picked[0] if isinstance(picked, tuple) else picked
    return np.asarray(indices, dtype=np.intp)


def candidates() -> dict[str, Callable | str]:
    """Name -> nb_label strategy, or the marker "modal" for modAL's uncertainty sampling."""
    return {
        "random": strategies.random_sampling,
        "least_confidence": strategies.least_confidence_sampling,
        "margin": strategies.margin_sampling,
        "entropy": strategies.entropy_sampling,
        "margin_cluster": strategies.margin_cluster_sampling,
        "mixed(margin_cluster, 0.1)": strategies.mixed("margin_cluster", random_share=0.1),
        "modAL uncertainty_sampling": "modal",
    }


# --- the simulation ---------------------------------------------------------------------------


def labels_needed(dataset: str, seed: int, name: str) -> tuple[int | None, float]:
    """Labels needed by strategy ``name`` on ``dataset`` with ``seed`` (None: not reached)."""
    t = task(dataset, seed)
    X_train, y_train = t["X_train"], t["y_train"]
    n = X_train.shape[0]
    if name == UNCAPPED_RANDOM:
        strategy, cap = strategies.random_sampling, n
    else:
        strategy, cap = candidates()[name], MAX_LABELS
    rng = np.random.default_rng(seed)
    start, _ = train_test_split(
        np.arange(n), train_size=N_SEED_LABELS, stratify=y_train, random_state=seed
    )
    labelled = np.zeros(n, dtype=bool)
    labelled[start] = True
    started = time.perf_counter()
    while True:
        train = np.flatnonzero(labelled)
        model = clone(t["model"]).fit(X_train[train], y_train[train])
        f1 = f1_score(t["y_test"], model.predict(t["X_test"]), average="macro")
        if f1 >= t["target"]:
            return len(train), time.perf_counter() - started
        if len(train) >= cap:
            return None, time.perf_counter() - started
        pool = np.flatnonzero(~labelled)
        size = min(BATCH, cap - len(train), len(pool))
        if isinstance(strategy, str):  # "modal"
            chosen = modal_uncertainty(model, X_train[pool], size)
        else:
            proba = model.predict_proba(X_train[pool])
            chosen = strategy(proba, X_train[pool], batch_size=size, rng=rng)
        chosen = np.asarray(chosen, dtype=np.intp)
        if len(np.unique(chosen)) != len(chosen) or len(chosen) != size:
            raise ValueError(f"{name} returned {len(chosen)} positions, wanted {size} distinct")
        labelled[pool[chosen]] = True


def _one_thread() -> None:
    # Two worker processes on two cores: BLAS/OpenMP threads inside each only oversubscribe.
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _run(job: tuple[str, int, str]) -> tuple[str, int, str, int | None, float]:
    dataset, seed, name = job
    needed, seconds = labels_needed(dataset, seed, name)
    return dataset, seed, name, needed, seconds


# --- reporting --------------------------------------------------------------------------------


def _median(values: list[int | None]) -> int | None:
    """The median, a run that never reached the target counting as above every other."""
    keyed = sorted(np.inf if v is None else v for v in values)
    m = keyed[(len(keyed) - 1) // 2] if len(keyed) % 2 == 0 else statistics.median(keyed)
    return None if m == np.inf else int(m)


def _fmt(value: int | None, cap: str = f">{MAX_LABELS}") -> str:
    return cap if value is None else str(value)


def _cell(values: list[int | None]) -> str:
    return ", ".join(str(v) if v is not None else f">{MAX_LABELS}" for v in values)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(
                (ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu
            )
    except OSError:
        pass
    import os

    return (
        f"nproc {len(os.sched_getaffinity(0))}, {cpu}, Python {sys.version.split()[0]}, "
        f"{platform.system()}; numpy {np.__version__}, scikit-learn {_sklearn_version()}"
    )


def _sklearn_version() -> str:
    import sklearn

    return sklearn.__version__


def _modal_status() -> str:
    try:
        import modAL  # noqa: F401
        from modAL.uncertainty import uncertainty_sampling  # noqa: F401
    except Exception as error:  # any import failure is reported, not hidden
        return f"modAL failed to import: {type(error).__name__}: {error}"
    from importlib.metadata import version

    return f"modAL-python {version('modAL-python')} imported fine"


def report(results: list[tuple], seeds: list[int], datasets: list[str], names: list[str]) -> str:
    by = {(d, s, n): (k, sec) for d, s, n, k, sec in results}
    lines = []
    for dataset in datasets:
        t = task(dataset, seeds[0])
        lines.append(
            f"### {dataset}  (target: {TARGET_SHARE:.0%} of full-data macro-F1; "
            f"seed {seeds[0]}: full {t['full_f1']:.3f} -> target {t['target']:.3f}, "
            f"{t['X_train'].shape[0]} training items)"
        )
        lines.append("")
        lines.append("| strategy | median labels | vs random | mean | per seed | seconds/run |")
        lines.append("|---|---:|---:|---:|---|---:|")
        # Random's own number: its uncapped run when that was made, as it may pass the cap.
        reference = UNCAPPED_RANDOM if UNCAPPED_RANDOM in names else "random"
        random_median = _median([by[(dataset, s, reference)][0] for s in seeds])
        for name in names:
            needed = [by[(dataset, s, name)][0] for s in seeds]
            seconds = statistics.mean(by[(dataset, s, name)][1] for s in seeds)
            med = _median(needed)
            ratio = "-" if med is None or random_median is None else f"{med / random_median:.0%}"
            mean = "-" if None in needed else f"{statistics.mean(needed):.0f}"
            lines.append(
                f"| {name} | {_fmt(med)} | {ratio} | {mean} | {_cell(needed)} | {seconds:.1f} |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5, help="number of seeds (default 5)")
    parser.add_argument("--quick", action="store_true", help="2 seeds, for a smoke test")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument(
        "--datasets", default="sms_spam,digits", help="comma-separated: sms_spam,digits"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; keep results file")
    args = parser.parse_args(argv)
    seeds = list(range(2 if args.quick else args.seeds))
    datasets = args.datasets.split(",")
    modal_status = _modal_status()
    names = [n for n in candidates() if "modAL" not in n or "imported fine" in modal_status]
    if not args.quick:
        names.insert(1, UNCAPPED_RANDOM)
    # Slow (random) runs first, so the two workers finish together.
    jobs = [(d, s, n) for n in names for d in datasets for s in seeds]

    started = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs, initializer=_one_thread) as pool:
            results = list(pool.map(_run, jobs))
    else:
        _one_thread()
        results = [_run(job) for job in jobs]
    elapsed = time.perf_counter() - started

    command = "python -m benchmarks.strategy_quality " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    text = "\n".join(
        [
            "## Query strategy quality: labels needed to reach 95% of full-data macro-F1",
            "",
            f"Command: `{command.strip()}`  ",
            f"Machine: {machine()}  ",
            f"Seeds: {seeds}; batch {BATCH}; {N_SEED_LABELS} stratified random seed labels; "
            f"cap {MAX_LABELS} labels; LogisticRegression(max_iter=1000) cloned and refit "
            "each round; SMS features TF-IDF, digits raw pixels.  ",
            f"{modal_status}.  ",
            f'`strategy="default"` resolves to `{strategies.DEFAULT}`. "vs random" divides by '
            "random's median (its cap-lifted run when made); medians of an even number of "
            "seeds take the lower middle value.  ",
            f"Wall time: {elapsed:.0f} s with {args.jobs} worker process(es).",
            "",
            report(results, seeds, datasets, names),
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
