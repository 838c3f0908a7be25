"""Region geometry: scaling between display and original pixels, clipping, refusal.

Regions are plain dicts in the original image's pixel coordinates (x to the right, y down,
origin at the top-left corner of the top-left pixel):

- ``{"type": "box", "label": L, "xyxy": [x0, y0, x1, y1]}`` with x0 < x1 and y0 < y1;
- ``{"type": "polygon", "label": L, "points": [[x, y], ...]}``, at least three points, the
  ring not repeated at the end;
- ``{"type": "point", "label": L, "xy": [x, y]}``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

REGION_TYPES = ("box", "polygon", "point")
_DECIMALS = 2


def _num(value: Any) -> float:
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("a coordinate is not a finite number")
    return number


def _r(value: float) -> float:
    return round(float(value), _DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


def from_annotator(region: dict[str, Any]) -> dict[str, Any]:
    """An ipyannotations region (``xyxy`` / ``points`` / ``coordinates``) in our form."""
    kind = region.get("type")
    label = region.get("label")
    if kind == "box":
        return {"type": "box", "label": label, "xyxy": [float(v) for v in region["xyxy"]]}
    if kind == "polygon":
        return {
            "type": "polygon",
            "label": label,
            "points": [[float(x), float(y)] for x, y in region["points"]],
        }
    if kind == "point":
        x, y = region.get("xy", region.get("coordinates"))
        return {"type": "point", "label": label, "xy": [float(x), float(y)]}
    raise ValueError(f"unknown region type {kind!r}; expected one of {REGION_TYPES}")


def to_annotator(region: dict[str, Any]) -> dict[str, Any]:
    """Our region in the form ipyannotations' canvases take (``data = [...]``)."""
    kind = region["type"]
    if kind == "box":
        return {"type": "box", "label": region["label"], "xyxy": tuple(region["xyxy"])}
    if kind == "polygon":
        points = [tuple(p) for p in region["points"]]
        if points and points[0] != points[-1]:
            points.append(points[0])  # ipyannotations draws a polygon as closed by repetition
        return {"type": "polygon", "label": region["label"], "points": points}
    return {"type": "point", "label": region["label"], "coordinates": tuple(region["xy"])}


def scale_region(region: dict[str, Any], sx: float, sy: float) -> dict[str, Any]:
    """The region with x multiplied by ``sx`` and y by ``sy`` (display <-> original)."""
    out = dict(region)
    if region["type"] == "box":
        x0, y0, x1, y1 = (_num(v) for v in region["xyxy"])
        out["xyxy"] = [x0 * sx, y0 * sy, x1 * sx, y1 * sy]
    elif region["type"] == "polygon":
        out["points"] = [[_num(x) * sx, _num(y) * sy] for x, y in region["points"]]
    elif region["type"] == "point":
        x, y = region["xy"]
        out["xy"] = [_num(x) * sx, _num(y) * sy]
    return out


