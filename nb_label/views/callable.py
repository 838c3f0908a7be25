"""A view from a user's function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nb_label.views._blocks import text_block


class CallableView:
    """Wraps ``fn(row) -> str | list[block]``; strings are shown as text, never as HTML."""

    def __init__(self, fn: Callable[[dict[str, Any]], Any]) -> None:
        self.fn = fn

    def render(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        result = self.fn(row)
        if isinstance(result, list):
            return result
        return [text_block(result)]
