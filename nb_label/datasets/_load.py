"""Read the bundled data files into pandas DataFrames."""

from __future__ import annotations

import csv
import functools
from importlib import resources

import numpy as np
import pandas as pd

SMS_SPAM_FILE = "SMSSpamCollection"
POLITENESS_FILE = "wikipedia_politeness_annotated.csv"
RATINGS_PER_REQUEST = 5
DIGITS_FILE = "digits.csv.gz"


def _read_bundled_csv(name: str, **read_csv_options) -> pd.DataFrame:
    # importlib.resources finds the file inside an installed wheel or a source checkout alike.
    with resources.files(__package__).joinpath("data", name).open("rb") as handle:
        return pd.read_csv(handle, encoding="utf-8", **read_csv_options)


@functools.lru_cache(maxsize=1)
def _sms_spam_cached() -> pd.DataFrame:
    frame = _read_bundled_csv(
        SMS_SPAM_FILE,
        sep="\t",
        header=None,
        names=["label", "text"],
        # The texts hold unbalanced double quotes; with quoting on, pandas merges lines.
        quoting=csv.QUOTE_NONE,
        dtype="str",
        keep_default_na=False,
    )
    return frame.loc[:, ["text", "label"]]


@functools.lru_cache(maxsize=1)
def _politeness_wide_cached() -> pd.DataFrame:
    raw = _read_bundled_csv(POLITENESS_FILE, keep_default_na=False)
    score_columns = [f"score{i}" for i in range(1, RATINGS_PER_REQUEST + 1)]
    annotator_columns = [f"annotator{i}" for i in range(1, RATINGS_PER_REQUEST + 1)]
    wide = pd.DataFrame(
        {
            "text": raw["Request"].astype("str"),
            "community": raw["Community"].astype("str"),
            "normalized_score": raw["Normalized Score"].astype("float64"),
        },
    )
    wide["label"] = _quartile_label(wide["normalized_score"])
    for i in range(1, RATINGS_PER_REQUEST + 1):
        wide[f"score{i}"] = raw[f"Score{i}"].astype("int64")
    for i in range(1, RATINGS_PER_REQUEST + 1):
        wide[f"annotator{i}"] = raw[f"Annotator{i}"].astype("str")
    wide.index = pd.Index(raw["Id"].astype("int64"), name="item_key")
    return wide.loc[
        :, ["text", "community", "normalized_score", "label"] + score_columns + annotator_columns
    ]


def _quartile_label(normalized_score: pd.Series) -> pd.Series:
    """The paper's binary label: top quartile polite, bottom quartile impolite, else missing."""
    low, high = normalized_score.quantile([0.25, 0.75])
    label = pd.Series(pd.NA, index=normalized_score.index, dtype="str")
    label[normalized_score >= high] = "polite"
    label[normalized_score <= low] = "impolite"
    return label


@functools.lru_cache(maxsize=1)
def _politeness_long_cached() -> pd.DataFrame:
    wide = _politeness_wide_cached()
    parts = [
        pd.DataFrame(
            {
                "item_key": wide.index.to_numpy(),
                "annotator": wide[f"annotator{i}"].to_numpy(),
                "label": wide[f"score{i}"].to_numpy(),
                "position": i,
            }
        )
        for i in range(1, RATINGS_PER_REQUEST + 1)
    ]
    long = pd.concat(parts, ignore_index=True)
    # Keep the file's order: all five ratings of a request together, in annotator order 1..5.
    order = np.lexsort((long["position"].to_numpy(), np.tile(np.arange(len(wide)), 5)))
    long = long.iloc[order].drop(columns="position").reset_index(drop=True)
    return long.astype({"item_key": "int64", "annotator": "str", "label": "int64"})


def sms_spam() -> pd.DataFrame:
    """Load the SMS Spam Collection: 5,574 real text messages labelled ham or spam.

    Returns
    -------
    pandas.DataFrame
        5,574 rows with a ``RangeIndex`` and two ``str`` columns: ``"text"`` (the message,
        UTF-8, mean 80 and at most 910 characters; 403 texts occur more than once) and
        ``"label"`` (``"ham"`` for 4,827 rows, ``"spam"`` for 747). Each call returns a new
        copy, so changing it does not change later calls.

    Notes
    -----
    Source: UCI Machine Learning Repository, dataset 228, DOI 10.24432/C5CC84, bundled
    byte for byte. Licence: CC BY 4.0. Please cite:

    Almeida, T.A., Gómez Hidalgo, J.M., Yamakami, A. "Contributions to the Study of SMS Spam
    Filtering: New Collection and Results". Proceedings of the 2011 ACM Symposium on Document
    Engineering (DocEng 2011).

    Examples
    --------
    >>> from nb_label.datasets import sms_spam
    >>> sms_spam()["label"].value_counts().to_dict()
    {'ham': 4827, 'spam': 747}
    """
    return _sms_spam_cached().copy()


