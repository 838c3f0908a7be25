"""Agreement and consensus for a labeller, a store's dataset, or a long-format DataFrame."""

from __future__ import annotations

from typing import Any

import pandas as pd

from nb_label.quality.agreement import AgreementReport, agreement_report
from nb_label.quality.consensus import dawid_skene, majority_vote


def long_labels(source: Any, *, dataset: str | None = None) -> pd.DataFrame:
    """Current labels in long form (``item_key``, ``annotator``, ``label``).

    Parameters
    ----------
    source : Labeller, Store or DataFrame
        A labeller (its dataset, every annotator), a store with ``dataset=``, or a long-format
        DataFrame (returned as is).
    dataset : str, optional
        The dataset's name, when ``source`` is a store.
    """
    from nb_label.results import current_labels
    from nb_label.store import Store

    if isinstance(source, pd.DataFrame):
        return source
    if isinstance(source, Store):
        if dataset is None:
            names = source.datasets()["name"].tolist()
            raise ValueError(f"pass dataset= with a store; it holds {names}")
        return current_labels(source.events(dataset))
    if hasattr(source, "store") and hasattr(source, "dataset"):
        return current_labels(source.store.events(source.dataset))
    raise ValueError("expected a Labeller, a Store with dataset=, or a long-format DataFrame")


def agreement(
    source: Any, *, dataset: str | None = None, level: str = "nominal", min_common: int = 10
) -> AgreementReport:
    """How far annotators agree: ``.overall``, ``.per_label``, ``.per_annotator``, ``.pairwise``.

    See :func:`nb_label.quality.agreement_report` for the measures.
    """
    return agreement_report(
        long_labels(source, dataset=dataset), level=level, min_common=min_common
    )


def consensus(
    source: Any, *, dataset: str | None = None, method: str = "majority"
) -> pd.DataFrame:
    """One label per item with a confidence, by ``"majority"`` vote or ``"dawid_skene"``.

    For Dawid–Skene the per-annotator quality estimates are in ``result.attrs["annotators"]``.
    """
    answers = long_labels(source, dataset=dataset)
    if method == "majority":
        return majority_vote(answers)
    if method == "dawid_skene":
        items, annotators = dawid_skene(answers)
        items.attrs["annotators"] = annotators
        return items
    raise ValueError(f"method must be 'majority' or 'dawid_skene', not {method!r}")
