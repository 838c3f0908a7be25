"""The item card's kernel side: answers in, acknowledgements and buffers out.

The browser side is ``js/card/`` (bundled into ``static/card.js``); the contract between
them is ``docs/protocol.md``.
Answers and acknowledgements travel as custom messages (never synced traits), so every
answer is committed once, acknowledged by its client id, and never lost or doubled.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import anywidget
import traitlets

from nb_label._esm import module_text, stylesheet_text
from nb_label._keys import decode_key
from nb_label.answering import NOTHING_SHOWN
from nb_label.errors import StoreConnectionError, StoreLockedError
from nb_label.messages import MessageRefused, check_message, refusal_id
from nb_label.schema import RESERVED_KEYS

log = logging.getLogger(__name__)
# Failures that pass: the card keeps such answers pending and sends them again later.
_TRANSIENT = (StoreConnectionError, StoreLockedError)
#: Seconds between the card's retries while the store cannot be reached.
RETRY_SECONDS = 3.0
#: With overlap=, the buffer is topped up once this many items have left it.
SHARED_TOP_UP = 8


class ItemCard(anywidget.AnyWidget):
    """The widget that shows items one at a time and takes answers by key or click.

    Create it through :attr:`nb_label.Labeller.card` (or display the labeller).
    """

    _esm = module_text("card")  # one bundled module: anywidget loads no relative imports
    _css = stylesheet_text("card")

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

    def __init__(self, labeller: Any, **kwargs: Any) -> None:
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
        self._inflight: dict[str, Any] | None = None  # the card message being processed
        self._acked = False
        labeller.observe(self._on_change)
        self.on_msg(self._on_message)

    # -- kernel -> card -------------------------------------------------------------------------
    def push_buffer(self, *, mode: str = "append") -> None:
        """Send items to the card: ``append`` tops up, ``replace`` reorders, ``jump`` shows now."""
        lab = self._labeller
        target = lab.buffer_size
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
        self._send_items(mode, positions)

    def _send_items(self, mode: str, positions: list[int]) -> None:
        lab = self._labeller
        self.send(
            {
                "type": "buffer",
                "generation": self._generation,
                "mode": mode,
                "items": [lab.card_item(p) for p in positions],
            }
        )
        try:
            lab.flag_unshowable()
        except Exception as err:  # flagging is bookkeeping: never break the buffer for it
            log.warning("nb_label card: could not flag unshowable items: %s", err)

    def refresh_labels(self) -> None:
        """Send the current label set (after a label-set change)."""
        self.labels = _labels(self._labeller)

    # -- the labeller -> card ---------------------------------------------------------------------
    def _on_change(self, change: dict[str, Any]) -> None:
        """The labeller's one way of telling the card what changed (see Labeller.observe)."""
        what = change["what"]
        if what == "message":
            self.message = change["text"]
        elif what == "labels":
            self.refresh_labels()
        elif what == "current":
            self.push_buffer(mode="jump")
        elif what == "order":
            self.push_buffer(mode="replace")
        elif what == "answers":
            self._on_answers(change["events"], change["positions"], moved=change["moved"])

    def _on_answers(self, events: list[dict], positions: list[int], *, moved: bool) -> None:
        lab = self._labeller
        self.progress = lab.progress
        if all(event["source"] == "view" for event in events):
            return  # items flagged because they could not be shown: they stay where they are
        if moved:  # answered or undone from code: show what the Python side shows now
            self.push_buffer(mode="jump")
            return
        msg = self._inflight
        if msg is not None and events[0]["client_event_id"] == msg.get("id"):
            self.send({"type": "ack", "id": msg["id"], "event_id": events[0]["event_id"]})
            self._acked = True
        self._held.pop(positions[0], None)
        if events[0]["action"] == "retract":
            return
        if any(p in self._held for p in positions[1:]):  # copies labelled with it (duplicates)
            for position in positions[1:]:
                self._held.pop(position, None)
            self.push_buffer(mode="replace")
        else:
            self._top_up(msg or {})

    # -- card -> kernel -------------------------------------------------------------------------
    #: The answer kinds this card sends.
    answer_kinds = ("label", "skip", "flag", "none_fits")

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        try:
            msg = check_message(content, kinds=self.answer_kinds)
        except MessageRefused as err:  # checked before anything is stored or acknowledged
            self._refuse(content, err)
            return
        kind = msg["type"]
        if kind == "hello":
            self.push_buffer(mode="jump")
        elif kind == "heartbeat":
            self._on_heartbeat()
        else:
            self._on_action(msg)

    def handle(self, content: dict[str, Any]) -> None:
        """Process one message as if the card sent it (for tests and scripted use)."""
        self._on_message(self, content, [])

    def _refuse(self, content: Any, err: Exception) -> None:
        client_id = refusal_id(content)
        kind = content.get("type") if isinstance(content, dict) else None
        if kind in ("answer", "retract"):
            self.send({"type": "refuse", "id": client_id, "reason": str(err)})
        log.warning("nb_label card: refused a %s message: %s", kind or "malformed", err)

    def _on_action(self, msg: dict[str, Any]) -> None:
        """An answer or a retraction: through the labeller's one path, then ack or refuse."""
        lab = self._labeller
        client_id = msg["id"]
        self._inflight, self._acked = msg, False
        try:
            key = self._item_key(msg["key"])
            showing = msg["key"] if msg["type"] == "retract" else msg["showing"]
            if showing is not None:
                self._item_key(showing)  # a key the card cannot hold is refused, not stored
            if msg["type"] == "answer":
                event_id = self._submit(msg, key)
            else:
                event_id = lab.retract(
                    answer_client_id=msg["retracts"],
                    item_key=key,
                    client_event_id=client_id,
                    showing=showing,
                )
        except _TRANSIENT as err:  # the store is away: the card keeps it pending and retries
            self._wait(client_id, err)
            return
        except Exception as err:  # every failure goes back to the card, never lost silently
            self.send({"type": "refuse", "id": client_id, "reason": str(err)})
            self.progress = lab.progress
            return
        finally:
            self._inflight = None
        if not self._acked:  # a resend, stored before: acknowledged again, stored once
            self.send({"type": "ack", "id": client_id, "event_id": event_id})
            if msg["type"] == "answer":
                self._top_up(msg)
        lab.sync_labelset()

    def _item_key(self, text: str) -> Any:
        """The index label a key from the card names; ValueError if it names no item."""
        try:
            key = decode_key(text)
            found = key in self._labeller.data.index
        except (ValueError, TypeError):
            found = False
        if not found:
            raise ValueError(f"the card named an item that is not in the data: {text[:80]!r}")
        return key

    def _submit(self, msg: dict[str, Any], key: Any) -> int:
        return self._labeller.submit(
            msg["kind"],
            msg["value"],
            item_key=key,
            note=msg["note"],
            seconds=self._seconds(msg),
            client_event_id=msg["id"],
            client_time=msg["client_time"],
            # What the card showed: none means none, even if the model suggests one since.
            suggestion=msg["suggestion"] or NOTHING_SHOWN,
            showing=msg["showing"],
        )

    def _seconds(self, msg: dict[str, Any]) -> Any:
        """Time stored with an answer: for a caption, the typing time (see docs/protocol.md)."""
        kind = getattr(self._labeller.answer, "kind", None)
        if kind == "caption" and msg["typing_seconds"] is not None:
            return msg["typing_seconds"]
        return msg["seconds"]

    def _top_up(self, msg: dict[str, Any]) -> None:
        """After an acknowledged answer: send the items the card needs next."""
        self.push_buffer(mode="append")

    def _wait(self, client_id: str, err: Exception) -> None:
        log.warning("nb_label card: answer %s kept pending: %s", client_id, err)
        self.send({"type": "wait", "id": client_id, "reason": str(err), "retry_in": RETRY_SECONDS})

    def _on_heartbeat(self) -> None:
        lab = self._labeller
        try:
            lab.heartbeat()
            # The card ran dry while others held the last items: look again, since their
            # leases may have run out.
            if not self._held and lab.done and lab.look_again():
                self.push_buffer(mode="jump")
        except Exception as err:  # a missed heartbeat only shortens a lease
            log.warning("nb_label card: heartbeat failed: %s", err)

    def close(self) -> None:
        self._labeller.observe(self._on_change, remove=True)
        super().close()


def _labels(labeller: Any) -> list[dict[str, Any]]:
    """The ``labels`` trait: empty for answers without a label set (numbers, captions)."""
    schema = labeller.schema
    return [] if getattr(schema, "schema", True) is None else schema.for_card()


def _keymap(labeller: Any) -> dict[str, str]:
    """The reserved keys the card lists: play/pause only where items can hold audio."""
    view = labeller.view
    audio = getattr(view, "plays_audio", False)
    return {key: what for key, what in RESERVED_KEYS.items() if key != "p" or audio}


def _options(labeller: Any) -> dict[str, Any]:
    options: dict[str, Any] = {"buffer_target": labeller.buffer_size}
    answer = getattr(labeller, "answer", None)
    if answer is not None:
        options["answer"] = answer.for_card()
    if labeller.overlap is not None:
        # Four heartbeats per lease: a lost message or two never lets a lease lapse.
        options["heartbeat_seconds"] = labeller.lease_seconds / 4
    return options
