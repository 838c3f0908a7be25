"""How far annotators agree: Cohen's and Fleiss' kappa, Krippendorff's alpha, reports.

Answers come in long form, one row per answer with columns ``item_key``, ``annotator`` and
``label``. The functions follow scikit-learn's metrics: data positional, options keyword-only.

Over 400 lines because it is a catalogue: each coefficient is one short function beside its
report, and a reader compares them side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from nb_label.quality._long import (
    CodedAnswers,
    as_long,
    as_numbers,
    code_answers,
    label_order,
    with_order,
)

Level = Literal["nominal", "ordinal", "interval"]
Weights = Literal["linear", "quadratic"] | None

LEVELS = ("nominal", "ordinal", "interval")

__all__ = [
    "AgreementReport",
    "agreement_report",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "pairwise_agreement",
]


# ---------------------------------------------------------------- Cohen's kappa


def _kappa_from_confusion(confusion: np.ndarray, weights: Weights = None) -> float:
    """Cohen's kappa from a confusion matrix whose rows and columns follow the label order."""
    total = confusion.sum()
    expected = np.outer(confusion.sum(axis=1), confusion.sum(axis=0)) / total
    positions = np.arange(confusion.shape[0])
    if weights is None:
        disagreement = 1.0 - np.eye(confusion.shape[0])
    elif weights == "linear":
        disagreement = np.abs(positions[:, None] - positions[None, :]).astype(float)
    else:
        disagreement = (positions[:, None] - positions[None, :]).astype(float) ** 2
    expected_disagreement = (disagreement * expected).sum()
    if expected_disagreement == 0:
        # Both raters used one and the same label throughout: chance explains everything.
        return float("nan")
    return float(1.0 - (disagreement * confusion).sum() / expected_disagreement)


def cohen_kappa(
    y1: Sequence | np.ndarray | pd.Series,
    y2: Sequence | np.ndarray | pd.Series,
    *,
    labels: Sequence | None = None,
    weights: Weights = None,
) -> float:
    """Cohen's kappa between two annotators' labels for the same items.

    Gives the same result as :func:`sklearn.metrics.cohen_kappa_score`.

    Parameters
    ----------
    y1, y2 : array-like of shape (n_items,)
        The two annotators' labels, aligned item by item.
    labels : sequence, optional
        Labels to use, in order (the order matters for weighted kappa). Pairs with a label
        outside this list are ignored. By default the union of both sequences in the
        scale's order: an ordered categorical's categories, numbers (and numeric strings)
        by value, other labels sorted.
    weights : {None, "linear", "quadratic"}
        Disagreement weights by distance between label positions; None counts every
        disagreement as 1.

    Returns
    -------
    float
        Kappa in [-1, 1]; NaN when chance agreement is perfect (one label throughout).
    """
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic'; got {weights!r}.")
    if labels is None:
        labels = _scale_of(y1, y2)
    first, second = (
        pd.Series(np.asarray(y1, dtype=object)),
        pd.Series(np.asarray(y2, dtype=object)),
    )
    if len(first) != len(second):
        raise ValueError(
            f"y1 and y2 must label the same items: got {len(first)} and {len(second)} labels."
        )
    if first.isna().any() or second.isna().any():
        raise ValueError(
            "y1 or y2 holds missing labels; keep only the items both annotators labelled."
        )
    label_index = pd.Index(list(labels), dtype=object)
    if label_index.has_duplicates:
        raise ValueError("labels must not repeat a label.")
    codes1 = label_index.get_indexer(first)
    codes2 = label_index.get_indexer(second)
    kept = (codes1 >= 0) & (codes2 >= 0)
    if not kept.any():
        raise ValueError("No item has both labels among `labels`; there is nothing to compare.")
    n_labels = len(label_index)
    confusion = np.bincount(
        codes1[kept] * n_labels + codes2[kept], minlength=n_labels * n_labels
    ).reshape(n_labels, n_labels)
    return _kappa_from_confusion(confusion, weights)


