"""Text and table-row views."""

from __future__ import annotations

from typing import Any

from nb_label.views._blocks import as_text, is_missing, text_block


class TextView:
    """Shows one column as text (right-to-left scripts and emoji kept as they are)."""

    def __init__(self, column: str) -> None:
        self.column = column

    def render(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        return [text_block(row[self.column])]


class TableView:
    """Shows several columns of one row as a two-column table of names and values."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = list(columns)

    def render(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        values = [("(missing)" if is_missing(row[c]) else as_text(row[c])) for c in self.columns]
        return [{"kind": "table", "columns": [str(c) for c in self.columns], "values": values}]


def default_view(columns: list[str]) -> TextView | TableView:
    """A text view for one column, a table view for several."""
    return TextView(columns[0]) if len(columns) == 1 else TableView(columns)
