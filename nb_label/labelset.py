"""The label set's history in the store: every change is an event, replayed on open."""

from __future__ import annotations

from typing import Any

from nb_label.schema import Label, Schema, normalise_name
from nb_label.store import Store

LABELSET_KIND = "labelset"


class LabelSetLog:
    """Keeps a dataset's label set in step with its ``labelset`` events.

    Parameters
    ----------
    store : Store
        Where the events live.
    dataset : str
        The dataset's name in the store.
    annotator : str
        Who is making changes from this side.
    """

    def __init__(self, store: Store, dataset: str, *, annotator: str) -> None:
        self._store = store
        self._dataset = dataset
        self._annotator = annotator
        self.schema: Schema | None = None
        self.version = 0

    def _append(self, value: dict[str, Any], *, reason: str | None = None) -> None:
        self._store.append(
            {
                "dataset": self._dataset,
                "item_key": None,
                "annotator": self._annotator,
                "kind": LABELSET_KIND,
                "value": value,
                "note": reason,
                "source": "human",
                "labelset_version": self.version + 1,
            }
        )
        self.version += 1

    def _replay(self) -> tuple[list[Label], dict[str, Any]] | None:
        events = self._store.events(self._dataset, kinds=[LABELSET_KIND])
        if events.empty:
            return None
        labels: list[Label] = []
        settings: dict[str, Any] = {}
        for change in events["value"]:
            op = change.get("op")
            if op == "create":
                labels = [Label.from_dict(d) for d in change["labels"]]
                settings = {
                    "policy": change.get("policy", "open"),
                    "owners": change.get("owners", []),
                }
            elif op == "add":
                labels += [Label.from_dict(d) for d in change["labels"]]
        self.version = len(events)
        return labels, settings

    def reconcile(self, given: Schema) -> None:
        """Match the label set given in code with the stored one.

        The same names again are fine; new names are added (an event); stored names missing
        from ``given`` are an error, since dropping a label must be an explicit change.
        """
        replayed = self._replay()
        if replayed is None:
            self.schema = given
            self._append(
                {
                    "op": "create",
                    "labels": given.to_dicts(),
                    "policy": given.policy,
                    "owners": given.owners,
                }
            )
            return
        stored, _settings = replayed
        given_by_name = {normalise_name(label.value): label for label in given.labels}
        stored_names = {normalise_name(label.value) for label in stored}
        missing = [
            label.value for label in stored if normalise_name(label.value) not in given_by_name
        ]
        if missing:
            raise ValueError(
                f"the store's label set for this dataset has {missing!r}, which labels= leaves "
                "out. Labels are never dropped silently: pass them too, or change the label set "
                "with lab.schema.retire(...), rename(...) or merge(...)"
            )
        for label in stored:
            if type(label.value) is not type(given_by_name[normalise_name(label.value)].value):
                raise ValueError(
                    f"label {label.value!r} is stored as {type(label.value).__name__} but given "
                    f"as {type(given_by_name[normalise_name(label.value)].value).__name__}"
                )
        added = [
            label for label in given.labels if normalise_name(label.value) not in stored_names
        ]
        # The order and presentation given in code win; the stored names are all present.
        self.schema = given
        if added:
            self._append({"op": "add", "labels": [label.to_dict() for label in added]})