def politeness(*, long: bool = False) -> pd.DataFrame:
    """Load the Stanford Politeness Corpus (Wikipedia part) with every annotator's rating.

    4,353 requests from Wikipedia talk pages, each rated by 5 of 219 annotators on a scale
    from 1 (very impolite) to 25 (very polite): 21,765 ratings in all. Annotators agree only
    moderately, which makes the set a real test for agreement measures and adjudication.

    Parameters
    ----------
    long : bool, default False
        If False, one row per request (wide). If True, one row per rating (long), the shape
        that :mod:`nb_label`'s agreement functions and label import take.

    Returns
    -------
    pandas.DataFrame
        Wide (default): 4,353 rows indexed by ``item_key`` (the corpus' integer request Id),
        with columns

        - ``text`` (str): the request;
        - ``community`` (str): always ``"Wikipedia"``;
        - ``normalized_score`` (float): the corpus' per-annotator-normalised mean score;
        - ``label`` (str): the paper's binary label, ``"polite"`` for the top quartile of
          ``normalized_score``, ``"impolite"`` for the bottom quartile, missing in between;
        - ``score1`` .. ``score5`` (int, 1..25): the ratings;
        - ``annotator1`` .. ``annotator5`` (str): who gave ``score1`` .. ``score5``, as stable
          pseudonyms ``"a001"`` .. ``"a219"``.

        Long: 21,765 rows with a ``RangeIndex`` and columns ``item_key`` (int), ``annotator``
        (str) and ``label`` (int, the rating 1..25), five consecutive rows per request.

        Each call returns a new copy, so changing it does not change later calls.

    Notes
    -----
    Source: Stanford Politeness Corpus, Wikipedia requests, with the crowd-worker ids replaced
    by pseudonyms. Licence: CC BY 4.0 (the request texts are Wikipedia content, CC BY-SA).
    Please cite:

    Danescu-Niculescu-Mizil, C., Sudhof, M., Jurafsky, D., Leskovec, J., Potts, C. "A
    computational approach to politeness with application to social factors". Proceedings
    of ACL 2013.

    Examples
    --------
    >>> from nb_label.datasets import politeness
    >>> politeness(long=True).columns.tolist()
    ['item_key', 'annotator', 'label']
    """
    if not isinstance(long, bool):
        raise ValueError(f"long must be True or False; got {long!r}.")
    return (_politeness_long_cached() if long else _politeness_wide_cached()).copy()


def digits() -> pd.DataFrame:
    """Load the handwritten digits as a DataFrame of 8x8 images.

    Returns
    -------
    pandas.DataFrame
        1,797 rows with a ``RangeIndex`` and columns ``image`` (an 8x8 ``uint8`` array of grey
        levels 0..16 per row) and ``target`` (int, the digit 0..9). The arrays are new on each
        call.

    Notes
    -----
    Bundled (``data/digits.csv.gz``, no download and no scikit-learn needed): the same 1,797
    images as :func:`sklearn.datasets.load_digits`, the test set of the UCI "Optical
    Recognition of Handwritten Digits" data, licence CC BY 4.0. Cite: Alpaydin, E., Kaynak,
    C. (1998), UCI Machine Learning Repository, DOI 10.24432/C50P49.
    """
    table = _digits_cached()
    pixels = table.drop(columns="target").to_numpy(dtype=np.uint8).reshape(-1, 8, 8)
    return pd.DataFrame({"image": list(pixels.copy()), "target": table["target"].copy()})


@functools.lru_cache(maxsize=1)
def _digits_cached() -> pd.DataFrame:
    table = _read_bundled_csv(DIGITS_FILE, compression="gzip", dtype="int64")
    if table.shape != (1797, 65):
        raise RuntimeError(f"the bundled digits.csv.gz has shape {table.shape}, not (1797, 65)")
    return table
