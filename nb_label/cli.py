"""The command line: ``nb-label export | stats | agreement`` on a store path or URL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd


def _open(target: str):
    """The store at ``target``; a path that names no file is an error, not a new store."""
    from nb_label.store import open_store
    from nb_label.store.engine import target_url
    from nb_label.store.guard import require_existing

    require_existing(target_url(target))
    return open_store(target)


def _dataset(store, name: str | None) -> str:
    names = store.datasets()["name"].tolist()
    if name is not None:
        if name not in names:
            raise SystemExit(f"no dataset {name!r} in the store; it holds {names}")
        return name
    if len(names) != 1:
        raise SystemExit(f"the store holds {len(names)} datasets {names}; pick one with --dataset")
    return names[0]


def _export(args: argparse.Namespace) -> None:
    from nb_label.results import write_frame

    output = Path(args.output)
    if not output.parent.exists():
        raise ValueError(
            f"the folder {output.parent} does not exist; make it first "
            f"(mkdir -p {output.parent}) or write somewhere else"
        )
    from nb_label import pseudonyms

    with _open(args.store) as store:
        events = store.events(_dataset(store, args.dataset))
        key = store.secret(pseudonyms.KEY_NAME) if args.pseudonymise else None
    if key is not None:
        events = pseudonyms.pseudonymise(events, key)
    if args.no_notes:
        events["note"] = None
    path = write_frame(events, Path(args.output), index_name=None)
    print(f"{len(events):,} rows written to {path} (one per event)")
    if key is not None and not args.no_notes:
        print(pseudonyms.NOTES_KEPT)


def _stats(args: argparse.Namespace) -> None:
    from nb_label.results import current_labels

    with _open(args.store) as store:
        dataset = _dataset(store, args.dataset)
        events = store.events(dataset)
    labels = current_labels(events)
    print(
        f"dataset {dataset}: {len(events)} events, {labels['item_key'].nunique()} items labelled"
    )
    if not labels.empty:
        table = labels.groupby("annotator")["label"].value_counts().unstack(fill_value=0)
        print(table.to_string())


def _agreement(args: argparse.Namespace) -> None:
    from nb_label.quality import agreement

    with _open(args.store) as store:
        report = agreement(store, dataset=_dataset(store, args.dataset), level=args.level)
    print(report.overall.to_string())


def main(argv: list[str] | None = None) -> int:
    """Run the ``nb-label`` command."""
    parser = argparse.ArgumentParser(prog="nb-label", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, fn, help_text in [
        ("export", _export, "write every event of a dataset to .csv, .parquet or .jsonl"),
        ("stats", _stats, "labels per annotator"),
        ("agreement", _agreement, "agreement between annotators"),
    ]:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("store", help="a SQLite file or a database URL")
        sub.add_argument("--dataset", help="the dataset (needed if the store holds several)")
        sub.set_defaults(run=fn)
        if name == "export":
            sub.add_argument("output", help="the file to write (.csv, .parquet or .jsonl)")
            sub.add_argument(
                "--pseudonymise", action="store_true",
                help="names as keyed-hash pseudonyms (the same in every export); no browser ids",
            )  # fmt: skip
            sub.add_argument("--no-notes", action="store_true", help="leave the notes out")
        if name == "agreement":
            sub.add_argument(
                "--level",
                default=None,
                choices=["nominal", "ordinal", "interval"],
                help="default: ordinal for ratings, else nominal",
            )
    args = parser.parse_args(argv)
    pd.set_option("display.width", 120)
    try:
        args.run(args)
    except (ValueError, RuntimeError) as err:
        print(f"nb-label: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
