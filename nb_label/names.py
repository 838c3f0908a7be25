"""Annotator names: given, checked, and kept apart from names that only look different."""

from __future__ import annotations

import getpass
from collections.abc import Sequence


def check_annotator(annotator: str | None) -> str:
    """The annotator's name with its spaces folded; the login name by default."""
    name = getpass.getuser() if annotator is None else annotator
    if not isinstance(name, str) or not name.strip():
        raise ValueError("annotator= must be a non-empty name, e.g. annotator='ana'")
    return " ".join(name.split())


def _folded(name: str) -> str:
    return "".join(name.split()).casefold()


def check_distinct(name: str, others: Sequence[str]) -> None:
    """Refuse a name that differs from a stored one only by case or spaces ("Ana" vs "ana")."""
    if name in others:
        return
    twins = [other for other in others if _folded(other) == _folded(name)]
    if twins:
        raise ValueError(
            f"annotator {name!r} differs from {twins[0]!r}, who already has answers in this "
            f"dataset, only by case or spaces. If that is you, pass annotator={twins[0]!r}; "
            "otherwise choose a name that tells you apart"
        )
