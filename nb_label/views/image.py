"""Images as items: decoded and encoded lazily, one item at a time, as the card asks for it.

An image reaches the card as a ``data:image/...;base64,`` URL inside an ``image`` block (see
``docs/protocol.md``). Nothing is read up front: a view renders an item only when the item
enters the card's buffer, and keeps the encoded result in a small LRU cache (the buffer is
rebuilt after every retrain, and back/goto show items again).

Over 400 lines because decoding, the byte cap, the cache and odd image modes are one
pipeline from a cell to a data URL.
"""

from __future__ import annotations

import base64
import hashlib
import io
import math
import os
import sys
import warnings
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nb_label.views._blocks import is_missing

IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".ppm", ".pgm", ".pbm"}
)
_SMALL_PIXELS = 128 * 128  # at or below this, PNG (lossless, pixel art stays crisp)
_JPEG_QUALITY = 85


class ImageReadError(ValueError):
    """An image could not be read or shown; the message says why, for the card."""


def _pil() -> Any:
    # Imported on first use: a text-only labeller never pays for Pillow.
    from PIL import Image

    return Image


def looks_like_image(value: Any) -> bool:
    """True when ``value`` is something :class:`ImageView` can show.

    Paths (str or Path) ending in an image suffix, ``bytes``, 2-D arrays and 3-D arrays with
    1, 3 or 4 channels, and PIL images. A string counts only if it is one line, so a text
    column whose message ends in ".png" is not taken for a path by accident.
    """
    if isinstance(value, Path):
        return value.suffix.lower() in IMAGE_SUFFIXES
    if isinstance(value, str):
        return (
            len(value) < 4096
            and "\n" not in value
            and os.path.splitext(value.strip())[1].lower() in IMAGE_SUFFIXES
        )
    if isinstance(value, (bytes, bytearray, memoryview)):
        return True
    if isinstance(value, np.ndarray):
        return value.ndim == 2 or (value.ndim == 3 and value.shape[-1] in (1, 3, 4))
    pil = sys.modules.get("PIL.Image")  # no PIL loaded: the value cannot be a PIL image
    return pil is not None and isinstance(value, pil.Image)


# -- reading --------------------------------------------------------------------------------


def _array_to_pil(array: np.ndarray, value_range: tuple[float, float] | None) -> Any:
    Image = _pil()
    if array.ndim == 3 and array.shape[0] in (1, 3, 4) and array.shape[-1] not in (1, 3, 4):
        array = np.moveaxis(array, 0, -1)  # channels first (PyTorch style) -> channels last
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] not in (3, 4)):
        raise ImageReadError(f"an array of shape {array.shape} is not an image")
    if array.size == 0:
        raise ImageReadError(f"the image is empty (shape {array.shape})")
    if array.dtype == bool:
        array = array.astype(np.uint8) * 255
    elif value_range is not None:
        low, high = float(value_range[0]), float(value_range[1])
        scaled = (np.nan_to_num(array.astype(np.float64)) - low) / max(high - low, 1e-12)
        array = np.clip(scaled * 255.0 + 0.5, 0, 255).astype(np.uint8)
    elif array.dtype != np.uint8:
        data = np.nan_to_num(array.astype(np.float64))
        low, high = float(data.min()), float(data.max())
        if np.issubdtype(array.dtype, np.floating) and low >= 0.0 and high <= 1.0:
            low, high = 0.0, 1.0  # the usual 0..1 float image
        elif np.issubdtype(array.dtype, np.integer) and low >= 0 and high <= 255:
            low, high = 0.0, 255.0  # small ints hold 8-bit values already
        scaled = (data - low) / max(high - low, 1e-12)
        array = np.clip(scaled * 255.0 + 0.5, 0, 255).astype(np.uint8)
    mode = {2: "L"}.get(array.ndim) or ("RGB" if array.shape[-1] == 3 else "RGBA")
    return Image.fromarray(np.ascontiguousarray(array), mode=mode)


