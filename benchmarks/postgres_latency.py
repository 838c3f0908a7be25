"""label() p50/p95 against the PostgreSQL server on 127.0.0.1:5432 (a fresh database).

Run: python -m benchmarks.postgres_latency [--url postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse

from benchmarks._common import SERVER_URL, machine, table, temporary_database
from benchmarks.label_latency import measure


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=SERVER_URL)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--labels", type=int, default=2_000)
    args = parser.parse_args(argv)
    with temporary_database(args.url) as url:
        row = measure(args.rows, args.labels, url)
    out = (
        f"PostgreSQL on 127.0.0.1, label() -> committed -> next item ready ({machine()})\n\n"
        + table([row], ["rows", "n", "p50", "p95", "max"])
        + "\n(milliseconds)"
    )
    print(out)
    return out


if __name__ == "__main__":
    main()
