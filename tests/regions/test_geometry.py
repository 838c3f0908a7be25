"""Region geometry: clipping, refusal, scaling."""

from __future__ import annotations

import pytest

from nb_label.regions import clean_region, clean_regions
from nb_label.regions.geometry import polygon_area, scale_region

LABELS = ["cat", "dog"]


def test_boxes_inside_are_kept_and_corners_ordered():
    region = {"type": "box", "label": "cat", "xyxy": [50, 40, 10, 20]}
    assert clean_region(region, 100, 80, LABELS) == (
        {"type": "box", "label": "cat", "xyxy": [10.0, 20.0, 50.0, 40.0]},
        None,
    )


def test_boxes_sticking_out_are_clipped_with_a_note():
    kept, note = clean_region({"type": "box", "label": "dog", "xyxy": [-5, 10, 130, 90]}, 100, 80)
    assert kept["xyxy"] == [0.0, 10.0, 100.0, 80.0]
    assert "clipped" in note


@pytest.mark.parametrize(
    ("region", "reason"),
    [
        ({"type": "box", "label": "cat", "xyxy": [120, 10, 150, 40]}, "outside the image"),
        ({"type": "box", "label": "cat", "xyxy": [10, 10, 10, 40]}, "without area"),
        ({"type": "polygon", "label": "cat", "points": [[1, 1], [5, 5]]}, "at least three"),
        (
            {"type": "polygon", "label": "cat", "points": [[1, 1], [5, 5], [1, 1]]},
            "at least three",
        ),
        ({"type": "polygon", "label": "cat", "points": [[1, 1], [2, 2], [3, 3]]}, "no area"),
        (
            {"type": "polygon", "label": "cat", "points": [[200, 1], [300, 5], [250, 50]]},
            "outside",
        ),
        ({"type": "point", "label": "cat", "xy": [-1, 5]}, "outside the image"),
        ({"type": "box", "label": "bird", "xyxy": [1, 1, 5, 5]}, "no label from the label set"),
        ({"type": "box", "label": None, "xyxy": [1, 1, 5, 5]}, "no label"),
        ({"type": "box", "label": "cat", "xyxy": [1, "x", 5, 5]}, "malformed"),
        ({"type": "circle", "label": "cat"}, "unknown region type"),
    ],
)
def test_regions_that_cannot_be_kept_are_refused_with_a_reason(region, reason):
    kept, message = clean_region(region, 100, 80, LABELS)
    assert kept is None
    assert reason in message


def test_polygons_are_clipped_to_the_image_exactly():
    triangle = {"type": "polygon", "label": "cat", "points": [[50, 40], [150, 40], [50, 100]]}
    kept, note = clean_region(triangle, 100, 80, LABELS)
    assert "clipped" in note
    xs = [x for x, _ in kept["points"]]
    ys = [y for _, y in kept["points"]]
    assert max(xs) <= 100 and max(ys) <= 80
    # the part inside: the 50x40 rectangle less the corner the hypotenuse cuts off
    # (it crosses y=80 at x=83.33 and x=100 at y=70)
    assert polygon_area(kept["points"]) == pytest.approx(
        50 * 40 - (100 - 250 / 3) * 10 / 2, abs=0.1
    )


def test_closing_point_from_the_annotator_is_dropped():
    ring = {"type": "polygon", "label": "dog", "points": [[1, 1], [9, 1], [9, 9], [1, 1]]}
    kept, note = clean_region(ring, 10, 10, LABELS)
    assert kept["points"] == [[1.0, 1.0], [9.0, 1.0], [9.0, 9.0]] and note is None


def test_scaling_round_trips_between_display_and_original():
    box = {"type": "box", "label": "cat", "xyxy": [10, 20, 30, 40]}
    original = scale_region(box, 6000 / 512, 4000 / 341)
    back = scale_region(original, 512 / 6000, 341 / 4000)
    assert back["xyxy"] == pytest.approx(box["xyxy"])
    point = scale_region({"type": "point", "label": "cat", "xy": [2, 3]}, 10, 100)
    assert point["xy"] == [20, 300]


def test_clean_regions_splits_kept_notes_refusals():
    kept, notes, refusals = clean_regions(
        [
            {"type": "box", "label": "cat", "xyxy": [1, 1, 5, 5]},
            {"type": "box", "label": "cat", "xyxy": [-1, 1, 5, 5]},
            {"type": "point", "label": "dog", "xy": [500, 5]},
        ],
        10,
        10,
        LABELS,
    )
    assert len(kept) == 2 and len(notes) == 1 and len(refusals) == 1
    with pytest.raises(ValueError, match="no pixels"):
        clean_regions([], 0, 10)