def open_image(
    value: Any,
    *,
    root: Path | None = None,
    value_range: tuple[float, float] | None = None,
    max_side: int | None = None,
) -> tuple[Any, tuple[int, int]]:
    """Turn one cell of an image column into a loaded PIL image and its original size.

    With ``max_side``, a JPEG file is decoded at a reduced scale (Pillow's ``draft``), which
    makes huge photos several times quicker to show; the original size is still returned.

    Raises
    ------
    ImageReadError
        With a reason fit to show on the card (missing file, not an image, empty, too big).
    """
    Image = _pil()
    try:
        if isinstance(value, Image.Image):
            image = value
        elif isinstance(value, np.ndarray):
            image = _array_to_pil(value, value_range)
            return image, image.size
        elif isinstance(value, (bytes, bytearray, memoryview)):
            if len(value) == 0:
                raise ImageReadError("the image is empty (0 bytes)")
            image = Image.open(io.BytesIO(bytes(value)))
        elif isinstance(value, (str, Path)):
            text = str(value).strip()
            if text.startswith(("http://", "https://")):
                raise ImageReadError("URLs are not fetched; download the file and give its path")
            path = Path(text).expanduser()
            if root is not None and not path.is_absolute():
                path = Path(root) / path
            if not path.is_file():
                raise ImageReadError(f"no such file: {path}")
            image = Image.open(path)
        else:
            raise ImageReadError(f"a {type(value).__name__} is not an image")
        natural = image.size
        if (
            max_side is not None
            and max(natural) > max_side
            and not isinstance(value, Image.Image)  # never change the user's own object
            and image.format == "JPEG"
        ):
            image.draft(image.mode, (max_side, max_side))
        with warnings.catch_warnings():
            # Pillow warns above ~89 megapixels; we downscale those for display anyway.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.load()
    except ImageReadError:
        raise
    except Image.DecompressionBombError as err:
        raise ImageReadError(f"the image is too large to decode safely ({err})") from err
    except (OSError, SyntaxError, ValueError) as err:  # Pillow's "cannot identify" & truncation
        raise ImageReadError(f"not a readable image ({type(err).__name__}: {err})") from err
    if natural[0] == 0 or natural[1] == 0:
        raise ImageReadError(f"the image is empty ({natural[0]}x{natural[1]} pixels)")
    return image, natural


