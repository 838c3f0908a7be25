"""Item states, derived from an annotator's events.

An item is, for one annotator:

- ``unlabelled``: no answer yet (or every answer was undone);
- ``labelled``: it has a label;
- ``skipped``: skipped and not answered since; it comes back after the unlabelled items;
- ``flagged``: marked unsure; it keeps its label if it had one and waits in the review queue;
- ``none_fits``: the annotator said no label fits (with a proposal and a reason); kept aside.

Retracted events (undo) count as if they never happened; nothing is deleted from the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ANSWER_KINDS = ("label", "skip", "flag", "none_fits")
# States that take an item out of the main queue.
FINISHED_STATES = ("labelled", "flagged", "none_fits")


@dataclass
class Answer:
    """One stored, not retracted, answer event."""

    event_id: int
    kind: str
    value: Any
    note: str | None
    client_event_id: str | None = None


@dataclass
class ItemRecord:
    """The active answers of one annotator for one item, oldest first."""

    answers: list[Answer] = field(default_factory=list)

    def retract(self, event_id: int) -> bool:
        for index, answer in enumerate(self.answers):
            if answer.event_id == event_id:
                del self.answers[index]
                return True
        return False

    def last(self, *kinds: str) -> Answer | None:
        for answer in reversed(self.answers):
            if answer.kind in kinds:
                return answer
        return None

    @property
    def label(self) -> Answer | None:
        return self.last("label")

    @property
    def state(self) -> str:
        latest = self.last("label", "flag", "none_fits")
        if latest is not None:
            return {"label": "labelled", "flag": "flagged", "none_fits": "none_fits"}[latest.kind]
        if self.last("skip") is not None:
            return "skipped"
        return "unlabelled"

    @property
    def note(self) -> str | None:
        for answer in reversed(self.answers):
            if answer.note:
                return answer.note
        return None
