"""Writes images.ipynb: label handwritten digits, retrain on pixel features, watch it learn."""

import nbformat as nbf
from _write import write_notebook

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
    md(
        "# Labelling images\n\n"
        "scikit-learn's 1,797 handwritten digits (8x8 pixels, grey levels 0..16). Each image "
        "is encoded only when it enters the card's buffer, shown enlarged with crisp pixels "
        "(use **+** / **−** under it to zoom), and labelled with one key: **1**..**9** for "
        "1..9 and **0** for 0."
    ),
    code(
        "import os\n\nimport numpy as np\n"
        "from sklearn.linear_model import LogisticRegression\n\n"
        "import nb_label as nbl\n\n"
        "digits = nbl.datasets.digits()\n"
        'store = os.environ.get("NB_LABEL_STORE", "labels.db")\n'
        "labels = nbl.Schema([nbl.Label(d, key=str(d)) for d in range(10)])  # key 0 is digit 0\n"
        'lab = nbl.Labeller(digits, show="image", labels=labels, store=store, annotator="ana",\n'
        '                   dataset="digits", view=nbl.ImageView("image", value_range=(0, 16)))\n'
        "lab"
    ),
    md(
        "The image column was recognised without a `view=`; here `value_range=(0, 16)` says "
        "which values are black and white. What the card holds for one item:"
    ),
    code(
        'block = lab.card_item(0)["blocks"][0]\n'
        '{k: v for k, v in block.items() if k != "src"}, block["src"][:30]'
    ),
    code(
        'assert block["kind"] == "image" and block["src"].startswith("data:image/png;base64,")\n'
        'assert (block["natural_width"], block["natural_height"]) == (8, 8)'
    ),
    md(
        "## Retrain on pixel features\n\n"
        "The model sees the 64 pixel values of each image. A simulated annotator answers from "
        "the dataset's own targets; in class, you label in the card above instead."
    ),
    code(
        "def pixels(frame):  # 64 grey levels per image, scaled to 0..1\n"
        '    flat = [image.ravel() for image in frame["image"]]\n'
        "    return np.asarray(flat, dtype=float).reshape(len(frame), 64) / 16.0\n\n"
        "loop = nbl.ActiveLoop(lab, LogisticRegression(max_iter=2000), features=pixels,\n"
        "                      random_state=0)\n"
        'history = nbl.simulate(lab, digits["target"], n=200, loop=loop, batch=25, seed=0)\n'
        'history[["round", "n_labels", "audit_size", "audit_macro_f1", "cv_macro_f1"]]'
    ),
    code("loop.plot();"),
    code(
        "# Cross-validation over the model's own (hard) picks is pessimistic; the honest test\n"
        "# is the ~1,600 digits nobody labelled.\n"
        "rest = lab.unlabelled_keys()\n"
        'accuracy = (loop.model_.predict(pixels(digits.loc[rest])) == digits.loc[rest, "target"]).mean()\n'
        "print(f\"{lab.progress['labelled']} labels -> accuracy {accuracy:.1%} on {len(rest)} unseen digits\")\n"
        "assert len(history) >= 4\n"
        "assert accuracy > 0.85\n"
        'assert lab.progress["labelled"] >= 200'
    ),
    md("The card now suggests a digit for each image (Enter accepts it)."),
    code("lab.suggestion(), lab.current"),
    code(
        'annotations = lab.annotations.dropna(subset=["label"])\n'
        'agree = (annotations["label"].astype(int) == digits.loc[annotations.index, "target"])\n'
        "assert agree.all()  # the simulated annotator is perfect"
    ),
]
write_notebook(cells, "images.ipynb")
