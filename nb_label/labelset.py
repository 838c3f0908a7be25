"""The label set as it lives in the store: every change is an event, replayed on open.

Annotators shape the label set: they propose labels (with a reason and the item that
prompted them), owners approve or reject them, and labels are renamed, merged, split and
retired. Each change is a ``labelset`` event with who, when and why, and a new version.
Nothing is rewritten: answers keep the label and version they were given under, and
``annotations`` maps them through renames and merges.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from nb_label.errors import LabelSetConflict
from nb_label.events import make_event
from nb_label.schema import Label, Schema, normalise_name
from nb_label.store import Store

LABELSET_KIND = "labelset"
_DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"]


@dataclass
class _Replayed:
    labels: list[Label] = field(default_factory=list)
    policy: str = "open"
    owners: list[str] = field(default_factory=list)
    retired: dict[str, Label] = field(default_factory=dict)
    mapping: dict[Any, Any] = field(default_factory=dict)  # old value -> newer value
    requeue: set = field(default_factory=set)  # values whose items go back for relabelling
    proposals: dict[str, dict] = field(default_factory=dict)  # normalised name -> proposal
    history: list[dict] = field(default_factory=list)
    from_code: set = field(default_factory=set)  # names given in code (normalised)
    known: set = field(default_factory=set)  # every name the set ever had (normalised)
    created: bool = False  # a "create" event has been applied
    answer: dict | None = None  # the answer kind the set was created for (ratings: the scale)


def _find(labels: list[Label], value: Any) -> Label | None:
    wanted = normalise_name(value)
    return next((label for label in labels if normalise_name(label.value) == wanted), None)


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
        self._state = _Replayed()
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
            state = _Replayed()
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
        names, rows = self._store.event_rows(
            self._dataset,
            kinds=[LABELSET_KIND],
            since_id=None if force else self._last_id,
            columns=["id", "annotator", "value", "note", "committed_at"],
        )
        if not rows:
            return False
        if not force:
            names, rows = self._store.event_rows(
                self._dataset,
                kinds=[LABELSET_KIND],
                columns=["id", "annotator", "value", "note", "committed_at"],
            )
        state = _Replayed()
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

    @staticmethod
    def _apply(
        state: _Replayed, change: dict, *, who: str, why: str | None, when: Any, version: int
    ) -> _Replayed:
        """Apply one stored change; an inapplicable one is recorded as refused, never raised.

        A store written by an older version, by a bug, or by two kernels that raced before
        changes were decided under the store's lock may hold a change that cannot apply
        (a rename of a label renamed already, say): the history lists it as refused, with
        why, and the label set stays as it was, so the dataset always opens.
        """
        before = copy.deepcopy(state)
        try:
            detail = _change(state, change, who=who, why=why, when=when)
            if state.labels:  # the result must be a valid label set (names, keys)
                Schema(state.labels, policy=state.policy, owners=state.owners)
            status = "applied"
        except Exception as err:  # noqa: BLE001 - whatever the stored change holds
            state = before
            detail, status = _reason(err), "refused"
        state.known |= {normalise_name(label.value) for label in state.labels}
        state.history.append(
            {"version": version, "change": change.get("op") if isinstance(change, dict) else None,
             "detail": detail, "status": status, "who": who, "when": when, "why": why}
        )  # fmt: skip
        return state

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
                if any(_find(self.schema.labels, x.value) is None for x in added):
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
        clash = _find(self.schema.labels, name)
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
        label = _find(self.schema.labels, name)
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
            if _find(self.schema.labels, label.value) is None:
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
        target = _find(self.schema.labels, into)
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


def _reason(err: Exception) -> str:
    if isinstance(err, _Refused):
        return str(err)
    return f"not applicable ({type(err).__name__}: {err})"


class _Refused(ValueError):
    """A stored change that cannot apply to the label set as it stood."""


def _need(label: Label | None, name: Any) -> Label:
    if label is None:
        raise _Refused(f"{name!r} is not a label at that point (renamed, merged or retired)")
    return label


def _free(state: _Replayed, name: Any) -> None:
    if _find(state.labels, name) is not None:
        raise _Refused(f"{name!r} is already a label at that point")


def _change(state: _Replayed, change: dict, *, who: str, why: str | None, when: Any) -> str:
    """Change ``state`` in place by one label-set change; return the history's detail."""
    op = change.get("op")
    detail = ""
    if op == "create" and state.created:
        # Two annotators opened a new dataset at the same moment: the first create wins,
        # so a later one can never wipe out changes made in between.
        detail = "already created"
    elif op == "create":
        state.created = True
        state.answer = change.get("answer")
        labels, twins = [], []
        for label in (Label.from_dict(d) for d in change["labels"]):
            # Names an earlier version kept apart may be one name now (NFC, joiners): the
            # first is kept and the twin reported, never merged silently.
            (twins if _find(labels, label.value) is not None else labels).append(label)
        state.labels = labels
        state.policy = change.get("policy", "open")
        state.owners = list(change.get("owners") or [])
        state.from_code |= {normalise_name(label.value) for label in state.labels}
        detail = ", ".join(str(label.value) for label in state.labels)
        if twins:
            detail += "; not offered, the same name as another: " + ", ".join(
                repr(t.value) for t in twins
            )
    elif op == "add":
        added = [Label.from_dict(d) for d in change["labels"]]
        for label in added:
            _free(state, label.value)
        state.labels += added
        for label in added:
            state.proposals.pop(normalise_name(label.value), None)
        if change.get("from") == "code":
            state.from_code |= {normalise_name(label.value) for label in added}
        detail = ", ".join(str(label.value) for label in added)
    elif op == "propose":
        _free(state, change["name"])
        key = normalise_name(change["name"])
        proposal = state.proposals.get(key)
        if proposal is None:
            state.proposals[key] = {
                "name": change["name"],
                "definition": change.get("definition", ""),
                "reason": why,
                "proposed_by": who,
                "item_key": change.get("item_key"),
                "supporters": [who],
                "proposed_at": when,
            }
        elif who not in proposal["supporters"]:
            proposal["supporters"].append(who)
        detail = change["name"]
    elif op == "reject":
        if state.proposals.pop(normalise_name(change["name"]), None) is None:
            raise _Refused(f"there is no pending proposal {change['name']!r} at that point")
        detail = change["name"]
    elif op == "rename":
        label = _need(_find(state.labels, change["old"]), change["old"])
        if normalise_name(change["new"]) != normalise_name(label.value):
            _free(state, change["new"])
        old_value = label.value
        label.value = change["new"]
        state.mapping[old_value] = label.value
        detail = f"{old_value} → {label.value}"
    elif op == "merge":
        target = _find(state.labels, change["into"])
        sources = [_need(_find(state.labels, x), x) for x in change["sources"]]
        if target is None:
            target = Label.from_dict(change["into_label"])
            state.labels.append(target)
        for label in sources:
            if label is not target:
                state.labels.remove(label)
                state.mapping[label.value] = target.value
        detail = f"{' + '.join(map(str, change['sources']))} → {target.value}"
    elif op == "split":
        label = _need(_find(state.labels, change["source"]), change["source"])
        state.labels.remove(label)
        for d in change["into"]:
            _free(state, d["value"])
        state.retired[normalise_name(label.value)] = label
        state.requeue.add(label.value)
        state.labels += [Label.from_dict(d) for d in change["into"]]
        detail = f"{label.value} → {', '.join(str(d['value']) for d in change['into'])}"
    elif op == "retire":
        label = _need(_find(state.labels, change["name"]), change["name"])
        if len(state.labels) == 1:
            raise _Refused("the last label cannot be retired")
        state.labels.remove(label)
        state.retired[normalise_name(label.value)] = label
        detail = str(label.value)
    elif op != "create":
        raise _Refused(f"unknown label-set change {op!r}")
    return detail


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
