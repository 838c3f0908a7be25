"""Gold items: items whose label is known, and how often each annotator gets them right.

An instructor marks gold items (``Labeller.mark_gold``); they are stored as events of kind
``"gold"`` and never count as anyone's answer, so agreement figures do not see them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from nb_label._keys import decode_key
from nb_label.quality.api import latest_events, long_labels, source_events

__all__ = ["gold_accuracy", "gold_labels"]

_ACCURACY_COLUMNS = ["n_gold", "correct", "accuracy"]


def gold_from_events(events: pd.DataFrame) -> pd.Series:
    """The known label of every gold item in a store's events (see :func:`gold_labels`)."""
    latest = latest_events(events, "gold")
    return pd.Series(
        list(latest["value"]),
        index=pd.Index([decode_key(k) for k in latest["item_key"]], name="item_key"),
        name="gold",
        dtype=object if latest.empty else None,
    )


def gold_labels(source: Any, *, dataset: str | None = None) -> pd.Series:
    """The known label of each gold item.

    Parameters
    ----------
    source : Labeller or Store
        A labeller (its store and dataset) or a store with ``dataset=``.
    dataset : str, optional
        The dataset's name, when ``source`` is a store.

    Returns
    -------
    pandas.Series
        Indexed by ``item_key``, named ``"gold"``, in the order the items were first marked.
        The latest gold event of an item wins; retracted ones do not count. Empty when no
        item is gold.

    Examples
    --------
    >>> lab.mark_gold(pd.Series({17: "spam", 42: "ham"}))
    >>> gold_labels(lab)
    """
    events = source_events(source, dataset=dataset)
    if events is None:
        raise ValueError(
            "gold labels are read from a store: pass a Labeller or a Store with dataset= "
            "(with long-format answers, pass the known labels to gold_accuracy(gold=...))"
        )
    return gold_from_events(events)


def gold_accuracy(
    source: Any, *, dataset: str | None = None, gold: pd.Series | None = None
) -> pd.DataFrame:
    """How often each annotator's current label matches the known label of gold items.

    Parameters
    ----------
    source : Labeller, Store or DataFrame
        A labeller, a store with ``dataset=``, or long-format answers (columns ``item_key``,
        ``annotator``, ``label``).
    dataset : str, optional
        The dataset's name, when ``source`` is a store.
    gold : pandas.Series, optional
        Known labels indexed by item key. Read from the store's gold events by default;
        required when ``source`` is a DataFrame.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``annotator`` (every annotator with an answer), with ``n_gold`` (gold
        items they answered), ``correct`` and ``accuracy`` (``correct / n_gold``, NaN when
        they answered no gold item). Sorted by annotator.
    """
    if gold is None:
        if isinstance(source, pd.DataFrame):
            raise ValueError(
                "with long-format answers pass gold= (a Series of known labels indexed by "
                "item_key); gold events are only read from a Labeller or a Store"
            )
        gold = gold_labels(source, dataset=dataset)
    elif not isinstance(gold, pd.Series):
        raise ValueError("gold= must be a pandas Series of known labels indexed by item_key")
    if not gold.index.is_unique:
        raise ValueError("gold= has repeated item keys; give one known label per item")
    return accuracy_against(long_labels(source, dataset=dataset), gold)


def accuracy_against(answers: pd.DataFrame, gold: pd.Series) -> pd.DataFrame:
    """Per-annotator ``n_gold``, ``correct`` and ``accuracy`` of long answers against ``gold``."""
    annotators = sorted(pd.unique(answers["annotator"])) if len(answers) else []
    index = pd.Index(annotators, dtype=object, name="annotator")
    if len(answers) == 0:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in _ACCURACY_COLUMNS}, index=index)
    known = gold.dropna()
    on_gold = answers[answers["item_key"].isin(known.index)]
    expected = known.reindex(on_gold["item_key"]).to_numpy(dtype=object)
    given = on_gold["label"].to_numpy(dtype=object)
    # Compare value by value, and keep True apart from 1 (labels keep their own type).
    matches = np.fromiter(
        (
            bool(a == b) and isinstance(a, bool) == isinstance(b, bool)
            for a, b in zip(_plain(given), _plain(expected), strict=True)
        ),
        dtype=bool,
        count=len(given),
    )
    n_gold = on_gold.groupby("annotator").size().reindex(index, fill_value=0)
    correct = pd.Series(matches, index=on_gold.index).groupby(on_gold["annotator"]).sum()
    correct = correct.reindex(index, fill_value=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = correct.to_numpy(dtype=float) / n_gold.to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "n_gold": n_gold.to_numpy(dtype=np.int64),
            "correct": correct.to_numpy(dtype=np.int64),
            "accuracy": accuracy,
        },
        index=index,
    )


def _plain(values: np.ndarray) -> list:
    """numpy scalars as Python values, so that a numpy bool counts as a bool."""
    return [v.item() if isinstance(v, np.generic) else v for v in values]
