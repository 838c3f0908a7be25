"""A class on one PostgreSQL database: 8 annotator processes answering at once (overlap=3).

Each process opens a Labeller on the same dataset (2,000 SMS messages, ``overlap=3``), leases a
card's buffer, waits until every process is ready, then answers as fast as it can through the
card's messages (commit, ack, slot bookkeeping and the next lease, all included). Reported:
answers per second for the whole class, and the time per answer (p50/p95) as each process saw
it. Setting up (opening the store, creating the slots) is not timed.

With ``--rate R`` the class answers at R answers per second in total (each process paced at
R / annotators), which shows the time per answer at that load; without it, flat out.

Run: python -m benchmarks.class_throughput [--annotators 8] [--answers 500] [--rate 500]
                                           [--url postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import uuid

from benchmarks._common import SERVER_URL, machine, percentiles, table, temporary_database

ITEMS = 2000


def worker(url: str, name: str, answers: int, interval: float, offset: float) -> None:
    import nb_label as nbl
    from nb_label._keys import encode_key
    from nb_label.datasets import sms_spam

    df = sms_spam().iloc[:ITEMS]
    lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=url, annotator=name,
                       dataset="class", overlap=3)  # fmt: skip
    replies: list[dict] = []
    lab.card.send = lambda content, buffers=None: replies.append(content)
    lab.card.handle({"type": "hello", "have": []})
    print("ready", flush=True)
    sys.stdin.readline()  # "go": every process starts together
    times, started = [], time.time()
    first = time.perf_counter() + offset  # spread the class's answers evenly over time
    for seq in range(1, answers + 1):
        if lab.done:
            break
        wait = first + (seq - 1) * interval - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        key = lab.current
        message = {"type": "answer", "id": uuid.uuid4().hex, "seq": seq, "key": encode_key(key),
                   "kind": "label", "value": df.at[key, "label"], "showing": None}  # fmt: skip
        replies.clear()
        t0 = time.perf_counter()
        lab.card.handle(message)
        times.append((time.perf_counter() - t0) * 1000)
        if not any(r.get("type") == "ack" for r in replies):
            raise SystemExit(f"answer not acknowledged: {replies}")
    ended = time.time()
    lab.close()
    print(json.dumps({"start": started, "end": ended, "ms": times}), flush=True)


def run(url: str, annotators: int, answers: int, rate: float) -> dict:
    interval = annotators / rate if rate else 0.0
    step = interval / annotators  # each process starts a little later than the one before
    command = [sys.executable, "-m", "benchmarks.class_throughput", "--worker", url]
    processes = [
        subprocess.Popen(
            [*command, f"annotator-{i}", str(answers), str(interval), str(i * step)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(annotators)
    ]
    for process in processes:
        if process.stdout.readline().strip() != "ready":
            raise SystemExit("an annotator process failed to start")
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    results = []
    for process in processes:
        out, _ = process.communicate(timeout=900)
        results.append(json.loads(out.strip().splitlines()[-1]))
    elapsed = max(r["end"] for r in results) - min(r["start"] for r in results)
    latencies = [ms for r in results for ms in r["ms"]]
    stats = percentiles(latencies)
    return {
        "annotators": annotators,
        "offered": f"{rate:g}/s" if rate else "flat out",
        "answers": len(latencies),
        "seconds": round(elapsed, 2),
        "answers/s": round(len(latencies) / elapsed),
        "p50": round(stats["p50"], 2),
        "p95": round(stats["p95"], 2),
        "max": round(stats["max"], 1),
    }


def main(argv: list[str] | None = None) -> str:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        worker(argv[1], argv[2], int(argv[3]), float(argv[4]), float(argv[5]))
        return ""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=SERVER_URL)
    parser.add_argument("--annotators", type=int, default=8)
    parser.add_argument("--answers", type=int, default=500)
    parser.add_argument("--rate", type=float, default=0.0, help="answers/s for the class")
    args = parser.parse_args(argv)
    with temporary_database(args.url) as url:
        row = run(url, args.annotators, args.answers, args.rate)
    out = (
        f"{args.annotators} annotators at once on PostgreSQL 127.0.0.1, overlap=3, answers "
        f"through the card's messages ({machine()})\n\n"
        + table([row], list(row))
        + "\n(p50/p95/max: milliseconds per answer, as each annotator's kernel saw it)"
    )
    print(out)
    return out


if __name__ == "__main__":
    main()
