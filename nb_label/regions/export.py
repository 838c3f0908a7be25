"""Region exports in COCO (one JSON file) and YOLO (one text file per image) formats.

Both take the frame :attr:`RegionLabeller.regions` returns: one row per answered image,
indexed by item key, with columns ``file_name``, ``width``, ``height`` and ``regions``
(original pixel coordinates). Both have a reader, so an export can be checked by reading it
back.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from nb_label.regions.geometry import polygon_area

REGION_COLUMNS = ["file_name", "width", "height", "regions"]


def _check_frame(frame: pd.DataFrame) -> None:
    missing = [c for c in REGION_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"the regions frame lacks columns {missing}; pass RegionLabeller.regions")


def _label_names(labels: Sequence[Any]) -> list[str]:
    names = [str(v) for v in labels]
    if len(set(names)) != len(names):
        raise ValueError("labels= must have distinct names")
    return names


def _bbox_of(points: Sequence[Sequence[float]]) -> list[float]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]


def to_coco(frame: pd.DataFrame, path: str | Path, *, labels: Sequence[Any]) -> Path:
    """Write regions as a COCO detection/segmentation JSON file.

    Boxes become ``bbox`` ``[x, y, w, h]`` with their rectangle as ``segmentation`` (so
    pycocotools' ``annToMask`` reads them); polygons become ``segmentation`` (their ``bbox``
    and ``area`` computed from the points); points become one ``keypoints`` triplet with a
    zero-size bbox. Category ids are 1-based, in the order of ``labels``. Each image keeps
    its item key as ``nb_label_item_key`` (JSON text) so the file maps back to the data.

    Parameters
    ----------
    frame : pandas.DataFrame
        As :attr:`RegionLabeller.regions` returns.
    path : str or Path
        The JSON file to write.
    labels : sequence
        The label set, in the order that fixes the category ids.

    Returns
    -------
    Path
    """
    from nb_label._keys import encode_key

    _check_frame(frame)
    names = _label_names(labels)
    category = {name: i + 1 for i, name in enumerate(names)}
    images, annotations = [], []
    for image_id, (key, row) in enumerate(frame.iterrows(), start=1):
        images.append(
            {
                "id": image_id,
                "file_name": str(row["file_name"]),
                "width": int(row["width"]),
                "height": int(row["height"]),
                "nb_label_item_key": encode_key(key),
            }
        )
        for region in row["regions"]:
            ann: dict[str, Any] = {
                "id": len(annotations) + 1,
                "image_id": image_id,
                "category_id": category[str(region["label"])],
                "iscrowd": 0,
            }
            if region["type"] == "box":
                x0, y0, x1, y1 = region["xyxy"]
                ann["bbox"] = [x0, y0, x1 - x0, y1 - y0]
                ann["area"] = (x1 - x0) * (y1 - y0)
                # The rectangle as a polygon too: pycocotools' annToMask needs one.
                ann["segmentation"] = [_rectangle(x0, y0, x1, y1)]
            elif region["type"] == "polygon":
                points = region["points"]
                ann["segmentation"] = [[c for p in points for c in p]]
                ann["bbox"] = _bbox_of(points)
                ann["area"] = polygon_area(points)
            else:
                x, y = region["xy"]
                ann["keypoints"] = [x, y, 2]
                ann["num_keypoints"] = 1
                ann["bbox"] = [x, y, 0, 0]
                ann["area"] = 0
                ann["segmentation"] = []
            annotations.append(ann)
    coco = {
        "info": {"description": "exported by nb_label"},
        "images": images,
        "annotations": annotations,
        "categories": [
            {"id": i, "name": name, "supercategory": ""} for name, i in category.items()
        ],
    }
    path = Path(path)
    path.write_text(json.dumps(coco, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def _rectangle(x0: float, y0: float, x1: float, y1: float) -> list[float]:
    return [x0, y0, x1, y0, x1, y1, x0, y1]


def _is_its_box(ann: dict[str, Any]) -> bool:
    """A box written by :func:`to_coco`: its one polygon is its bbox's rectangle."""
    segmentation, bbox = ann.get("segmentation"), ann.get("bbox")
    if not (isinstance(segmentation, list) and len(segmentation) == 1 and bbox):
        return False
    x, y, w, h = bbox
    return [float(v) for v in segmentation[0]] == [
        float(v) for v in _rectangle(x, y, x + w, y + h)
    ]


