"""Kinds of answer: one label, several labels, a rating, a number or a caption.

Each kind is a small frozen object behind one contract: ``check(value)`` returns the value
as it is stored (plain JSON: a label, a list of labels, a step of the scale, a number or a
text) or raises :class:`ValueError` with a message that says what to do; ``for_card()``
describes the control the item card shows (the ``answer`` entry of the card's ``options``).
Every kind is stored the same way: a ``label`` event whose ``value`` is the answer.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nb_label.schema import Label, Schema

__all__ = ["Caption", "MultiLabel", "Number", "Rating", "SingleLabel", "as_answer"]


def _plain(value: Any) -> Any:
    """numpy scalars as Python ones (what JSON and the schema compare)."""
    return value.item() if isinstance(value, np.generic) else value


def _names(labels: Any) -> tuple[Any, ...]:
    if isinstance(labels, Schema):
        return tuple(labels.values)
    if isinstance(labels, (str, bytes)) or not isinstance(labels, Iterable):
        raise ValueError("give the labels as a list, e.g. MultiLabel(['sport', 'politics'])")
    return tuple(_plain(x.value if isinstance(x, Label) else x) for x in labels)


@dataclass(frozen=True)
class SingleLabel:
    """One label per item, from the labeller's ``labels=`` (the default kind).

    The label set, its keys and its history live in :attr:`nb_label.Labeller.schema`;
    this object only names the kind.
    """

    kind = "label"

    def check(self, value: Any, *, offered: Sequence[Any] | None = None) -> Any:
        """Return ``value`` if it is one of ``offered`` (the label set on offer)."""
        value = _plain(value)
        if offered is not None and not any(value == x and type(value) is type(x) for x in offered):
            raise ValueError(f"{value!r} is not in the label set {list(offered)!r}")
        return value

    def for_card(self) -> dict[str, Any]:
        """The card's description of this control."""
        return {"kind": self.kind}


@dataclass(frozen=True)
class MultiLabel:
    """Any number of labels per item: toggle them with their keys, confirm with Enter.

    Stored as a list of labels in the label set's order. ``annotations`` has the list in
    ``label`` and one boolean column per label, ``label=<name>``.

    Parameters
    ----------
    labels : list of str, int or bool, or Schema
        The labels on offer (keys ``1`` to ``9`` then ``0`` unless a Schema gives others).
    min_labels : int, default 1
        The fewest labels an answer may hold; ``0`` allows "none of them".

    Examples
    --------
    >>> lab = nbl.Labeller(df, show="text", answer=nbl.MultiLabel(["sport", "politics"]))
    >>> lab.label(["sport"])
    """

    labels: tuple
    min_labels: int = 1
    kind = "multi"

    def __init__(self, labels: Any, *, min_labels: int = 1) -> None:
        object.__setattr__(self, "schema", labels if isinstance(labels, Schema) else None)
        names = _names(labels)
        if not names:
            raise ValueError("MultiLabel needs at least one label, e.g. ['sport', 'politics']")
        if isinstance(min_labels, bool) or not isinstance(min_labels, int) or min_labels < 0:
            raise ValueError("min_labels= must be a whole number of 0 or more")
        if min_labels > len(names):
            raise ValueError(f"min_labels={min_labels} is more than the {len(names)} labels")
        object.__setattr__(self, "labels", names)
        object.__setattr__(self, "min_labels", min_labels)

    def check(self, value: Any, *, offered: Sequence[Any] | None = None) -> list[Any]:
        """The labels as stored: a list in the label set's order, each label once.

        Parameters
        ----------
        value : list, tuple or set of labels
            The answer.
        offered : sequence, optional
            The labels on offer now (after label-set changes); by default the kind's labels.
        """
        offered = list(self.labels if offered is None else offered)
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set)):
            raise ValueError(
                f"a multi-label answer is a list of labels, e.g. [{offered[0]!r}], not {value!r}"
            )
        chosen = [_plain(v) for v in value]
        unknown = [v for v in chosen if not any(v == x and type(v) is type(x) for x in offered)]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not one of the labels {offered!r}")
        stored = [x for x in offered if any(v == x and type(v) is type(x) for v in chosen)]
        if len(stored) < self.min_labels:
            need = "one label" if self.min_labels == 1 else f"{self.min_labels} labels"
            raise ValueError(
                f"choose at least {need}: toggle labels with their keys, then press Enter"
            )
        return stored

    def for_card(self) -> dict[str, Any]:
        """The card's description of this control."""
        return {"kind": self.kind, "min_labels": self.min_labels}


