"""The Labeller's results and the hooks the model loop uses.

A part of :class:`nb_label.Labeller`: ``annotations`` and the rest read the store's events
(see :mod:`nb_label.results`); ``unlabelled_keys``, ``prioritize`` and ``suggest`` are the
only way a model changes what is shown next.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from nb_label._keys import decode_key, encode_key
from nb_label.events import public_event
from nb_label.names import check_annotator
from nb_label.results import active_answers


class Reading:
    """Results and model-loop hooks (a part of :class:`nb_label.Labeller`)."""

    # -- results ------------------------------------------------------------------------------
    @property
    def annotations(self) -> pd.DataFrame:
        """This annotator's results, aligned to the DataFrame's index.

        Columns: ``label`` (mapped through later renames and merges), ``original_label``
        (as given), ``note``, ``state``, ``flagged``, ``annotator``, ``labelled_at``,
        ``seconds``, ``labelset_version``, ``content_changed`` (True where the label was
        given while the item showed something else). Unlabelled items hold missing values;
        items whose label was split are ``unlabelled`` again, with the old label kept in
        ``original_label``.
        """
        from nb_label.results import annotations_frame, answer_columns, map_labels

        events = self._store.events(self.dataset, annotator=self.annotator)
        frame = annotations_frame(events, self._source.df.index)
        frame = answer_columns(map_labels(frame, self._labelset), self.answer, self._labelset)
        frame["content_changed"] = self._content_changed(events, frame.index)
        return frame

    def _content_changed(self, events: pd.DataFrame, index: pd.Index) -> pd.Series:
        """Per item: True if its label was given while it showed something else (an edited
        cell, or rows renumbered by ``reset_index``); missing where unknown."""
        changed = pd.Series(pd.NA, index=index, dtype="boolean")
        labels = active_answers(events)
        labels = labels[(labels["kind"] == "label") & labels["content_sha"].notna()]
        latest = labels.groupby("item_key", sort=False).tail(1)
        keys = [decode_key(k) for k in latest["item_key"]]
        positions = index.get_indexer(keys)
        for position, sha in zip(positions.tolist(), latest["content_sha"], strict=True):
            if position >= 0:
                changed.iloc[position] = self._source.content_sha(position) != sha
        return changed

    def item_history(self, item_key: Hashable) -> pd.DataFrame:
        """Every event about one item, by every annotator, oldest first."""
        self._source.position_of(item_key)
        return self._store.events(self.dataset, item_key=encode_key(item_key))

    def import_labels(
        self, labels: pd.Series | pd.DataFrame, *, annotator: str, source: str = "import"
    ) -> int:
        """Store existing labels as events, e.g. from an earlier tool or a crowd.

        Parameters
        ----------
        labels : Series or DataFrame
            Indexed by item key: a Series of labels, or a DataFrame with a ``label`` column
            (and optionally ``note``). Missing labels are left out.
        annotator : str
            Whose labels these are.
        source : str, default "import"
            Recorded with each event.

        Returns
        -------
        int
            How many events were stored.
        """
        from nb_label.results import import_events

        who = check_annotator(annotator)
        events = import_events(
            labels,
            annotator=who,
            source=source,
            dataset=self.dataset,
            index=self._source.df.index,
            schema=self.schema,
            check=self.check_answer,
            session_id=self.session_id,
            labelset_version=self._labelset.version,
        )
        ids = self._store.append_many(events)
        if who == self.annotator:
            self._book.reset()
            self._load_answers()
            self._show(self._peek(), remember=False)
        keys = [decode_key(e["item_key"]) for e in events]
        positions = self._source.df.index.get_indexer(keys).tolist()
        self._announce(
            [
                (p, public_event(e, i, k))
                for p, e, i, k in zip(positions, events, ids, keys, strict=True)
            ],
            moved=True,
        )
        return len(events)

    def export(self, path: str | Path, *, pseudonymise: bool = False) -> Path:
        """Write ``annotations`` (notes included) to CSV, Parquet or JSON Lines, by suffix.

        With ``pseudonymise=True`` the annotator is the store's keyed-hash pseudonym, the
        same as ``nb-label export --pseudonymise`` gives; notes are kept as written.
        """
        from nb_label.results import write_frame

        frame = self.annotations
        if pseudonymise:
            from nb_label import pseudonyms

            frame = pseudonyms.pseudonymise(frame, self.store.secret(pseudonyms.KEY_NAME))
        return write_frame(frame, Path(path))

    def training_data(
        self, features: str | Sequence[str] | Callable | None = None
    ) -> tuple[Any, pd.Series]:
        """Features and labels of the labelled items, for scikit-learn.

        Parameters
        ----------
        features : str, list of str or callable, optional
            A column (a Series), a list of columns (a DataFrame), or a function of the
            labelled rows returning the feature matrix; by default the shown columns.
        """
        from nb_label._features import check_features, select_features

        features = features if features is not None else list(self._source.columns)
        check_features(features, self._source.df.columns)
        frame = self.annotations
        labelled = frame.index[
            frame["state"].isin(["labelled", "flagged"]) & frame["label"].notna()
        ]
        X = select_features(self._source.df, labelled, features)
        return X, frame.loc[labelled, "label"]

    # -- the model loop (it uses only these and on_answer) --------------------------------------
    def unlabelled_keys(self) -> pd.Index:
        """Keys of items with no answer that takes them out of the queue."""
        positions = self._source.positions
        return self._source.df.index[positions[self._book.queue.open_mask(positions)]]

    def prioritize(self, item_keys: Sequence[Hashable]) -> None:
        """Show these items next, in this order (the item on screen stays)."""
        self._book.queue.reorder([self._source.position_of(k) for k in item_keys])
        if self._card is None and self._review is None:
            self._current = self._peek()  # with a card, the item on screen stays current
        self._emit("order")

    def suggest(self, suggestions: pd.DataFrame | None, *, audit: Sequence[Hashable] = ()) -> None:
        """Set the suggestion shown per item: a frame with ``label`` and ``p`` columns.

        ``audit`` names the items of the model's audit sample: the card carries the flag
        so their answers can be told apart.
        """
        self._feed.set_suggestions(suggestions)
        index = self._source.df.index
        self._feed.audit = {p for p in index.get_indexer(list(audit)).tolist() if p >= 0}
        self._emit("order")

    def suggestion(self, item_key: Hashable | None = None) -> dict[str, Any] | None:
        """The suggestion for an item (current by default), or None."""
        found = self._feed.suggestions.get(self._position(item_key))
        return None if found is None else {"label": found[0], "p": found[1]}