def read_coco(path: str | Path) -> pd.DataFrame:
    """Read a COCO file (as :func:`to_coco` writes it) back into a regions frame.

    Images without ``nb_label_item_key`` are indexed by their file name. An annotation whose
    one polygon is its bbox's rectangle, in :func:`to_coco`'s vertex order, is a box.
    """
    from nb_label._keys import decode_key

    coco = json.loads(Path(path).read_text(encoding="utf-8"))
    names = {c["id"]: c["name"] for c in coco["categories"]}
    by_image: dict[int, list[dict[str, Any]]] = {img["id"]: [] for img in coco["images"]}
    for ann in sorted(coco["annotations"], key=lambda a: a["id"]):
        label = names[ann["category_id"]]
        if "keypoints" in ann:
            x, y = ann["keypoints"][:2]
            region = {"type": "point", "label": label, "xy": [x, y]}
        elif ann.get("segmentation") and not _is_its_box(ann):
            flat = ann["segmentation"][0]
            points = [[flat[i], flat[i + 1]] for i in range(0, len(flat), 2)]
            region = {"type": "polygon", "label": label, "points": points}
        else:
            x, y, w, h = ann["bbox"]
            region = {"type": "box", "label": label, "xyxy": [x, y, x + w, y + h]}
        by_image[ann["image_id"]].append(region)
    rows, keys = [], []
    for img in coco["images"]:
        key_text = img.get("nb_label_item_key")
        keys.append(decode_key(key_text) if key_text is not None else img["file_name"])
        rows.append([img["file_name"], img["width"], img["height"], by_image[img["id"]]])
    return pd.DataFrame(rows, index=pd.Index(keys, name="item_key"), columns=REGION_COLUMNS)


def _stem(file_name: str, key: Hashable) -> str:
    stem = Path(str(file_name)).stem or str(key)
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", stem)