def _scale_of(*sequences: Sequence | np.ndarray | pd.Series) -> np.ndarray:
    """The labels of all ``sequences`` in order; an ordered categorical's order comes first."""
    both = pd.Series(
        np.concatenate([np.asarray(values, dtype=object) for values in sequences]), dtype=object
    ).dropna()
    for values in sequences:
        dtype = getattr(values, "dtype", None)
        if isinstance(dtype, pd.CategoricalDtype) and dtype.ordered:
            return label_order(with_order(both.to_frame("label"), dtype.categories)["label"])[0]
    return label_order(both)[0]


# ---------------------------------------------------------------- Fleiss' kappa


def fleiss_kappa(long_df: pd.DataFrame) -> float:
    """Fleiss' kappa for items that all received the same number of answers.

    Parameters
    ----------
    long_df : DataFrame
        One row per answer with columns ``item_key``, ``annotator`` and ``label``.

    Returns
    -------
    float
        Fleiss' kappa; NaN when every answer carries the same label.

    Raises
    ------
    ValueError
        When items received different numbers of answers (the message names them);
        :func:`krippendorff_alpha` handles that case.
    """
    return _fleiss_from_counts(code_answers(as_long(long_df)))


def _fleiss_from_counts(coded: CodedAnswers) -> float:
    counts = coded.counts
    per_item = counts.sum(axis=1)
    values, frequency = np.unique(per_item, return_counts=True)
    if len(values) > 1:
        usual = values[np.argmax(frequency)]
        odd = np.flatnonzero(per_item != usual)
        shown = ", ".join(f"{coded.items[i]!r} has {per_item[i]}" for i in odd[:5])
        more = f" and {len(odd) - 5} more" if len(odd) > 5 else ""
        raise ValueError(
            "fleiss_kappa needs the same number of answers for every item, but "
            f"{len(odd)} item(s) differ from the usual {usual}: {shown}{more}. "
            "Use krippendorff_alpha, which handles unequal and missing answers."
        )
    n_raters = int(values[0])
    if n_raters < 2:
        raise ValueError("fleiss_kappa needs at least two answers per item.")
    n_items = counts.shape[0]
    label_share = counts.sum(axis=0) / (n_items * n_raters)
    item_agreement = ((counts * counts).sum(axis=1) - n_raters) / (n_raters * (n_raters - 1))
    observed, chance = item_agreement.mean(), float((label_share**2).sum())
    if chance == 1.0:
        return float("nan")
    return float((observed - chance) / (1.0 - chance))


# ---------------------------------------------------------------- Krippendorff's alpha


def _coincidence(counts: np.ndarray) -> np.ndarray:
    """Krippendorff's coincidence matrix from an items x values count matrix.

    Each item with m >= 2 answers adds its ordered pairs of answers, weighted 1 / (m - 1).
    """
    per_item = counts.sum(axis=1)
    pairable = counts[per_item >= 2].astype(float)
    weighted = pairable / (per_item[per_item >= 2] - 1)[:, None]
    return weighted.T @ pairable - np.diag(weighted.sum(axis=0))


def _distance(level: Level, value_totals: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Squared difference function delta^2(c, k) of Krippendorff's alpha for ``level``."""
    if level == "nominal":
        return 1.0 - np.eye(len(value_totals))
    if level == "ordinal":
        # sum_{g=c..k} n_g - (n_c + n_k)/2 is the gap between the values' mid-ranks.
        mid_rank = np.cumsum(value_totals) - value_totals / 2.0
        return (mid_rank[:, None] - mid_rank[None, :]) ** 2
    return (values[:, None] - values[None, :]) ** 2


def _alpha_from_coincidence(coincidence: np.ndarray, distance: np.ndarray) -> float:
    value_totals = coincidence.sum(axis=1)
    n_pairable = value_totals.sum()
    observed = (coincidence * distance).sum() / n_pairable
    expected = (np.outer(value_totals, value_totals) * distance).sum() / (
        n_pairable * (n_pairable - 1)
    )
    if expected == 0:
        # One value only: agreement cannot be told apart from chance.
        return float("nan")
    return float(1.0 - observed / expected)


def _numeric_values(labels: pd.Index, level: Level) -> np.ndarray:
    if level != "interval":
        return np.arange(len(labels), dtype=float)
    numbers = as_numbers(labels)
    if numbers is None:
        raise ValueError(
            "level='interval' needs numeric labels (numbers or numeric strings); use "
            "level='ordinal' for ordered categories or level='nominal' for unordered ones."
        )
    return numbers


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}; got {level!r}.")


