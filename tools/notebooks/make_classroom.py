"""Writes classroom.ipynb (kept as a script so the notebook's source is easy to review)."""

import nbformat as nbf
from _write import write_notebook

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell

cells = [
    md(
        "# A class labels one dataset together (for the instructor)\n\n"
        "This notebook is the instructor's side of a labelling lesson:\n\n"
        "1. **set up** one shared store and the label set, and mark a few *gold* items whose "
        "answer you know;\n"
        "2. hand out **one line** for students to run in their own notebooks;\n"
        "3. **watch** the class work on a live dashboard;\n"
        "4. **discuss** where they disagreed, decide those items, and compare each "
        "student's answers with the consensus.\n\n"
        "In class the store is a PostgreSQL database every student's kernel can reach, e.g. "
        '`store="postgresql://teacher:PASSWORD@db.school.example/labels"` (passwords are '
        "never shown in messages or reprs). Here, so the notebook runs anywhere, it is a "
        "SQLite file, and a simulated class of six students answers through the same "
        "`Labeller` calls a real student's card makes."
    ),
    code(
        "import os\n"
        "from pathlib import Path\n\n"
        "import numpy as np\n"
        "import pandas as pd\n\n"
        "import nb_label as nbl\n\n"
        "sms = nbl.datasets.sms_spam().iloc[:240]  # 240 real text messages (CC BY 4.0)\n"
        "truth = sms['label']  # the corpus's own labels: students never see them\n"
        'store = Path(os.environ.get("NB_LABEL_STORE", "labels.db")).with_name("classroom.db")\n'
        'STORE = str(store)  # in class: "postgresql://..."\n'
        'LABELS = ["ham", "spam"]'
    ),
    md(
        "## 1. Set up\n\n"
        "The instructor opens the dataset first. `overlap=3` means every message is answered "
        "by three *different* students, so the class covers 240 messages with 720 answers "
        "instead of every student labelling everything. Gold items are messages whose answer "
        "you know: every student meets them, mixed into their queue (here one in every ten "
        "items), and the dashboard reports each student's accuracy on them."
    ),
    code(
        'teacher = nbl.Labeller(sms[["text"]], show="text", labels=LABELS, store=STORE,\n'
        '                       annotator="teacher", dataset="sms-class", overlap=3)\n'
        "gold_keys = [0, 2, 5, 8, 15]\n"
        'teacher.mark_gold(truth.loc[gold_keys], note="checked by the teacher")\n'
        "teacher.gold"
    ),
    md(
        "## 2. What each student runs\n\n"
        "```python\n"
        "import nb_label as nbl\n"
        'sms = nbl.datasets.sms_spam().iloc[:240][["text"]]\n'
        'lab = nbl.Labeller(sms, show="text", labels=["ham", "spam"], store=STORE,\n'
        '                   annotator="ana", dataset="sms-class", overlap=3)\n'
        "lab   # the card: 1 = ham, 2 = spam, n = note, u = unsure, x = none of these fits\n"
        "```\n\n"
        "Each card reserves (leases) only the 20 messages it holds ahead, and renews the "
        "lease while the page is open; a student who closes the laptop holds nothing for "
        "long. Names must be distinct: `Ana` would be refused next to `ana`.\n\n"
        "Below, six simulated students answer. Each is right with a different probability, "
        "like real people; `mo` guesses a lot."
    ),
    code(
        "accuracy = {'ana': 0.97, 'ben': 0.95, 'chi': 0.93, 'dev': 0.9, 'eli': 0.88, "
        "'mo': 0.6}\n"
        "rng = np.random.default_rng(7)\n"
        "students = {name: nbl.Labeller(sms[['text']], show='text', labels=LABELS, store=STORE,\n"
        "                               annotator=name, dataset='sms-class', overlap=3)\n"
        "            for name in accuracy}\n\n"
        "def answer(name):\n"
        "    lab = students[name]\n"
        "    key = lab.current\n"
        "    right = rng.random() < accuracy[name]\n"
        "    given = truth[key] if right else ('ham' if truth[key] == 'spam' else 'spam')\n"
        "    lab.label(given, note=None if right else 'not sure about this one')\n\n"
        "# The class works in turns until no student is offered anything more.\n"
        "while not all(lab.done for lab in students.values()):\n"
        "    for name, lab in students.items():\n"
        "        if not lab.done:\n"
        "            answer(name)"
    ),
    code(
        "answers = nbl.quality.long_labels(teacher)\n"
        "per_item = answers[~answers['item_key'].isin(gold_keys)].groupby('item_key')\n"
        "# Every ordinary message got exactly three answers, from three different students.\n"
        "assert per_item.size().eq(3).all() and per_item['annotator'].nunique().eq(3).all()\n"
        "assert per_item.ngroups == len(sms) - len(gold_keys)\n"
        "# Every student answered every gold item.\n"
        "gold_answers = answers[answers['item_key'].isin(gold_keys)]\n"
        "assert gold_answers.groupby('annotator').size().eq(len(gold_keys)).all()\n"
        "answers.groupby('annotator').size()"
    ),
    md(
        "## 3. Watch\n\n"
        "The dashboard reads the shared store. With `refresh=5` it updates every five "
        "seconds while the class works (a background timer; `dash.close()` stops it). Its "
        "tabs show progress per student, the agreement matrix (Cohen's kappa for each pair "
        "of students who shared enough items), the most disputed items and the gold "
        "accuracy. Everything it shows is also a DataFrame."
    ),
    code("dash = nbl.Dashboard(teacher, refresh=0)  # refresh=5 in class\ndash"),
    code("dash.progress"),
    code("dash.gold"),
    code(
        "# The guesser stands out on the gold items and on agreement with the others.\n"
        "assert dash.gold['accuracy'].idxmin() == 'mo' or dash.gold.loc['mo', 'accuracy'] <= 0.6\n"
        "per_student = dash.agreement.per_annotator\n"
        "assert per_student['agreement_with_majority'].idxmin() == 'mo'\n"
        "per_student.round(3)"
    ),
    md(
        "## 4. Discuss\n\n"
        "`Review` lists the messages the students disagreed on, most disputed first, with "
        "every answer and every note side by side. Pick one to discuss with the class; the "
        "decision is stored as an event with your reason, and the consensus uses it."
    ),
    code(
        "review = nbl.Review(teacher)\n"
        "print(len(review.items), 'disputed messages')\n"
        "first = review.items.index[0]\n"
        "print(review.content(first))\n"
        "review.answers(first)"
    ),
    code(
        "decided = review.decide(first, truth[first], note='discussed in class: see the link')\n"
        "review"
    ),
    md(
        "**Consensus.** A majority of three already outvotes one careless answer. "
        "Dawid–Skene goes further: it estimates how reliable each student is and weighs their "
        "answers by it, and its per-student estimates can start a conversation (gently)."
    ),
    code(
        "ds = nbl.consensus(teacher, method='dawid_skene')\n"
        "majority = nbl.consensus(teacher)\n"
        "scored = ds.index.difference(gold_keys)\n"
        "ds_accuracy = (ds.loc[scored, 'label'] == truth.loc[scored]).mean()\n"
        "mv_accuracy = (majority.loc[scored, 'label'] == truth.loc[scored]).mean()\n"
        "each = answers.assign(right=answers['label'].to_numpy() == "
        "truth.loc[answers['item_key']].to_numpy())\n"
        "print(f'one student alone: {each[\"right\"].mean():.1%}   majority of three: '\n"
        "      f'{mv_accuracy:.1%}   Dawid-Skene: {ds_accuracy:.1%}')\n"
        "assert ds.loc[first, 'method'] == 'review'  # the class's decision stands\n"
        "assert mv_accuracy > each['right'].mean()  # three heads beat one\n"
        "ds.attrs['annotators']"
    ),
    md(
        "**Sharing results.** The command line writes the answers for the class with names "
        "replaced by pseudonyms (a keyed hash: the same person, the same pseudonym, in every "
        "export of this store) and no browser ids, notes kept or left out:\n\n"
        "```\n"
        "nb-label export classroom.db answers.csv --dataset sms-class --pseudonymise --no-notes\n"
        "nb-label agreement classroom.db --dataset sms-class\n"
        "```"
    ),
    code(
        "import subprocess, sys\n\n"
        'out = store.with_name("class_answers.csv")\n'
        "subprocess.run([sys.executable, '-m', 'nb_label.cli', 'export', STORE, str(out),\n"
        "                '--dataset', 'sms-class', '--pseudonymise', '--no-notes'], check=True)\n"
        "shared = pd.read_csv(out)\n"
        "assert not set(shared['annotator']) & set(accuracy)  # no real names left\n"
        "shared.head()"
    ),
    code("dash.close()\nfor lab in [teacher, *students.values()]:\n    lab.close()"),
]
write_notebook(cells, "classroom.ipynb")
