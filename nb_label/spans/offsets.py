"""Spans as character offsets into the exact text: fingerprint, checks, normal form.

Offsets count Python ``str`` code points (``text[start:end]`` is the span). The browser
works in UTF-16 units; ``frontend/spans.js`` converts at its edge, so nothing in Python
ever sees UTF-16 offsets.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import regex

Span = tuple[int, int, Any]


def text_sha256(text: str) -> str:
    """The fingerprint stored with spans: SHA-256 of the text's UTF-8 bytes, in hex.

    Parameters
    ----------
    text : str
        The exact text the spans point into.

    Returns
    -------
    str
        64 hex digits.
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@functools.lru_cache(maxsize=256)
def _boundaries(text: str) -> frozenset[int]:
    # The regex module's \X: Unicode's extended grapheme clusters (flags, ZWJ sequences,
    # Hangul jamo, Indic conjuncts, CRLF), kept up to date with each Unicode release.
    return frozenset(match.start() for match in regex.finditer(r"\X", text))


def inside_character(text: str, position: int) -> bool:
    """True when ``position`` falls inside one user-perceived character.

    For example between a letter and its combining accent, inside an emoji sequence joined
    by a zero-width joiner, between a flag's two halves, inside a Hangul syllable or an Indic
    conjunct, or between CR and LF. Position 0 and ``len(text)`` are never inside.
    """
    if position <= 0 or position >= len(text):
        return False
    return position not in _boundaries(text)


def _as_triple(span: Any) -> Span:
    if isinstance(span, dict):
        try:
            return span["start"], span["end"], span["label"]
        except KeyError as err:
            raise ValueError(
                f"a span given as a dict needs 'start', 'end' and 'label' keys: {span!r}"
            ) from err
    if isinstance(span, (list, tuple)) and len(span) == 3:
        return span[0], span[1], span[2]
    raise ValueError(
        f"a span must be (start, end, label) or {{'start', 'end', 'label'}}, not {span!r}"
    )


def _as_offset(value: Any, what: str, span: Any) -> int:
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise ValueError(f"span {span!r}: {what} must be a whole number, not {value!r}")
    return int(value.__index__())


def check_spans(
    text: str,
    spans: Iterable[Any],
    *,
    labels: Sequence[Any] | None = None,
    overlapping: bool = False,
) -> list[Span]:
    """Check spans against their text and return them in normal form.

    Normal form: a list of ``(start, end, label)`` tuples sorted by start, then end, with
    exact duplicates removed.

    Parameters
    ----------
    text : str
        The exact text.
    spans : iterable
        ``(start, end, label)`` tuples or lists, or dicts with those keys; offsets in code
        points.
    labels : sequence, optional
        The allowed labels; any label when None.
    overlapping : bool, default False
        Whether spans may overlap (identical spans with different labels included).

    Returns
    -------
    list of tuple

    Raises
    ------
    ValueError
        For an empty span, a span outside the text, a boundary inside a character, a span
        that starts or ends with white space, an unknown label or an overlap; the message
        says which span and what to do.
    """
    if not isinstance(text, str):
        raise ValueError(f"spans need the text as a str, not {type(text).__name__}")
    allowed = None if labels is None else list(labels)
    result: set[Span] = set()
    for raw in spans:
        start, end, label = _as_triple(raw)
        start = _as_offset(start, "start", raw)
        end = _as_offset(end, "end", raw)
        if not 0 <= start <= end <= len(text):
            raise ValueError(
                f"span ({start}, {end}, {label!r}) lies outside the text, which has "
                f"{len(text)} characters; offsets count Python str characters from 0"
            )
        if start == end:
            raise ValueError(f"span ({start}, {end}, {label!r}) is empty; mark at least a word")
        if allowed is not None and label not in allowed:
            raise ValueError(f"span label {label!r} is not in the label set {allowed!r}")
        for position in (start, end):
            if inside_character(text, position):
                raise ValueError(
                    f"span ({start}, {end}, {label!r}) cuts the character around offset "
                    f"{position} (a letter and its marks, an emoji sequence, a flag, a syllable "
                    "or a conjunct, or CR LF); move the boundary "
                    "so the whole character is inside or outside the span"
                )
        piece = text[start:end]
        if piece != piece.strip():
            raise ValueError(
                f"span ({start}, {end}, {label!r}) = {piece!r} starts or ends with white "
                "space; trim it to the words"
            )
        result.add((start, end, label))
    ordered = sorted(result, key=lambda s: (s[0], s[1], str(s[2])))
    if not overlapping:
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after[0] < before[1]:
                raise ValueError(
                    f"span {after!r} = {text[after[0] : after[1]]!r} overlaps span {before!r} = "
                    f"{text[before[0] : before[1]]!r}; remove or relabel one of them, or create "
                    "the labeller with overlapping=True"
                )
    return ordered


def overlaps(a: Span, b: Span) -> bool:
    """True when two spans share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def spans_value(text: str, spans: Iterable[Any], **check: Any) -> dict[str, Any]:
    """The event value for spans: ``{"spans": [[start, end, label], ...], "text_sha256": ...}``.

    Parameters
    ----------
    text : str
        The exact text.
    spans : iterable
        As for :func:`check_spans`.
    **check
        ``labels`` and ``overlapping``, passed to :func:`check_spans`.

    Returns
    -------
    dict
    """
    checked = check_spans(text, spans, **check)
    return {"spans": [list(s) for s in checked], "text_sha256": text_sha256(text)}