def _clip_polygon(points: list[list[float]], width: float, height: float) -> list[list[float]]:
    """Sutherland-Hodgman clipping of a polygon to the rectangle [0, width] x [0, height]."""

    def clip(pts, inside: Callable, cross: Callable):
        result = []
        for i, current in enumerate(pts):
            previous = pts[i - 1]
            if inside(current):
                if not inside(previous):
                    result.append(cross(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cross(previous, current))
        return result

    def at_x(edge):
        def cross(p, q):
            t = (edge - p[0]) / (q[0] - p[0])
            return [edge, p[1] + t * (q[1] - p[1])]

        return cross

    def at_y(edge):
        def cross(p, q):
            t = (edge - p[1]) / (q[1] - p[1])
            return [p[0] + t * (q[0] - p[0]), edge]

        return cross

    pts = [list(p) for p in points]
    for inside, cross in (
        (lambda p: p[0] >= 0, at_x(0.0)),
        (lambda p: p[0] <= width, at_x(float(width))),
        (lambda p: p[1] >= 0, at_y(0.0)),
        (lambda p: p[1] <= height, at_y(float(height))),
    ):
        if not pts:
            break
        pts = clip(pts, inside, cross)
    return pts


def polygon_area(points: Sequence[Sequence[float]]) -> float:
    """The area of a simple polygon (shoelace formula), always >= 0."""
    total = 0.0
    for i, (x0, y0) in enumerate(points):
        x1, y1 = points[(i + 1) % len(points)]
        total += x0 * y1 - x1 * y0
    return abs(total) / 2.0


def _dedupe(points: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for p in points:
        if not out or (abs(out[-1][0] - p[0]) > 1e-9 or abs(out[-1][1] - p[1]) > 1e-9):
            out.append(p)
    while (
        len(out) > 1 and abs(out[0][0] - out[-1][0]) < 1e-9 and abs(out[0][1] - out[-1][1]) < 1e-9
    ):
        out.pop()  # a ring closed by repeating its first point
    return out


def clean_region(
    region: dict[str, Any], width: int, height: int, labels: Sequence[Any] | None = None
) -> tuple[dict[str, Any] | None, str | None]:
    """Check one region against its image: clip what sticks out, refuse what cannot be kept.

    Parameters
    ----------
    region : dict
        In original pixel coordinates.
    width, height : int
        The original image's size.
    labels : sequence, optional
        The allowed labels; a region with another label (or none) is refused.

    Returns
    -------
    (region or None, message or None)
        The region to keep (clipped, coordinates rounded to 0.01 px) and a note saying what
        was clipped; or None and the reason for the refusal.
    """
    kind = region.get("type")
    label = region.get("label")
    if kind not in REGION_TYPES:
        return None, f"unknown region type {kind!r}"
    if labels is not None and label not in labels:
        return None, f"a {kind} has no label from the label set (got {label!r})"
    try:
        if kind == "box":
            x0, y0, x1, y1 = (_num(v) for v in region["xyxy"])
            x0, x1 = sorted((x0, x1))
            y0, y1 = sorted((y0, y1))
            cx0, cy0 = min(max(x0, 0.0), width), min(max(y0, 0.0), height)
            cx1, cy1 = min(max(x1, 0.0), width), min(max(y1, 0.0), height)
            if cx1 - cx0 <= 0 or cy1 - cy0 <= 0:
                where = "outside the image" if (x1 > x0 and y1 > y0) else "without area"
                return None, f"a box {where} was refused ({label})"
            note = None
            if (cx0, cy0, cx1, cy1) != (x0, y0, x1, y1):
                note = f"a box ({label}) was clipped to the image"
            return {
                "type": "box",
                "label": label,
                "xyxy": [_r(cx0), _r(cy0), _r(cx1), _r(cy1)],
            }, note
        if kind == "polygon":
            points = _dedupe([[_num(x), _num(y)] for x, y in region["points"]])
            if len(points) < 3:
                return None, (
                    f"a polygon ({label}) has {len(points)} points: it needs at least three"
                )
            if polygon_area(points) <= 0:
                return None, f"a polygon ({label}) has no area (its points are on one line)"
            clipped = _dedupe(_clip_polygon(points, width, height))
            if len(clipped) < 3 or polygon_area(clipped) <= 0:
                return None, f"a polygon ({label}) lies outside the image and was refused"
            note = None if clipped == points else f"a polygon ({label}) was clipped to the image"
            return {
                "type": "polygon",
                "label": label,
                "points": [[_r(x), _r(y)] for x, y in clipped],
            }, note
        x, y = (_num(v) for v in region["xy"])
        if not (0 <= x <= width and 0 <= y <= height):
            return None, f"a point ({label}) outside the image was refused"
        return {"type": "point", "label": label, "xy": [_r(x), _r(y)]}, None
    except (KeyError, TypeError, ValueError) as err:
        return None, f"a {kind} ({label}) is malformed: {err}"


def clean_regions(
    regions: Sequence[dict[str, Any]],
    width: int,
    height: int,
    labels: Sequence[Any] | None = None,
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Apply :func:`clean_region` to each region.

    Returns
    -------
    (kept, notes, refusals)
        The regions kept, what was clipped, and why regions were refused.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"the image has no pixels ({width}x{height}): regions cannot be kept")
    kept, notes, refusals = [], [], []
    for region in regions:
        cleaned, message = clean_region(region, width, height, labels)
        if cleaned is None:
            refusals.append(message)
        else:
            kept.append(cleaned)
            if message:
                notes.append(message)
    return kept, notes, refusals
