"""The label set as it lives in the store: every change is an event, replayed on open.

Annotators shape the label set: they propose labels (with a reason and the item that
prompted them), owners approve or reject them, and labels are renamed, merged, split and
retired. Each change is a ``labelset`` event with who, when and why, and a new version.
Nothing is rewritten: answers keep the label and version they were given under, and
``annotations`` maps them through renames and merges.

Over 400 lines because it is one class whose operations (propose, approve, rename, merge,
split, retire) read best side by side; replaying the history lives in ``labelset_replay``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from nb_label.errors import LabelSetConflict
from nb_label.events import make_event
from nb_label.labelset_replay import Replayed, apply_change, find_label
from nb_label.schema import Label, Schema, normalise_name
from nb_label.store import Store

LABELSET_KIND = "labelset"
_DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"]


class LabelSetLog:
    """The current label set of one dataset, kept in step with its ``labelset`` events.

    It answers like a :class:`~nb_label.Schema` (``values``, ``labels``, ``find`` ...) and
    adds the operations that change it.

    Parameters
    ----------
    store : Store
        Where the events live.
    dataset : str
        The dataset's name in the store.
    annotator : str
        Who makes changes from this side.
    """

    def __init__(self, store: Store, dataset: str, *, annotator: str) -> None:
        self._store = store
        self._dataset = dataset
        self._annotator = annotator
        self._state = Replayed()
        self._last_id = 0
        self.version = 0
        self.schema: Schema | None = None
        self._listeners: list[Callable[[], None]] = []

    # -- events -------------------------------------------------------------------------------
    def _append(self, value: dict[str, Any], *, reason: str | None = None) -> None:
        """Append one change, decided against the stored history under the store's lock.

        The history is read again inside the transaction that appends the change, so two
        kernels changing the set at once never both apply conflicting changes: the second
        is refused with :class:`~nb_label.errors.LabelSetConflict`, naming what changed first.
        """
        event = make_event(
            LABELSET_KIND,
            dataset=self._dataset,
            annotator=self._annotator,
            value=value,
            note=reason,
            labelset_version=self.version + 1,
        )
        seen = self._last_id

        def decide(rows: list[tuple]) -> None:
            state = Replayed()
            for version, (_id, who, change, why, when) in enumerate(rows, start=1):
                state = self._apply(state, change, who=who, why=why, when=when, version=version)
            trial = self._apply(
                state, value, who=self._annotator, why=reason, when=None, version=len(rows) + 1
            )
            verdict = trial.history[-1]
            if verdict["status"] == "refused":
                newer = [r for r in rows if r[0] > seen]
                first = (
                    f"; changed first by {newer[0][1]!r} ({newer[0][2].get('op')}) since this "
                    "labeller last read the label set"
                    if newer
                    else ""
                )
                raise LabelSetConflict(
                    f"label-set change refused: {verdict['detail']}{first}. The label set now "
                    f"is {[lab.value for lab in trial.labels]}; see lab.schema.history"
                )
            event["labelset_version"] = len(rows) + 1

        try:
            self._store.append_decided(event, decide)
        finally:
            self.refresh(force=True)

    @property
    def answer(self) -> dict | None:
        """The answer kind stored with the set (``{"kind": "rating", "scale": [...]}``), or
        None for single labels."""
        return self._state.answer

    def refresh(self, *, force: bool = False) -> bool:
        """Read label-set events made since the last look (by any kernel); True if changed."""
        names, rows = self._store.events(
            self._dataset,
            as_frame=False,
            kinds=[LABELSET_KIND],
            since_id=None if force else self._last_id,
            columns=["id", "annotator", "value", "note", "committed_at"],
        )
        if not rows:
            return False
        if not force:
            names, rows = self._store.events(
                self._dataset,
                as_frame=False,
                kinds=[LABELSET_KIND],
                columns=["id", "annotator", "value", "note", "committed_at"],
            )
        state = Replayed()
        for version, (event_id, who, change, why, when) in enumerate(rows, start=1):
            state = self._apply(state, change, who=who, why=why, when=when, version=version)
            self._last_id = event_id
        self._state = state
        self.version = len(rows)
        self.schema = (
            Schema(state.labels, policy=state.policy, owners=state.owners)
            if (state.labels)
            else None
        )
        for listener in list(self._listeners):
            listener()
        return True

    _apply = staticmethod(apply_change)

    # -- reading ------------------------------------------------------------------------------
    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` whenever the label set changes."""
        self._listeners.append(listener)

    @property
    def labels(self) -> list[Label]:
        return self.schema.labels

    @property
    def values(self) -> list[Any]:
        """The labels on offer now, in order."""
        return self.schema.values

    @property
    def policy(self) -> str:
        return self._state.policy

    @property
    def owners(self) -> list[str]:
        return list(self._state.owners)

    def __contains__(self, value: Any) -> bool:
        return value in self.schema

    def __len__(self) -> int:
        return len(self.schema)

    def __repr__(self) -> str:
        return f"<label set v{self.version}: {self.values!r}, policy {self.policy!r}>"

    def find(self, value: Any) -> Label:
        """The label on offer whose value is ``value``; retired labels are refused."""
        try:
            return self.schema.find(value)
        except ValueError:
            if normalise_name(value) in self._state.retired:
                raise ValueError(
                    f"label {value!r} was retired and is no longer offered; choose one of "
                    f"{self.values!r}"
                ) from None
            raise

    def for_card(self) -> list[dict[str, Any]]:
        return self.schema.for_card()

    def to_dicts(self) -> list[dict[str, Any]]:
        return self.schema.to_dicts()

    def current_value(self, value: Any) -> Any:
        """Map a label given under an earlier version through renames and merges."""
        seen = set()
        while value in self._state.mapping and value not in seen:
            seen.add(value)
            value = self._state.mapping[value]
        return value

    @property
    def requeued_values(self) -> set:
        """Labels that were split: items carrying them go back to the queue."""
        return set(self._state.requeue)

    @property
    def proposals(self) -> pd.DataFrame:
        """Pending proposals: name, definition, reason, who proposed, the item, supporters."""
        columns = ["name", "definition", "reason", "proposed_by", "item_key", "supporters",
                   "proposed_at"]  # fmt: skip
        return pd.DataFrame(list(self._state.proposals.values()), columns=columns)

    @property
    def history(self) -> pd.DataFrame:
        """Every version of the label set: the change, who made it, when and why.

        ``status`` is ``applied``, or ``refused`` for a stored change that could not apply
        (``detail`` says why); a refused change leaves the label set as it was.
        """
        columns = ["version", "change", "detail", "status", "who", "when", "why"]
        return pd.DataFrame(self._state.history, columns=columns)

    # -- changes ------------------------------------------------------------------------------
    def reconcile(self, given: Schema, *, answer: dict | None = None) -> None:
        """Match the label set given in code with the stored one.

        The same names again are fine; new names are added (an event); stored names missing
        from ``given`` are an error, since dropping a label must be an explicit change.
        ``answer`` (e.g. a rating's kind and scale) is kept with the set when it is created,
        so whoever reads the store later knows the labels are steps of an ordered scale.
        """
        self.refresh(force=True)
        if self.schema is None:
            created = {
                "op": "create",
                "labels": given.to_dicts(),
                "policy": given.policy,
                "owners": given.owners,
            }
            if answer is not None:
                created["answer"] = answer
            self._append(created)
            return
        given_by_name = {normalise_name(label.value): label for label in given.labels}
        stored = self.schema.labels
        # Labels given in code before must be given again while they are on offer; labels that
        # annotators added, or that were renamed, merged, split or retired, need not be.
        missing = [
            label.value
            for label in stored
            if normalise_name(label.value) in self._state.from_code
            and normalise_name(label.value) not in given_by_name
        ]
        if missing:
            raise ValueError(
                f"the store's label set for this dataset has {missing!r}, which labels= leaves "
                "out. Labels are never dropped silently: pass them too, or change the label set "
                "with lab.schema.retire(...), rename(...) or merge(...)"
            )
        for label in stored:
            other = given_by_name.get(normalise_name(label.value))
            if other is not None and type(label.value) is not type(other.value):
                raise ValueError(
                    f"label {label.value!r} is stored as {type(label.value).__name__} but given "
                    f"as {type(other.value).__name__}"
                )
        added = [x for x in given.labels if normalise_name(x.value) not in self._state.known]
        if added:
            try:
                self._append(
                    {
                        "op": "add",
                        "from": "code",
                        "labels": [self._with_free_key(x) for x in added],
                    }
                )
            except LabelSetConflict:
                if any(find_label(self.schema.labels, x.value) is None for x in added):
                    raise
                # another kernel added the same labels a moment before: nothing left to do

    def _with_free_key(self, label: Label) -> dict[str, Any]:
        data = label.to_dict()
        taken = {x.key for x in self.schema.labels} if self.schema else set()
        if data["key"] is None or data["key"] in taken:
            data["key"] = next((k for k in _DIGITS if k not in taken), None)
        data["color"] = None if data["key"] != label.key else data["color"]
        return data

    def _check_new_name(self, name: Any) -> None:
        if isinstance(name, str) and not name.strip():
            raise ValueError("a label name is empty or only whitespace; give it a name")
        Label(name)  # type and length checks
        clash = find_label(self.schema.labels, name)
        if clash is not None:
            raise ValueError(f"{name!r} is already a label ({clash.value!r}); pick another name")

    def _require_owner(self, action: str) -> None:
        owners = self._state.owners
        if self._state.policy == "review" and owners and self._annotator not in owners:
            raise PermissionError(
                f"{self._annotator!r} cannot {action}: under the 'review' policy only the "
                f"owners {owners} can. Propose it instead with lab.schema.propose(...)"
            )

    def _existing(self, name: Any) -> Label:
        label = find_label(self.schema.labels, name)
        if label is None:
            raise ValueError(f"{name!r} is not a label on offer; the labels are {self.values!r}")
        return label

    def propose(
        self,
        name: str,
        *,
        reason: str,
        definition: str = "",
        item_key: Any = None,
    ) -> None:
        """Propose a new label, with a reason and the item that prompted it.

        Under the ``"open"`` policy it is added at once; under ``"review"`` it waits for an
        owner. Two annotators proposing the same name (ignoring case and spaces) support one
        proposal.
        """
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError("a proposal needs a reason: say what the label set is missing")
        self._check_new_name(name)
        from nb_label._keys import encode_key

        key = None if item_key is None else encode_key(item_key)
        self._append(
            {"op": "propose", "name": name, "definition": definition, "item_key": key},
            reason=reason,
        )
        if self._state.policy == "open":
            self.approve(name, definition=definition or None)

    def approve(self, name: str, *, definition: str | None = None, key: str | None = None) -> None:
        """Accept a pending proposal: the label is offered from the next item on."""
        proposal = self._state.proposals.get(normalise_name(name))
        if proposal is None:
            raise ValueError(f"there is no pending proposal {name!r}; see lab.schema.proposals")
        if self._state.policy == "review":
            self._require_owner("approve proposals")
        label = Label(proposal["name"], definition or proposal["definition"] or "", key=key)
        try:
            self._append({"op": "add", "labels": [self._with_free_key(label)]})
        except LabelSetConflict:
            if find_label(self.schema.labels, label.value) is None:
                raise
            # approved by another kernel a moment before (the same proposal twice): done

    def reject(self, name: str, *, reason: str) -> None:
        """Turn a pending proposal down, with a reason the proposer can read."""
        if normalise_name(name) not in self._state.proposals:
            raise ValueError(f"there is no pending proposal {name!r}; see lab.schema.proposals")
        self._require_owner("reject proposals")
        self._append({"op": "reject", "name": name}, reason=reason)

    def rename(self, old: Any, new: Any, *, reason: str = "") -> None:
        """Rename a label; earlier answers are mapped to the new name."""
        self._require_owner("rename labels")
        label = self._existing(old)
        self._check_new_name(new)
        self._append({"op": "rename", "old": label.value, "new": new}, reason=reason)

    def merge(
        self, sources: Sequence[Any], *, into: Any, reason: str = "", definition: str = ""
    ) -> None:
        """Merge labels into one (an existing label or a new one); answers are mapped."""
        self._require_owner("merge labels")
        labels = [self._existing(s) for s in sources]
        target = find_label(self.schema.labels, into)
        others = [x for x in labels if x is not target]
        if not others:
            raise ValueError("merging a label into itself changes nothing; name other labels")
        if len({normalise_name(x.value) for x in labels}) != len(labels):
            raise ValueError("a label is named twice in sources")
        change: dict[str, Any] = {
            "op": "merge",
            "sources": [x.value for x in labels],
            "into": into,
        }
        if target is None:
            self._check_new_name(into)
            change["into_label"] = self._with_free_key(Label(into, definition))
        self._append(change, reason=reason)

    def split(
        self,
        source: Any,
        into: Sequence[Any],
        *,
        reason: str = "",
        definitions: Sequence[str] | None = None,
    ) -> None:
        """Split a label into new ones; its items go back to the queue to be labelled again."""
        self._require_owner("split labels")
        label = self._existing(source)
        if len(into) < 2:
            raise ValueError("split a label into at least two new labels")
        for name in into:
            self._check_new_name(name)
            if normalise_name(name) in self._state.proposals:
                raise ValueError(
                    f"{name!r} is a pending proposal; approve or reject it before the split"
                )
        if len({normalise_name(n) for n in into}) != len(into):
            raise ValueError("the new labels of a split need distinct names")
        definitions = list(definitions or [""] * len(into))
        taken = {x.key for x in self.schema.labels if x is not label}
        candidates = dict.fromkeys([label.key, *_DIGITS])  # the split label's key first
        free = iter(k for k in candidates if k is not None and k not in taken)
        new = [
            Label(name, d, key=next(free, None)).to_dict()
            for name, d in zip(into, definitions, strict=True)
        ]
        self._append({"op": "split", "source": label.value, "into": new}, reason=reason)

    def retire(self, name: Any, *, reason: str = "") -> None:
        """Stop offering a label; answers already given keep it."""
        self._require_owner("retire labels")
        label = self._existing(name)
        if len(self.schema.labels) == 1:
            raise ValueError("cannot retire the last label; add another first")
        self._append({"op": "retire", "name": label.value}, reason=reason)


