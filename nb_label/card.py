"""The item card's kernel side: answers in, acknowledgements and buffers out.

The browser side is ``frontend/card.js``; the contract between them is ``docs/protocol.md``.
Answers and acknowledgements travel as custom messages (never synced traits), so every
answer is committed once, acknowledged by its client id, and never lost or doubled.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from nb_label._esm import module_text, stylesheet_text
from nb_label.errors import StoreConnectionError, StoreLockedError
from nb_label.schema import RESERVED_KEYS

if TYPE_CHECKING:
    from nb_label.labeller import Labeller

_FRONTEND = Path(__file__).parent / "frontend"
log = logging.getLogger(__name__)
# Failures that pass: the card keeps such answers pending and sends them again later.
_TRANSIENT = (StoreConnectionError, StoreLockedError)
#: Seconds between the card's retries while the store cannot be reached.
RETRY_SECONDS = 3.0
#: With overlap=, the buffer is topped up once this many items have left it.
SHARED_TOP_UP = 8


def _parse_time(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


class ItemCard(anywidget.AnyWidget):
    """The widget that shows items one at a time and takes answers by key or click.

    Create it through :attr:`nb_label.Labeller.card` (or display the labeller).
    """

    _esm = module_text(_FRONTEND / "card.js")  # common.js inlined: anywidget loads one module
    _css = stylesheet_text(_FRONTEND / "card.css")  # common.css first

    labels = traitlets.List(
        help="The label set: value, display, key, code, colour, definition."
    ).tag(sync=True)
    keymap = traitlets.Dict(help="Reserved keys and what they do.").tag(sync=True)
    progress = traitlets.Dict(help="Counts by state: labelled, total, skipped, flagged.").tag(
        sync=True
    )
    message = traitlets.Unicode("", help="A status line from the kernel.").tag(sync=True)
    options = traitlets.Dict(help="buffer_target and other card settings.").tag(sync=True)
    store_key = traitlets.Unicode(
        "", help="Names this store/dataset/annotator in localStorage."
    ).tag(sync=True)

    def __init__(self, labeller: Labeller, **kwargs: Any) -> None:
        key = f"{labeller.store.url}|{labeller.dataset}|{labeller.annotator}"
        super().__init__(
            labels=_labels(labeller),
            keymap=_keymap(labeller),
            progress=labeller.progress,
            options=_options(labeller),
            message=labeller.message,
            store_key=hashlib.blake2b(key.encode(), digest_size=8).hexdigest(),
            **kwargs,
        )
        self.add_class("nbl-widget")
        self._labeller = labeller
        self._generation = 0
        self._held: dict[int, None] = {}  # positions the card holds, in the current generation
        self.on_msg(self._on_message)

    # -- kernel -> card -------------------------------------------------------------------------
    def push_buffer(self, *, mode: str = "append") -> None:
        """Send items to the card: ``append`` tops up, ``replace`` reorders, ``jump`` shows now."""
        lab = self._labeller
        target = lab._buffer_target
        if mode == "append":
            missing = target - len(self._held)
            if lab.overlap is not None and missing < min(SHARED_TOP_UP, target):
                return  # shared dataset: lease a few items per round trip, not one per answer
            positions = lab.upcoming(max(missing, 0), exclude=list(self._held))
            if not positions:
                return
            self._held.update(dict.fromkeys(positions))
        else:
            self._generation += 1
            positions = lab.upcoming(target)
            self._held = dict.fromkeys(positions)
            lab.keep_leases(positions)  # what left the buffer is free for others again
        self.send(
            {
                "type": "buffer",
                "generation": self._generation,
                "mode": mode,
                "items": [lab.card_item(p) for p in positions],
            }
        )
        try:
            if lab.flag_unshowable():
                self.progress = lab.progress
        except Exception as err:  # flagging is bookkeeping: never break the buffer for it
            log.warning("nb_label card: could not flag unshowable items: %s", err)

    def refresh_labels(self) -> None:
        """Send the current label set (after a label-set change)."""
        self.labels = _labels(self._labeller)

    # -- card -> kernel -------------------------------------------------------------------------
    def _on_message(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "hello":
            self.push_buffer(mode="jump")
        elif kind == "answer":
            self._on_answer(content)
        elif kind == "retract":
            self._on_retract(content)
        elif kind == "heartbeat":
            self._on_heartbeat()
        else:
            log.warning("nb_label card: ignored a message of unknown type %r", kind)

    def handle(self, content: dict[str, Any]) -> None:
        """Process one message as if the card sent it (for tests and scripted use)."""
        self._on_message(self, content, [])

    def _on_answer(self, msg: dict[str, Any]) -> None:
        lab = self._labeller
        client_id = str(msg.get("id", ""))
        try:
            if not client_id:
                raise ValueError("the answer has no client id")
            position = lab.position_of_key_text(msg["key"])
            kind = msg.get("kind")
            value = self._answer_value(position, kind, msg.get("value"))
            suggestion = msg.get("suggestion")
            event_id = lab.record_answer(
                position,
                kind,
                value,
                note=msg.get("note") or None,
                seconds=self._seconds(msg),
                client_event_id=client_id,
                client_time=_parse_time(msg.get("client_time")),
                suggestion=suggestion if isinstance(suggestion, dict) else None,
                source="human",
            )
        except _TRANSIENT as err:  # the store is away: the card keeps it pending and retries
            self._wait(client_id, err)
            return
        except Exception as err:  # every failure goes back to the card, never lost silently
            self.send({"type": "refuse", "id": client_id, "reason": str(err)})
            self.progress = lab.progress
            return
        self.send({"type": "ack", "id": client_id, "event_id": event_id})
        self._held.pop(position, None)
        try:
            lab.set_current_from_card(msg.get("showing"))
        except KeyError:
            pass
        self.progress = lab.progress
        self._top_up(msg)
        lab.sync_labelset()
        lab.notify_answered()

    # Hooks for cards with other answers (the spans widget overrides both).
    def _answer_value(self, position: int, kind: Any, value: Any) -> Any:
        """Check an answer's value and return it as it is stored; raise to refuse it."""
        if kind == "label":
            check = getattr(self._labeller, "check_answer", None)  # any answer kind
            return check(value) if check else self._labeller.schema.find(value).value
        if kind == "none_fits" and not (
            isinstance(value, dict) and str(value.get("reason") or "").strip()
        ):
            raise ValueError("say why none of the labels fits")
        return value

    def _seconds(self, msg: dict[str, Any]) -> Any:
        """Time stored with an answer: for a caption, the typing time (see docs/protocol.md)."""
        typing = msg.get("typing_seconds")
        kind = getattr(getattr(self._labeller, "answer", None), "kind", None)
        if kind == "caption" and isinstance(typing, (int, float)) and not isinstance(typing, bool):
            return typing
        return msg.get("seconds")

    def _top_up(self, msg: dict[str, Any]) -> None:
        """After an acknowledged answer: send the items the card needs next."""
        self.push_buffer(mode="append")

    def _on_retract(self, msg: dict[str, Any]) -> None:
        lab = self._labeller
        client_id = str(msg.get("id", ""))
        try:
            again = lab.store.event_for_client_id(client_id) if client_id else None
            if again is not None:  # a resent retraction: acknowledge it once more
                self.send({"type": "ack", "id": client_id, "event_id": int(again["id"])})
                return
            stored = lab.store.event_for_client_id(str(msg.get("retracts")))
            if stored is None:
                raise ValueError("that answer was never saved, so there is nothing to undo")
            position = lab.position_of_key_text(msg["key"])
            event_id = lab.retract(
                int(stored["id"]),
                client_event_id=client_id or None,
                item_key=lab.data.index[position],
            )
            lab.set_current_from_card(msg["key"])
            self._held.pop(position, None)
        except _TRANSIENT as err:
            self._wait(client_id, err)
            return
        except Exception as err:
            self.send({"type": "refuse", "id": client_id, "reason": str(err)})
            return
        self.send({"type": "ack", "id": client_id, "event_id": event_id})
        self.progress = lab.progress

    def _wait(self, client_id: str, err: Exception) -> None:
        log.warning("nb_label card: answer %s kept pending: %s", client_id, err)
        self.send({"type": "wait", "id": client_id, "reason": str(err), "retry_in": RETRY_SECONDS})

    def _on_heartbeat(self) -> None:
        lab = self._labeller
        try:
            lab.heartbeat()
            if not self._held and lab.done:
                # The card ran dry while others held the last items: look again, since
                # their leases may have run out.
                lab.set_current_from_card(None)
                if not lab.done:
                    self.push_buffer(mode="jump")
        except Exception as err:  # a missed heartbeat only shortens a lease
            log.warning("nb_label card: heartbeat failed: %s", err)


def _labels(labeller: Labeller) -> list[dict[str, Any]]:
    """The ``labels`` trait: empty for answers without a label set (numbers, captions)."""
    schema = labeller.schema
    return [] if getattr(schema, "schema", True) is None else schema.for_card()


def _keymap(labeller: Labeller) -> dict[str, str]:
    """The reserved keys the card lists: play/pause only where items can hold audio."""
    view = labeller._view
    audio = getattr(view, "plays_audio", False)
    return {key: what for key, what in RESERVED_KEYS.items() if key != "p" or audio}


def _options(labeller: Labeller) -> dict[str, Any]:
    options: dict[str, Any] = {"buffer_target": labeller._buffer_target}
    answer = getattr(labeller, "answer", None)
    if answer is not None:
        options["answer"] = answer.for_card()
    assignment = labeller._assignment
    if assignment is not None:
        # Four heartbeats per lease: a lost message or two never lets a lease lapse.
        options["heartbeat_seconds"] = assignment.lease_seconds / 4
    return options
