"""Writes active_learning.ipynb, the teaching notebook for the model loop."""

import nbformat as nbf
from _write import write_notebook

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
    md(
        "# The human in the loop\n\n"
        "Label a few messages, retrain in the next cell, and let the model choose what you see "
        "next and suggest a label. Then compare query strategies with a simulated annotator, and "
        "see why an audit sample matters."
    ),
    code(
        "import os\n\nimport matplotlib.pyplot as plt\n"
        "from sklearn.feature_extraction.text import TfidfVectorizer\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "from sklearn.pipeline import make_pipeline\n\n"
        "import nb_label as nbl\n\n"
        "df = nbl.datasets.sms_spam()\n"
        'store = os.environ.get("NB_LABEL_STORE", "labels.db")\n'
        'lab = nbl.Labeller(df, show="text", labels=["ham", "spam"], store=store,\n'
        '                   annotator="ana", dataset="sms-active")\n'
        "lab"
    ),
    md(
        "## 1. Label a few, then retrain\n\n"
        "Label a dozen messages in the card above. Here a simulated annotator does it for us: "
        "it answers from the dataset's own labels (`source='simulated'` in the store)."
    ),
    code(
        "def model():\n"
        "    return make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))\n\n"
        'loop = nbl.ActiveLoop(lab, model(), features="text", random_state=0)\n'
        'nbl.simulate(lab, df["label"], n=30, seed=0)\n'
        "loop.retrain()"
    ),
    md(
        "The card now shows the model's suggestion for each message (Enter accepts it) and the "
        "queue puts the messages the model is least sure about first. Every stored answer keeps "
        "the suggestion that was shown, so we can later measure how often people just follow "
        "the model."
    ),
    code("lab.suggestion(), lab.current"),
    code(
        'history = nbl.simulate(lab, df["label"], n=60, loop=loop, batch=20, seed=0)\n'
        'history[["round", "n_labels", "audit_size", "audit_macro_f1", "cv_macro_f1", "seconds"]]'
    ),
    code("loop.plot();"),
    md(
        "## 2. Why the audit sample matters\n\n"
        "Uncertainty sampling picks the hardest messages. A score computed on them (or by "
        "cross-validation over them) says little about the messages the model will meet. "
        "`ActiveLoop` draws a random 5% *audit sample* into the queue, never trains on it, "
        "and scores each round on it: an unbiased estimate. Cross-validation is grouped by "
        "identical text, because SMS spam has 403 duplicate messages that would otherwise "
        "sit on both sides of a fold."
    ),
    code("loop.audit_keys[:5], loop.stopping_hint"),
    md(
        "## 3. Compare strategies\n\n"
        "Each strategy is a plain function: probabilities in, chosen positions out. "
        "A fresh store per strategy, the same seed labels and the same model."
    ),
    code(
        "import tempfile\n\n"
        "small = df.sample(1500, random_state=0)\n"
        "curves = {}\n"
        'for name in ["random", "margin", "default"]:\n'
        "    with tempfile.TemporaryDirectory() as tmp:\n"
        '        sim = nbl.Labeller(small, show="text", labels=["ham", "spam"],\n'
        '                           store=os.path.join(tmp, "s.db"), annotator=name)\n'
        '        sim_loop = nbl.ActiveLoop(sim, model(), features="text", strategy=name,\n'
        "                                  random_state=0)\n"
        '        curves[name] = nbl.simulate(sim, small["label"], n=80, loop=sim_loop, batch=20,\n'
        "                                    seed=0)\n"
        "        sim.close()\n"
        "fig, ax = plt.subplots(figsize=(6, 3.5))\n"
        "for name, h in curves.items():\n"
        '    ax.plot(h["n_labels"], h["cv_macro_f1"], marker="o", label=name)\n'
        'ax.set_xlabel("labels"); ax.set_ylabel("CV macro-F1"); ax.legend();'
    ),
    md(
        "## What uncertainty sampling misses\n\n"
        "- It can keep asking about one confusing corner (many near-identical promo texts) "
        "while whole kinds of message are never seen: diversity-aware batches spread out.\n"
        "- Its picks are not a sample of the data: only the random audit sample tells how well "
        "the model does on what it will meet.\n"
        "- A suggestion on screen pulls people towards it (automation bias): the next section "
        "measures it."
    ),
    md(
        "## 4. Automation bias, measured\n\n"
        "`control=0.2` withholds the suggestion on a random fifth of the items the model "
        "suggests on. Each answer records the suggestion, shown or withheld, so "
        "`nbl.quality.suggestion_effect` can compare the two groups from the same rounds. "
        "Here the simulated annotator accepts the suggestion on screen half of the time "
        "(`follows_suggestion=0.5`), right or wrong, and otherwise answers correctly."
    ),
    code(
        "with tempfile.TemporaryDirectory() as tmp:\n"
        '    trusting = nbl.Labeller(small, show="text", labels=["ham", "spam"],\n'
        '                            store=os.path.join(tmp, "t.db"), annotator="trusting")\n'
        '    bias_loop = nbl.ActiveLoop(trusting, model(), features="text", control=0.2,\n'
        "                               random_state=0)\n"
        '    nbl.simulate(trusting, small["label"], n=300, loop=bias_loop, batch=20,\n'
        "                 follows_suggestion=0.5, seed=0)\n"
        '    effect = nbl.quality.suggestion_effect(trusting, small["label"])\n'
        "    trusting.close()\n"
        "effect"
    ),
    md(
        "With the suggestion shown, the answers agree more with the model and less with the "
        "true labels than on the control items: the suggestions sway the answers. With real "
        "annotators the reference is the gold items, the review decisions or the other "
        "annotators' majority (`reference=None`). The simulated annotator records no times, so "
        "seconds per answer is not measurable here; with people it is."
    ),
    code(
        'row = effect.table.loc["agreement with model"]\n'
        'assert effect.enough_data and row["difference_low"] > 0\n'
        'row[["suggested", "control", "difference", "difference_low", "difference_high"]]'
    ),
    code(
        "events = lab.store.events(lab.dataset)\n"
        'shown = events[events["suggestion"].notna() & (events["kind"] == "label")]\n'
        'print(f"{len(shown)} answers were given with a suggestion on screen")\n'
        "assert len(loop.history) >= 3\n"
        "lab.close()"
    ),
]
write_notebook(cells, "active_learning.ipynb")
