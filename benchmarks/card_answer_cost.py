"""The kernel's side of one card answer: message in -> committed -> ack and top-up sent.

What the saved mark waits for besides the network: the card's ``answer`` message is checked,
goes through ``Labeller.submit`` (commit to a SQLite file), and the kernel sends ``ack`` and
an ``append`` buffer. The comm is replaced by a list, so only the kernel's work is timed.

Run: python -m benchmarks.card_answer_cost [--rows 5574] [--answers 2000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import nb_label as nbl
from benchmarks._common import machine, percentiles, table


def measure(n_rows: int, n_answers: int, store: str) -> dict:
    sms = nbl.datasets.sms_spam().iloc[:n_rows]
    lab = nbl.Labeller(sms, show="text", labels=["ham", "spam"], store=store, annotator="b")
    sent: list = []
    lab.card.send = lambda content, buffers=None: sent.append(content)
    lab.card.handle({"type": "hello", "have": []})
    keys = [str(k) for k in sms.index[: n_answers + 1]]
    samples = []
    for i in range(n_answers):
        msg = {
            "type": "answer", "id": f"c{i}", "seq": i, "key": keys[i], "kind": "label",
            "value": "spam" if i % 7 == 0 else "ham", "note": None, "seconds": 1.0,
            "client_time": "2026-12-02T00:00:00.000Z", "suggestion": None,
            "showing": keys[i + 1],
        }  # fmt: skip
        start = time.perf_counter()
        lab.card.handle(msg)
        samples.append((time.perf_counter() - start) * 1000)
        sent.clear()
    lab.close()
    return {"rows": f"{n_rows:,}", **percentiles(samples[50:])}  # first 50 warm caches


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5_574)
    parser.add_argument("--answers", type=int, default=2_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        row = measure(args.rows, min(args.answers, args.rows - 1), str(Path(tmp) / "b.db"))
    out = (
        f"card answer -> committed -> ack + top-up sent, kernel side ({machine()})\n\n"
        + table([row], ["rows", "n", "p50", "p95", "max"])
        + "\n(milliseconds)"
    )
    print(out)
    return out


if __name__ == "__main__":
    main()
