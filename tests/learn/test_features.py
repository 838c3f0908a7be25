"""How ActiveLoop (and the other functions that take ``features=``) read their features."""

import io
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import nb_label as nbl
from nb_label.learn import ActiveLoop, simulate


@pytest.fixture(scope="module")
def sms():
    df = nbl.datasets.sms_spam().iloc[:400].copy()
    df["length"] = df["text"].str.len().astype(float)
    df["exclamations"] = df["text"].str.count("!").astype(float)
    return df


def text_model():
    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))


def run(loop, lab, sms, n=40):
    with redirect_stdout(io.StringIO()):
        return simulate(lab, sms["label"], n=n, loop=loop, batch=20)


@pytest.mark.parametrize("features", ["text", ["text"], ("text",)])
def test_a_text_column_by_name_or_in_a_list_trains_a_text_pipeline(lab, sms, features):
    loop = ActiveLoop(lab, text_model(), features=features, random_state=0)
    history = run(loop, lab, sms)
    assert history["cv_macro_f1"].notna().all() and (history["message"] == "").all()
    assert lab.suggestion() is not None


def test_a_list_of_columns_with_text_reaches_a_column_transformer(lab, sms):
    model = make_pipeline(
        make_column_transformer((TfidfVectorizer(), "text"), ("passthrough", ["length"])),
        LogisticRegression(max_iter=1000),
    )
    loop = ActiveLoop(lab, model, features=["text", "length"], random_state=0)
    history = run(loop, lab, sms)
    assert history["cv_macro_f1"].notna().all()


def test_numeric_columns_and_a_callable(lab, sms):
    loop = ActiveLoop(lab, LogisticRegression(), features=["length", "exclamations"])
    assert run(loop, lab, sms)["cv_macro_f1"].notna().all()
    by_function = ActiveLoop(lab, LogisticRegression(), features=lambda rows: rows[["length"]])
    assert pd.notna(by_function.retrain()["cv_macro_f1"])


@pytest.mark.parametrize("features", ["txt", ["text", "lenght"]])
def test_a_missing_column_is_named_when_the_loop_is_made(lab, features):
    with pytest.raises(ValueError, match=r"no column '(txt|lenght)'.*'text'"):
        ActiveLoop(lab, text_model(), features=features)


@pytest.mark.parametrize("features", [None, 3, [], [["text"]]])
def test_features_of_the_wrong_kind_are_refused(lab, features):
    with pytest.raises(ValueError, match="features= is a column name, a list of column names"):
        ActiveLoop(lab, text_model(), features=features)


def test_a_text_vectorizer_given_two_columns_says_what_to_do(lab):
    with pytest.raises(ValueError, match="one column of text.*ColumnTransformer"):
        ActiveLoop(lab, text_model(), features=["text", "length"])


def test_a_features_function_returning_other_rows_is_explained(lab, sms):
    loop = ActiveLoop(lab, LogisticRegression(), features=lambda rows: rows[["length"]].iloc[:3])
    simulate(lab, sms["label"], n=20)
    with pytest.raises(ValueError, match=r"features function returned 3 rows for \d+ items"):
        loop.retrain()


class ThreeColumns(LogisticRegression):
    """A broken model: one probability column more than the classes it was fitted on."""

    def predict_proba(self, X):
        proba = super().predict_proba(X)
        return np.column_stack([proba, np.zeros(len(proba))])


def test_predict_proba_with_the_wrong_number_of_columns_names_the_shapes(lab, sms):
    loop = ActiveLoop(lab, ThreeColumns(), features=["length", "exclamations"])
    simulate(lab, sms["label"], n=20)
    with pytest.raises(ValueError, match=r"predict_proba returned 3 columns.*2 classes"):
        loop.retrain()
    assert "predict_proba returned 3 columns" in lab.message


def test_training_data_and_find_label_issues_take_the_same_features(lab, sms):
    simulate(lab, sms["label"], n=60)
    X, y = lab.training_data("text")
    assert isinstance(X, pd.Series) and len(X) == len(y) == 60
    X, _ = lab.training_data(lambda rows: rows[["length"]].to_numpy())
    assert X.shape == (60, 1)
    with pytest.raises(ValueError, match="no column 'txt'"):
        lab.training_data("txt")
    issues = nbl.quality.find_label_issues(lab, text_model(), features=["text"], cv=2)
    assert issues.attrs["n_items"] == 60
