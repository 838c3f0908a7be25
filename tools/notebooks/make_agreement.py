"""Writes agreement.ipynb (kept as a script so the notebook's source is easy to review)."""

import nbformat as nbf
from _write import write_notebook

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell

cells = [
    md(
        "# Many annotators, one dataset: agreement, consensus, review and gold\n\n"
        "When a class or a team labels one dataset together, every answer of every person "
        "lands in one store. This notebook uses real ratings: the **Stanford Politeness "
        "Corpus**, 4,353 Wikipedia requests, each rated by 5 of 219 crowd workers on a scale "
        "from 1 (very impolite) to 25 (very polite). We import the ratings as if the class had "
        "given them, then ask: how far do they agree, what is the best single label per item, "
        "which items need a human referee, who is reliable, and which labels look wrong."
    ),
    code(
        "import os\n"
        "from pathlib import Path\n\n"
        "import numpy as np\n"
        "import pandas as pd\n\n"
        "import nb_label as nbl\n"
        "from nb_label.quality import find_label_issues, gold_accuracy\n\n"
        "wide = nbl.datasets.politeness()  # one row per request (CC BY 4.0)\n"
        "ratings = nbl.datasets.politeness(long=True)  # one row per rating\n"
        "ratings.head()"
    ),
    md(
        "The store is a SQLite file here; in a classroom it would be a PostgreSQL URL that "
        "every student's notebook points to. (The tests put it in a fresh folder.)"
    ),
    code(
        'store = Path(os.environ.get("NB_LABEL_STORE", "labels.db")).with_name("agreement.db")\n'
        "lab = nbl.Labeller(\n"
        '    wide, show="text", labels=list(range(1, 26)), store=store,\n'
        '    annotator="instructor", dataset="politeness",\n'
        ")\n"
        "# Each worker's ratings become that annotator's label events.\n"
        'for annotator, theirs in ratings.groupby("annotator"):\n'
        '    lab.import_labels(theirs.set_index("item_key")["label"], annotator=annotator)\n'
        "answers = nbl.quality.long_labels(lab)\n"
        "print(f\"{len(answers):,} answers by {answers['annotator'].nunique()} annotators\")"
    ),
    code(
        "assert len(answers) == len(ratings) == 21_765\n"
        'assert answers.groupby("item_key").size().eq(5).all()  # five ratings per request'
    ),
    md(
        "## How far do they agree?\n\n"
        "Two people agree on some items by luck alone. **Cohen's kappa** corrects for that: "
        "with observed agreement $p_o$ and the agreement $p_e$ expected if both answered at "
        "random with their own label frequencies,\n\n"
        "$$\\kappa = \\frac{p_o - p_e}{1 - p_e}$$\n\n"
        "so 0 means no better than chance and 1 means perfect. **Fleiss' kappa** extends the "
        "idea to many raters per item. **Krippendorff's alpha**, $\\alpha = 1 - D_o / D_e$ "
        "(observed over expected disagreement), also copes with missing answers and, "
        "importantly, with the *level of measurement*:\n\n"
        "- **nominal**: any two different labels disagree equally: 12 vs 13 is as wrong as "
        "1 vs 25;\n"
        "- **ordinal**: labels are ranked, and a disagreement weighs more the more labels lie "
        "between the two answers;\n"
        "- **interval**: the squared numeric difference.\n\n"
        "On a 1–25 scale almost nobody picks the *same* number, yet most agree on the "
        "direction. Nominal measures call that chaos; ordinal ones see the agreement."
    ),
    code(
        "levels = {level: nbl.agreement(lab, level=level) for level in "
        '("nominal", "ordinal", "interval")}\n'
        "pd.DataFrame({level: report.overall for level, report in levels.items()}).round(3)"
    ),
    code(
        'nominal = levels["nominal"].overall["krippendorff_alpha"]\n'
        'ordinal = levels["ordinal"].overall["krippendorff_alpha"]\n'
        "# Near-misses on a rating scale are not full disagreements: ordinal alpha is higher.\n"
        "assert nominal < 0.15 < 0.3 < ordinal\n"
        "# Only about one pair of ratings in five gives exactly the same score.\n"
        'assert levels["nominal"].overall["observed_agreement"] < 0.25'
    ),
    md(
        "Per label, `specific_agreement` is the chance that, when one annotator chose the "
        "label, another annotator of the same item chose it too. The extremes of the scale "
        "are rarely shared; per annotator, `agreement_with_majority` is how often they side "
        "with the others' majority."
    ),
    code(
        'report = levels["ordinal"]\n'
        'report.per_label.sort_values("specific_agreement").round(3).head(8)'
    ),
    code(
        'busy = report.per_annotator[report.per_annotator["n_answers"] >= 100]\n'
        'busy.sort_values("mean_pairwise_kappa").round(3).head()'
    ),
    md(
        "Pairwise Cohen's kappa between annotators who shared at least 10 items (grey: too "
        "few shared items). Here for the 20 busiest annotators; the Dashboard below shows the "
        "same heatmap live while a class works."
    ),
    code(
        "import matplotlib.pyplot as plt\n\n"
        "from nb_label.dashboard import agreement_heatmap\n\n"
        'top20 = report.per_annotator["n_answers"].nlargest(20).index\n'
        "agreement_heatmap(report.pairwise.loc[top20, top20])\n"
        "plt.show()"
    ),
    md(
        "## One label per item: consensus\n\n"
        "The **majority vote** takes each item's most frequent label; with five ratings on 25 "
        "levels, ties are common (they go to the smaller number and are flagged). "
        "**Dawid–Skene** learns a confusion matrix per annotator and weighs reliable "
        "annotators more. A 25×25 matrix per annotator is too much to learn from a few dozen "
        "answers, so for Dawid–Skene we collapse the scale into three bands first."
    ),
    code(
        "votes = nbl.consensus(lab)\n"
        "print(f\"{votes['tie'].mean():.0%} of items have a tied vote\")\n"
        "votes.head()"
    ),
    code(
        "bands = ratings.assign(\n"
        '    label=pd.cut(ratings["label"], [0, 9, 16, 25], labels=["impolite", "neutral", '
        '"polite"]).astype(str)\n'
        ")\n"
        'ds = nbl.consensus(bands, method="dawid_skene")\n'
        'majority = nbl.consensus(bands, method="majority")\n'
        'same = (ds["label"] == majority.loc[ds.index, "label"]).mean()\n'
        'quality = ds.attrs["annotators"]\n'
        'print(f"Dawid–Skene and the majority agree on {same:.0%} of items")\n'
        'quality[quality["n_answers"] >= 50].sort_values("accuracy").round(2).head()'
    ),
    code(
        'assert ds.attrs["converged"] and 0.7 < same < 1.0\n'
        "# Annotators the model trusts least side with the majority less often than the most "
        "trusted.\n"
        'regular = quality[quality["n_answers"] >= 50].index\n'
        'order = quality.loc[regular, "accuracy"].sort_values().index\n'
        "low, high = order[: len(order) // 3], order[-(len(order) // 3):]\n"
        "banded = nbl.agreement(bands).per_annotator\n"
        'assert banded.loc[low, "agreement_with_majority"].mean() < banded.loc[high, '
        '"agreement_with_majority"].mean()'
    ),
    md(
        "## Review the most disputed items\n\n"
        "`Review` lists the items whose annotators disagree most (highest entropy of their "
        "labels, then the widest spread), with every answer and note side by side and the "
        "item's text. A reviewer picks a label and gives a reason; the decision is stored as an "
        'event, and `consensus` then uses it with confidence 1.0 (`method == "review"`). '
        "Everything is shown as text, so no note or data can inject HTML into the page."
    ),
    code('review = nbl.Review(lab, reviewer="instructor")\nreview.items.head()'),
    code("worst = review.items.index[0]\nreview.answers(worst)"),
    code(
        'median = int(review.answers(worst)["label"].median())\n'
        'review.decide(worst, median, note="ratings from 1 to 25: the median is the fairest '
        'call")\n'
        "decided = nbl.consensus(lab)\n"
        'assert decided.loc[worst, "method"] == "review" and decided.loc[worst, "label"] == '
        "median\n"
        'assert decided.loc[worst, "confidence"] == 1.0\n'
        "# Everything else is still the majority vote.\n"
        'assert (decided.drop(index=worst)["method"] == "majority").all()\n'
        "review"
    ),
    md(
        "## Gold items: who gets the known answers right?\n\n"
        "An instructor marks a few items whose label is known (`lab.mark_gold`). Gold events "
        "are not answers, so they never enter agreement; `gold_accuracy` compares everyone's "
        "answers on them. Here we pretend the requests where at least four of five raters "
        "chose the same score are gold."
    ),
    code(
        'tally = ratings.groupby(["item_key", "label"]).size()\n'
        "clear = tally[tally >= 4].reset_index()\n"
        'gold = pd.Series(clear["label"].to_numpy(), index=clear["item_key"])\n'
        "lab.mark_gold(gold)\n"
        "accuracy = gold_accuracy(lab)\n"
        'accuracy[accuracy["n_gold"] > 0].sort_values("accuracy").head()'
    ),
    code(
        'on_gold = ratings[ratings["item_key"].isin(gold.index)]\n'
        'assert accuracy["n_gold"].sum() == len(on_gold)\n'
        "# At least four of five answers on each gold item match it.\n"
        'assert accuracy["correct"].sum() >= 0.8 * len(on_gold)\n'
        'assert "instructor" not in set(nbl.quality.long_labels(lab)["annotator"])'
    ),
    md(
        "## The instructor's dashboard\n\n"
        "`Dashboard` shows progress per annotator, the agreement heatmap, the most disputed "
        "items and labels and gold accuracy, and refreshes itself every `refresh=` seconds "
        "while the class works (`refresh=0` here: the data do not change). Its tables are also "
        "DataFrames: `dash.progress`, `dash.disputed`, `dash.gold`."
    ),
    code(
        "dash = nbl.Dashboard(lab, refresh=0, min_common=10)\n"
        'assert dash.progress["labelled"].sum() == len(ratings)\n'
        'assert dash.gold["n_gold"].sum() == len(on_gold)\n'
        "dash"
    ),
    md(
        "## Which labels look wrong? Confident learning\n\n"
        "`find_label_issues` trains a model on all but one fold of the items and asks it "
        "about the held-out fold, so every item is judged by a model that never saw its label. "
        "For each class the bar is the model's mean probability for that class on the items "
        "labelled with it; an item is an issue when the model clears the bar of *another* "
        "class. To see that it works we label real SMS messages with 8% of the labels flipped "
        "on purpose, and check what it finds."
    ),
    code(
        "from sklearn.feature_extraction.text import TfidfVectorizer\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.pipeline import make_pipeline\n\n"
        "sms = nbl.datasets.sms_spam().iloc[:2000]\n"
        "rng = np.random.default_rng(0)\n"
        "flip = rng.random(len(sms)) < 0.08\n"
        'noisy = sms["label"].where(~flip, sms["label"].map({"ham": "spam", "spam": "ham"}))\n'
        'spam_lab = nbl.Labeller(sms, show="text", labels=["ham", "spam"], store=store,\n'
        '                        annotator="crowd", dataset="sms-noisy")\n'
        'spam_lab.import_labels(noisy, annotator="crowd")\n'
        "model = make_pipeline(TfidfVectorizer(sublinear_tf=True), LogisticRegression(C=10, "
        "max_iter=1000))\n"
        "issues = find_label_issues(spam_lab, model)\n"
        'issues.join(sms["text"]).head()'
    ),
    code(
        "caught = issues.index.isin(sms.index[flip])\n"
        "precision, recall = caught.mean(), caught.sum() / flip.sum()\n"
        'print(f"{len(issues)} issues; {precision:.0%} were flipped on purpose, "\n'
        '      f"{recall:.0%} of the flipped labels were found")\n'
        "# Picking items at random would be right 8% of the time.\n"
        "assert precision > 5 * flip.mean() and recall > 0.5"
    ),
    code("spam_lab.close()\nlab.close()"),
]
write_notebook(cells, "agreement.ipynb")
