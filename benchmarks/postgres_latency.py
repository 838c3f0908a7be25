"""label() p50/p95 against the PostgreSQL server on 127.0.0.1:5432 (a fresh database).

Run: python -m benchmarks.postgres_latency [--url postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import uuid

import sqlalchemy as sa

from benchmarks._common import machine, table
from benchmarks.label_latency import measure


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--labels", type=int, default=2_000)
    args = parser.parse_args(argv)
    name = f"nbl_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(args.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        url = sa.make_url(args.url).set(database=name).render_as_string(hide_password=False)
        row = measure(args.rows, args.labels, url)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    out = (
        f"PostgreSQL on 127.0.0.1, label() -> committed -> next item ready ({machine()})\n\n"
        + table([row], ["rows", "n", "p50", "p95", "max"])
        + "\n(milliseconds)"
    )
    print(out)
    return out


if __name__ == "__main__":
    main()