def _coded(long_df: pd.DataFrame, level: Level, order: Sequence | None) -> CodedAnswers:
    """Checked, coded answers; ordinal alpha on labels without a scale is refused."""
    _check_level(level)
    answers = as_long(long_df)
    if order is not None:
        answers = with_order(answers, order)
    coded = code_answers(answers)
    if level == "ordinal" and not coded.ordered:
        shown = ", ".join(repr(v) for v in coded.labels[:4])
        raise ValueError(
            f"level='ordinal' needs the labels' order, but they ({shown}, ...) are text "
            "with none. Give it as order=[lowest, ..., highest] (or order=nbl.Rating(...)), "
            "or make the label column an ordered categorical: pd.Categorical(labels, "
            "categories=[lowest, ..., highest], ordered=True). Numbers and numeric strings "
            "are ordered by value."
        )
    return coded


def krippendorff_alpha(
    long_df: pd.DataFrame, *, level: Level = "nominal", order: Sequence | None = None
) -> float:
    """Krippendorff's alpha, computed through the coincidence matrix.

    Items may have any number of answers; items with fewer than two answers carry no
    information about agreement and are ignored.

    Parameters
    ----------
    long_df : DataFrame
        One row per answer with columns ``item_key``, ``annotator`` and ``label``.
    level : {"nominal", "ordinal", "interval"}
        Level of measurement of the labels. "ordinal" uses the scale's order: ``order=``,
        else an ordered categorical's categories, else numbers (numeric strings count as
        numbers) by value; text labels with none of these are refused. "interval" needs
        numbers or numeric strings.
    order : sequence or nbl.Rating, optional
        The labels from lowest to highest, e.g. ``["rude", "neutral", "polite"]`` or the
        labeller's ``nbl.Rating``; every label must be in it.

    Returns
    -------
    float
        Alpha: 1 is perfect agreement, 0 agreement at chance level; NaN when only one
        value occurs among the items with two or more answers.

    Raises
    ------
    ValueError
        For ``level="ordinal"`` on text labels with no order (the message says how to give
        it), and ``level="interval"`` on labels that are not numbers.
    """
    return _alpha(_coded(long_df, level, order), level)


def _alpha(coded: CodedAnswers, level: Level) -> float:
    values = _numeric_values(coded.labels, level)
    counts = coded.counts
    if not (counts.sum(axis=1) >= 2).any():
        raise ValueError("krippendorff_alpha needs at least one item with two or more answers.")
    coincidence = _coincidence(counts)
    distance = _distance(level, coincidence.sum(axis=1), values)
    return _alpha_from_coincidence(coincidence, distance)


# ---------------------------------------------------------------- pairwise kappa


def pairwise_agreement(long_df: pd.DataFrame, *, min_common: int = 10) -> pd.DataFrame:
    """Cohen's kappa between every two annotators, on the items both of them labelled.

    Parameters
    ----------
    long_df : DataFrame
        One row per answer with columns ``item_key``, ``annotator`` and ``label``.
    min_common : int
        Fewest shared items for a kappa; pairs with fewer get NaN.

    Returns
    -------
    DataFrame
        Annotator x annotator, symmetric, NaN on the diagonal and wherever the pair shares
        fewer than ``min_common`` items. ``.attrs["n_common"]`` holds the shared-item counts.
    """
    if min_common < 1:
        raise ValueError(f"min_common must be at least 1; got {min_common}.")
    return _pairwise(code_answers(as_long(long_df)), min_common)


