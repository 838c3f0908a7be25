"""A few bundled texts with people, places and organisations, for trying span labelling."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

_PATH = Path(__file__).with_name("sample_texts.json")


def sample_texts() -> pd.DataFrame:
    """Eight short original sentences, with reference entities.

    They include a decomposed accent (combining marks), emoji with a skin-tone modifier,
    right-to-left Arabic text and one text that names nothing, so offsets can be checked.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``id``; columns ``text`` and ``entities`` (reference spans as
        ``(start, end, label)`` tuples, offsets in ``str`` characters).
    """
    data = json.loads(_PATH.read_text(encoding="utf-8"))
    rows = []
    for entry in data["texts"]:
        text = entry["text"]
        spans = []
        for surface, label in entry["entities"]:
            start = text.index(surface)  # each surface occurs once (checked by the tests)
            spans.append((start, start + len(surface), label))
        rows.append({"id": entry["id"], "text": text, "entities": sorted(spans)})
    return pd.DataFrame(rows).set_index("id")