def _steps(scale: Any) -> tuple[Any, ...]:
    if isinstance(scale, (str, bytes)) or not isinstance(scale, Iterable):
        raise ValueError(
            "Rating takes its ordered steps, e.g. Rating(range(1, 6)) or "
            "Rating(['rude', 'neutral', 'polite'])"
        )
    steps = tuple(_plain(x) for x in scale)
    if len(steps) < 2:
        raise ValueError("a rating scale needs at least two steps, e.g. Rating(range(1, 6))")
    for step in steps:
        if isinstance(step, bool) or not isinstance(step, (int, str)):
            raise ValueError(
                f"rating step {step!r} has type {type(step).__name__}; steps are ints or names"
            )
    if len({type(s) for s in steps}) > 1:
        raise ValueError("a rating scale's steps are all ints or all names, not a mix")
    if len(set(steps)) != len(steps):
        raise ValueError(f"the rating scale {list(steps)!r} repeats a step")
    return steps


@dataclass(frozen=True)
class Rating:
    """A step on an ordered scale, given with the keys ``1`` .. ``N``.

    Stored as the step itself; ``annotations["label"]`` is an ordered categorical over the
    scale (also in ``annotations.attrs["scale"]``), and :func:`nb_label.agreement` treats it
    as ordinal.

    Parameters
    ----------
    scale : iterable of int or str
        The steps from lowest to highest, e.g. ``range(1, 6)`` or
        ``["rude", "neutral", "polite"]``.

    Examples
    --------
    >>> lab = nbl.Labeller(df, show="text", answer=nbl.Rating(range(1, 6)))
    >>> lab.label(4)
    """

    scale: tuple
    kind = "rating"

    def __init__(self, scale: Any) -> None:
        object.__setattr__(self, "scale", _steps(scale))

    def check(self, value: Any, *, offered: Sequence[Any] | None = None) -> Any:
        """The step as stored; a value off the scale is refused."""
        value = _plain(value)
        if isinstance(value, float) and isinstance(self.scale[0], int) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not any(
            value == s and type(value) is type(s) for s in self.scale
        ):
            raise ValueError(
                f"{value!r} is not on the rating scale {list(self.scale)!r}; choose one of its "
                "steps"
            )
        return value

    def for_card(self) -> dict[str, Any]:
        """The card's description of this control."""
        return {"kind": self.kind, "scale": list(self.scale)}


def _finite(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name}= must be a finite number or None, not {value!r}")
    return value


@dataclass(frozen=True)
class Number:
    """A number, typed or nudged with the arrow keys, within optional bounds.

    Parameters
    ----------
    min, max : float, optional
        The bounds (inclusive).
    step : float, default 1
        How far ArrowUp / ArrowDown move the number (Shift: ten steps). Typed numbers need
        not be multiples of it.

    Examples
    --------
    >>> lab = nbl.Labeller(df, show="text", answer=nbl.Number(min=0, max=100, step=0.5))
    >>> lab.label(12.5)
    """

    min: float | None = None
    max: float | None = None
    step: float = 1
    kind = "number"

    def __init__(
        self, *, min: float | None = None, max: float | None = None, step: float = 1
    ) -> None:
        low, high = _finite(_plain(min), "min"), _finite(_plain(max), "max")
        step = _finite(_plain(step), "step")
        if step is None or step <= 0:
            raise ValueError("step= must be a positive number, e.g. step=1 or step=0.1")
        if low is not None and high is not None and low > high:
            raise ValueError(f"min={low!r} is above max={high!r}")
        object.__setattr__(self, "min", low)
        object.__setattr__(self, "max", high)
        object.__setattr__(self, "step", step)

    def _bounds(self) -> str:
        low = "" if self.min is None else f"at least {self.min:g}"
        high = "" if self.max is None else f"at most {self.max:g}"
        return " and ".join(x for x in (low, high) if x)

    def check(self, value: Any, *, offered: Sequence[Any] | None = None) -> int | float:
        """The number as stored (an int when it is whole and the settings are ints)."""
        value = _plain(value)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{value!r} is not a number; type a number, e.g. 3 or 2.5")
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number; type a number, e.g. 3 or 2.5")
        if (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        ):
            raise ValueError(f"{value:g} is out of bounds: give a number {self._bounds()}")
        whole = all(isinstance(x, int) for x in (self.min, self.max, self.step) if x is not None)
        if whole and float(value).is_integer():
            return int(value)
        return float(value)

    def for_card(self) -> dict[str, Any]:
        """The card's description of this control."""
        return {"kind": self.kind, "min": self.min, "max": self.max, "step": self.step}