def label_summary(labeller: Any) -> pd.DataFrame:
    """For each label ever in the set: how many current answers carry it (mapped through
    renames and merges, every annotator), who proposed it, its definitions over time, whether
    it is on offer, and how many notes mention it.
    """
    from nb_label.results import current_labels

    schema: LabelSetLog = labeller.schema
    events = labeller.store.events(labeller.dataset)
    answers = current_labels(events)
    counts = answers["label"].map(schema.current_value).value_counts()
    notes = events["note"].dropna().astype(str).str.casefold()
    changes = events[events["kind"] == LABELSET_KIND]
    rows: dict[Any, dict] = {}
    for who, change in zip(changes["annotator"], changes["value"], strict=True):
        if change.get("op") == "propose":
            rows.setdefault(change["name"], {"proposed_by": who, "definitions": []})
        if change.get("op") == "rename":
            old = rows.get(change["old"], {"definitions": []})
            rows.setdefault(change["new"], {"proposed_by": who, "definitions": old["definitions"]})
        for data in (
            change.get("labels", [])
            + change.get("into", [])
            + ([change["into_label"]] if "into_label" in change else [])
        ):
            row = rows.setdefault(data["value"], {"proposed_by": who, "definitions": []})
            if data.get("definition") and data["definition"] not in row["definitions"]:
                row["definitions"].append(data["definition"])
    offered = set(schema.values)
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "label"
    table["on_offer"] = [value in offered for value in table.index]
    table["answers"] = [int(counts.get(value, 0)) for value in table.index]
    table["notes_mentioning"] = [
        int(notes.str.contains(str(value).casefold(), regex=False).sum()) for value in table.index
    ]
    return table[["on_offer", "answers", "proposed_by", "definitions", "notes_mentioning"]]
