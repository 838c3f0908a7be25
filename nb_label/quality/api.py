"""Agreement and consensus for a labeller, a store's dataset, or a long-format DataFrame."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from nb_label.events import active
from nb_label.quality.agreement import AgreementReport, agreement_report
from nb_label.quality.consensus import MAX_ITER, TOL, dawid_skene, majority_vote


def source_events(source: Any, *, dataset: str | None = None) -> pd.DataFrame | None:
    """Every event of the source's dataset, or None when ``source`` is a long DataFrame.

    Parameters
    ----------
    source : Labeller, Store or DataFrame
        A labeller (its store and dataset), a store with ``dataset=``, or a long-format
        DataFrame (which has no events).
    dataset : str, optional
        The dataset's name, when ``source`` is a store.
    """
    from nb_label.store import Store

    if isinstance(source, pd.DataFrame):
        return None
    if isinstance(source, Store):
        if dataset is None:
            names = source.datasets()["name"].tolist()
            raise ValueError(f"pass dataset= with a store; it holds {names}")
        return source.events(dataset)
    if hasattr(source, "store") and hasattr(source, "dataset"):
        return source.store.events(source.dataset)
    raise ValueError("expected a Labeller, a Store with dataset=, or a long-format DataFrame")


def latest_events(events: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The latest event of ``kind`` per item that no retraction cancelled, oldest first.

    Used for gold labels (``"gold"``) and review decisions (``"decision"``): a later event
    for the same item replaces an earlier one, and retracting the latest brings back the one
    before it, as for answers.
    """
    kept = active(events, keep=(kind,))
    kept = kept[kept["item_key"].notna()]
    return kept.groupby("item_key", sort=False).tail(1)


def decisions_from_events(events: pd.DataFrame) -> pd.DataFrame:
    """Review decisions in force, indexed by item key: ``label``, ``note``, ``reviewer``,
    ``decided_at`` and ``event_id``.
    """
    from nb_label._keys import decode_key

    latest = latest_events(events, "decision")
    return pd.DataFrame(
        {
            "label": latest["value"].to_numpy(dtype=object),
            "note": latest["note"].to_numpy(dtype=object),
            "reviewer": latest["annotator"].to_numpy(dtype=object),
            "decided_at": pd.to_datetime(latest["committed_at"], utc=True).to_numpy(),
            "event_id": latest["id"].to_numpy(dtype=np.int64),
        },
        index=pd.Index([decode_key(k) for k in latest["item_key"]], name="item_key"),
    )


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

    events = source_events(source, dataset=dataset)
    return source if events is None else current_labels(events)


def agreement(
    source: Any,
    *,
    dataset: str | None = None,
    level: str | None = None,
    min_common: int = 10,
    order: Any = None,
) -> AgreementReport:
    """How far annotators agree: ``.overall``, ``.per_label``, ``.per_annotator``, ``.pairwise``.

    See :func:`nb_label.quality.agreement_report` for the measures.

    Parameters
    ----------
    source : Labeller, Store or DataFrame
        Whose answers to compare.
    dataset : str, optional
        The dataset's name, when ``source`` is a store.
    level : {"nominal", "ordinal", "interval"}, optional
        By default ``"ordinal"`` for a labeller whose answers are ratings (the steps in the
        scale's order) and ``"nominal"`` otherwise. On a long DataFrame, ordinal and
        interval alpha take the order from ``order=``, an ordered categorical label column,
        or numbers (numeric strings count as numbers).
    min_common : int, default 10
        Fewest items two annotators must share for a pairwise figure.
    order : sequence or nbl.Rating, optional
        The labels from lowest to highest, for a long DataFrame of text labels.

    Raises
    ------
    ValueError
        For multi-label, number and caption labellers (not supported: compare one label at
        a time from ``annotations["label=<name>"]`` instead), and for ``level="ordinal"``
        on text labels whose order is not given (the message says how to give it).
    """
    from nb_label.store import Store

    answer = getattr(source, "answer", None)
    kind = getattr(answer, "kind", "label")
    scale = list(getattr(answer, "scale", ()))
    if answer is None and isinstance(source, Store) and dataset is not None:
        stored = _stored_answer(source, dataset)  # a rating's scale is kept in the store
        kind, scale = stored.get("kind", "label"), list(stored.get("scale", ()))
    if kind in ("multi", "number", "caption"):
        raise ValueError(
            f"agreement() compares class answers; this labeller's are {kind} answers. "
            + (
                "For multi-label answers, compare one label at a time: build a long frame "
                "(item_key, annotator, label) from each annotator's annotations['label=<name>'] "
                "and pass it to nbl.agreement()"
                if kind == "multi"
                else "Compare numbers with level='interval' on a long frame of your own"
            )
        )
    labels = long_labels(source, dataset=dataset)
    if kind == "rating":
        level = level or "ordinal"
        if order is None:  # a given order names the steps themselves
            labels = _ranked(labels, scale)
    return agreement_report(labels, level=level or "nominal", min_common=min_common, order=order)


