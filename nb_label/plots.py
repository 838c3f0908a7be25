"""Matplotlib figures: the learning curve and the class balance.

Names and labels come from people: every text drawn from them is set with
``parse_math=False``, so ``x$y ... a$b`` stays as written instead of becoming mathtext (and
``${USER}_$HOST`` does not raise when the figure is drawn).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from nb_label._extras import extra_imports


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    with extra_imports("plot", feature="nb_label.plots"):
        import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(6, 3.5))
    return ax


def learning_curve(
    history: pd.DataFrame, *, baseline: pd.DataFrame | None = None, ax: Any = None
) -> Any:
    """Audit and cross-validated macro-F1 against the number of labels.

    Parameters
    ----------
    history : DataFrame
        ``ActiveLoop.history``.
    baseline : DataFrame, optional
        A second history (e.g. random sampling from ``simulate``) drawn dashed.
    """
    ax = _axes(ax)
    for frame, style, name in ((history, "-", ""), (baseline, "--", "random ")):
        if frame is None or frame.empty:
            continue
        for column, label in (("audit_macro_f1", "audit"), ("cv_macro_f1", "cross-validated")):
            data = frame.dropna(subset=[column])
            if not data.empty:
                ax.plot(data["n_labels"], data[column], style, marker="o", label=f"{name}{label}")
    ax.set_xlabel("labels")
    ax.set_ylabel("macro-F1")
    ax.set_ylim(0, 1.02)
    ax.set_title("Learning curve")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right")
    return ax


def class_balance(annotations: pd.DataFrame, *, ax: Any = None) -> Any:
    """How many items each label has so far (each label of a multi-label answer counts)."""
    ax = _axes(ax)
    labels = annotations["label"].dropna().explode().dropna()  # lists: one row per label
    counts = labels.astype(str).value_counts()
    ax.bar(range(len(counts)), counts.to_numpy())
    ax.set_xticks(range(len(counts)), list(counts.index), parse_math=False)
    ax.set_ylabel("items")
    ax.set_title("Labels so far")
    return ax


def labelset_timeline(history: pd.DataFrame, *, ax: Any = None) -> Any:
    """Each version of the label set on a time line, with the change and who made it."""
    ax = _axes(ax)
    when = pd.to_datetime(history["when"], utc=True)
    ax.plot(when, history["version"], drawstyle="steps-post", marker="o")
    for t, version, change, detail, who in zip(
        when, history["version"], history["change"], history["detail"], history["who"], strict=True
    ):
        ax.annotate(f"{change}: {detail} ({who})", (t, version), textcoords="offset points",
                    xytext=(6, -3), fontsize=8, parse_math=False)  # fmt: skip
    ax.set_xlabel("time")
    ax.set_ylabel("label-set version")
    ax.set_title("How the label set changed")
    return ax
