"""Small plain-ipywidgets tools around a labeller: review proposals, browse notes.

They use text widgets only (Label, Select, Textarea), so data never reaches the page as HTML.
Every button has a method that does the same from code.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import pandas as pd

from nb_label._keys import decode_key
from nb_label.hosts import ShownByJupyterOnly


class ProposalReview(ShownByJupyterOnly, w.VBox):
    """Approve or reject the label proposals waiting for an owner.

    Parameters
    ----------
    labeller : Labeller
        Whose label set to review; the annotator must be an owner under the "review" policy.
    """

    _marimo_instead = (
        "Open this notebook in JupyterLab to approve with buttons; in marimo, "
        "lab.schema.proposals lists them and lab.schema.approve(...) / reject(...) decide."
    )

    def __init__(self, labeller: Any) -> None:
        self.labeller = labeller
        self.choice = w.Select(description="Proposals", rows=5, layout={"width": "100%"})
        self.details = w.Textarea(disabled=True, layout={"width": "100%", "height": "7em"})
        self.definition = w.Text(description="Definition", layout={"width": "100%"})
        self.reason = w.Text(description="Why", placeholder="reason (needed to reject)")
        self.approve_button = w.Button(description="Approve", button_style="success")
        self.reject_button = w.Button(description="Reject", button_style="warning")
        self.status = w.Label()
        self.approve_button.on_click(lambda _: self.approve())
        self.reject_button.on_click(lambda _: self.reject())
        self.choice.observe(lambda _: self._show_details(), names="value")
        super().__init__(
            [
                self.choice,
                self.details,
                self.definition,
                self.reason,
                w.HBox([self.approve_button, self.reject_button]),
                self.status,
            ]
        )
        self.add_class("nbl-proposal-review")
        self.refresh()

    def refresh(self) -> None:
        """Reload the pending proposals from the store."""
        self.labeller.schema.refresh()
        self._proposals = self.labeller.schema.proposals
        names = self._proposals["name"].tolist()
        self.choice.options = names
        self.choice.value = names[0] if names else None
        self._show_details()

    def _show_details(self) -> None:
        row = self._row()
        if row is None:
            self.details.value = "No proposals are waiting."
            return
        item = ""
        if row["item_key"] is not None:
            try:
                item = str(self.labeller.item(decode_key(row["item_key"])))
            except (KeyError, LookupError):
                item = str(row["item_key"])
        self.details.value = (
            f"{row['name']} — proposed by {row['proposed_by']} "
            f"(supported by {', '.join(row['supporters'])})\nWhy: {row['reason']}\n"
            f"Definition: {row['definition']}\nPrompted by: {item}"
        )
        self.definition.value = row["definition"] or ""

    def _row(self) -> pd.Series | None:
        if self.choice.value is None or self._proposals.empty:
            return None
        return self._proposals.set_index("name", drop=False).loc[self.choice.value]

    def approve(self) -> None:
        """Approve the selected proposal (what the Approve button does)."""
        self._do(lambda name: self.labeller.schema.approve(name, definition=self.definition.value))

    def reject(self) -> None:
        """Reject the selected proposal with the reason typed (what Reject does)."""
        self._do(lambda name: self.labeller.schema.reject(name, reason=self.reason.value))

    def _do(self, action: Any) -> None:
        name = self.choice.value
        if name is None:
            self.status.value = "Select a proposal first."
            return
        try:
            action(name)
        except (ValueError, PermissionError) as err:
            self.status.value = f"Not done: {err}"
            return
        self.status.value = f"Done: {name}"
        self.refresh()


class NotesBrowser(ShownByJupyterOnly, w.VBox):
    """Search and filter the notes annotators wrote, and jump to their items.

    Parameters
    ----------
    labeller : Labeller
        Whose dataset's notes to browse (every annotator's).
    """

    _marimo_instead = (
        "Open this notebook in JupyterLab to browse them; in marimo, "
        "lab.store.events(lab.dataset) holds every annotator's notes (column 'note')."
    )

    def __init__(self, labeller: Any) -> None:
        self.labeller = labeller
        self.search = w.Text(description="Search", placeholder="words in the note")
        self.label = w.Dropdown(description="Label")
        self.annotator = w.Dropdown(description="Annotator")
        self.results = w.Select(rows=10, layout={"width": "100%"})
        self.goto_button = w.Button(description="Go to item")
        self.count = w.Label()
        for control in (self.search, self.label, self.annotator):
            control.observe(lambda _: self.update(), names="value")
        self.goto_button.on_click(lambda _: self.goto())
        super().__init__(
            [
                w.HBox([self.search, self.label, self.annotator]),
                self.count,
                self.results,
                self.goto_button,
            ]
        )
        self.add_class("nbl-notes-browser")
        self.refresh()

    def refresh(self) -> None:
        """Reload the notes from the store."""
        events = self.labeller.store.events(self.labeller.dataset)
        notes = events[
            events["note"].notna() & (events["note"] != "") & (events["item_key"].notna())
        ]
        self.notes = pd.DataFrame(
            {
                "item_key": [decode_key(k) for k in notes["item_key"]],
                "annotator": notes["annotator"].to_numpy(dtype=object),
                "kind": notes["kind"].to_numpy(dtype=object),
                "label": [v if not isinstance(v, dict) else None for v in notes["value"]],
                "note": notes["note"].to_numpy(dtype=object),
            }
        )
        labels = sorted({str(v) for v in self.notes["label"].dropna()})
        self.label.options = ["(any)", *labels]
        self.annotator.options = ["(any)", *sorted(set(self.notes["annotator"]))]
        self.update()

    @property
    def selected(self) -> pd.DataFrame:
        """The notes that match the search and filters."""
        notes = self.notes
        if self.search.value.strip():
            notes = notes[notes["note"].str.contains(self.search.value, case=False, regex=False)]
        if self.label.value not in (None, "(any)"):
            notes = notes[notes["label"].astype(str) == self.label.value]
        if self.annotator.value not in (None, "(any)"):
            notes = notes[notes["annotator"] == self.annotator.value]
        return notes

    def update(self) -> None:
        selected = self.selected
        self.count.value = f"{len(selected)} of {len(self.notes)} notes"
        self.results.options = [
            (f"{row.item_key} · {row.annotator} · {row.label or row.kind}: {row.note}", i)
            for i, row in enumerate(selected.itertuples())
        ]

    def goto(self) -> Any:
        """Make the selected note's item current in the labeller; returns its key."""
        if self.results.value is None:
            return None
        key = self.selected["item_key"].iloc[self.results.value]
        self.labeller.goto(key)
        return key