def _stored_answer(store: Any, dataset: str) -> dict:
    """The answer kind a dataset's label set was created for ({} for single labels)."""
    from nb_label.labelset import LabelSetLog

    log = LabelSetLog(store, dataset, annotator="")
    log.refresh(force=True)
    return log.answer or {}


def _ranked(labels: pd.DataFrame, scale: list) -> pd.DataFrame:
    """Ratings in the scale's order: named steps become their rank (1 = lowest)."""
    if all(isinstance(step, int) for step in scale) and scale == sorted(scale):
        return labels
    rank = {step: i + 1 for i, step in enumerate(scale)}
    ranked = labels.assign(label=labels["label"].map(rank))
    ranked = ranked[ranked["label"].notna()]
    return ranked.assign(label=ranked["label"].astype(np.int64)).reset_index(drop=True)


def consensus(
    source: Any,
    *,
    dataset: str | None = None,
    method: str = "majority",
    max_iter: int | None = None,
    tol: float | None = None,
) -> pd.DataFrame:
    """One label per item with a confidence, by ``"majority"`` vote or ``"dawid_skene"``.

    Items with a review decision (see :class:`nb_label.Review`) take the decided label with
    confidence 1.0; the column ``method`` says ``"review"`` for them and the algorithm's name
    for the others.

    Parameters
    ----------
    source : Labeller, Store or DataFrame
        Whose answers to combine: a labeller, a store with ``dataset=`` (the dataset's
        name), or a long DataFrame (``item_key``, ``annotator``, ``label``).
    dataset : str, optional
        With a store: which of its datasets.
    method : {"majority", "dawid_skene"}
        A plain vote, or Dawid and Skene's EM, which weighs each annotator by their
        estimated confusion matrix.
    max_iter : int, optional
        Most EM iterations for ``"dawid_skene"`` (default 500); a UserWarning says when
        they ran out before convergence.
    tol : float, optional
        Relative log-likelihood gain below which EM stops (default 1e-6).

    Returns
    -------
    DataFrame
        Indexed by ``item_key``: ``label``, ``confidence`` and ``method`` (plus
        ``n_answers`` and ``tie`` for a vote). For Dawid–Skene, ``.attrs`` reports the fit:
        ``n_iter`` (iterations run), ``converged``, ``log_likelihood``, ``max_iter``,
        ``tol``, and ``annotators`` (the per-annotator quality estimates, see
        :func:`nb_label.quality.dawid_skene`).
    """
    if method not in ("majority", "dawid_skene"):
        raise ValueError(f"method must be 'majority' or 'dawid_skene', not {method!r}")
    if method == "majority" and (max_iter is not None or tol is not None):
        raise ValueError(
            "max_iter and tol tune the EM of method='dawid_skene'; a majority vote has none"
        )
    events = source_events(source, dataset=dataset)
    answers = source if events is None else _current_labels(events)
    if method == "majority":
        items = majority_vote(answers)
    else:
        items, annotators = dawid_skene(
            answers,
            max_iter=MAX_ITER if max_iter is None else max_iter,
            tol=TOL if tol is None else tol,
        )
        items.attrs["annotators"] = annotators
    items["method"] = method
    if events is not None:
        items = _apply_decisions(items, decisions_from_events(events))
    return items


def _current_labels(events: pd.DataFrame) -> pd.DataFrame:
    from nb_label.results import current_labels

    return current_labels(events)


def _apply_decisions(items: pd.DataFrame, decided: pd.DataFrame) -> pd.DataFrame:
    if decided.empty:
        return items
    attrs = dict(items.attrs)
    # A decided item nobody answered yet still gets its row (with no answers counted).
    new = decided.index.difference(items.index, sort=False)
    if len(new):
        extra = pd.DataFrame(index=pd.Index(new, name=items.index.name))
        if "n_answers" in items:
            extra["n_answers"] = 0
        if "tie" in items:
            extra["tie"] = False
        items = pd.concat([items, extra])
        for column in ("n_answers",):
            if column in items:
                items[column] = items[column].astype(np.int64)
        if "tie" in items:
            items["tie"] = items["tie"].astype(bool)
    dtype = items["label"].dtype
    labels = items["label"].astype(object)
    labels.loc[decided.index] = decided["label"].to_numpy(dtype=object)
    try:
        items["label"] = labels.astype(dtype)
    except (TypeError, ValueError):  # a decided label of another type than the answers
        items["label"] = labels
    items.loc[decided.index, "confidence"] = 1.0
    items.loc[decided.index, "method"] = "review"
    items.attrs = attrs
    return items
