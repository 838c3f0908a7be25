"""Exports: spaCy training tuples and BIO tags per token, each readable back into spans.

spaCy is not a dependency. :func:`tokenize` is a small white-space-and-punctuation
tokenizer that splits where spaCy's English tokenizer splits plain prose; a span that does
not start and end on its token boundaries is reported, since ``Doc.char_span`` (strict
alignment) would return None for it and the entity would be lost in training.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import pandas as pd
import regex

from nb_label.spans.offsets import Span, check_spans


def _in_word(cluster: str) -> bool:
    return cluster[0].isalnum() or cluster[0] == "_"


def tokenize(text: str) -> list[tuple[int, int]]:
    """Split a text into tokens: runs of letters and digits, and single other characters.

    Characters are the regex module's grapheme clusters (``\\X``): combining marks, emoji
    modifiers, zero-width-joined sequences, flags and conjuncts stay whole, so no token
    boundary ever cuts a character.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of (start, end)
        Offsets in ``str`` characters.
    """
    tokens: list[tuple[int, int]] = []
    word: list[int] | None = None  # [start, end] of the run of word characters being read
    for match in regex.finditer(r"\X", text):
        cluster = match.group()
        if _in_word(cluster):
            word = [word[0], match.end()] if word else [match.start(), match.end()]
            continue
        if word:
            tokens.append((word[0], word[1]))
            word = None
        if not cluster[0].isspace():
            tokens.append(match.span())  # one symbol, with what extends it
    if word:
        tokens.append((word[0], word[1]))
    return tokens


def misaligned(text: str, spans: Iterable[Span]) -> list[Span]:
    """The spans whose start or end is not a token boundary of :func:`tokenize`."""
    tokens = tokenize(text)
    starts = {s for s, _ in tokens}
    ends = {e for _, e in tokens}
    return [s for s in spans if s[0] not in starts or s[1] not in ends]


def _triples(source: Any) -> list[tuple[Hashable, str, list[Span]]]:
    """(item key, text, spans) from a SpanLabeller, a frame or (text, spans) pairs."""
    if hasattr(source, "spans_frame"):
        source = source.spans_frame()
    if isinstance(source, pd.DataFrame):
        missing = {"text", "spans"} - set(source.columns)
        if missing:
            raise ValueError(f"the frame needs 'text' and 'spans' columns; missing {missing}")
        rows = source[source["spans"].notna()]
        return [
            (key, text, [tuple(s) for s in spans])
            for key, text, spans in zip(rows.index, rows["text"], rows["spans"], strict=True)
        ]
    out = []
    for i, pair in enumerate(source):
        text, spans = pair
        if isinstance(spans, dict):
            spans = spans.get("entities", spans.get("spans", []))
        out.append((i, text, [tuple(s) for s in spans]))
    return out


def to_spacy(source: Any, *, check: bool = True) -> list[tuple[str, dict[str, list]]]:
    """Training tuples as spaCy takes them: ``(text, {"entities": [(start, end, label)]})``.

    Build a DocBin from them with ``doc.char_span(start, end, label=label)`` per entity.

    Parameters
    ----------
    source : SpanLabeller, DataFrame or iterable
        A labeller (its labelled texts), a frame with ``text`` and ``spans`` columns, or
        ``(text, spans)`` pairs.
    check : bool, default True
        Refuse spans that do not fall on token boundaries (see :func:`tokenize`).

    Returns
    -------
    list of tuple
    """
    result = []
    for key, text, spans in _triples(source):
        spans = check_spans(text, spans, overlapping=True)
        if check:
            bad = misaligned(text, spans)
            if bad:
                s = bad[0]
                raise ValueError(
                    f"item {key!r}: span {s!r} = {text[s[0] : s[1]]!r} does not start and end "
                    "on token boundaries, so spaCy's Doc.char_span would drop it; widen it "
                    "to whole words, or pass check=False"
                )
        result.append((text, {"entities": [tuple(s) for s in spans]}))
    return result


def from_spacy(tuples: Iterable[tuple[str, dict]]) -> list[tuple[str, list[Span]]]:
    """Read :func:`to_spacy` tuples back into ``(text, spans)`` pairs (checked)."""
    return [
        (text, check_spans(text, annotations.get("entities", []), overlapping=True))
        for text, annotations in tuples
    ]


def bio_tags(text: str, spans: Iterable[Span]) -> tuple[list[tuple[int, int]], list[str]]:
    """BIO tags for one text: ``B-PER`` opens a span, ``I-PER`` continues it, ``O`` is outside.

    Returns
    -------
    tokens : list of (start, end)
    tags : list of str

    Raises
    ------
    ValueError
        For overlapping spans (BIO cannot hold them) or spans off token boundaries.
    """
    spans = check_spans(text, spans, overlapping=True)
    check_spans(text, spans, overlapping=False)  # BIO holds one tag per token
    bad = misaligned(text, spans)
    if bad:
        s = bad[0]
        raise ValueError(
            f"span {s!r} = {text[s[0] : s[1]]!r} does not fall on token boundaries; widen it "
            "to whole words"
        )
    tokens = tokenize(text)
    tags = ["O"] * len(tokens)
    for start, end, label in spans:
        inside = [i for i, (ts, te) in enumerate(tokens) if ts >= start and te <= end]
        for n, i in enumerate(inside):
            tags[i] = f"{'B' if n == 0 else 'I'}-{label}"
    return tokens, tags


def spans_from_bio(tokens: Iterable[tuple[int, int]], tags: Iterable[str]) -> list[Span]:
    """Spans from tokens' offsets and their BIO tags (an ``I-`` without a ``B-`` opens one)."""
    spans: list[Span] = []
    open_span: list | None = None
    for (start, end), tag in zip(tokens, tags, strict=True):
        kind, _, label = tag.partition("-")
        if kind not in ("B", "I", "O") or (kind != "O" and not label):
            raise ValueError(f"{tag!r} is not a BIO tag (O, B-LABEL or I-LABEL)")
        if kind == "I" and open_span is not None and open_span[2] == label:
            open_span[1] = end
            continue
        if open_span is not None:
            spans.append(tuple(open_span))
            open_span = None
        if kind != "O":
            open_span = [start, end, label]
    if open_span is not None:
        spans.append(tuple(open_span))
    return spans


def to_bio(source: Any) -> pd.DataFrame:
    """BIO tags per token, one row per token.

    Parameters
    ----------
    source : SpanLabeller, DataFrame or iterable
        As for :func:`to_spacy`.

    Returns
    -------
    pandas.DataFrame
        Columns ``item_key``, ``token_index``, ``token``, ``start``, ``end``, ``tag``.
    """
    rows = []
    for key, text, spans in _triples(source):
        tokens, tags = bio_tags(text, spans)
        for i, ((start, end), tag) in enumerate(zip(tokens, tags, strict=True)):
            rows.append((key, i, text[start:end], start, end, tag))
    return pd.DataFrame(rows, columns=["item_key", "token_index", "token", "start", "end", "tag"])


def from_bio(frame: pd.DataFrame) -> dict[Hashable, list[Span]]:
    """Read :func:`to_bio`'s frame back into spans per item key."""
    out: dict[Hashable, list[Span]] = {}
    for key, group in frame.groupby("item_key", sort=False):
        group = group.sort_values("token_index")
        out[key] = spans_from_bio(zip(group["start"], group["end"], strict=True), group["tag"])
    return out
