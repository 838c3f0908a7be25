"""Writes regions.ipynb: boxes on scikit-learn's sample photos, correct a model's boxes, export."""

import nbformat as nbf
from _write import write_notebook

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
    md(
        "# Image regions: boxes, polygons, points\n\n"
        "Draw labelled boxes on scikit-learn's two sample photos (a Chinese temple and a "
        "flower, 640x427 each). A model's boxes are loaded first, for you to correct. Each "
        "image's regions are stored as one event, in the original image's pixels."
    ),
    code(
        "import os\nimport tempfile\nfrom pathlib import Path\n\n"
        "import pandas as pd\nfrom PIL import Image\n"
        "from sklearn.datasets import load_sample_images\n\n"
        "import nb_label as nbl\n\n"
        'folder = Path(tempfile.mkdtemp(prefix="nb_label_regions_"))\n'
        "sample = load_sample_images()\n"
        "paths = []\n"
        "for name, pixels in zip(sample.filenames, sample.images):\n"
        "    path = folder / Path(name).name\n"
        "    Image.fromarray(pixels).save(path, quality=95)\n"
        "    paths.append(str(path))\n"
        "# what a detector proposed: the temple's roof, and a box that sticks out of the image\n"
        "model_boxes = [\n"
        '    [{"type": "box", "label": "building", "xyxy": [150, 20, 470, 250], "score": 0.81}],\n'
        '    [{"type": "box", "label": "flower", "xyxy": [180, 40, 700, 420], "score": 0.64}],\n'
        "]\n"
        'photos = pd.DataFrame({"path": paths, "model": model_boxes}, index=["china", "flower"])\n'
        "photos"
    ),
    code(
        'store = os.environ.get("NB_LABEL_STORE", "labels.db")\n'
        'rl = nbl.RegionLabeller(photos, show="path", labels=["building", "flower", "tree"],\n'
        '                        tool="box", pre_annotations="model", store=store,\n'
        '                        annotator="ana", dataset="photos-boxes")\n'
        "rl"
    ),
    md(
        "Choose a class, drag a box with the mouse; **Edit** lets you drag a corner of an "
        "existing box (such as the model's). **Submit** saves; **Undo** removes the last box "
        "(or, with none left, takes back the last saved image); **Skip** moves on.\n\n"
        "The same from code: move the model's box corner, then submit."
    ),
    code(
        "rl.annotator.canvas.annotations[0].move_corner(2, 480, 260)  # canvas pixels\n"
        "rl.submit()\n"
        "rl.status.value"
    ),
    code(
        "# the flower's model box sticks out of the 640x427 image: it is clipped, and said so\n"
        "rl.submit()\n"
        'assert "clipped" in rl.status.value\n'
        "rl.status.value"
    ),
    code("rl.regions"),
    code(
        'china, flower = rl.regions.loc["china"], rl.regions.loc["flower"]\n'
        'assert (china["width"], china["height"]) == (640, 427)\n'
        'assert china["regions"][0]["label"] == "building"\n'
        'assert flower["regions"][0]["xyxy"][2] <= 640  # clipped to the image'
    ),
    md(
        "## Export and read back\n\n"
        "COCO (one JSON file) and YOLO (one text file per image, normalised coordinates)."
    ),
    code(
        'coco = rl.to_coco(folder / "regions.coco.json")\n'
        "back = nbl.regions.read_coco(coco)\n"
        'assert back["regions"].tolist() == rl.regions["regions"].tolist()\n'
        'yolo = rl.to_yolo(folder / "yolo")\n'
        'print((folder / "yolo" / "labels" / "china.txt").read_text())\n'
        'sizes = {"china": (640, 427), "flower": (640, 427)}\n'
        'again = nbl.regions.read_yolo(folder / "yolo", sizes=sizes)\n'
        'for got, want in zip(again["china"][0]["xyxy"], china["regions"][0]["xyxy"]):\n'
        "    assert abs(got - want) < 0.01"
    ),
    md(
        "## Polygons and points\n\n"
        '`tool="polygon"`: click the corners, then click the first point again to close it. '
        "A polygon needs three points; one with fewer is refused, with the reason on screen."
    ),
    code(
        'poly = nbl.RegionLabeller(photos, show="path", labels=["building", "flower", "tree"],\n'
        '                          tool="polygon", store=store, annotator="ana",\n'
        '                          dataset="photos-polygons")\n'
        'poly.save([{"type": "polygon", "label": "tree", "points": [[10, 10], [60, 10]]}])\n'
        'assert "at least three" in poly.status.value\n'
        'poly.save([{"type": "polygon", "label": "tree", "points": [[10, 300], [90, 200], [160, 420]]}])\n'
        "poly"
    ),
    code('assert poly.regions.loc["china", "regions"][0]["points"][1] == [90.0, 200.0]'),
]
write_notebook(cells, "regions.ipynb")