@dataclass(frozen=True)
class Caption:
    """Free text (a caption or a transcription), typed in a box in the card.

    Enter saves, Shift+Enter starts a new line; the time from the first keystroke to Enter
    is stored as the answer's ``seconds``.

    Parameters
    ----------
    allow_empty : bool, default False
        Whether an empty (or whitespace-only) text is an answer.
    max_length : int, default 20_000
        The longest text accepted, in characters.

    Examples
    --------
    >>> lab = nbl.Labeller(df, show="audio", answer=nbl.Caption())
    >>> lab.label("a dog barks twice")
    """

    allow_empty: bool = False
    max_length: int = 20_000
    kind = "caption"

    def __init__(self, *, allow_empty: bool = False, max_length: int = 20_000) -> None:
        if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
            raise ValueError("max_length= must be a positive whole number of characters")
        object.__setattr__(self, "allow_empty", bool(allow_empty))
        object.__setattr__(self, "max_length", max_length)

    def check(self, value: Any, *, offered: Sequence[Any] | None = None) -> str:
        """The text as stored (as typed); empty text only with ``allow_empty=True``."""
        if not isinstance(value, str):
            raise ValueError(f"a caption is text, not {type(value).__name__}")
        if not value.strip() and not self.allow_empty:
            raise ValueError(
                "the caption is empty: type the text first (this labeller does not accept "
                "empty captions; skip the item with s instead)"
            )
        if len(value) > self.max_length:
            raise ValueError(
                f"the caption has {len(value):,} characters; at most {self.max_length:,}"
            )
        return value

    def for_card(self) -> dict[str, Any]:
        """The card's description of this control."""
        return {
            "kind": self.kind,
            "allow_empty": self.allow_empty,
            "max_length": self.max_length,
        }


AnswerKind = SingleLabel | MultiLabel | Rating | Number | Caption
#: Kinds whose answers are class labels, so a classifier can learn them.
CLASS_KINDS = ("label", "multi", "rating")


def uses_labels(answer: Any) -> bool:
    """Whether a kind's answers are built from the labeller's ``labels=`` (as regions are)."""
    return isinstance(answer, SingleLabel) or getattr(answer, "labels_from_labeller", False)


def as_answer(answer: Any) -> AnswerKind:
    """Accept an answer kind, or None for a single label."""
    if answer is None:
        return SingleLabel()
    if isinstance(answer, (SingleLabel, MultiLabel, Rating, Number, Caption)):
        return answer
    if getattr(answer, "labels_from_labeller", False) and callable(getattr(answer, "check", None)):
        return answer  # a widget's own kind (regions): checked by its check(value, offered=)
    raise ValueError(
        "answer= takes nb_label.MultiLabel(...), Rating(...), Number(...) or Caption(); "
        f"not {answer!r}. For one label per item, pass labels= only"
    )


def label_set_for(answer: AnswerKind, labels: Any) -> Schema | None:
    """The label set a labeller keeps for ``answer`` (None for numbers and captions).

    Single labels come from ``labels=``; multi-label and rating buttons come from the kind
    (its labels or steps, with keys 1..N), so their keys, colours and history work as for
    single labels.
    """
    from nb_label.schema import as_schema

    if uses_labels(answer):
        if labels is None:
            raise ValueError(
                "labels= is missing: pass the label set, e.g. labels=['ham', 'spam'], or an "
                "answer kind such as answer=nbl.Rating(range(1, 6))"
            )
        return as_schema(labels)
    if labels is not None:
        raise ValueError(
            f"with answer={type(answer).__name__}(...), leave labels= out: the "
            + ("labels come from MultiLabel(labels)" if isinstance(answer, MultiLabel) else
               "scale comes from Rating(scale)" if isinstance(answer, Rating) else
               "answer is not a label")
        )  # fmt: skip
    if isinstance(answer, MultiLabel):
        return answer.schema if answer.schema is not None else Schema(list(answer.labels))
    if isinstance(answer, Rating):
        return Schema(list(answer.scale))
    return None
