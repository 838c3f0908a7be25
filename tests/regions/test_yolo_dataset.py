"""to_yolo writes a whole YOLO dataset: images, labels and a data.yaml a YOLO loader reads."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import nb_label as nbl

LABELS = ["cat", "dog"]
BOXES = [
    {"type": "box", "label": "cat", "xyxy": [10, 20, 110, 80]},
    {"type": "box", "label": "dog", "xyxy": [150, 40, 190, 140]},
]
TRIANGLE = {"type": "polygon", "label": "dog", "points": [[20, 20], [120, 30], [60, 100]]}


@pytest.fixture
def labelled(tmp_path: Path):
    """Two images answered, one a file on disk and one an array in the frame."""
    photo = tmp_path / "photo.png"
    Image.new("RGB", (200, 160), (90, 120, 200)).save(photo)
    array = np.full((120, 140, 3), 200, dtype=np.uint8)
    frame = pd.DataFrame({"image": [str(photo), array]}, index=["a", "b"])
    rl = nbl.RegionLabeller(
        frame, show="image", labels=LABELS, store=tmp_path / "r.db", annotator="ana", tool="box"
    )
    rl.save(BOXES)
    rl.save([TRIANGLE])
    yield rl
    rl.close()


def test_the_dataset_holds_its_images_and_a_complete_data_yaml(labelled, tmp_path):
    # PyYAML, as YOLO tools read the file
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with the dev install")
    written = labelled.to_yolo(tmp_path / "yolo")
    folder = tmp_path / "yolo"
    data = yaml.safe_load((folder / "data.yaml").read_text())
    assert data["nc"] == 2 and data["names"] == {0: "cat", 1: "dog"}
    assert (folder / data["train"]).is_dir() and data["val"] == data["train"]
    images = sorted(p.name for p in (folder / data["train"]).iterdir())
    assert images == ["b.png", "photo.png"]  # the array is written as a PNG under its key
    assert Image.open(folder / "images" / "b.png").size == (140, 120)
    assert written["missing_images"] == []


def test_a_yolo_loader_reads_the_boxes_and_polygons_back(labelled, tmp_path):
    if importlib.util.find_spec("supervision") is None:
        pytest.skip("supervision is not installed (the dev install has it)")
    import supervision as sv

    labelled.to_yolo(tmp_path / "yolo")
    folder = tmp_path / "yolo"
    dataset = sv.DetectionDataset.from_yolo(
        images_directory_path=str(folder / "images"),
        annotations_directory_path=str(folder / "labels"),
        data_yaml_path=str(folder / "data.yaml"),
    )
    assert dataset.classes == LABELS
    found = {Path(path).name: detections for path, _, detections in dataset}
    boxes = found["photo.png"]
    assert boxes.class_id.tolist() == [0, 1]
    np.testing.assert_allclose(boxes.xyxy, [b["xyxy"] for b in BOXES], atol=0.5)
    polygon = found["b.png"]
    assert polygon.class_id.tolist() == [1]
    np.testing.assert_allclose(polygon.xyxy, [[20, 20, 120, 100]], atol=1)
    assert polygon.mask is not None and polygon.mask.sum() > 0  # read as a polygon, a mask


def test_an_image_file_gone_since_labelling_is_named(labelled, tmp_path):
    (tmp_path / "photo.png").unlink()
    written = labelled.to_yolo(tmp_path / "yolo")
    assert written["missing_images"] == ["a"]
    assert (tmp_path / "yolo" / "labels" / "photo.txt").exists()  # its labels are kept
