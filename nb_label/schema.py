"""The label set: names, definitions, keys and colours, with a version that changes by events."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import InitVar, dataclass, field
from typing import Any

import numpy as np
import webcolors

# Keys the card keeps for itself (see docs/protocol.md); a label may not use them.
RESERVED_KEYS = {
    "Enter": "accept the suggestion",
    "s": "skip",
    "b": "back",
    "z": "undo",
    "u": "unsure",
    "x": "none of these fits",
    "n": "write a note",
    "p": "play or pause the audio",
    "Escape": "leave the note box",
}
_DEFAULT_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"]
# Colour-blind-safe palette (Okabe–Ito), repeated if there are more labels.
_PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
_MAX_NAME_LENGTH = 200


def _plain_value(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, str):
        return value
    raise ValueError(
        f"label {value!r} has type {type(value).__name__}; labels are strings, ints or bools"
    )


# Joiners shape Persian, Indic and emoji text, so names may hold them, but two names that
# differ only by one are the same name.
_JOINERS = {"\u200c": None, "\u200d": None}


def normalise_name(value: Any) -> str:
    """The form two label names are compared in.

    Unicode NFC (a precomposed "é" and "e" + combining accent are one letter), zero-width
    joiners ignored, case and whitespace folded.
    """
    text = unicodedata.normalize("NFC", str(value)).translate(str.maketrans(_JOINERS))
    return " ".join(text.split()).casefold()


def _check_characters(name: str) -> None:
    """Refuse characters a person cannot see or that reorder text, which make look-alikes."""
    for char in name:
        if char in _JOINERS:
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Co", "Cs", "Cn") or char in "\u2028\u2029":
            code = f"U+{ord(char):04X}"
            what = unicodedata.name(char, "a control or unassigned character")
            raise ValueError(
                f"label name {name!r} holds {code} ({what.lower()}), which cannot be seen or "
                "changes how text runs; remove it (type the name again)"
            )
    stripped = name.strip()
    if stripped and (stripped[0] in _JOINERS or stripped[-1] in _JOINERS):
        raise ValueError(f"label name {name!r} starts or ends with an invisible joiner; remove it")


@dataclass
class Label:
    """One label of the label set.

    Parameters
    ----------
    value : str, int or bool
        What is stored and returned (its type is kept).
    definition : str, optional
        The guideline shown to annotators.
    key : str, optional
        The key that gives this label; by default ``1`` to ``9`` then ``0`` in order.
    color : str, optional
        A CSS colour for its button.
    examples : list, optional
        Item keys that show the label well.
    """

    value: Any
    definition: str = ""
    key: str | None = None
    color: str | None = None
    examples: list = field(default_factory=list)
    #: Read back from the store: names written by an earlier version are kept as they are.
    stored: InitVar[bool] = False

    def __post_init__(self, stored: bool = False) -> None:
        self.value = _plain_value(self.value)
        if self.color is not None and not is_css_colour(self.color):
            if stored:  # another kernel's or an old client's: the palette colour instead
                self.color = None
            else:
                raise ValueError(
                    f"color= takes a CSS colour (#1f77b4, rgb(31, 119, 180), hsl(...) or a "
                    f"name such as 'teal'), not {self.color!r} (label {self.value!r})"
                )
        if self.key is not None:
            if not isinstance(self.key, str):
                raise ValueError(
                    f"key= is the name of a key, as text: key='1' or key='a', not "
                    f"{type(self.key).__name__} {self.key!r} (label {self.value!r})"
                )
            if not self.key:
                raise ValueError(
                    f"key= is empty for label {self.value!r}; leave it out for the next free "
                    "digit, or name a key such as key='a'"
                )
        if isinstance(self.value, str):
            if not self.value.strip():
                raise ValueError("a label name is empty or only whitespace; give it a name")
            if not stored:
                _check_characters(self.value)
            if len(self.value) > _MAX_NAME_LENGTH:
                raise ValueError(
                    f"label name of {len(self.value)} characters is too long "
                    f"(at most {_MAX_NAME_LENGTH}); put the detail in its definition"
                )

    @property
    def display(self) -> str:
        """The text shown on the button."""
        return str(self.value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "definition": self.definition,
            "key": self.key,
            "color": self.color,
            "examples": list(self.examples),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Label:
        return cls(
            data["value"],
            data.get("definition", ""),
            key=data.get("key"),
            color=data.get("color"),
            examples=list(data.get("examples") or []),
            stored=True,
        )


# #rgb, #rgba, #rrggbb, #rrggbbaa; rgb()/rgba()/hsl()/hsla() holding numbers only (no url(),
# var() or any other function the card's CSS would resolve, fetch or run).
_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_FUNCTION_COLOUR = re.compile(
    r"(?:rgba?|hsla?)\(\s*(?:[-+]?[0-9.]+(?:%|deg|turn|rad|grad)?[\s,/]*){3,4}\)", re.I
)


def is_css_colour(value: Any) -> bool:
    """Whether ``value`` is a CSS colour the card may set: hex, rgb()/hsl() or a CSS name."""
    if not isinstance(value, str) or len(value) > 64:
        return False
    text = value.strip()
    if _HEX_COLOUR.fullmatch(text) or _FUNCTION_COLOUR.fullmatch(text):
        return True
    try:
        webcolors.name_to_hex(text, spec="css3")
    except ValueError:
        return False
    return True


def _key_code(key: str) -> str | None:
    """The layout-independent ``KeyboardEvent.code`` for digit keys."""
    return f"Digit{key}" if len(key) == 1 and key.isdigit() else None


def _owner_names(owners: Any) -> list[str]:
    if owners is None:
        return []
    if isinstance(owners, str):
        # list("teacher") would make the owners t, e, a, c, h, e, r.
        raise ValueError(
            f"owners= is a list of annotator names; write owners=[{owners!r}] for one owner"
        )
    names = list(owners)
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"owners= holds {name!r}; each owner is an annotator's name, as text")
    return names


class Schema:
    """An ordered label set with guidelines and keys.

    Parameters
    ----------
    labels : iterable of Label, str, int or bool
        The labels, in the order their buttons appear.
    policy : {"open", "review"}
        How proposals from annotators take effect (at once, or after an owner approves).
    owners : list of str, optional
        Annotators who may approve changes under the ``"review"`` policy.
    """

    def __init__(
        self,
        labels: Iterable[Label | Any],
        *,
        policy: str = "open",
        owners: Sequence[str] | None = None,
    ) -> None:
        if policy not in ("open", "review"):
            raise ValueError(f"policy must be 'open' or 'review', not {policy!r}")
        self.policy = policy
        self.owners = _owner_names(owners)
        self.labels: list[Label] = [x if isinstance(x, Label) else Label(x) for x in labels]
        if not self.labels:
            raise ValueError(
                "the label set is empty; pass at least one label, e.g. labels=['ham', 'spam']"
            )
        self._assign_keys()
        self._check()

    def _assign_keys(self) -> None:
        taken = {label.key for label in self.labels if label.key}
        free = (k for k in _DEFAULT_KEYS if k not in taken)
        for label in self.labels:
            if label.key is None:
                label.key = next(free, None)
        for index, label in enumerate(self.labels):
            if label.color is None:
                label.color = _PALETTE[index % len(_PALETTE)]

    def _check(self) -> None:
        seen: dict[str, Any] = {}
        for label in self.labels:
            name = normalise_name(label.value)
            if name in seen:
                raise ValueError(
                    f"labels {seen[name]!r} and {label.value!r} are the same name (names are "
                    "compared ignoring case and spaces); give each label a distinct name"
                )
            seen[name] = label.value
        keys: dict[str, Any] = {}
        for label in self.labels:
            if label.key is None:
                continue
            if label.key in RESERVED_KEYS or label.key.lower() in RESERVED_KEYS:
                raise ValueError(
                    f"key {label.key!r} of label {label.value!r} is reserved for "
                    f"'{RESERVED_KEYS.get(label.key) or RESERVED_KEYS[label.key.lower()]}'; "
                    f"choose another (reserved: {', '.join(RESERVED_KEYS)})"
                )
            if label.key in keys:
                raise ValueError(
                    f"labels {keys[label.key]!r} and {label.value!r} both use key {label.key!r}"
                )
            keys[label.key] = label.value

    # -- queries ----------------------------------------------------------------------------
    @property
    def values(self) -> list[Any]:
        """The label values in order."""
        return [label.value for label in self.labels]

    def __contains__(self, value: Any) -> bool:
        return any(
            label.value == value and type(label.value) is type(value) for label in self.labels
        )

    def __len__(self) -> int:
        return len(self.labels)

    def __repr__(self) -> str:
        return f"Schema({self.values!r}, policy={self.policy!r})"

    def find(self, value: Any) -> Label:
        """The label whose value is ``value`` (an int 1 does not match a bool True)."""
        if isinstance(value, np.generic):
            value = value.item()
        for label in self.labels:
            if label.value == value and type(label.value) is type(value):
                return label
        if isinstance(value, str):  # the same letters, composed another way ("café")
            wanted = unicodedata.normalize("NFC", value)
            for label in self.labels:
                if (
                    isinstance(label.value, str)
                    and unicodedata.normalize("NFC", label.value) == wanted
                ):
                    return label
        raise ValueError(f"{value!r} is not in the label set {self.values!r}")

    def for_card(self) -> list[dict[str, Any]]:
        """The label set as the card's ``labels`` trait."""
        return [
            {
                "value": label.value,
                "display": label.display,
                "key": label.key,
                "code": _key_code(label.key) if label.key else None,
                "color": label.color,
                "definition": label.definition,
            }
            for label in self.labels
        ]

    def to_dicts(self) -> list[dict[str, Any]]:
        return [label.to_dict() for label in self.labels]


def as_schema(labels: Any) -> Schema:
    """Accept a Schema, or a list of names, as the label set."""
    if isinstance(labels, Schema):
        return labels
    if isinstance(labels, (str, bytes)) or not isinstance(labels, Iterable):
        raise ValueError(
            "labels= must be a list of label names (e.g. ['ham', 'spam']) or an nb_label.Schema"
        )
    return Schema(list(labels))
