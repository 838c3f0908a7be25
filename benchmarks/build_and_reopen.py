"""Building a labeller on 1M rows (time, memory beyond the DataFrame) and reopening 100k labels.

Run: python -m benchmarks.build_and_reopen
Each measurement runs in a fresh subprocess so resident memory is not polluted.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from benchmarks._common import machine

_BUILD = textwrap.dedent(
    """
    import gc, json, sys, time, psutil
    import numpy as np, pandas as pd
    import nb_label as nbl
    from benchmarks.label_latency import text_frame
    df = text_frame({rows})
    nbl.Labeller, nbl.open_store  # import the modules first: building is what is timed
    gc.collect()
    proc = psutil.Process()
    before = proc.memory_info().rss
    start = time.perf_counter()
    lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store={store!r}, annotator="b")
    built = time.perf_counter() - start
    gc.collect()
    print(json.dumps({{"seconds": built, "mib": (proc.memory_info().rss - before) / 2**20}}))
    """
)

_REOPEN = textwrap.dedent(
    """
    import json, time, uuid
    import pandas as pd
    import nb_label as nbl
    from benchmarks.label_latency import text_frame
    df = text_frame({rows})
    nbl.Labeller, nbl.open_store  # import the modules first: reopening is what is timed
    start = time.perf_counter()
    lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store={store!r}, annotator="b")
    current = lab.current
    print(json.dumps({{"seconds": time.perf_counter() - start, "current": int(current),
                       "labelled": lab.progress["labelled"]}}))
    """
)


def _run(code: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def _fill(store: str, rows: int, n_labels: int) -> None:
    """Store n_labels label events quickly through the public import path."""
    import pandas as pd

    import nb_label as nbl
    from benchmarks.label_latency import text_frame

    df = text_frame(rows)
    lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=store, annotator="b")
    labels = pd.Series(["ham"] * n_labels, index=df.index[:n_labels])
    lab.import_labels(labels, annotator="b")
    lab.close()


def main() -> str:
    lines = [f"Machine: {machine()}", ""]
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "build.db")
        best = min((_run(_BUILD.format(rows=1_000_000, store=store)) for _ in range(3)),
                   key=lambda r: r["seconds"])  # fmt: skip
        lines.append(
            f"Labeller on 1,000,000 rows: built in {best['seconds']:.3f} s, "
            f"+{best['mib']:.1f} MiB resident beyond the DataFrame (best of 3)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "reopen.db")
        _fill(store, 200_000, 100_000)
        runs = [_run(_REOPEN.format(rows=200_000, store=store)) for _ in range(3)]
        best = min(runs, key=lambda r: r["seconds"])
        lines.append(
            f"Reopen a store with {best['labelled']:,} labels (200,000 rows) and resume at item "
            f"{best['current']:,}: {best['seconds']:.3f} s (best of 3)"
        )
    out = "\n".join(lines)
    print(out)
    return out


if __name__ == "__main__":
    main()
