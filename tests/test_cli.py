import re

import pandas as pd
import pytest

import nb_label as nbl
from nb_label.cli import main


@pytest.fixture
def store(tmp_path):
    df = pd.DataFrame({"text": [f"t{i}" for i in range(30)]})
    path = str(tmp_path / "team.db")
    for who in ("ana", "bob"):
        with nbl.Labeller(df, show="text", labels=["a", "b"], store=path, annotator=who) as lab:
            for i in range(30):
                lab.label("a" if (i % 3 or who == "ana") else "b", note=f"{who} {i}")
    return path


def test_export_with_pseudonyms_and_without_notes(store, tmp_path, capsys):
    out = tmp_path / "events.csv"
    assert main(["export", store, str(out), "--pseudonymise", "--no-notes"]) == 0
    events = pd.read_csv(out)
    names = set(events["annotator"])
    assert len(names) == 2 and all(re.fullmatch(r"annotator-[0-9a-f]{10}", n) for n in names)
    assert events["note"].isna().all()
    assert (events["kind"] == "label").sum() == 60


def test_stats_and_agreement(store, capsys):
    assert main(["stats", store]) == 0
    assert "30 items labelled" in capsys.readouterr().out
    assert main(["agreement", store]) == 0
    assert "krippendorff_alpha" in capsys.readouterr().out


def test_agreement_from_a_labeller_matches_the_long_frame(store):
    df = pd.DataFrame({"text": [f"t{i}" for i in range(30)]})
    lab = nbl.Labeller(df, show="text", labels=["a", "b"], store=store, annotator="ana")
    long = nbl.quality.long_labels(lab)
    assert len(long) == 60 and set(long.columns) == {"item_key", "annotator", "label"}
    report = nbl.agreement(lab)
    assert report.overall["n_items"] == 30
    assert report.overall["krippendorff_alpha"] == pytest.approx(
        nbl.quality.krippendorff_alpha(long)
    )
    assert set(nbl.consensus(lab)["label"]) <= {"a", "b"}


def test_unknown_dataset_is_a_clear_error(store, capsys):
    assert main(["stats", store, "--dataset", "nope"]) == 2
    assert "no dataset 'nope' in the store" in capsys.readouterr().err


def test_a_mistyped_store_path_is_an_error_and_creates_nothing(tmp_path, capsys):
    missing = tmp_path / "lables.db"
    assert main(["stats", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "no store at" in err and "lables.db" in err
    assert not missing.exists()


def test_export_to_a_missing_folder_says_to_make_it(store, tmp_path, capsys):
    out = tmp_path / "no" / "such" / "events.csv"
    assert main(["export", store, str(out)]) == 2
    err = capsys.readouterr().err
    assert "folder" in err and "mkdir -p" in err
    assert not out.parent.exists()


def test_export_counts_rows_written(store, tmp_path, capsys):
    out = tmp_path / "events.csv"
    assert main(["export", store, str(out)]) == 0
    rows = len(pd.read_csv(out))
    assert capsys.readouterr().out.startswith(f"{rows} rows written to")


def test_the_cli_refuses_a_foreign_sqlite_file(tmp_path, capsys):
    import sqlite3

    path = tmp_path / "mine.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()
    assert main(["stats", str(path)]) == 2
    assert "not an nb_label store" in capsys.readouterr().err


def _pseudonymised(store, tmp_path, name="events.csv"):
    out = tmp_path / name
    assert main(["export", store, str(out), "--pseudonymise"]) == 0
    return pd.read_csv(out)


def test_pseudonyms_are_stable_when_someone_joins(store, tmp_path):
    before = _pseudonymised(store, tmp_path, "before.csv")
    df = pd.DataFrame({"text": [f"t{i}" for i in range(30)]})
    with nbl.Labeller(df, show="text", labels=["a", "b"], store=store, annotator="aaron") as lab:
        lab.label("a")  # a name that sorts before everyone else's
    after = _pseudonymised(store, tmp_path, "after.csv")
    old = dict(zip(before["id"], before["annotator"], strict=True))
    assert all(
        old[i] == a for i, a in zip(after["id"], after["annotator"], strict=True) if i in old
    )
    assert after["annotator"].nunique() == 3


def test_pseudonyms_cover_every_name_and_drop_browser_ids(tmp_path, capsys):
    path = str(tmp_path / "class.db")
    df = pd.DataFrame({"text": ["a", "b"]})
    schema = nbl.Schema(["x", "y"], policy="review", owners=["teacher"])
    with nbl.Labeller(df, show="text", labels=schema, store=path, annotator="teacher") as lab:
        lab.label("x")
        nbl.Review(lab).decide(lab.annotations.index[0], "y", note="discussed")
    out = tmp_path / "events.jsonl"
    assert main(["export", path, str(out), "--pseudonymise"]) == 0
    said = capsys.readouterr().out
    assert "notes" in said and "as written" in said
    text = out.read_text()
    assert "teacher" not in text
    events = pd.read_json(out, lines=True)
    assert "session_id" not in events and "client_event_id" not in events


def test_lab_export_can_pseudonymise(store, tmp_path):
    df = pd.DataFrame({"text": [f"t{i}" for i in range(30)]})
    with nbl.Labeller(df, show="text", labels=["a", "b"], store=store, annotator="ana") as lab:
        path = lab.export(tmp_path / "mine.csv", pseudonymise=True)
    exported = pd.read_csv(path)
    assert "ana" not in set(exported["annotator"].dropna())
    cli = _pseudonymised(store, tmp_path)
    assert set(exported["annotator"].dropna()) <= set(cli["annotator"])  # the same pseudonym


@pytest.mark.extra("parquet")
@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_the_event_log_exports_to_every_format_with_values_as_json(store, tmp_path, suffix):
    import json

    out = tmp_path / f"events{suffix}"
    assert main(["export", store, str(out)]) == 0
    read = {".parquet": pd.read_parquet, ".csv": pd.read_csv}.get(
        suffix, lambda p: pd.read_json(p, lines=True)
    )(out)
    with nbl.open_store(store) as opened:
        events = opened.events()
    assert len(read) == len(events)
    labelset = read.loc[read["kind"] == "labelset", "value"].iloc[0]
    decoded = labelset if isinstance(labelset, dict) else json.loads(labelset)
    assert decoded["op"] == "create"  # JSON, not a Python repr
    # Parquet types a column once: the log's values (text and label-set changes) are JSON.
    decode = json.loads if suffix == ".parquet" else (lambda value: value)
    assert {decode(v) for v in read.loc[read["kind"] == "label", "value"]} == {"a", "b"}
