"""How much the model's suggestions sway the answers (automation bias), measured.

``ActiveLoop(..., control=0.1)`` withholds the suggestion on a random tenth of the items it
suggests on, and each answer records the suggestion, shown or withheld. Because the control
items are drawn at random from the same rounds, comparing them with the suggested items
measures what showing the suggestion does: annotators who follow suggestions they should
not agree more with the model and less with the reference on the suggested items.

Only answers between the first and the last control answer are compared, so both groups
come from the same rounds, and never from before a model existed (those answers carry no
suggestion). Intervals are Wilson score intervals for shares, Newcombe's hybrid interval for
a difference of shares, and normal intervals (Welch) for seconds.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from nb_label._keys import decode_key
from nb_label.quality.api import decisions_from_events, source_events
from nb_label.quality.gold import gold_from_events
from nb_label.results import active_answers

__all__ = ["SuggestionEffect", "suggestion_effect"]

_MEASURES = ("agreement with reference", "agreement with model", "seconds per answer")
_COLUMNS = [
    "suggested", "suggested_low", "suggested_high", "n_suggested",
    "control", "control_low", "control_high", "n_control",
    "difference", "difference_low", "difference_high",
]  # fmt: skip


@dataclass
class SuggestionEffect:
    """Suggested items against control items of the same rounds.

    Attributes
    ----------
    table : DataFrame
        One row per measure (agreement with the reference, agreement with the model,
        seconds per answer): each group's value, its interval and the number of answers it
        rests on, and the difference suggested minus control with its interval. NaN where a
        group has no answer to measure.
    summary : str
        What the figures say, in words; it says so plainly when there is too little data.
    reference : str
        What the answers were compared with.
    enough_data : bool
        Whether both groups reach ``min_answers``.
    """

    table: pd.DataFrame
    summary: str
    reference: str
    enough_data: bool

    def __repr__(self) -> str:
        return f"{self.summary}\n\n{self.table.to_string()}"

    def _repr_html_(self) -> str:
        from html import escape

        return f"<p>{escape(self.summary)}</p>{self.table.to_html()}"


def suggestion_effect(
    source: Any,
    reference: pd.Series | str | None = None,
    *,
    dataset: str | None = None,
    confidence: float = 0.95,
    min_answers: int = 30,
) -> SuggestionEffect:
    """Compare answers given with the model's suggestion shown to control answers.

    Parameters
    ----------
    source : Labeller or Store
        A labeller (its dataset, every annotator), or a store with ``dataset=``.
    reference : pandas.Series, {"gold", "review", "consensus"} or None
        What a right answer is: a Series of labels indexed by item key, the gold items,
        the review decisions, or the majority of the *other* annotators of the item. By
        default gold items and review decisions (a decision wins), and the others'
        majority when there are neither.
    dataset : str, optional
        The dataset's name, when ``source`` is a store.
    confidence : float, default 0.95
        The intervals' confidence level.
    min_answers : int, default 30
        Fewer answers than this in either group is too little data, and the summary says so.

    Returns
    -------
    SuggestionEffect
        ``table`` (the figures with intervals and counts) and ``summary`` (in words).

    Examples
    --------
    >>> loop = nbl.ActiveLoop(lab, model, features="text", control=0.2)
    >>> nbl.simulate(lab, df["label"], n=300, loop=loop, follows_suggestion=0.5)
    >>> nbl.quality.suggestion_effect(lab, df["label"])
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, e.g. 0.95; got {confidence!r}")
    events = source_events(source, dataset=dataset)
    if events is None:
        raise ValueError(
            "suggestion_effect reads the answers' suggestions from a store: pass a Labeller or "
            "a Store with dataset="
        )
    answers = _current_answers(events)
    truth, described = _reference(reference, events)
    answers["right"] = _agrees(answers["label"], truth(answers))
    groups = _groups(answers)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    rows = {
        "agreement with reference": _share_row(groups, "right", z),
        "agreement with model": _share_row(groups, "model", z),
        "seconds per answer": _mean_row(groups, z),
    }
    table = pd.DataFrame.from_dict(rows, orient="index", columns=_COLUMNS).loc[list(_MEASURES)]
    table.attrs["confidence"] = confidence
    n_control, n_suggested = len(groups["control"]), len(groups["suggested"])
    enough = min(n_control, n_suggested) >= min_answers
    summary = _summary(table, n_control, n_suggested, enough, min_answers, described, confidence)
    return SuggestionEffect(table=table, summary=summary, reference=described, enough_data=enough)


