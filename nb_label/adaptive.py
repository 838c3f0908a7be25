"""Adaptive overlap: ask for another answer only while an item's label is still in doubt.

``overlap=nbl.Adaptive(min=1, max=3, confidence=0.9)`` gives every item ``max`` slots (see
:mod:`nb_label.assign`) and opens them one at a time: an item is offered until ``min``
annotators answered it, then to one more annotator while the consensus confidence of its
answers is below ``confidence`` (and always when its answers disagree), until ``max``
answered.

The decision is made inside the assignment transaction, from the answers committed at that
moment by whichever kernel stored them, so two notebooks never both open a third slot on
the strength of answers only one of them has seen. The annotators' quality (a Dawid-Skene
fit on gold items and items with overlapping answers, see
:func:`nb_label.quality.answer_model.fit_answer_model`) changes slowly; each kernel refits
it from the store when new answers came in (see :meth:`AdaptiveJudge.refresh`).
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from nb_label.quality.answer_model import AnswerModel, fit_answer_model
from nb_label.store import current

#: How often (seconds) a kernel refits the annotators' quality while answers come in.
REFIT_SECONDS = 20.0
#: Below this many answers a fit is quick: refit whenever anything new was stored.
SMALL_FIT = 300

__all__ = ["Adaptive"]


@dataclass(frozen=True)
class Adaptive:
    """Overlap that adapts to agreement: between ``min`` and ``max`` answers per item.

    Parameters
    ----------
    min : int, default 1
        Answers every item gets.
    max : int, default 3
        Most answers an item gets (from different annotators).
    confidence : float, default 0.9
        After ``min`` answers, the item goes to one more annotator while the posterior of its
        most probable label (Dawid-Skene, with each annotator's estimated quality) is below
        this. Two answers that disagree always ask for another, up to ``max``.

    Examples
    --------
    >>> lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=url,
    ...                    overlap=nbl.Adaptive(min=1, max=3, confidence=0.9))
    """

    min: int = 1
    max: int = 3
    confidence: float = 0.9

    def __post_init__(self) -> None:
        for name in ("min", "max"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"Adaptive({name}=) is a number of annotators: a whole number of 1 or "
                    f"more, not {value!r}"
                )
        if self.min > self.max:
            raise ValueError(
                f"Adaptive(min={self.min}, max={self.max}): min cannot exceed max; e.g. "
                "Adaptive(min=1, max=3)"
            )
        if (
            isinstance(self.confidence, bool)
            or not isinstance(self.confidence, numbers.Real)
            or not 0 < self.confidence <= 1
        ):
            raise ValueError(
                "Adaptive(confidence=) is the consensus confidence that ends an item's "
                f"overlap: a number in (0, 1], e.g. 0.9; not {self.confidence!r}"
            )

    def wanted(self, n_done: int, labels: Mapping[Any, Any], model: AnswerModel | None) -> int:
        """How many answers an item should have, given ``n_done`` answers and their labels.

        ``labels`` maps each annotator to their label (answers without one, such as a
        flag, count in ``n_done`` but carry no vote).
        """
        if n_done < self.min:
            return self.min
        if n_done >= self.max:
            return self.max
        if len(set(labels.values())) > 1:
            return n_done + 1  # a disagreement is settled by another answer
        if model is None or model.confidence(labels) < self.confidence:
            return n_done + 1
        return n_done


class AdaptiveJudge:
    """One kernel's side of adaptive overlap: the fitted annotator quality, and the
    per-item decision the assignment transaction asks for.

    Parameters
    ----------
    store : Store
    dataset : str
    policy : Adaptive
    """

    def __init__(self, store: Any, dataset: str, policy: Adaptive) -> None:
        self._store = store
        self._dataset = dataset
        self.policy = policy
        self.model: AnswerModel | None = None
        self._due = 0.0
        self._fitted_id = 0  # the dataset's last event id at the last fit
        self._n_fitted = 0  # answers the last fit rested on

    def refresh(self, *, force: bool = False) -> None:
        """Refit the annotators' quality from the store when new answers make it due.

        Due when anything was stored since the last fit and either ``REFIT_SECONDS`` have
        passed, the fit rests on few answers (it is quick then), or the dataset's events
        have grown by a tenth.
        """
        last = self._store.last_event_id(self._dataset)
        if not force and self.model is not None:
            if last == self._fitted_id:
                return
            few = self._n_fitted < SMALL_FIT
            grown = last - self._fitted_id > self._n_fitted / 10
            if not (few or grown or time.monotonic() >= self._due):
                return
        by_item, gold = self._store.stored_labels(self._dataset)
        rows = [
            (key, annotator, label)
            for key, answers in by_item.items()
            for annotator, label in answers.items()
        ]
        answers = pd.DataFrame(rows, columns=["item_key", "annotator", "label"])
        self.model = fit_answer_model(answers, gold=gold)
        self._fitted_id, self._n_fitted = last, len(answers)
        self._due = time.monotonic() + REFIT_SECONDS

    def targets(self, connection: Connection, done: Mapping[str, int]) -> dict[str, int]:
        """Item key -> answers wanted now, from the labels committed at this moment.

        ``done`` holds each candidate item's number of answers (slots done); called inside
        the claim's write transaction.
        """
        policy = self.policy
        undecided: Sequence[str] = [k for k, n in done.items() if policy.min <= n < policy.max]
        labels = current.labels(connection, self._dataset, undecided) if undecided else {}
        return {key: policy.wanted(n, labels.get(key, {}), self.model) for key, n in done.items()}
