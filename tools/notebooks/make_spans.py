"""Writes spans.ipynb (kept as a script so the notebook's source is easy to review)."""

import nbformat as nbf
from _write import write_notebook

cells = [
    nbf.v4.new_markdown_cell(
        "# Marking people, places and organisations\n\n"
        "Eight short bundled texts, among them one with emoji, one with combining accents and "
        "one in Arabic (right to left). Each span is stored as character offsets into the "
        "exact text, with the text's SHA-256, in an ordinary `label` event."
    ),
    nbf.v4.new_code_cell(
        "import os\n\n"
        "import nb_label as nbl\n"
        "from nb_label.spans import (dictionary_suggester, from_bio, regex_suggester,\n"
        "                            sample_texts, to_bio, to_spacy)\n\n"
        "df = sample_texts()\n"
        'df[["text"]]'
    ),
    nbf.v4.new_markdown_cell(
        "Suggestions come from rules here (a dictionary of places and a regular expression "
        "for organisation names); any function `text -> [(start, end, label)]`, such as a "
        "model's entities, works the same way."
    ),
    nbf.v4.new_code_cell(
        'places = dictionary_suggester({"Lisbon": "LOC", "Nairobi": "LOC", "Accra": "LOC"})\n'
        'clubs = regex_suggester(r"(?:[A-Z][a-z]+ )+(?:Club|Society|Union)", "ORG")\n'
        'store = os.environ.get("NB_LABEL_STORE", "labels.db")\n'
        'lab = nbl.SpanLabeller(df[["text"]], show="text", labels=["PER", "LOC", "ORG"],\n'
        '                       store=store, annotator="ana", suggest=[places, clubs])\n'
        "lab"
    ),
    nbf.v4.new_markdown_cell(
        "Click the widget once, then: **drag** over words with the mouse, or move the word "
        "cursor with **←/→** and extend it with **Shift+←/→**; press **1** PER, **2** LOC, "
        "**3** ORG. **Delete** removes the selected span, a label key on a selected span "
        "relabels it. Suggestions are dashed: **Enter** accepts them and shows the next "
        "text. **z** undoes, **b** goes back, **s** skips. Every edit is saved at once.\n\n"
        "Everything the keys do can be done from code, too:"
    ),
    nbf.v4.new_code_cell(
        "first = lab.current\n"
        "text = lab.text()\n"
        "print(lab.suggestion())  # Lisbon and Nairobi, from the dictionary\n"
        'lab.add_span(0, len("Mariam Haddad"), "PER")\n'
        'start = text.index("Kijani Solar")\n'
        'lab.add_span(start, start + len("Kijani Solar"), "ORG")\n'
        "lab.accept_suggestions()  # Enter: the suggested places join the marked spans\n"
        "assert [text[s:e] for s, e, _ in lab.spans_of(first)] == [\n"
        '    "Mariam Haddad", "Lisbon", "Nairobi", "Kijani Solar"]\n'
        "lab.spans_of(first)"
    ),
    nbf.v4.new_markdown_cell(
        "Offsets count Python characters, so `text[start:end]` is the span, whatever the "
        "script: the emoji, the decomposed accents and the Arabic text below."
    ),
    nbf.v4.new_code_cell(
        'for key in ["news-4", "news-5", "news-6"]:\n'
        '    lab.label(df.loc[key, "entities"], item_key=key)\n'
        '    text = df.loc[key, "text"]\n'
        "    print(key, [(text[s:e], label) for s, e, label in lab.spans_of(key)])\n"
        'assert lab.spans_of("news-5")[0] == (2, 14, "PER")  # 🎉 is one character\n'
        'assert lab.annotations.loc["news-6", "state"] == "labelled"'
    ),
    nbf.v4.new_markdown_cell("Undo appends a retraction; the spans before the edit return."),
    nbf.v4.new_code_cell(
        'lab.remove_span(0, 13, item_key="news-1")\n'
        'assert len(lab.spans_of("news-1")) == 3\n'
        "lab.undo()\n"
        'assert len(lab.spans_of("news-1")) == 4\n'
        'lab.annotations[["spans", "state", "labelled_at"]].dropna(subset=["spans"])'
    ),
    nbf.v4.new_markdown_cell(
        "Exports: spaCy's training tuples (ready for `doc.char_span` and a `DocBin`) and BIO "
        "tags per token, each read back to check it."
    ),
    nbf.v4.new_code_cell(
        "tuples = to_spacy(lab)\n"
        "bio = to_bio(lab)\n"
        "back = from_bio(bio)\n"
        'for key, spans in lab.spans_frame()["spans"].items():\n'
        "    assert back[key] == spans\n"
        "assert len(tuples) == 4\n"
        'bio[bio["item_key"] == "news-5"].head(6)'
    ),
    nbf.v4.new_code_cell(
        'path = lab.export(os.environ.get("NB_LABEL_EXPORT", "my_labels.csv"))\n'
        "print(f\"{lab.progress['labelled']} texts written to {path}\")\n"
        "assert lab.progress['labelled'] == 4"
    ),
]
write_notebook(cells, "spans.ipynb")
