"""Regions as an answer kind: the value is the regions of one image, in its pixels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nb_label.regions.geometry import clean_regions


@dataclass(frozen=True)
class Regions:
    """Boxes, polygons or points on an image, labelled from the labeller's ``labels=``.

    The value is ``{"regions": [...], "width": w, "height": h}`` as
    :class:`~nb_label.RegionLabeller` builds it; :meth:`check` refuses a region that does
    not fit the image or names a label not on offer.
    """

    kind = "regions"
    labels_from_labeller = True

    def check(self, value: Any, *, offered: Sequence[Any] | None = None) -> dict[str, Any]:
        """The value as stored, or a ValueError that says what is wrong."""
        if not isinstance(value, dict) or not isinstance(value.get("regions"), list):
            raise ValueError('a regions answer is {"regions": [...], "width": w, "height": h}')
        width, height = value.get("width"), value.get("height")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (width, height)):
            raise ValueError("a regions answer needs the image's width and height in pixels")
        kept, _notes, refusals = clean_regions(value["regions"], width, height, labels=offered)
        if refusals:
            raise ValueError("; ".join(refusals))
        return {"regions": kept, "width": width, "height": height}

    def for_card(self) -> dict[str, Any]:
        """Regions have no item card control (the region widget draws them)."""
        return {"kind": self.kind}
