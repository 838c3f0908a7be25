"""RegionLabeller: boxes, polygons or points on images, one event per image.

The drawing is ipyannotations' canvas (ipycanvas); the items, the store, the events, the
queue and undo are a :class:`~nb_label.Labeller`'s, used through its public API. A person
draws on a display copy of the image (downscaled when huge, enlarged when tiny); regions are
stored in the ORIGINAL image's pixel coordinates.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from nb_label._extras import extra_imports, require
from nb_label.hosts import ShownByJupyterOnly
from nb_label.labeller import Labeller
from nb_label.regions.geometry import (
    clean_regions,
    from_annotator,
    scale_region,
    to_annotator,
)
from nb_label.regions.kind import Regions
from nb_label.views.image import ImageReadError, ImageView, displayable, open_image

_TOOLS = ("box", "polygon", "point")


def _annotator_class(tool: str) -> type:
    with extra_imports("regions", feature="nb_label.RegionLabeller"):
        from ipyannotations.images import BoxAnnotator, PointAnnotator, PolygonAnnotator

    return {"box": BoxAnnotator, "polygon": PolygonAnnotator, "point": PointAnnotator}[tool]


def fix_for_ipywidgets8(annotator: widgets.Box) -> widgets.Box:
    """Make an ipyannotations image annotator render under ipywidgets 8.

    Its mixin appends an ``ipyevents.Event`` (not a DOM widget) to ``children``; ipywidgets 8
    cannot render that and shows a "javascript error" box instead of the canvas. The event
    widget still exists (it needs no place in the layout), so it is only taken out of
    ``children``.
    """
    import ipyevents

    annotator.children = tuple(
        child for child in annotator.children if not isinstance(child, ipyevents.Event)
    )
    return annotator


class RegionLabeller(ShownByJupyterOnly, widgets.VBox):
    """Draw labelled boxes, polygons or points on images; each image's regions are one event.

    Parameters
    ----------
    df : pandas.DataFrame
        The data; ``show`` names its image column (paths, bytes, arrays or PIL images).
    show : str
        The image column.
    labels : list or Schema
        The label set; every region gets one of these labels.
    tool : {"box", "polygon", "point"}, default "box"
        What the person draws.
    store, annotator, dataset, where
        As for :class:`~nb_label.Labeller`.
    pre_annotations : str, Series or callable, optional
        Regions proposed by a model, for the person to correct: a column name, a Series
        indexed like ``df``, or ``fn(item_key, row)``, each giving a list of regions in
        original pixel coordinates (e.g. ``{"type": "box", "label": "dog",
        "xyxy": [x0, y0, x1, y1]}``). Regions of another type than ``tool`` are not loaded.
    canvas_size : (int, int), default (640, 480)
        The drawing area in screen pixels; images are fitted into it.
    value_range : (low, high), optional
        For numeric arrays, as in :class:`~nb_label.ImageView`.
    root : str or Path, optional
        Folder that relative image paths are read from.

    Attributes
    ----------
    labeller : Labeller
        The labeller that keeps the store, the queue and undo.
    annotator : ipyannotations annotator
        The drawing widget (with the ipywidgets 8 fix applied).

    Examples
    --------
    >>> rl = nbl.RegionLabeller(df, show="path", labels=["cat", "dog"], tool="box",
    ...                         pre_annotations="model_boxes")
    >>> rl   # draw, correct, Submit
    >>> rl.save([{"type": "box", "label": "cat", "xyxy": [10, 20, 110, 90]}])  # from code
    >>> rl.to_coco("regions.json")
    """

    _marimo_instead = (
        "It draws on ipycanvas. Open this notebook in JupyterLab or Notebook 7 to draw "
        "regions; in marimo, label whole images with nbl.Labeller(df, show='image', ...)."
    )

    def __init__(
        self,
        df: pd.DataFrame,
        *,
        show: str,
        labels: Any,
        tool: str = "box",
        store: Any = "nb_label.db",
        annotator: str | None = None,
        dataset: str | None = None,
        where: Any = None,
        pre_annotations: str | pd.Series | Callable | None = None,
        canvas_size: tuple[int, int] = (640, 480),
        value_range: tuple[float, float] | None = None,
        root: str | Path | None = None,
    ) -> None:
        require("regions", feature="nb_label.RegionLabeller")
        if tool not in _TOOLS:
            raise ValueError(f"tool= must be one of {_TOOLS}, not {tool!r}")
        if not isinstance(show, str):
            raise ValueError("show= names one image column for regions")
        if isinstance(pre_annotations, str) and pre_annotations not in df.columns:
            raise ValueError(f"pre_annotations={pre_annotations!r} is not a column of df")
        super().__init__()
        self.tool = tool
        self.column = show
        self.canvas_size = (int(canvas_size[0]), int(canvas_size[1]))
        self._value_range = value_range
        self._root = None if root is None else Path(root)
        self._pre = pre_annotations
        self.labeller = Labeller(
            df,
            show=show,
            labels=labels,
            store=store,
            annotator=annotator,
            dataset=dataset,
            where=where,
            view=ImageView(show, value_range=value_range, root=root),
            answer=Regions(),
        )
        self._names = {str(v): v for v in self.labeller.schema.values}
        self.annotator = fix_for_ipywidgets8(
            _annotator_class(tool)(canvas_size=self.canvas_size, options=list(self._names))
        )
        self.annotator.add_class("nbl-regions-annotator")
        self.annotator.canvas.add_class("nbl-regions-canvas")
        self.annotator.submit_button.add_class("nbl-regions-submit")
        self.annotator.skip_button.add_class("nbl-regions-skip")
        self.annotator.undo_button.add_class("nbl-regions-undo")
        self.annotator.on_submit(self._on_submit)
        self.annotator.on_undo(self._on_undo)
        self.status = widgets.Label(value="")  # Label: text only, never parsed as HTML
        self.status.add_class("nbl-regions-status")
        self.progress_label = widgets.Label(value="")
        self.progress_label.add_class("nbl-regions-progress")
        # A free-text note, saved with the regions by Submit, then cleared for the next image.
        self.note = widgets.Text(value="", placeholder="note (optional)")
        self.note.add_class("nbl-region-note")
        self.add_class("nbl-regions")
        self.children = (self.progress_label, self.annotator, self.note, self.status)
        self._shown: Hashable | None = None
        self._scale: tuple[float, float] | None = None
        self._size: tuple[int, int] | None = None
        self.show_current()

    # -- showing -------------------------------------------------------------------------------
    @property
    def current(self) -> Hashable | None:
        """The item key on the canvas (None when every image has an answer)."""
        return self.labeller.current

    def _pre_annotations(self, key: Hashable, row: dict[str, Any]) -> list[dict[str, Any]]:
        pre = self._pre
        if pre is None:
            return []
        if callable(pre) and not isinstance(pre, pd.Series):
            found = pre(key, row)
        elif isinstance(pre, str):
            found = self.labeller.data.at[key, pre]
        else:
            found = pre.get(key)
        if found is None or (isinstance(found, float) and found != found):
            return []
        return list(found)

    def saved_regions(self, item_key: Hashable) -> dict[str, Any] | None:
        """This annotator's latest saved answer value for an image, or None."""
        from nb_label.results import active_answers

        events = active_answers(self.labeller.item_history(item_key))
        mine = events[
            (events["annotator"] == self.labeller.annotator) & (events["kind"] == "label")
        ]
        return None if mine.empty else mine.iloc[-1]["value"]

    def _display_copy(self, image: Any) -> tuple[Any, float]:
        """The image fitted to the canvas; tiny images are enlarged by a whole factor."""
        from PIL import Image

        width, height = self.canvas_size
        fit = min(width / image.width, height / image.height)
        if fit >= 2:  # e.g. an 8x8 digit: too small to draw on
            factor = int(fit)
            return image.resize(
                (image.width * factor, image.height * factor), Image.Resampling.NEAREST
            ), float(factor)
        if fit < 1:
            shown = image.copy()
            shown.thumbnail((width, height), Image.Resampling.LANCZOS)
            return shown, shown.width / image.width
        return image, 1.0

    def show_current(self) -> None:
        """Put the current item on the canvas, with its saved regions or the pre-annotations."""
        lab = self.labeller
        self._update_progress()
        key = lab.current
        if key != self._shown:
            self.note.value = ""  # a note belongs to the image it was written for
        self._shown, self._scale, self._size = key, None, None
        self.annotator.canvas.clear()
        if key is None:
            self.status.value = "every image has an answer"
            return
        row = lab.item(key)
        try:
            image, natural = open_image(
                row[self.column],
                root=self._root,
                value_range=self._value_range,
                max_side=4 * max(self.canvas_size),
            )
        except ImageReadError as err:
            self.status.value = (
                f"item {key!r}: image could not be read: {err}. Skip it, or flag it with "
                f"rl.labeller.flag(note=...)"
            )
            return
        shown, _ = self._display_copy(displayable(image))
        # The display copy's size relative to the ORIGINAL size gives the exact scale.
        self._scale = (natural[0] / shown.width, natural[1] / shown.height)
        self._size = natural
        payload = io.BytesIO()
        shown.save(payload, "PNG", compress_level=1)
        self.annotator.display(widgets.Image(value=payload.getvalue(), format="png"))
        saved = self.saved_regions(key)
        preload = saved["regions"] if isinstance(saved, dict) else self._pre_annotations(key, row)
        sx, sy = self._scale
        loadable = [r for r in preload if r.get("type") == self.tool]
        if loadable:
            self.annotator.data = [
                to_annotator({**scale_region(r, 1 / sx, 1 / sy), "label": str(r["label"])})
                for r in loadable
            ]
        what = "saved regions" if saved is not None else "model pre-annotations"
        self.status.value = f"item {key!r} ({natural[0]}x{natural[1]} px): " + (
            f"{len(loadable)} {what} loaded to correct" if loadable else f"draw {self.tool}es"
        )

    def _update_progress(self) -> None:
        p = self.labeller.progress
        self.progress_label.value = (
            f"{p['labelled']} / {p['total']} images done, {p['skipped']} skipped, "
            f"{p['flagged']} flagged"
        )

    # -- actions (each is what a button does) --------------------------------------------------
    def drawn(self) -> list[dict[str, Any]]:
        """The regions on the canvas now, in ORIGINAL pixel coordinates (labels as values)."""
        if self._scale is None:
            return []
        sx, sy = self._scale
        regions = []
        for raw in self.annotator.data:
            region = scale_region(from_annotator(raw), sx, sy)
            region["label"] = self._names.get(region["label"], region["label"])
            regions.append(region)
        return regions

    def submit(self) -> int | None:
        """Save what is on the canvas with the note field's text (what the Submit button
        does); see :meth:`save`. The note field is cleared once saved, kept when refused."""
        event_id = self.save(self.drawn(), note=self.note.value.strip() or None)
        if event_id is not None:
            self.note.value = ""
        return event_id

    def save(self, regions: Sequence[dict[str, Any]], *, note: str | None = None) -> int | None:
        """Save the current image's regions (original pixel coordinates) as one event.

        Regions sticking out of the image are clipped; regions that cannot be kept (outside
        the image, fewer than three polygon points, no label from the label set) are refused:
        then nothing is saved, the canvas keeps the drawing and the status line says why.
        An empty list is a valid answer: nothing to mark on this image.

        Returns
        -------
        int or None
            The stored event's id, or None when refused.
        """
        lab = self.labeller
        key = self._shown  # the image on the canvas, even if the queue moved meanwhile
        if key is None:
            raise LookupError("every image has an answer; nothing is current")
        if self._size is None:
            self.status.value = (
                f"not saved: item {key!r} has no readable image; skip it or flag it"
            )
            return None
        width, height = self._size
        kept, notes, refusals = clean_regions(regions, width, height, labels=lab.schema.values)
        if refusals:
            self.status.value = "not saved: " + "; ".join(refusals) + ". Fix or undo, then submit."
            return None
        value = {"regions": kept, "width": width, "height": height}
        event_id = lab.submit("label", value, item_key=key, note=note)
        self.show_current()
        saved = f"saved {len(kept)} region{'s' * (len(kept) != 1)} for item {key!r}"
        self.status.value = (
            saved + ("; " + "; ".join(notes) if notes else "") + ". " + (self.status.value)
        )
        return event_id

    def skip(self) -> int:
        """Skip the current image (it comes back after the others)."""
        event_id = self.labeller.skip()
        self.show_current()
        return event_id

    def undo(self) -> Hashable:
        """Retract this session's last answer and show that image again."""
        key = self.labeller.undo()
        self.show_current()
        return key

    def _on_submit(self, data: Any) -> None:
        try:
            if data is None:  # ipyannotations' Skip button submits None
                self.skip()
            else:
                self.submit()
        except Exception as err:  # a failure is said on screen, never lost in a callback
            self.status.value = f"not saved: {type(err).__name__}: {err}"

    def _on_undo(self) -> None:
        try:
            self.undo()
        except LookupError as err:
            self.status.value = str(err)

    # -- results -------------------------------------------------------------------------------
    @property
    def regions(self) -> pd.DataFrame:
        """One row per image with an active answer: ``file_name``, ``width``, ``height``,
        ``regions`` (original pixel coordinates), ``annotator``; indexed by item key."""
        from nb_label._keys import decode_key
        from nb_label.results import active_answers

        lab = self.labeller
        events = active_answers(lab.store.events(lab.dataset, annotator=lab.annotator))
        labels = events[events["kind"] == "label"].groupby("item_key", sort=False).tail(1)
        rows, keys = [], []
        for item_key, value in zip(labels["item_key"], labels["value"], strict=True):
            key = decode_key(item_key)
            if key not in lab.data.index or not isinstance(value, dict):
                continue
            cell = lab.data.at[key, self.column]
            name = str(cell) if isinstance(cell, (str, Path)) else f"{key}.png"
            keys.append(key)
            rows.append([name, value["width"], value["height"], value["regions"]])
        return pd.DataFrame(
            rows,
            index=pd.Index(keys, name="item_key"),
            columns=["file_name", "width", "height", "regions"],
        )

    def to_coco(self, path: str | Path) -> Path:
        """Write the regions as a COCO JSON file; see :func:`nb_label.regions.to_coco`."""
        from nb_label.regions.export import to_coco

        return to_coco(self.regions, path, labels=self.labeller.schema.values)

    def to_yolo(self, folder: str | Path) -> dict[str, Any]:
        """Write the regions as a YOLO dataset (images included); see
        :func:`nb_label.regions.to_yolo`."""
        from nb_label.regions.export import to_yolo

        regions = self.regions
        cells = {key: self.labeller.data.at[key, self.column] for key in regions.index}
        in_memory = {k: v for k, v in cells.items() if not isinstance(v, (str, Path))}
        return to_yolo(regions, folder, labels=self.labeller.schema.values, images=in_memory)

    def close(self) -> None:
        """Close the widget and the labeller (and its store, if the labeller opened it)."""
        labeller = getattr(self, "labeller", None)  # absent if __init__ refused its arguments
        if labeller is not None:
            labeller.close()
        super().close()
