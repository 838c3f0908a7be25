"""Check and normalise long-format answers: one row per (item_key, annotator, label)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

REQUIRED_COLUMNS = ("item_key", "annotator", "label")


def as_long(long_df: pd.DataFrame) -> pd.DataFrame:
    """Return the three answer columns of ``long_df``, checked and without missing labels.

    Raises ``ValueError`` for missing columns, an empty frame or several answers by one
    annotator to one item. Rows whose label is missing are dropped with a warning that
    says how many.
    """
    if not isinstance(long_df, pd.DataFrame):
        raise ValueError(
            "Expected a pandas DataFrame in long form with columns "
            f"{list(REQUIRED_COLUMNS)}; got {type(long_df).__name__}."
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in long_df.columns]
    if missing:
        raise ValueError(
            f"The answers lack the column(s) {missing}. Pass one row per answer with columns "
            f"{list(REQUIRED_COLUMNS)} (e.g. from df.melt or the store's answer table)."
        )
    answers = long_df.loc[:, list(REQUIRED_COLUMNS)].reset_index(drop=True)
    for column in ("item_key", "annotator"):
        if answers[column].isna().any():
            raise ValueError(f"Column {column!r} holds missing values; every answer needs one.")
    unlabelled = answers["label"].isna()
    if unlabelled.any():
        # A missing label is "no answer", which every metric here already handles.
        warnings.warn(
            f"Dropped {int(unlabelled.sum())} answer(s) with a missing label.",
            UserWarning,
            stacklevel=3,
        )
        answers = answers.loc[~unlabelled].reset_index(drop=True)
    if answers.empty:
        raise ValueError("There are no answers: pass at least one labelled row.")
    repeated = answers.duplicated(["item_key", "annotator"], keep=False)
    if repeated.any():
        pairs = answers.loc[repeated, ["item_key", "annotator"]].drop_duplicates()
        shown = ", ".join(f"({k!r}, {a!r})" for k, a in pairs.head(5).itertuples(index=False))
        more = f" and {len(pairs) - 5} more" if len(pairs) > 5 else ""
        raise ValueError(
            f"{len(pairs)} (item_key, annotator) pair(s) have several answers: {shown}{more}. "
            "Pass one answer per annotator and item (e.g. each person's current label)."
        )
    return answers


def sorted_unique(values: pd.Series) -> np.ndarray:
    """Distinct values in sorted order, or in order of appearance when they do not sort."""
    uniques = pd.unique(values)
    try:
        return np.asarray(sorted(uniques), dtype=object)
    except TypeError:
        return np.asarray(uniques, dtype=object)


def as_numbers(values: Any) -> np.ndarray | None:
    """``values`` as floats when every one is a number or a numeric string, else None."""
    plain = pd.Series(np.asarray(values, dtype=object), dtype=object)
    if plain.map(lambda v: isinstance(v, bool)).any():
        return None  # True/False are yes/no answers, not a scale
    numbers = pd.to_numeric(plain, errors="coerce")
    return None if numbers.isna().any() else numbers.to_numpy(dtype=float)


def label_order(labels: pd.Series) -> tuple[np.ndarray, bool]:
    """The distinct labels in their scale's order, and whether they have a scale at all.

    An ordered categorical gives its categories' order; numbers and numeric strings are
    ordered by value (so ``"10"`` comes after ``"9"``). Other labels have no order: they
    are sorted only so that results are reproducible.
    """
    if isinstance(labels.dtype, pd.CategoricalDtype):
        present = labels.cat.remove_unused_categories().cat.categories
        if labels.cat.ordered:
            return np.asarray(present, dtype=object), True
        uniques = np.asarray(present, dtype=object)
    else:
        uniques = np.asarray(pd.unique(labels), dtype=object)
    numbers = as_numbers(uniques)
    if numbers is not None:
        return uniques[np.argsort(numbers, kind="stable")], True
    return sorted_unique(pd.Series(uniques, dtype=object)), False


def with_order(answers: pd.DataFrame, order: Any) -> pd.DataFrame:
    """``answers`` with labels as an ordered categorical over ``order`` (lowest first).

    ``order`` is a sequence of labels or a rating scale (anything with ``.scale``, such as
    :class:`nb_label.Rating`). A label outside it is an error that names it.
    """
    steps = list(getattr(order, "scale", order))
    if len(set(steps)) != len(steps):
        raise ValueError(f"order= must list each label once; got {steps!r}.")
    outside = pd.unique(answers["label"][~answers["label"].isin(steps)])
    if len(outside):
        shown = ", ".join(repr(v) for v in outside[:5])
        raise ValueError(
            f"{len(outside)} label(s) are not in order={steps!r}: {shown}. "
            "List every label, lowest first."
        )
    labels = pd.Categorical(answers["label"], categories=steps, ordered=True)
    return answers.assign(label=labels)


@dataclass(frozen=True)
class CodedAnswers:
    """Answers as integer codes, the shape every computation here works on."""

    item: np.ndarray  # code of the item of each answer
    annotator: np.ndarray
    label: np.ndarray
    items: pd.Index  # item keys, in order of first appearance
    annotators: pd.Index  # sorted when sortable
    labels: pd.Index  # in the scale's order, else sorted when sortable
    ordered: bool = False  # whether ``labels`` follow a scale (see label_order)

    @property
    def counts(self) -> np.ndarray:
        """Items x labels matrix: how many annotators gave each label to each item."""
        n_items, n_labels = len(self.items), len(self.labels)
        flat = np.bincount(self.item * n_labels + self.label, minlength=n_items * n_labels)
        return flat.reshape(n_items, n_labels)


def code_answers(answers: pd.DataFrame) -> CodedAnswers:
    """Turn checked answers (from :func:`as_long`) into integer codes."""
    item_codes, items = pd.factorize(answers["item_key"], sort=False)
    annotators = sorted_unique(answers["annotator"])
    labels, ordered = label_order(answers["label"])
    annotator_index = pd.Index(annotators, dtype=answers["annotator"].dtype, name="annotator")
    label_index = pd.Index(labels, dtype=answers["label"].dtype, name="label")
    return CodedAnswers(
        item=np.asarray(item_codes, dtype=np.intp),
        annotator=np.asarray(annotator_index.get_indexer(answers["annotator"]), dtype=np.intp),
        label=np.asarray(label_index.get_indexer(answers["label"]), dtype=np.intp),
        items=pd.Index(items, name="item_key"),
        annotators=annotator_index,
        labels=label_index,
        ordered=ordered,
    )