def to_yolo(
    frame: pd.DataFrame,
    folder: str | Path,
    *,
    labels: Sequence[Any],
    images: dict[Hashable, Any] | None = None,
) -> dict[str, Any]:
    """Write regions as a YOLO dataset: ``images/``, ``labels/<image stem>.txt``, ``data.yaml``.

    Boxes are ``class cx cy w h`` and polygons ``class x1 y1 x2 y2 ...`` (YOLO's segmentation
    format), all normalised to 0..1 by the image's size; class ids are 0-based in the order
    of ``labels``. YOLO has no plain point format: points are left out and counted. Each
    image is copied into ``images/`` beside its labels (YOLO loaders pair them by stem);
    ``data.yaml`` names the classes and points ``train`` and ``val`` at ``images``, relative
    to itself, so the folder loads where it is and wherever it is moved. ``classes.txt``
    lists the names too.

    Parameters
    ----------
    frame : pandas.DataFrame
        As :attr:`RegionLabeller.regions` returns.
    folder : str or Path
        Created if needed.
    labels : sequence
        The label set.
    images : dict, optional
        ``{item_key: image}`` for images that are not files (bytes, arrays, PIL images):
        written as PNG under their key. Files named by ``file_name`` are copied.

    Returns
    -------
    dict
        ``{"files": {item_key: labels Path}, "images": {item_key: image Path},
        "missing_images": [item_key, ...], "skipped_points": int}``: an image whose file is
        gone keeps its labels and is named in ``missing_images``.
    """
    _check_frame(frame)
    names = _label_names(labels)
    class_id = {name: i for i, name in enumerate(names)}
    folder = Path(folder)
    (folder / "labels").mkdir(parents=True, exist_ok=True)
    (folder / "classes.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    yaml_names = "\n".join(
        f"  {i}: {json.dumps(n, ensure_ascii=False)}" for i, n in enumerate(names)
    )
    (folder / "data.yaml").write_text(
        f"train: images\nval: images\nnc: {len(names)}\nnames:\n{yaml_names}\n",
        encoding="utf-8",
    )
    (folder / "images").mkdir(exist_ok=True)
    files: dict[Hashable, Path] = {}
    copied: dict[Hashable, Path] = {}
    missing: list[Hashable] = []
    used: set[str] = set()
    skipped = 0
    for key, row in frame.iterrows():
        stem = _stem(row["file_name"], key)
        if stem in used:  # two images with one stem would overwrite each other's labels
            stem = _stem(f"{stem}_{key}", key)
        used.add(stem)
        w, h = float(row["width"]), float(row["height"])
        lines = []
        for region in row["regions"]:
            cid = class_id[str(region["label"])]
            if region["type"] == "box":
                x0, y0, x1, y1 = region["xyxy"]
                values = [(x0 + x1) / 2 / w, (y0 + y1) / 2 / h, (x1 - x0) / w, (y1 - y0) / h]
            elif region["type"] == "polygon":
                values = [
                    c / (w if i % 2 == 0 else h) for p in region["points"] for i, c in enumerate(p)
                ]
            else:
                skipped += 1
                continue
            lines.append(" ".join([str(cid), *(f"{v:.6f}" for v in values)]))
        target = folder / "labels" / f"{stem}.txt"
        target.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
        files[key] = target
        image = _write_image(folder / "images", stem, row["file_name"], (images or {}).get(key))
        if image is None:
            missing.append(key)
        else:
            copied[key] = image
    return {"files": files, "images": copied, "missing_images": missing, "skipped_points": skipped}


def _write_image(folder: Path, stem: str, file_name: Any, image: Any) -> Path | None:
    """Copy the image file (or write the in-memory image as PNG) as ``folder/<stem><ext>``."""
    if image is not None:
        from nb_label.views.image import open_image

        target = folder / f"{stem}.png"
        open_image(image)[0].save(target)
        return target
    source = Path(str(file_name)).expanduser()
    if not source.is_file():
        return None
    target = folder / f"{stem}{source.suffix.lower()}"
    shutil.copyfile(source, target)
    return target


def read_yolo(
    folder: str | Path, *, sizes: dict[str, tuple[int, int]], labels: Sequence[Any] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Read YOLO label files back into regions in pixel coordinates.

    Parameters
    ----------
    folder : str or Path
        As :func:`to_yolo` wrote it.
    sizes : dict
        ``{image stem: (width, height)}``: YOLO files hold normalised coordinates only.
    labels : sequence, optional
        Class names; by default read from ``classes.txt``.

    Returns
    -------
    dict
        ``{image stem: [region, ...]}``.
    """
    folder = Path(folder)
    if labels is None:
        names = (folder / "classes.txt").read_text(encoding="utf-8").splitlines()
    else:
        names = _label_names(labels)
    out: dict[str, list[dict[str, Any]]] = {}
    for stem, (w, h) in sizes.items():
        regions = []
        for line in (folder / "labels" / f"{stem}.txt").read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if not parts:
                continue
            label, values = names[int(parts[0])], [float(v) for v in parts[1:]]
            if len(values) == 4:
                cx, cy, bw, bh = values
                xyxy = [(cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h]
                regions.append({"type": "box", "label": label, "xyxy": xyxy})
            else:
                points = [[values[i] * w, values[i + 1] * h] for i in range(0, len(values), 2)]
                regions.append({"type": "polygon", "label": label, "points": points})
        out[stem] = regions
    return out