def _current_answers(events: pd.DataFrame) -> pd.DataFrame:
    """Each annotator's current label per item, with the suggestion it was given with."""
    labels = active_answers(events)
    labels = labels[labels["kind"] == "label"]
    latest = labels.groupby(["item_key", "annotator"], sort=False).tail(1)
    withheld = latest.get("suggestion_withheld", pd.Series(pd.NA, index=latest.index))
    return pd.DataFrame(
        {
            "item_key": [decode_key(k) for k in latest["item_key"]],
            "annotator": latest["annotator"].to_numpy(dtype=object),
            "label": latest["value"].to_numpy(dtype=object),
            "suggestion": latest["suggestion"].to_numpy(dtype=object),
            "withheld": withheld.fillna(False).astype(bool).to_numpy(),
            "seconds": pd.to_numeric(latest["seconds"]).to_numpy(dtype=float),
            "at": pd.to_datetime(latest["committed_at"], utc=True).to_numpy(),
        }
    )


def _groups(answers: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Control answers and suggested answers between the first and the last control one."""
    has_suggestion = answers["suggestion"].notna()
    control = answers[has_suggestion & answers["withheld"]]
    if control.empty:
        suggested = control
    else:
        within = answers["at"].between(control["at"].min(), control["at"].max())
        suggested = answers[has_suggestion & ~answers["withheld"] & within]
    return {
        name: frame.assign(model=_agrees(frame["label"], frame["suggestion"]))
        for name, frame in (("control", control), ("suggested", suggested))
    }


def _same(a: Any, b: Any) -> bool | float:
    if a is None or (not isinstance(a, list) and pd.isna(a)):
        return np.nan
    if b is None or (not isinstance(b, list) and pd.isna(b)):
        return np.nan
    if isinstance(a, list) or isinstance(b, list):  # multi-label answers: the same set
        return set(a if isinstance(a, list) else [a]) == set(b if isinstance(b, list) else [b])
    return bool(a == b)


def _agrees(labels: pd.Series, other: pd.Series | np.ndarray) -> np.ndarray:
    return np.array(
        [_same(a, b) for a, b in zip(labels, list(other), strict=True)], dtype=float
    ).reshape(-1)


def _reference(reference: Any, events: pd.DataFrame) -> tuple[Any, str]:
    """A function of the answers giving each one's right label (NaN if unknown), and its name."""
    if isinstance(reference, pd.Series):
        return _lookup(reference), "the given labels"
    if reference not in (None, "gold", "review", "consensus"):
        raise ValueError(
            "reference= is a Series of labels indexed by item key, 'gold', 'review', "
            f"'consensus' or None; got {reference!r}"
        )
    known = pd.Series(dtype=object)
    if reference in (None, "gold"):
        known = gold_from_events(events)
    if reference in (None, "review"):
        decided = decisions_from_events(events)["label"]
        kept = known[~known.index.isin(decided.index)]
        # concat of an empty part: pandas 2 warns its dtype will count in a later version
        known = (
            pd.concat([kept, decided])
            if len(kept) and len(decided)
            else (decided if len(decided) else kept)
        )
    if reference in ("gold", "review") or (reference is None and len(known)):
        names = {"gold": "gold items", "review": "review decisions"}
        return _lookup(known), names.get(reference, "gold items and review decisions")
    return _others_majority, "the majority of the other annotators of the item"


def _lookup(known: pd.Series) -> Any:
    known = known[~known.index.duplicated(keep="last")]

    def right(answers: pd.DataFrame) -> list:
        return [known.get(k, np.nan) for k in answers["item_key"]]

    return right


def _others_majority(answers: pd.DataFrame) -> list:
    """Per answer: the most common label among the other annotators of its item."""
    by_item: dict[Hashable, list] = {}
    for key, label in zip(answers["item_key"], answers["label"], strict=True):
        by_item.setdefault(key, []).append(_hashable(label))
    out = []
    for key, label in zip(answers["item_key"], answers["label"], strict=True):
        others = list(by_item[key])
        others.remove(_hashable(label))
        if not others:
            out.append(np.nan)
            continue
        counts = pd.Series(others).value_counts()
        top = counts.index[counts == counts.max()]
        out.append(top[0] if len(top) == 1 else np.nan)  # a tie names no right label
    return [list(v) if isinstance(v, tuple) else v for v in out]


def _hashable(label: Any) -> Any:
    return tuple(sorted(label, key=str)) if isinstance(label, list) else label


def _wilson(successes: float, n: int, z: float) -> tuple[float, float, float]:
    if n == 0:
        return np.nan, np.nan, np.nan
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return p, centre - half, centre + half


def _share_row(groups: dict[str, pd.DataFrame], column: str, z: float) -> list:
    stats = {}
    for name in ("suggested", "control"):
        values = groups[name][column].to_numpy(dtype=float)
        values = values[~np.isnan(values)]
        stats[name] = (*_wilson(values.sum(), len(values), z), len(values))
    (p1, l1, u1, n1), (p2, l2, u2, n2) = stats["suggested"], stats["control"]
    if n1 and n2:  # Newcombe's hybrid score interval for p1 - p2
        d = p1 - p2
        low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    else:
        d = low = high = np.nan
    return [p1, l1, u1, n1, p2, l2, u2, n2, d, low, high]


def _mean_row(groups: dict[str, pd.DataFrame], z: float) -> list:
    stats = {}
    for name in ("suggested", "control"):
        values = groups[name]["seconds"].to_numpy(dtype=float)
        values = values[~np.isnan(values)]
        n = len(values)
        mean = float(values.mean()) if n else np.nan
        var = float(values.var(ddof=1)) if n > 1 else np.nan
        half = z * math.sqrt(var / n) if n > 1 else np.nan
        stats[name] = (mean, mean - half, mean + half, n, var)
    (m1, l1, u1, n1, v1), (m2, l2, u2, n2, v2) = stats["suggested"], stats["control"]
    if n1 > 1 and n2 > 1:
        half = z * math.sqrt(v1 / n1 + v2 / n2)
        d, low, high = m1 - m2, m1 - m2 - half, m1 - m2 + half
    else:
        d = low = high = np.nan
    return [m1, l1, u1, n1, m2, l2, u2, n2, d, low, high]


def _summary(
    table: pd.DataFrame,
    n_control: int,
    n_suggested: int,
    enough: bool,
    min_answers: int,
    reference: str,
    confidence: float,
) -> str:
    counts = f"{n_suggested} answers with the suggestion shown, {n_control} control answers"
    if not n_control:
        return (
            f"Too little data: no control answers ({counts}). Run the loop with control=, "
            "e.g. ActiveLoop(..., control=0.1), so some items show no suggestion."
        )
    if not enough:
        return (
            f"Too little data: {counts}; at least {min_answers} of each are needed before the "
            "difference means anything. Label more, or raise control=."
        )
    parts = [f"{counts} (the same rounds), against {reference}."]
    level = f"{confidence:.0%}"
    for measure in ("agreement with model", "agreement with reference"):
        row = table.loc[measure]
        if np.isnan(row["difference"]):
            parts.append(f"{measure.capitalize()}: not measurable (no answer has one).")
            continue
        sure = row["difference_low"] > 0 or row["difference_high"] < 0
        parts.append(
            f"{measure.capitalize()}: {row['suggested']:.1%} with the suggestion shown, "
            f"{row['control']:.1%} without, a difference of {100 * row['difference']:+.1f} "
            f"points ({level} interval {100 * row['difference_low']:+.1f} to "
            f"{100 * row['difference_high']:+.1f}"
            + ("" if sure else "; it may be no difference at all")
            + ")."
        )
    seconds = table.loc["seconds per answer"]
    if np.isnan(seconds["difference"]):
        parts.append("Seconds per answer: not measurable (too few answers have a time).")
    else:
        parts.append(
            f"Seconds per answer: {seconds['suggested']:.1f} shown, {seconds['control']:.1f} "
            f"without ({level} interval of the difference {seconds['difference_low']:+.1f} to "
            f"{seconds['difference_high']:+.1f})."
        )
    model, right = table.loc["agreement with model"], table.loc["agreement with reference"]
    if model["difference_low"] > 0 and right["difference_high"] < 0:
        parts.append(
            "Annotators follow the suggestions beyond what the items warrant: the shown "
            "suggestions pull answers towards the model and away from the reference."
        )
    return " ".join(parts)
