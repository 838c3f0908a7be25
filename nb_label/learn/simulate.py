"""A simulated annotator: answers from known labels, for teaching and benchmarks."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def simulate(
    labeller: Any,
    oracle: pd.Series,
    *,
    n: int,
    loop: Any = None,
    batch: int = 10,
    noise: float = 0.0,
    follows_suggestion: float = 0.0,
    seed: int | None = None,
) -> pd.DataFrame | None:
    """Label ``n`` items from ``oracle`` in the labeller's order, retraining every ``batch``.

    Parameters
    ----------
    labeller : Labeller
        Receives the answers (stored as events with source ``"simulated"``).
    oracle : pandas.Series
        The true label of every item, aligned to the labeller's DataFrame index.
    n : int
        How many answers to give.
    loop : ActiveLoop, optional
        Retrained after every ``batch`` answers; its history is returned.
    batch : int, default 10
        Answers between retrains.
    noise : float, default 0.0
        The share of answers replaced by a random other label (an imperfect annotator).
    follows_suggestion : float, default 0.0
        The chance that the annotator accepts the suggestion on screen, right or wrong,
        instead of answering (automation bias). Items with no suggestion shown, such as
        the loop's control items, are answered as usual; see
        :func:`nb_label.quality.suggestion_effect`.
    seed : int, optional
        Seeds the noise and the following.

    Returns
    -------
    DataFrame or None
        ``loop.history`` when a loop is given.
    """
    if not isinstance(oracle, pd.Series):
        raise ValueError("oracle must be a pandas Series of true labels indexed like the data")
    data_index = labeller.data.index
    if not data_index.isin(oracle.index).all():
        raise ValueError(
            "the oracle is not aligned to the DataFrame: some item keys have no true label; "
            "pass df['label'] or a Series with the same index"
        )
    if not 0 <= noise <= 1:
        raise ValueError("noise= is a share between 0 and 1")
    if not 0 <= follows_suggestion <= 1:
        raise ValueError("follows_suggestion= is a probability between 0 and 1")
    if n < 0 or batch < 1:
        raise ValueError("n must be >= 0 and batch >= 1")
    rng = np.random.default_rng(seed)
    values = labeller.schema.values
    for i in range(n):
        key = labeller.current
        if key is None:
            break
        truth = oracle.loc[key]
        if noise and rng.random() < noise and len(values) > 1:
            others = [v for v in values if v != truth]
            truth = others[int(rng.integers(len(others)))]
        shown = labeller.suggestion(key) if follows_suggestion else None
        if shown is not None and rng.random() < follows_suggestion:
            truth = shown["label"]
        labeller.submit("label", truth, item_key=key, source="simulated")
        if loop is not None and (i + 1) % batch == 0:
            loop.retrain()
    return None if loop is None else loop.history
