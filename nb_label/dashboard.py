"""The instructor's live view of a class labelling one dataset together.

Progress per annotator, how far they agree (pairwise Cohen's kappa as a heatmap), the most
disputed items and labels, and accuracy on gold items, re-read from the store on demand or
every few seconds. Plain ipywidgets: tables are text outputs and the heatmap an image, so
names and data never reach the page as HTML.
"""

from __future__ import annotations

import base64
import io
import threading
from datetime import datetime, timezone
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd

from nb_label._extras import extra_imports, require
from nb_label._state import ANSWER_KINDS
from nb_label.hosts import ShownByJupyterOnly
from nb_label.quality.agreement import AgreementReport, agreement_report
from nb_label.quality.gold import accuracy_against, gold_from_events
from nb_label.review import disputed_items

__all__ = ["Dashboard", "agreement_heatmap"]

NOT_ENOUGH = "not enough answers yet"
_PROGRESS_COLUMNS = ["answers", "labelled", "skipped", "flagged", "none_fits", "last_active"]


def agreement_heatmap(pairwise: pd.DataFrame, *, ax: Any = None) -> Any:
    """Draw annotator x annotator Cohen's kappa as a heatmap (grey where undefined).

    Parameters
    ----------
    pairwise : DataFrame
        ``AgreementReport.pairwise`` (NaN on the diagonal and for pairs with too few shared
        items).
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib Axes
    """
    with extra_imports("plot", feature="nb_label.dashboard.agreement_heatmap"):
        from matplotlib import colormaps

        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(5.5, 4.5))

    values = np.ma.masked_invalid(pairwise.to_numpy(dtype=float))
    cmap = colormaps["RdYlGn"].with_extremes(bad="#dddddd")
    image = ax.imshow(values, cmap=cmap, vmin=-1, vmax=1)
    names = [str(n) for n in pairwise.index]
    # Annotator names as written: "${USER}_$HOST" is a name, not mathtext.
    ax.set_xticks(range(len(names)), names, rotation=90, fontsize=7, parse_math=False)
    ax.set_yticks(range(len(names)), names, fontsize=7, parse_math=False)
    ax.set_title("Cohen's kappa between annotators")
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return ax


