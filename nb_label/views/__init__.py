"""Views turn one row of the DataFrame into blocks the item card shows."""

from __future__ import annotations

from typing import Any

from nb_label.views._blocks import is_missing
from nb_label.views.audio import AudioView, looks_like_audio
from nb_label.views.callable import CallableView
from nb_label.views.image import ImageView, looks_like_image
from nb_label.views.text import TableView, TextView, TextWithTable
from nb_label.views.text import default_view as _text_view

__all__ = [
    "AudioView",
    "AutoView",
    "CallableView",
    "ImageView",
    "TableView",
    "TextView",
    "TextWithTable",
    "default_view",
]


_SAMPLE = 5  # cells looked at per column to decide whether it holds images


class AutoView:
    """Text for text columns, images and audio for media columns, decided per column.

    Each column is classified on the first non-missing value it renders (or, when data is
    given, on a few of its first values) and keeps that decision: image columns are shown by
    an :class:`ImageView`, other columns as text (one column) or a table row (several).
    """

    def __init__(self, columns: list[str], *, image_columns: set[str] | None = None) -> None:
        self.columns = list(columns)
        self._kinds: dict[str, str] = {}
        if image_columns is not None:  # decided from the data: every column is settled
            self._kinds = {c: "image" if c in image_columns else "text" for c in self.columns}
        self._images: dict[str, ImageView] = {}
        self._audio: dict[str, AudioView] = {}

    @property
    def plays_audio(self) -> bool:
        """True if a shown column holds audio (so the card lists its play key)."""
        return "audio" in self._kinds.values()

    def _kind(self, column: str, value: Any) -> str | None:
        kind = self._kinds.get(column)
        if kind is None:
            if not isinstance(value, (bytes, bytearray, memoryview)) and is_missing(value):
                return None  # undecided until a real value shows up
            kind = self._kinds[column] = (
                "audio"
                if looks_like_audio(value)
                else "image"
                if looks_like_image(value)
                else "text"
            )
        return kind

    def image_view(self, column: str) -> ImageView:
        """The :class:`ImageView` used for ``column`` (created on first use)."""
        view = self._images.get(column)
        if view is None:
            view = self._images[column] = ImageView(column)
        return view

    def render(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        """The blocks for one row: images first, then the text columns."""
        kinds = {c: self._kind(c, row[c]) for c in self.columns}
        images = [c for c in self.columns if kinds[c] == "image"]
        texts = [c for c in self.columns if kinds[c] not in ("image", "audio")]
        blocks = [self.image_view(c).block(row[c]) for c in images]
        for column in (c for c in self.columns if kinds[c] == "audio"):
            if column not in self._audio:
                self._audio[column] = AudioView(column)
            blocks.append(self._audio[column].block(row[column]))
        if texts:
            blocks += _text_view(texts).render(row)
        return blocks


def _is_image_column(values: Any) -> bool:
    seen = 0
    for value in values:
        if not isinstance(value, (bytes, bytearray, memoryview)) and is_missing(value):
            continue
        if not looks_like_image(value):
            return False
        seen += 1
        if seen >= _SAMPLE:
            break
    return seen > 0


def default_view(columns: list[str], *, data: Any = None) -> Any:
    """The view for the shown columns: text, a table row, or images where columns hold them.

    Parameters
    ----------
    columns : list of str
        The shown columns.
    data : pandas.DataFrame, optional
        When given, image columns are recognised from their first few values; otherwise
        from the first value each column renders.
    """
    image_columns = None
    if data is not None:
        audio = {c for c in columns if _is_audio_column(data[c].head(50))}
        image_columns = {
            c for c in columns if c not in audio and _is_image_column(data[c].head(50))
        }
        view = AutoView(columns, image_columns=image_columns)
        view._kinds.update(dict.fromkeys(audio, "audio"))
        return view
    return AutoView(columns, image_columns=image_columns)


def _is_audio_column(values: Any) -> bool:
    seen = 0
    for value in values:
        if not isinstance(value, (bytes, bytearray, memoryview)) and is_missing(value):
            continue
        if not looks_like_audio(value):
            return False
        seen += 1
        if seen >= _SAMPLE:
            break
    return seen > 0
