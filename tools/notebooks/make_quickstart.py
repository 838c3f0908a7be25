"""Writes quickstart.ipynb (kept as a script so the notebook's source is easy to review)."""

import nbformat as nbf
from _write import write_notebook

cells = [
    nbf.v4.new_markdown_cell(
        "# nb_label quickstart\n\n"
        "Label real SMS messages as *ham* or *spam*, with a note beside any answer. "
        "Every answer is committed to a SQLite file before the card marks it saved."
    ),
    nbf.v4.new_code_cell(
        "import os\n\nimport nb_label as nbl\n\n"
        "df = nbl.datasets.sms_spam()  # 5,574 real messages (UCI, CC BY 4.0)\n"
        "df.head()"
    ),
    nbf.v4.new_markdown_cell(
        "The store defaults to `labels.db` next to this notebook; the tests point "
        "`NB_LABEL_STORE` at a fresh file so your labels are never touched."
    ),
    nbf.v4.new_code_cell(
        'store = os.environ.get("NB_LABEL_STORE", "labels.db")\n'
        'lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=store, annotator="ana")\n'
        "lab"
    ),
    nbf.v4.new_markdown_cell(
        "Click the card once, then: **1** ham, **2** spam, **n** write a note (Escape leaves "
        "it), **s** skip, **b** back, **z** undo, **u** unsure, **x** none of these fits. "
        "The next message appears at once; *saved* shows when the kernel has committed it.\n\n"
        "Everything the keys do can be done from code, too:"
    ),
    nbf.v4.new_code_cell(
        "first = lab.current\n"
        'print(df.loc[first, "text"])\n'
        'lab.label("ham", note="a friend, about where to go")\n'
        "lab.annotations.loc[first]"
    ),
    nbf.v4.new_code_cell(
        'labelled = lab.annotations.dropna(subset=["label"])\nlabelled.join(df["text"])'
    ),
    nbf.v4.new_code_cell(
        'path = lab.export(os.environ.get("NB_LABEL_EXPORT", "my_labels.csv"))\n'
        'print(f"{len(df):,} rows written to {path}, {len(labelled):,} of them labelled")\n'
        "# The dataset's own label column says the same as the annotator.\n"
        'assert labelled.loc[first, "label"] == df.loc[first, "label"] == "ham"'
    ),
]
write_notebook(cells, "quickstart.ipynb")
