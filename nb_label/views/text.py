"""Text and table-row views, and a text with a small table beside it."""

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


class TextWithTable:
    """One column as text with other columns as a small table beside it.

    The table block carries ``beside: true``; the card lays the two out side by side when
    there is room (and one above the other in a narrow cell).

    Parameters
    ----------
    text : str
        The column shown as text.
    columns : list of str
        The columns shown in the table (metadata such as source, date, length).

    Examples
    --------
    >>> lab = nbl.Labeller(df, show=["text", "lang", "source"], labels=["ok", "spam"],
    ...                    view=nbl.views.TextWithTable("text", ["lang", "source"]))
    """

    def __init__(self, text: str, columns: list[str]) -> None:
        self.text = TextView(text)
        self.table = TableView(list(columns))

    def render(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        """A text block and a table block marked ``beside``."""
        return [*self.text.render(row), {**self.table.render(row)[0], "beside": True}]


def default_view(columns: list[str]) -> TextView | TableView:
    """A text view for one column, a table view for several."""
    return TextView(columns[0]) if len(columns) == 1 else TableView(columns)