class Dashboard(ShownByJupyterOnly, w.VBox):
    """Watch a class label: progress, agreement, disputes and gold accuracy, kept fresh.

    Parameters
    ----------
    source : Labeller, Store or DataFrame
        A labeller (its store and dataset), a store with ``dataset=``, or long-format
        answers (``item_key``, ``annotator``, ``label``; a fixed view: nothing to refresh).
    dataset : str, optional
        The dataset's name, when ``source`` is a store.
    refresh : float, default 5.0
        Seconds between background refreshes while the class works; 0 or None refreshes
        only on demand (:meth:`refresh` or the Refresh button).
    min_common : int, default 5
        Fewest shared items for a pairwise kappa.
    max_annotators : int, default 30
        The heatmap shows at most this many annotators (those with the most answers).
    top : int, default 10
        How many disputed items and labels the tables show.

    Attributes
    ----------
    progress : DataFrame
        Per annotator: ``answers`` (active answer events), items ``labelled``, ``skipped``,
        ``flagged``, ``none_fits``, and ``last_active`` (UTC).
    agreement : AgreementReport or None
        None until two annotators have answered the same item.
    disputed : DataFrame
        Items whose annotators disagree, most disputed first (see
        :func:`nb_label.review.disputed_items`).
    labels : DataFrame
        Per label agreement (``AgreementReport.per_label``), least agreed first.
    gold : DataFrame
        Accuracy on gold items per annotator (see :func:`nb_label.quality.gold_accuracy`).
    message : str
        "not enough answers yet ..." while agreement cannot be measured, else "".

    Examples
    --------
    >>> dash = nbl.Dashboard("postgresql://classroom-db/labels", dataset="tweets")
    >>> dash                      # updates every 5 s while students label
    >>> dash.progress
    >>> dash.close()              # stops the background refresh
    """

    _marimo_instead = (
        "Open this notebook in JupyterLab to watch it; in marimo, dashboard.progress, "
        "dashboard.agreement and dashboard.disputed hold the same figures."
    )

    def __init__(
        self,
        source: Any,
        *,
        dataset: str | None = None,
        refresh: float | None = 5.0,
        min_common: int = 5,
        max_annotators: int = 30,
        top: int = 10,
    ) -> None:
        from nb_label.store import Store

        require("plot", feature="nb_label.Dashboard")
        fixed = None  # answers given as a DataFrame: nothing to refresh
        if isinstance(source, Store):
            if dataset is None:
                names = source.datasets()["name"].tolist()
                raise ValueError(f"pass dataset= with a store; it holds {names}")
            self._store, self.dataset = source, dataset
        elif hasattr(source, "store") and hasattr(source, "dataset"):
            self._store, self.dataset = source.store, source.dataset
        elif isinstance(source, pd.DataFrame):
            self._store, self.dataset = None, dataset
            fixed = _events_from_long(source)
            refresh = 0.0
        else:
            raise ValueError(
                "a Dashboard shows a Labeller, a Store with dataset=, or long-format answers "
                "(a DataFrame with item_key, annotator and label columns)"
            )
        if refresh is None:
            refresh = 0.0
        if isinstance(refresh, bool) or not isinstance(refresh, (int, float)) or refresh < 0:
            raise ValueError(
                f"refresh= is seconds between refreshes (0 for none); got {refresh!r}"
            )
        self.interval = float(refresh)
        self.min_common = int(min_common)
        self.max_annotators = int(max_annotators)
        self.top = int(top)
        self._events = _empty_events() if fixed is None else fixed
        self._last_id: int | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.refreshed_at: datetime | None = None

        self.status = w.Label()
        self.refresh_button = w.Button(description="Refresh")
        self.refresh_button.on_click(lambda _: self._refresh_shown())
        self.progress_output = w.Output()
        self.agreement_output = w.Output()
        self.heatmap_output = w.Output()
        self.disputed_output = w.Output()
        self.gold_output = w.Output()
        tabs = w.Tab(
            [
                self.progress_output,
                w.VBox([self.agreement_output, self.heatmap_output]),
                self.disputed_output,
                self.gold_output,
            ]
        )
        tabs.titles = ("Progress", "Agreement", "Disputed", "Gold")
        self.tabs = tabs
        super().__init__([w.HBox([self.refresh_button, self.status]), tabs])
        self.add_class("nbl-dashboard")
        self.refresh()
        if self.interval > 0:
            self._thread = threading.Thread(
                target=self._run, name="nb_label-dashboard", daemon=True
            )
            self._thread.start()

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the events added since the last refresh and update every figure and table."""
        with self._lock:
            new = _empty_events()
            if self._store is not None:
                new = self._store.events(self.dataset, since_id=self._last_id)
            if len(new):
                frames = [f for f in (self._events, new) if len(f)]
                self._events = pd.concat(frames, ignore_index=True)
                self._last_id = int(new["id"].max())
            self._compute()
            self.refreshed_at = datetime.now(timezone.utc)
        self._show()

    @property
    def events(self) -> pd.DataFrame:
        """Every event of the dataset read so far."""
        return self._events

    def _compute(self) -> None:
        from nb_label.results import current_labels

        events = self._events
        answers = current_labels(events)
        agreement: AgreementReport | None = None
        message = ""
        shared = answers.groupby("item_key").size() if len(answers) else pd.Series(dtype=int)
        if answers["annotator"].nunique() < 2 or not (shared >= 2).any():
            message = f"{NOT_ENOUGH}: agreement needs two annotators who answered the same item"
        else:
            agreement = agreement_report(answers, min_common=self.min_common)
        if agreement is not None:
            labels = agreement.per_label.sort_values("specific_agreement")
        else:
            labels = pd.DataFrame(columns=["n_answers", "specific_agreement", "alpha_one_vs_rest"])
        # Every figure is computed before any is replaced, and progress and agreement go
        # last: a reader on another thread never sees a new agreement beside old tables.
        self.disputed = disputed_items(answers)
        self.labels = labels
        self.gold = accuracy_against(answers, gold_from_events(events))
        self.message = message
        self.agreement = agreement
        self.progress = _progress(events)

    # -- showing ----------------------------------------------------------------------------
    def _show(self) -> None:
        when = self.refreshed_at.strftime("%H:%M:%S") if self.refreshed_at else "-"
        n_answers = int(self.progress["answers"].sum()) if len(self.progress) else 0
        summary = f"{len(self.progress)} annotators, {n_answers} answers; updated {when} UTC"
        self.status.value = f"{summary} · {self.message}" if self.message else summary
        _text(self.progress_output, _table(self.progress, empty=f"{NOT_ENOUGH}: no answers"))
        if self.agreement is None:
            _text(self.agreement_output, self.message)
            self.heatmap_output.outputs = ()
        else:
            overall = self.agreement.overall.to_string()
            per_annotator = self.agreement.per_annotator.sort_values("agreement_with_majority")
            _text(
                self.agreement_output,
                f"{overall}\n\nLabels, least agreed first:\n{_table(self.labels.head(self.top))}"
                f"\n\nAnnotators:\n{_table(per_annotator.head(self.max_annotators))}",
            )
            _image(self.heatmap_output, self._heatmap_png())
        shown = self.disputed.drop(columns=["spread"], errors="ignore").head(self.top)
        _text(
            self.disputed_output,
            _table(shown, empty="No disputed items: every answered item has one label so far."),
        )
        _text(self.gold_output, _table(self.gold, empty="No gold items are marked yet."))

    def _heatmap_png(self) -> bytes:
        # A Figure without pyplot: it is safe to draw from the refresh thread, and nothing
        # is left open in pyplot's list of figures (no plt.close needed).
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        busiest = self.agreement.per_annotator["n_answers"].nlargest(self.max_annotators)
        pairwise = self.agreement.pairwise.loc[busiest.index, busiest.index]
        size = 3.0 + 0.18 * len(busiest)
        figure = Figure(figsize=(size + 1.0, size))
        FigureCanvasAgg(figure)
        agreement_heatmap(pairwise, ax=figure.add_subplot())
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=90)
        return buffer.getvalue()

    def _refresh_shown(self) -> None:
        """The Refresh button: like :meth:`refresh`, but shows an error instead of raising."""
        try:
            self.refresh()
        except Exception as err:  # shown on the dashboard; the class keeps working
            self.status.value = f"refresh failed: {type(err).__name__}: {err}"

    def click_refresh(self) -> None:
        """Do what the Refresh button does."""
        self.refresh_button.click()

    # -- the background refresh -------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._refresh_shown()

    @property
    def running(self) -> bool:
        """True while the background refresh runs."""
        return self._thread is not None and self._thread.is_alive()

    def close(self) -> None:
        """Stop the background refresh and close the widget (the store stays open)."""
        if not hasattr(self, "_stop"):  # __init__ stopped early (a bad argument)
            super().close()
            return
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=max(5.0, self.interval))
        for child in (
            self.status,
            self.refresh_button,
            self.progress_output,
            self.agreement_output,
            self.heatmap_output,
            self.disputed_output,
            self.gold_output,
        ):
            child.close()
        self.tabs.close()
        super().close()

    def __enter__(self) -> Dashboard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _progress(events: pd.DataFrame) -> pd.DataFrame:
    """Per annotator: answer events and item states, by the rules of :mod:`nb_label._state`."""
    from nb_label.results import active_answers

    active = active_answers(events)
    own = events[events["kind"].isin([*ANSWER_KINDS, "retract"])]
    annotators = pd.Index(sorted(set(own["annotator"])), dtype=object, name="annotator")
    frame = pd.DataFrame(index=annotators)
    frame["answers"] = active.groupby("annotator").size().reindex(annotators, fill_value=0)
    decisive = active[active["kind"].isin(["label", "flag", "none_fits"])]
    last = decisive.groupby(["annotator", "item_key"], sort=False).tail(1)
    for column, kind in (("labelled", "label"), ("flagged", "flag"), ("none_fits", "none_fits")):
        counts = last[last["kind"] == kind].groupby("annotator").size()
        frame[column] = counts.reindex(annotators, fill_value=0)
    # A skip counts only while the item has no other answer from that annotator.
    skips = active[active["kind"] == "skip"][["annotator", "item_key"]].drop_duplicates()
    answered = set(zip(decisive["annotator"], decisive["item_key"], strict=True))
    waiting = [
        (a, k) not in answered for a, k in zip(skips["annotator"], skips["item_key"], strict=True)
    ]
    frame["skipped"] = (
        skips[waiting].groupby("annotator").size().reindex(annotators, fill_value=0)
        if len(skips)
        else 0
    )
    frame["last_active"] = pd.to_datetime(
        own.groupby("annotator")["committed_at"].max().reindex(annotators), utc=True
    )
    for column in _PROGRESS_COLUMNS[:-1]:
        frame[column] = frame[column].astype(np.int64)
    return frame[_PROGRESS_COLUMNS]


def _events_from_long(answers: pd.DataFrame) -> pd.DataFrame:
    """Long-format answers as the label events a store would hold (for a fixed view)."""
    from nb_label._keys import encode_key
    from nb_label.quality._long import as_long

    checked = as_long(answers)
    events = _empty_events().reindex(range(len(checked)))
    events["id"] = np.arange(1, len(checked) + 1)
    events["kind"] = "label"
    events["item_key"] = [encode_key(key) for key in checked["item_key"]]
    events["annotator"] = checked["annotator"].to_numpy(dtype=object)
    events["value"] = checked["label"].to_numpy(dtype=object)
    if "note" in answers.columns:
        notes = answers.loc[answers["label"].notna(), "note"].to_numpy(dtype=object)
        events["note"] = notes
    events["committed_at"] = pd.Series(pd.NaT, index=events.index, dtype="datetime64[us, UTC]")
    return events


def _empty_events() -> pd.DataFrame:
    from nb_label.store import EVENT_COLUMNS

    return pd.DataFrame({column: pd.Series(dtype=object) for column in EVENT_COLUMNS})


def _table(frame: pd.DataFrame, *, empty: str = "") -> str:
    if frame.empty:
        return empty
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        return frame.to_string()


def _text(output: w.Output, text: str) -> None:
    # A stream output is shown as plain preformatted text: nothing in it is read as HTML.
    output.outputs = ({"output_type": "stream", "name": "stdout", "text": text + "\n"},)


def _image(output: w.Output, png: bytes) -> None:
    output.outputs = (
        {
            "output_type": "display_data",
            "data": {
                "image/png": base64.b64encode(png).decode("ascii"),
                "text/plain": "<agreement heatmap>",
            },
            "metadata": {},
        },
    )
