"""Image regions: boxes, polygons and points, stored in original pixel coordinates."""

from nb_label.regions.export import read_coco, read_yolo, to_coco, to_yolo
from nb_label.regions.geometry import clean_region, clean_regions
from nb_label.regions.labeller import RegionLabeller, fix_for_ipywidgets8

__all__ = [
    "RegionLabeller",
    "clean_region",
    "clean_regions",
    "fix_for_ipywidgets8",
    "read_coco",
    "read_yolo",
    "to_coco",
    "to_yolo",
]
