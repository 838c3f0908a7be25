"""The command line: ``nb-label export | stats | agreement`` on a store path or URL."""

from __future__ import annotations

import argparse
import sys

import pandas as pd


def _open(target: str):
    """The store at ``target``; a path that names no file is an error, not a new store."""
    from nb_label.store import open_store
    from nb_label.store.engine import target_url
    from nb_label.store.guard import require_existing

    require_existing(target_url(target))
    return open_store(target)


def _dataset(store, name: str | None) -> str:
    from nb_label.exporting import dataset_of

    return dataset_of(store, name, option="--dataset")


def _export(args: argparse.Namespace) -> None:
    from nb_label import pseudonyms
    from nb_label.exporting import write_export

    with _open(args.store) as store:
        path, rows = write_export(
            store,
            args.output,
            shape=args.shape,
            dataset=_dataset(store, args.dataset),
            pseudonymise=args.pseudonymise,
            notes=not args.no_notes,
        )
    what = "one per event" if args.shape == "events" else "one per item and annotator"
    print(f"{rows:,} rows written to {path} ({what})")
    if args.pseudonymise and not args.no_notes:
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
        (
            "export",
            _export,
            "write a dataset's event log (or its items) to .csv, .parquet or .jsonl",
        ),
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
            sub.add_argument(
                "--shape", choices=["events", "items"], default="events",
                help="events: one row per event (the default); items: one per item and annotator",
            )  # fmt: skip
            sub.add_argument(
                "--no-notes", action="store_true", help="leave out notes and stated reasons"
            )
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
