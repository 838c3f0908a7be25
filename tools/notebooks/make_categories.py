"""Writes categories_from_the_field.ipynb: how annotators' knowledge changes a label set."""

import nbformat as nbf
from _write import write_notebook

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
    md(
        "# Categories from the field\n\n"
        "nb_label grew from the story of a data labeller who saw that the categories she was "
        "given did not fit what she knew of her own land. Here the people who label can say "
        "*none of these fits*, propose a better category with a reason, and the label set "
        "changes, with a recorded history, without losing a single earlier label."
    ),
    code(
        "import os\nimport tempfile\n\nimport nb_label as nbl\n\n"
        "df = nbl.datasets.sms_spam()\n"
        "# a fresh store, so the story can be replayed from the start\n"
        'store = os.environ.get("NB_LABEL_STORE") or os.path.join(tempfile.mkdtemp(), "field.db")\n'
        "schema = nbl.Schema([\n"
        '    nbl.Label("ham", "A normal personal or business message", key="1"),\n'
        '    nbl.Label("spam", "Unsolicited advertising or a scam", key="2"),\n'
        '], policy="review", owners=["teacher"])\n'
        'ana = nbl.Labeller(df, show="text", labels=schema, store=store, annotator="ana",\n'
        '                   dataset="sms-field")\n'
        "ana"
    ),
    md(
        "## 1. An annotator meets an item that fits nowhere\n\n"
        "Service reminders are neither personal messages nor scams. Ana presses **x** (none "
        "of these fits) and says what it is instead. The item is kept aside, not forced into a "
        "wrong category, and her proposal waits for an owner."
    ),
    code(
        'ana.label("ham")\n'
        'ana.none_fits("an automatic reminder from a service I signed up for",\n'
        '              proposed="service notice")\n'
        'ana.schema.proposals[["name", "reason", "proposed_by", "item_key"]]'
    ),
    md("## 2. Another annotator independently proposes the same thing"),
    code(
        'bob = nbl.Labeller(df, show="text", labels=schema, store=store, annotator="bob",\n'
        '                   dataset="sms-field")\n'
        "bob.goto(5)\n"
        'bob.none_fits("a network operator telling me about my plan", proposed="Service Notice")\n'
        'bob.schema.proposals[["name", "supporters"]]'
    ),
    md(
        "Names are compared ignoring case and spaces, so Bob supports Ana's proposal instead of "
        "creating a near-duplicate.\n\n"
        "## 3. Only an owner can change the label set under the review policy"
    ),
    code(
        "try:\n"
        '    ana.schema.approve("service notice")\n'
        "except PermissionError as err:\n"
        "    print(err)"
    ),
    code(
        'teacher = nbl.Labeller(df, show="text", labels=schema, store=store,\n'
        '                       annotator="teacher", dataset="sms-field")\n'
        "review = nbl.ProposalReview(teacher)   # the same, with buttons\n"
        'teacher.schema.approve("service notice", definition="Automated but wanted messages")\n'
        "teacher.schema.values"
    ),
    md(
        "## 4. Merges, renames, splits\n\n"
        "Suppose the class first split spam into *promo* and *scam*, then found they could not "
        "tell promos from spam anyway. Every change is an event with who, when and why; "
        "earlier answers are mapped, and their original label is kept beside them."
    ),
    code(
        'teacher.label("spam")\n'
        'teacher.schema.split("spam", ["scam", "promo"], reason="a scam and an advert harm differently")\n'
        'teacher.annotations.loc[teacher.annotations["original_label"].notna(),\n'
        '                        ["label", "original_label", "state"]]'
    ),
    code(
        'teacher.schema.merge(["promo", "scam"], into="spam",\n'
        '                     reason="annotators could not tell them apart")\n'
        'teacher.schema.history[["version", "change", "detail", "who", "why"]]'
    ),
    code("nbl.plots.labelset_timeline(teacher.schema.history);"),
    md(
        "## 5. The notes carry the knowledge\n\n"
        "Every answer can carry a note. The notes browser searches them by word, label and "
        "annotator, and jumps to the item."
    ),
    code('notes = nbl.NotesBrowser(teacher)\nnotes.search.value = "service"\nnotes.selected'),
    md(
        "## To discuss\n\n"
        "- Whose categories were these to begin with, and who may change them?\n"
        "- What would have been lost if Ana had been forced to choose *ham* or *spam*?\n"
        "- A merge makes a model's job easier. Does it make the labels truer?"
    ),
    code(
        'assert "service notice" in teacher.schema.values\n'
        "for lab in (ana, bob, teacher):\n"
        "    lab.close()"
    ),
]
write_notebook(cells, "categories_from_the_field.ipynb")
