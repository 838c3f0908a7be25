"""Named-entity style labelling: spans of text, by mouse or keyboard, saved as events.

``SpanLabeller`` is the widget; the suggesters give pre-annotations; ``to_spacy`` and
``to_bio`` export what was marked; ``sample_texts`` are a few bundled texts to try it on.
"""

from nb_label.spans.export import (
    bio_tags,
    from_bio,
    from_spacy,
    spans_from_bio,
    to_bio,
    to_spacy,
    tokenize,
)
from nb_label.spans.labeller import SpanLabeller
from nb_label.spans.offsets import check_spans, text_sha256
from nb_label.spans.suggest import dictionary_suggester, regex_suggester
from nb_label.spans.texts import sample_texts

__all__ = [
    "SpanLabeller",
    "bio_tags",
    "check_spans",
    "dictionary_suggester",
    "from_bio",
    "from_spacy",
    "regex_suggester",
    "sample_texts",
    "spans_from_bio",
    "text_sha256",
    "to_bio",
    "to_spacy",
    "tokenize",
]