def _nominal_kappas(confusions: np.ndarray) -> np.ndarray:
    """Unweighted Cohen's kappa of each confusion matrix in a (n, L, L) stack."""
    totals = confusions.sum(axis=(1, 2)).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = np.trace(confusions, axis1=1, axis2=2) / totals
        chance = (confusions.sum(axis=2) * confusions.sum(axis=1)).sum(axis=1) / totals**2
        kappas = (observed - chance) / (1.0 - chance)
    # Perfect chance agreement (one label throughout) leaves kappa undefined.
    return np.where(chance >= 1.0, np.nan, kappas)


def _pairwise(coded: CodedAnswers, min_common: int) -> pd.DataFrame:
    n_items, n_annotators, n_labels = len(coded.items), len(coded.annotators), len(coded.labels)
    wide = np.full((n_items, n_annotators), -1, dtype=np.intp)
    wide[coded.item, coded.annotator] = coded.label
    answered = wide >= 0
    # Float matrix product: BLAS makes it fast, and counts this small stay exact.
    as_float = answered.astype(float)
    n_common = np.rint(as_float.T @ as_float).astype(np.int64)
    kappa = np.full((n_annotators, n_annotators), np.nan)
    others = np.arange(n_annotators)
    for first in range(n_annotators):
        # One bincount gives this annotator's confusion matrix with every other annotator.
        rows = wide[answered[:, first]]
        own = np.broadcast_to(rows[:, [first]], rows.shape)
        shared = rows >= 0
        flat = (others[None, :] * n_labels + own) * n_labels + rows
        confusions = np.bincount(
            flat[shared], minlength=n_annotators * n_labels * n_labels
        ).reshape(n_annotators, n_labels, n_labels)
        kappa[first] = _nominal_kappas(confusions)
    kappa[n_common < min_common] = np.nan
    np.fill_diagonal(kappa, np.nan)
    table = pd.DataFrame(kappa, index=coded.annotators, columns=coded.annotators.copy())
    table.columns.name = "other"
    table.attrs["n_common"] = pd.DataFrame(
        n_common, index=coded.annotators, columns=coded.annotators.copy()
    )
    return table


# ---------------------------------------------------------------- report


@dataclass
class AgreementReport:
    """Agreement among annotators, overall and broken down.

    Attributes
    ----------
    overall : Series
        ``n_items``, ``n_annotators``, ``n_answers``, ``fleiss_kappa`` (NaN when items have
        unequal numbers of answers; see ``notes``), ``krippendorff_alpha`` at ``level`` and
        ``observed_agreement`` (mean share of agreeing answer pairs per item).
    per_label : DataFrame
        Per label: ``n_answers``; ``specific_agreement``, the chance that another annotator
        of the same item chose the label too when one did; ``alpha_one_vs_rest``, nominal
        alpha of "this label or not".
    per_annotator : DataFrame
        Per annotator: ``n_answers``; ``agreement_with_majority``, the share of their answers
        (on items others answered too) matching the others' majority (a tie counts 1/k when
        their label is one of k tied labels); ``mean_pairwise_kappa`` and ``n_partners``.
    pairwise : DataFrame
        Annotator x annotator Cohen's kappa, as from :func:`pairwise_agreement`.
    level : str
        Level of measurement used for alpha.
    notes : list of str
        Why a figure is NaN, when one is.
    """

    overall: pd.Series
    per_label: pd.DataFrame
    per_annotator: pd.DataFrame
    pairwise: pd.DataFrame
    level: str = "nominal"
    notes: list[str] = field(default_factory=list)


