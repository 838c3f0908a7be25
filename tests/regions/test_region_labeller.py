"""RegionLabeller on a real SQLite store: coordinates, pre-annotations, refusals, exports."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import nb_label as nbl
from nb_label.regions import read_coco, read_yolo

LABELS = ["cat", "dog"]


@pytest.fixture
def images(tmp_path: Path) -> pd.DataFrame:
    """A huge photo-like image (downscaled on the canvas), a small one, and a broken file."""
    big = tmp_path / "big.jpg"
    Image.new("RGB", (3200, 2400), (90, 120, 200)).save(big)
    small = tmp_path / "small.png"
    Image.fromarray(np.full((40, 30, 3), 128, dtype=np.uint8)).save(small)  # 30 x 40
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG not really")
    pre = [
        [{"type": "box", "label": "dog", "xyxy": [400, 300, 1600, 1200], "score": 0.9}],
        None,
        None,
    ]
    return pd.DataFrame({"path": [str(big), str(small), str(broken)], "model": pre})


def region_labeller(images, tmp_path, **kwargs) -> nbl.RegionLabeller:
    return nbl.RegionLabeller(
        images,
        show="path",
        labels=LABELS,
        store=tmp_path / "regions.db",
        annotator="ana",
        pre_annotations="model",
        **kwargs,
    )


def stored_values(tmp_path: Path) -> list:
    with nbl.open_store(tmp_path / "regions.db") as store:
        events = store.events()
    return events[events["kind"] == "label"]["value"].tolist()


def test_ipywidgets8_fix_removes_the_event_widget(images, tmp_path):
    import ipyevents

    rl = region_labeller(images, tmp_path)
    assert not any(isinstance(c, ipyevents.Event) for c in rl.annotator.children)
    assert rl.annotator.canvas in rl.annotator.children
    rl.close()


def test_pre_annotation_is_shown_downscaled_and_stored_in_original_pixels(images, tmp_path):
    rl = region_labeller(images, tmp_path, canvas_size=(640, 480))
    assert rl._scale == pytest.approx((5.0, 5.0))  # 3200x2400 shown at 640x480
    # the model's box, in canvas pixels, waits for correction
    assert rl.annotator.data == [{"type": "box", "label": "dog", "xyxy": (80, 60, 320, 240)}]
    # the person drags one corner (canvas pixels) and submits
    rl.annotator.canvas.annotations[0].move_corner(2, 330, 250)
    event_id = rl.submit()
    assert event_id is not None
    value = stored_values(tmp_path)[0]
    assert value == {
        "regions": [{"type": "box", "label": "dog", "xyxy": [400.0, 300.0, 1650.0, 1250.0]}],
        "width": 3200,
        "height": 2400,
    }
    rl.close()


def test_tiny_images_are_enlarged_on_the_canvas_but_stored_in_their_pixels(images, tmp_path):
    rl = region_labeller(images, tmp_path, canvas_size=(300, 400))
    rl.skip()  # the big one comes back later
    assert rl.current == 1
    assert rl._scale == pytest.approx((0.1, 0.1))  # 30x40 enlarged x10
    rl.annotator.data = [{"type": "box", "label": "cat", "xyxy": (20, 30, 250, 380)}]
    rl.submit()
    assert stored_values(tmp_path)[0]["regions"][0]["xyxy"] == [2.0, 3.0, 25.0, 38.0]
    rl.close()


def test_polygons_and_points_from_code(images, tmp_path):
    rl = region_labeller(images, tmp_path, tool="polygon")
    triangle = [[100, 100], [3000, 200], [1500, 2300]]
    assert rl.save([{"type": "polygon", "label": "cat", "points": triangle}]) is not None
    stored = stored_values(tmp_path)[0]["regions"][0]
    assert stored["points"] == [[100.0, 100.0], [3000.0, 200.0], [1500.0, 2300.0]]
    rl.close()
    rl = region_labeller(images, tmp_path, tool="point", dataset="points")
    assert rl.save([{"type": "point", "label": "dog", "xy": [10.5, 20.25]}]) is not None
    assert stored_values(tmp_path)[-1]["regions"] == [
        {"type": "point", "label": "dog", "xy": [10.5, 20.25]}
    ]
    rl.close()


def test_refusal_saves_nothing_and_keeps_the_drawing(images, tmp_path):
    rl = region_labeller(images, tmp_path, tool="polygon")
    two_points = [{"type": "polygon", "label": "cat", "points": [[1, 1], [50, 50]]}]
    assert rl.save(two_points) is None
    assert "not saved" in rl.status.value and "at least three" in rl.status.value
    assert rl.current == 0 and stored_values(tmp_path) == []
    clipped = [{"type": "polygon", "label": "cat", "points": [[-100, -100], [500, 0], [0, 500]]}]
    assert rl.save(clipped) is not None
    assert "clipped" in rl.status.value
    assert min(min(p) for p in stored_values(tmp_path)[0]["regions"][0]["points"]) >= 0
    rl.close()


def test_the_note_field_is_saved_with_the_regions_then_cleared(images, tmp_path):
    rl = region_labeller(images, tmp_path)
    assert rl.note in rl.children and "nbl-region-note" in rl.note._dom_classes
    assert rl.note.placeholder == "note (optional)"
    rl.note.value = "  the dog is half hidden  "
    assert rl.submit() is not None  # the model's box, as the Submit button sends it
    assert rl.note.value == "" and rl.current == 1  # cleared for the next image
    rl.annotator.data = [{"type": "box", "label": "cat", "xyxy": (0, 0, 5, 5)}]
    assert rl.submit() is not None  # an empty field: no note
    with nbl.open_store(tmp_path / "regions.db") as store:
        events = store.events()
    first, second = events[events["kind"] == "label"]["note"].tolist()
    assert first == "the dog is half hidden"
    assert pd.isna(second)
    rl.close()


def test_a_refused_submit_keeps_the_note_and_a_skip_clears_it(images, tmp_path):
    rl = region_labeller(images, tmp_path, tool="polygon")
    rl.annotator.data = [{"type": "polygon", "label": "cat", "points": [(1, 1), (5, 5)]}]
    rl.note.value = "two points only"
    assert rl.submit() is None
    assert rl.note.value == "two points only"  # nothing saved: the note stays to fix and resend
    rl.skip()
    assert rl.current == 1 and rl.note.value == ""  # never carried to another image
    rl.close()


def test_broken_image_is_said_on_screen_and_can_be_skipped(images, tmp_path):
    rl = region_labeller(images, tmp_path)
    rl.save([])  # nothing on the big one: a valid answer
    rl.save([{"type": "box", "label": "cat", "xyxy": [1, 1, 10, 10]}])
    assert rl.current == 2
    assert "image could not be read" in rl.status.value
    assert rl.save([]) is None  # no image: nothing to save against
    rl.skip()
    assert rl.labeller.progress["skipped"] == 1
    rl.close()


def test_undo_restores_the_item_with_its_pre_annotations_and_nothing_is_lost(images, tmp_path):
    rl = region_labeller(images, tmp_path)
    rl.save([{"type": "box", "label": "cat", "xyxy": [0, 0, 100, 100]}])
    assert rl.undo() == 0
    assert rl.current == 0
    assert rl.annotator.data[0]["label"] == "dog"  # the model's box again
    with nbl.open_store(tmp_path / "regions.db") as store:
        kinds = store.events()["kind"].tolist()
    assert kinds.count("label") == 1 and kinds.count("retract") == 1  # appended, never deleted
    assert rl.regions.empty
    rl.close()


def test_saved_regions_come_back_after_reopening(images, tmp_path):
    rl = region_labeller(images, tmp_path)
    rl.save([{"type": "box", "label": "cat", "xyxy": [10, 10, 800, 600]}])
    rl.close()
    again = region_labeller(images, tmp_path)
    assert again.current == 1  # the answered image is done
    assert again.saved_regions(0)["regions"][0]["xyxy"] == [10.0, 10.0, 800.0, 600.0]
    again.labeller.goto(0)
    again.show_current()
    assert again.annotator.data == [{"type": "box", "label": "cat", "xyxy": (2, 2, 160, 120)}]
    again.close()


def test_coco_and_yolo_exports_read_back(images, tmp_path):
    rl = region_labeller(images, tmp_path, tool="polygon")
    rl.save(
        [
            {"type": "polygon", "label": "dog", "points": [[100, 100], [900, 120], [500, 800]]},
        ]
    )
    rl.close()
    # boxes on the second image, written through a box labeller on the same store
    rb = region_labeller(images, tmp_path, tool="box", dataset="boxes")
    rb.labeller.goto(1)
    rb.show_current()
    rb.save(
        [
            {"type": "box", "label": "cat", "xyxy": [1, 2, 11, 22]},
            {"type": "box", "label": "dog", "xyxy": [5, 5, 30, 40]},
        ]
    )
    frame = pd.concat(
        [
            nbl.RegionLabeller(
                images,
                show="path",
                labels=LABELS,
                store=tmp_path / "regions.db",
                annotator="ana",
                tool="polygon",
            ).regions,
            rb.regions,
        ]
    )
    coco_path = nbl.regions.to_coco(frame, tmp_path / "coco.json", labels=LABELS)
    back = read_coco(coco_path)
    assert back.index.tolist() == frame.index.tolist()
    assert back["regions"].tolist() == frame["regions"].tolist()
    assert back[["width", "height"]].values.tolist() == frame[["width", "height"]].values.tolist()
    coco = json.loads(coco_path.read_text())
    assert [c["name"] for c in coco["categories"]] == LABELS
    box_ann = [a for a in coco["annotations"] if a["image_id"] == 2]
    assert box_ann[0]["bbox"] == [1.0, 2.0, 10.0, 20.0]
    assert box_ann[0]["segmentation"] == [[1.0, 2.0, 11.0, 2.0, 11.0, 22.0, 1.0, 22.0]]
    if importlib.util.find_spec("pycocotools") is not None:  # the dev install has it
        # pycocotools, as a trainer reads the file: every box and polygon gives a mask.
        from pycocotools.coco import COCO

        api = COCO(str(coco_path))
        for ann in api.loadAnns(api.getAnnIds()):
            mask = api.annToMask(ann)
            x, y, w, h = ann["bbox"]
            assert mask.sum() > 0 and mask[int(y + h / 2), int(x + w / 2)] == 1

    written = nbl.regions.to_yolo(frame, tmp_path / "yolo", labels=LABELS)
    assert (tmp_path / "yolo" / "classes.txt").read_text().split() == LABELS
    assert (tmp_path / "yolo" / "labels" / "small.txt").read_text().splitlines()[0] == (
        "0 0.200000 0.300000 0.333333 0.500000"
    )
    sizes = {
        Path(f).stem: (int(w), int(h))
        for f, w, h in zip(frame["file_name"], frame["width"], frame["height"], strict=True)
    }
    yolo = read_yolo(tmp_path / "yolo", sizes=sizes)
    for stem, regions in zip(sizes, frame["regions"], strict=True):
        assert [r["type"] for r in yolo[stem]] == [r["type"] for r in regions]
        for got, want in zip(yolo[stem], regions, strict=True):
            assert got["label"] == want["label"]
            coords = got.get("xyxy") or [c for p in got["points"] for c in p]
            expected = want.get("xyxy") or [c for p in want["points"] for c in p]
            assert coords == pytest.approx(expected, abs=0.01)
    assert written["skipped_points"] == 0
    rb.close()


def test_argument_checks(images, tmp_path):
    with pytest.raises(ValueError, match="tool="):
        nbl.RegionLabeller(
            images, show="path", labels=LABELS, tool="circle", store=tmp_path / "a.db"
        )
    with pytest.raises(ValueError, match="not a column"):
        nbl.RegionLabeller(
            images, show="path", labels=LABELS, pre_annotations="nope", store=tmp_path / "a.db"
        )
