"""Replaying a label set's history: one stored change at a time, never raising.

Each ``labelset`` event is applied to the state replayed so far by :func:`apply_change`. A
change that cannot apply (written by an older version, a bug, or two kernels that raced
before changes were decided under the store's lock) is recorded in the history as refused,
with why, and leaves the label set as it was: a store always reopens.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from nb_label.schema import Label, Schema, normalise_name


@dataclass
class Replayed:
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


def find_label(labels: list[Label], value: Any) -> Label | None:
    wanted = normalise_name(value)
    return next((label for label in labels if normalise_name(label.value) == wanted), None)


def apply_change(
    state: Replayed, change: dict, *, who: str, why: str | None, when: Any, version: int
) -> Replayed:
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


def _free(state: Replayed, name: Any) -> None:
    if find_label(state.labels, name) is not None:
        raise _Refused(f"{name!r} is already a label at that point")


def _change(state: Replayed, change: dict, *, who: str, why: str | None, when: Any) -> str:
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
            (twins if find_label(labels, label.value) is not None else labels).append(label)
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
        label = _need(find_label(state.labels, change["old"]), change["old"])
        if normalise_name(change["new"]) != normalise_name(label.value):
            _free(state, change["new"])
        old_value = label.value
        label.value = change["new"]
        state.mapping[old_value] = label.value
        detail = f"{old_value} → {label.value}"
    elif op == "merge":
        target = find_label(state.labels, change["into"])
        sources = [_need(find_label(state.labels, x), x) for x in change["sources"]]
        if target is None:
            target = Label.from_dict(change["into_label"])
            state.labels.append(target)
        for label in sources:
            if label is not target:
                state.labels.remove(label)
                state.mapping[label.value] = target.value
        detail = f"{' + '.join(map(str, change['sources']))} → {target.value}"
    elif op == "split":
        label = _need(find_label(state.labels, change["source"]), change["source"])
        state.labels.remove(label)
        for d in change["into"]:
            _free(state, d["value"])
        state.retired[normalise_name(label.value)] = label
        state.requeue.add(label.value)
        state.labels += [Label.from_dict(d) for d in change["into"]]
        detail = f"{label.value} → {', '.join(str(d['value']) for d in change['into'])}"
    elif op == "retire":
        label = _need(find_label(state.labels, change["name"]), change["name"])
        if len(state.labels) == 1:
            raise _Refused("the last label cannot be retired")
        state.labels.remove(label)
        state.retired[normalise_name(label.value)] = label
        detail = str(label.value)
    elif op != "create":
        raise _Refused(f"unknown label-set change {op!r}")
    return detail