def agreement_report(
    long_df: pd.DataFrame,
    *,
    level: Level = "nominal",
    min_common: int = 10,
    order: Sequence | None = None,
) -> AgreementReport:
    """Summarise agreement among annotators overall, per label and per annotator.

    Parameters
    ----------
    long_df : DataFrame
        One row per answer with columns ``item_key``, ``annotator`` and ``label``.
    level : {"nominal", "ordinal", "interval"}
        Level of measurement for Krippendorff's alpha (see :func:`krippendorff_alpha`).
    min_common : int
        Fewest shared items for a pairwise kappa.
    order : sequence or nbl.Rating, optional
        The labels from lowest to highest, as for :func:`krippendorff_alpha`.

    Returns
    -------
    AgreementReport

    Raises
    ------
    ValueError
        For ``level="ordinal"`` on text labels with no order (the message says how to give
        it).
    """
    coded = _coded(long_df, level, order)
    notes: list[str] = []
    counts = coded.counts
    try:
        fleiss = _fleiss_from_counts(coded)
    except ValueError as error:
        fleiss = float("nan")
        notes.append(f"fleiss_kappa is NaN: {error}")
    try:
        alpha = _alpha(coded, level)
    except ValueError as error:
        alpha = float("nan")
        notes.append(f"krippendorff_alpha is NaN: {error}")
    pairwise = _pairwise(coded, min_common)
    overall = pd.Series(
        {
            "n_items": len(coded.items),
            "n_annotators": len(coded.annotators),
            "n_answers": len(coded.item),
            "fleiss_kappa": fleiss,
            "krippendorff_alpha": alpha,
            "observed_agreement": _observed_agreement(counts),
        },
        name="value",
        dtype=float,
    )
    return AgreementReport(
        overall=overall,
        per_label=_per_label(coded, counts),
        per_annotator=_per_annotator(coded, counts, pairwise),
        pairwise=pairwise,
        level=level,
        notes=notes,
    )


def _observed_agreement(counts: np.ndarray) -> float:
    per_item = counts.sum(axis=1)
    pairable = per_item >= 2
    if not pairable.any():
        return float("nan")
    agreeing_pairs = (counts[pairable] * (counts[pairable] - 1)).sum(axis=1)
    all_pairs = per_item[pairable] * (per_item[pairable] - 1)
    return float((agreeing_pairs / all_pairs).mean())


def _per_label(coded: CodedAnswers, counts: np.ndarray) -> pd.DataFrame:
    coincidence = _coincidence(counts)
    totals = coincidence.sum(axis=1)
    n_pairable = totals.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        specific = np.diag(coincidence) / totals
        # Binary nominal alpha of "label c or another": 1 - (n - 1) o_{c,rest} / (n_c n_rest).
        rest = n_pairable - totals
        mismatched = totals - np.diag(coincidence)
        one_vs_rest = 1.0 - (n_pairable - 1) * mismatched / (totals * rest)
    return pd.DataFrame(
        {
            "n_answers": counts.sum(axis=0),
            "specific_agreement": specific,
            "alpha_one_vs_rest": one_vs_rest,
        },
        index=coded.labels,
    )


def _per_annotator(
    coded: CodedAnswers, counts: np.ndarray, pairwise: pd.DataFrame
) -> pd.DataFrame:
    # The others' votes on each answered item: the item's counts minus this answer.
    others = counts[coded.item].astype(float)
    others[np.arange(len(coded.item)), coded.label] -= 1
    has_others = others.sum(axis=1) > 0
    top = others.max(axis=1, keepdims=True)
    n_tied = (others == top).sum(axis=1)
    agrees = (others[np.arange(len(coded.item)), coded.label] == top[:, 0]) / n_tied
    n_annotators = len(coded.annotators)
    scored = np.bincount(coded.annotator[has_others], minlength=n_annotators)
    agreed = np.bincount(
        coded.annotator[has_others], weights=agrees[has_others], minlength=n_annotators
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        agreement_with_majority = agreed / scored
    kappas = pairwise.to_numpy()
    n_partners = (~np.isnan(kappas)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_kappa = np.where(n_partners > 0, np.nansum(kappas, axis=1) / n_partners, np.nan)
    return pd.DataFrame(
        {
            "n_answers": np.bincount(coded.annotator, minlength=n_annotators),
            "agreement_with_majority": agreement_with_majority,
            "mean_pairwise_kappa": mean_kappa,
            "n_partners": n_partners,
        },
        index=coded.annotators,
    )
