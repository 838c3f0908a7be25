"""The matplotlib figures: what they draw, checked on the artists, not on pixels."""

import pandas as pd

from nb_label.plots import class_balance


def bars(ax):
    names = [t.get_text() for t in ax.get_xticklabels()]
    return dict(zip(names, [p.get_height() for p in ax.patches], strict=True))


def test_class_balance_counts_items_per_label():
    frame = pd.DataFrame({"label": ["spam", "ham", None, "ham"]})
    assert bars(class_balance(frame)) == {"ham": 2, "spam": 1}


def test_class_balance_counts_each_label_of_a_multi_label_answer():
    frame = pd.DataFrame({"label": [["sport", "money"], ["money"], None, []]})
    assert bars(class_balance(frame)) == {"money": 2, "sport": 1}


NAMES = ["${USER}_$HOST", "x$y", r"a\b_c"]


def drawn_literally(texts):
    """Each artist keeps its text as written and is not read as mathtext; drawing works."""
    for text in texts:
        shown, is_math = text._preprocess_math(text.get_text())
        assert not is_math, text.get_text()
    texts[0].figure.canvas.draw()  # mathtext would raise here for "${USER}_$HOST"
    return [t.get_text() for t in texts]


def test_names_with_dollars_are_drawn_as_written_in_every_figure():
    from nb_label.dashboard import agreement_heatmap
    from nb_label.plots import labelset_timeline

    ax = class_balance(pd.DataFrame({"label": NAMES}))
    assert sorted(drawn_literally(ax.get_xticklabels())) == sorted(NAMES)

    history = pd.DataFrame({
        "version": [1, 2], "change": ["create", "rename"], "detail": ["x$y", "a$b to c$d"],
        "who": NAMES[:2], "when": pd.to_datetime(["2026-12-01", "2026-12-02"], utc=True),
    })  # fmt: skip
    ax = labelset_timeline(history)
    assert drawn_literally(ax.texts)[1] == "rename: a$b to c$d (x$y)"

    pairwise = pd.DataFrame([[float("nan"), 0.5], [0.5, float("nan")]], index=NAMES[:2],
                            columns=NAMES[:2])  # fmt: skip
    ax = agreement_heatmap(pairwise)
    assert drawn_literally(ax.get_xticklabels()) == NAMES[:2]
    assert drawn_literally(ax.get_yticklabels()) == NAMES[:2]
