"""The loop's cross-validated score never stops a round, however few labels a class has."""

import io
from contextlib import redirect_stdout

import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import nb_label as nbl
from nb_label.learn import ActiveLoop, simulate


def text_model():
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))


def test_two_spam_among_ten_labels_do_not_crash_the_round(tmp_path):
    # This shuffle puts 2 spam among the first 10 messages; grouped folds alone put both in
    # one fold and the other fold's model saw ham only.
    df = nbl.datasets.sms_spam().sample(frac=1, random_state=4)
    assert (df["label"].iloc[:10] == "spam").sum() == 2
    lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=str(tmp_path / "s.db"))
    loop = ActiveLoop(lab, text_model(), features="text", random_state=0)
    with redirect_stdout(io.StringIO()):
        history = simulate(lab, df["label"], n=10, loop=loop)
    assert history["message"].iloc[0] == "" and pd.notna(history["cv_macro_f1"].iloc[0])


def test_identical_texts_of_a_rare_class_leave_a_fold_without_it_and_still_score(tmp_path):
    # The two spam are one text, so they are one group: every grouping leaves one fold's
    # training part without spam. That fold is skipped, the others still score.
    texts = ["win cash now"] * 2 + [f"see you at {h} pm" for h in range(8)]
    labels = ["spam"] * 2 + ["ham"] * 8
    df = pd.DataFrame({"text": texts})
    lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=str(tmp_path / "g.db"))
    loop = ActiveLoop(lab, text_model(), features="text", audit=0, random_state=0)
    simulate(lab, pd.Series(labels), n=10)
    with redirect_stdout(io.StringIO()):
        row = loop.retrain()
    assert row["message"] == ""
    assert 0 <= row["cv_macro_f1"] <= 1 or pd.isna(row["cv_macro_f1"])


@pytest.mark.parametrize("seed", range(3))
def test_the_readme_loop_runs_on_shuffles(tmp_path, seed):
    df = nbl.datasets.sms_spam().sample(n=800, random_state=seed)
    lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=str(tmp_path / "r.db"))
    loop = ActiveLoop(lab, text_model(), features="text", random_state=seed)
    with redirect_stdout(io.StringIO()):
        history = simulate(lab, df["label"], n=40, loop=loop)
    assert len(history) == 4
