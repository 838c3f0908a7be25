"""Pre-annotations: spans suggested by a rule (regular expression, dictionary) or a model.

A suggester is any callable ``text -> iterable of (start, end, label)`` with offsets in
Python ``str`` characters. The person accepts the suggestions or fixes them; what they
accept is stored, never the suggestion alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from nb_label.spans.offsets import Span, check_spans

Suggester = Callable[[str], Iterable[Any]]


def regex_suggester(pattern: str | re.Pattern, label: Any, *, group: int | str = 0) -> Suggester:
    """Suggest a span for every match of a regular expression.

    Parameters
    ----------
    pattern : str or re.Pattern
        The expression; a string is compiled as is (pass ``re.Pattern`` for flags).
    label : str
        The label of every match.
    group : int or str, default 0
        Which group of the match is the span (the whole match by default).

    Returns
    -------
    callable
        ``text -> list of (start, end, label)``; empty matches are left out.

    Examples
    --------
    >>> find = regex_suggester(r"\\b[A-Z][a-z]+ (?:Ltd|Inc|GmbH)\\b", "ORG")
    >>> find("She joined Harbour Ltd in May.")
    [(11, 22, 'ORG')]
    """
    compiled = re.compile(pattern) if isinstance(pattern, str) else pattern

    def suggest(text: str) -> list[Span]:
        found = []
        for match in compiled.finditer(text):
            start, end = match.span(group)
            if start >= 0 and end > start:
                found.append((start, end, label))
        return found

    suggest.__name__ = f"regex_suggester({compiled.pattern!r}, {label!r})"
    return suggest


def dictionary_suggester(terms: Mapping[str, Any], *, case_sensitive: bool = True) -> Suggester:
    """Suggest a span wherever a listed term occurs as whole words.

    Longer terms win over shorter ones that start at the same place ("New York City" over
    "New York"); matches never overlap.

    Parameters
    ----------
    terms : mapping of str to label
        E.g. ``{"Paris": "LOC", "Ada Lovelace": "PER"}``.
    case_sensitive : bool, default True
        Match the terms' case exactly.

    Returns
    -------
    callable
        ``text -> list of (start, end, label)``.
    """
    if not terms:
        raise ValueError("dictionary_suggester needs at least one term, e.g. {'Paris': 'LOC'}")
    clean = {str(term): label for term, label in terms.items() if str(term).strip()}
    ordered = sorted(clean, key=len, reverse=True)  # the regex tries alternatives in order
    flags = 0 if case_sensitive else re.IGNORECASE
    # (?<!\w) / (?!\w) rather than \b: terms may begin or end with punctuation ("A.C.M.E.").
    compiled = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(t) for t in ordered) + r")(?!\w)", flags
    )
    folded = {t.casefold(): label for t, label in clean.items()}

    def suggest(text: str) -> list[Span]:
        found = []
        for match in compiled.finditer(text):
            word = match.group(0)
            label = clean.get(word, folded.get(word.casefold()))
            found.append((match.start(), match.end(), label))
        return found

    suggest.__name__ = f"dictionary_suggester({len(clean)} terms)"
    return suggest


def as_suggester(suggest: Any) -> Suggester | None:
    """Accept None, a callable, or a list of callables (their suggestions are pooled)."""
    if suggest is None:
        return None
    if callable(suggest):
        return suggest
    if isinstance(suggest, (list, tuple)) and all(callable(s) for s in suggest):
        parts = list(suggest)

        def pooled(text: str) -> list[Any]:
            return [span for part in parts for span in part(text)]

        return pooled
    raise ValueError(
        "suggest= takes a function text -> [(start, end, label)], a list of them, or "
        "nb_label.spans.regex_suggester(...) / dictionary_suggester(...)"
    )


def suggested_spans(
    suggester: Suggester, text: str, *, labels: list[Any], overlapping: bool
) -> tuple[list[Span], list[str]]:
    """Run a suggester on one text and keep the spans a person could save.

    Invalid spans (outside the text, unknown label, white space at an edge, cutting a
    character) are dropped and reported; when overlaps are not allowed, the longer of two
    overlapping suggestions is kept (then the earlier).

    Returns
    -------
    spans : list of tuple
        Sorted, valid spans.
    problems : list of str
        One line per dropped span.
    """
    kept: list[Span] = []
    problems: list[str] = []
    for raw in suggester(text):
        try:
            kept += check_spans(text, [raw], labels=labels)
        except ValueError as err:
            problems.append(str(err))
    kept = sorted(set(kept), key=lambda s: (s[0], s[1], str(s[2])))
    if overlapping:
        return kept, problems
    chosen: list[Span] = []
    for span in sorted(kept, key=lambda s: (-(s[1] - s[0]), s[0])):
        if all(span[1] <= c[0] or c[1] <= span[0] for c in chosen):
            chosen.append(span)
        else:
            problems.append(f"suggestion {span!r} overlaps a longer one; left out")
    return sorted(chosen), problems
