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