def _checkerboard(size: tuple[int, int], cell: int = 8) -> Any:
    Image = _pil()
    w, h = size
    ys, xs = np.indices((h, w))
    board = np.where(((xs // cell) + (ys // cell)) % 2 == 0, 255, 221).astype(np.uint8)
    return Image.fromarray(board, mode="L").convert("RGB")


def displayable(image: Any) -> Any:
    """Convert any mode to L or RGB as a browser shows it: 16-bit, CMYK, palette, alpha.

    Transparent images are drawn over a light checkerboard, so transparency stays visible.
    """
    Image = _pil()
    mode = image.mode
    if mode in ("L", "RGB"):
        return image
    if mode == "1":
        return image.convert("L")
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        # 16-bit and float scans rarely use the full range: stretch what is there to 0..255.
        data = np.asarray(image, dtype=np.float64)
        low, high = float(np.nanmin(data)), float(np.nanmax(data))
        scaled = (np.nan_to_num(data) - low) / max(high - low, 1e-12) * 255.0
        return Image.fromarray(np.clip(scaled + 0.5, 0, 255).astype(np.uint8), mode="L")
    if mode == "P" or mode == "PA":
        image = image.convert("RGBA" if "transparency" in image.info or mode == "PA" else "RGB")
        mode = image.mode
    if mode in ("LA", "La", "RGBA", "RGBa"):
        rgba = image.convert("RGBA")
        background = _checkerboard(rgba.size)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV, ...


# -- encoding --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EncodedImage:
    """One image ready for the card: its data URL and sizes."""

    src: str
    width: int  # of the encoded (display) image
    height: int
    natural_width: int  # of the original image: region coordinates refer to these
    natural_height: int
    format: str

    @property
    def n_bytes(self) -> int:
        return len(self.src)


def _few_colours(image: Any) -> bool:
    # getcolors stops counting past maxcolors, so photos cost little here.
    return image.getcolors(maxcolors=256) is not None


def _encode(image: Any, fmt: str, quality: int = _JPEG_QUALITY) -> bytes:
    out = io.BytesIO()
    if fmt == "png":
        image.save(out, "PNG", compress_level=1)  # level 1: 5x faster, a few % larger
    else:
        image.save(out, "JPEG", quality=quality, optimize=False)
    return out.getvalue()


def _data_url(payload: bytes, fmt: str) -> str:
    return f"data:image/{fmt};base64," + base64.b64encode(payload).decode("ascii")


def encode_image(
    image: Any, *, max_side: int, byte_cap: int, natural: tuple[int, int] | None = None
) -> EncodedImage:
    """Downscale for display if needed, convert the mode, and encode within ``byte_cap``.

    Small and few-colour images become PNG (crisp when enlarged); photos become JPEG. A
    result over the cap is re-encoded smaller (lower quality, then half the size) until it
    fits; an image that cannot fit raises :class:`ImageReadError`.
    """
    Image = _pil()
    natural = image.size if natural is None else natural
    if max(image.size) > max_side:
        image = image.copy()  # thumbnail works in place; the user's image stays as it was
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    image = displayable(image)
    small = image.width * image.height <= _SMALL_PIXELS
    fmt = "png" if small or _few_colours(image) else "jpeg"
    payload = _encode(image, fmt)
    url_bytes = math.ceil(len(payload) / 3) * 4 + 30
    quality = _JPEG_QUALITY
    while url_bytes > byte_cap:
        if fmt == "png":
            fmt = "jpeg"
        elif quality > 50:
            quality -= 20
        elif min(image.size) > 16:
            image = image.resize(
                (max(1, image.width // 2), max(1, image.height // 2)), Image.Resampling.LANCZOS
            )
        else:
            raise ImageReadError(f"the image does not fit in byte_cap={byte_cap} bytes")
        payload = _encode(image, fmt, quality)
        url_bytes = math.ceil(len(payload) / 3) * 4 + 30
    return EncodedImage(
        src=_data_url(payload, fmt),
        width=image.width,
        height=image.height,
        natural_width=natural[0],
        natural_height=natural[1],
        format=fmt,
    )


class _LRU:
    """An LRU cache bounded by the total size of its values (data URLs)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._bytes = 0

    def get(self, key: Hashable) -> Any:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        self._items[key] = (value, size)
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, (_, dropped) = self._items.popitem(last=False)
            self._bytes -= dropped

    def __len__(self) -> int:
        return len(self._items)


def _cache_key(value: Any) -> Hashable | None:
    """Identify a cell by content, cheaply; None means "do not cache".

    Paths by name, modification time and size; bytes and arrays by a digest of their
    content (about 0.1 ms for a 256x256 RGB array, against several ms to encode it), so an
    array changed in place is never shown stale; other objects by identity (the cache
    keeps the object alive, so its id is not reused while cached).
    """
    if isinstance(value, (str, Path)):
        try:
            stat = os.stat(str(value).strip())
        except OSError:
            return None  # missing files are checked again next time: they may appear
        return ("path", str(value), stat.st_mtime_ns, stat.st_size)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ("bytes", hashlib.blake2b(value, digest_size=16).digest())
    if isinstance(value, np.ndarray):
        data = np.ascontiguousarray(value)
        digest = hashlib.blake2b(data.view(np.uint8).reshape(-1), digest_size=16).digest()
        return ("array", value.shape, str(value.dtype), digest)
    return ("object", id(value))


class ImageView:
    """Shows one column of images: file paths, bytes, numpy arrays or PIL images.

    Parameters
    ----------
    column : str
        The column holding the images.
    max_side : int, default 768
        Images larger than this (in pixels, on their longer side) are downscaled for display;
        the block keeps the original size in ``natural_width`` / ``natural_height``.
    byte_cap : int, default 400_000
        Most bytes one image may take in the card's buffer (its data URL); larger results are
        re-encoded smaller. The buffer holds at most ``buffer * byte_cap`` bytes of images.
    value_range : (low, high), optional
        For numeric arrays: the values shown as black and white, e.g. ``(0, 16)`` for
        scikit-learn's digits. By default uint8 is taken as is, floats in 0..1 are scaled,
        and anything else is stretched between its own minimum and maximum.
    root : str or Path, optional
        Folder that relative paths are read from (default: the working folder).
    alt : str, optional
        Alternative text for screen readers; by default the column name.
    cache_bytes : int, default 32_000_000
        Size of the LRU cache of encoded images.

    Attributes
    ----------
    problems : dict
        Reasons why items could not be shown, by their cell value (a path) or ``id`` of an
        in-memory value, for the items rendered so far.

    Examples
    --------
    >>> lab = nbl.Labeller(df, show="path", labels=["cat", "dog"],
    ...                    view=nbl.ImageView("path", max_side=512))
    """

    def __init__(
        self,
        column: str,
        *,
        max_side: int = 768,
        byte_cap: int = 400_000,
        value_range: tuple[float, float] | None = None,
        root: str | Path | None = None,
        alt: str | None = None,
        cache_bytes: int = 32_000_000,
    ) -> None:
        if max_side < 16:
            raise ValueError("max_side= must be at least 16 pixels")
        if byte_cap < 1_000:
            raise ValueError("byte_cap= must be at least 1,000 bytes")
        if value_range is not None and not float(value_range[1]) > float(value_range[0]):
            raise ValueError("value_range= is (low, high) with high > low, e.g. (0, 16)")
        self.column = column
        self.max_side = int(max_side)
        self.byte_cap = int(byte_cap)
        self.value_range = value_range
        self.root = None if root is None else Path(root)
        self.alt = column if alt is None else alt
        self.problems: dict[Hashable, str] = {}
        self._cache = _LRU(int(cache_bytes))
        self.reads = 0  # images decoded (cache misses): lazy loading is testable

    def encoded(self, value: Any) -> EncodedImage:
        """The encoded image for one cell (cached); raises :class:`ImageReadError`."""
        key = _cache_key(value)
        if key is not None:
            found = self._cache.get(key)
            if found is not None and (key[0] != "object" or found[0][0] is value):
                return found[0][1]
        self.reads += 1
        image, natural = open_image(
            value, root=self.root, value_range=self.value_range, max_side=self.max_side
        )
        result = encode_image(
            image, max_side=self.max_side, byte_cap=self.byte_cap, natural=natural
        )
        if key is not None:
            self._cache.put(key, (value if key[0] == "object" else None, result), result.n_bytes)
        return result

    def block(self, value: Any) -> dict[str, Any]:
        """One image block, or a ``missing`` block that says why the image is not shown."""
        if not isinstance(value, (np.ndarray, bytes, bytearray, memoryview)) and is_missing(value):
            return {"kind": "missing", "text": "(missing image)"}
        try:
            found = self.encoded(value)
        except ImageReadError as err:
            reason = str(err)
            problem_key = value if isinstance(value, (str, Path)) else id(value)
            self.problems[problem_key] = reason
            # "problem" lets a labeller flag the item; the card shows only the text.
            return {
                "kind": "missing",
                "text": f"image could not be read: {reason}",
                "problem": reason,
            }
        return {
            "kind": "image",
            "src": found.src,
            "alt": self.alt,
            "width": found.width,
            "height": found.height,
            "natural_width": found.natural_width,
            "natural_height": found.natural_height,
        }

    def render(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        """The blocks for one row: the image (or a placeholder with the reason)."""
        return [self.block(row[self.column])]
