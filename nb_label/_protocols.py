"""The small contracts that let users bring their own parts."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class View(Protocol):
    """Turns one row into the blocks the card shows.

    A block is a dict such as ``{"kind": "text", "text": ...}``; see ``docs/protocol.md``.
    Blocks are data, never HTML: the card builds the page from them with ``textContent``.
    """

    def render(self, row: dict[str, Any]) -> list[dict[str, Any]]: ...
