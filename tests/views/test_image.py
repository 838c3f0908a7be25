"""ImageView: every input type, odd modes, huge / empty / missing / corrupt, laziness, byte cap."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import nb_label as nbl
from nb_label.views import AutoView, ImageView, default_view
from nb_label.views.image import looks_like_image


def decode(block: dict) -> Image.Image:
    assert block["kind"] == "image", block
    head, data = block["src"].split(",", 1)
    assert head.startswith("data:image/") and head.endswith(";base64")
    return Image.open(io.BytesIO(base64.b64decode(data)))


def photo(size=(256, 256)) -> np.ndarray:
    """A photo-like RGB picture: smooth colour gradients under grain, thousands of colours."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(float)
    base = np.stack([x / max(width - 1, 1), y / max(height - 1, 1), (x + y) / (width + height)])
    grain = np.random.default_rng(0).normal(0, 12, (height, width, 3))
    return np.clip(np.moveaxis(base, 0, -1) * 255 + grain, 0, 255).astype(np.uint8)


@pytest.fixture
def png_path(tmp_path: Path) -> Path:
    path = tmp_path / "a.png"
    Image.fromarray(photo((40, 30))).save(path)
    return path


def test_every_input_type_gives_the_same_pixels(png_path: Path):
    array = np.asarray(Image.open(png_path))
    view = ImageView("img")
    values = [
        str(png_path),
        png_path,
        png_path.read_bytes(),
        array,
        Image.open(png_path),
    ]
    for value in values:
        block = view.block(value)
        assert (block["width"], block["height"]) == (40, 30)
        assert (block["natural_width"], block["natural_height"]) == (40, 30)
        shown = np.asarray(decode(block).convert("RGB"))
        assert np.array_equal(shown, array), type(value)  # small images are PNG: lossless


def test_small_images_are_png_and_photos_jpeg():
    view = ImageView("img")
    digit = nbl.datasets.digits()["image"][0]
    assert view.block(digit)["src"].startswith("data:image/png")
    assert view.block(photo())["src"].startswith("data:image/jpeg")


def test_value_range_and_numeric_dtypes():
    digit = nbl.datasets.digits()["image"][0]  # uint8 0..16
    shown = np.asarray(decode(ImageView("i", value_range=(0, 16)).block(digit)))
    assert np.array_equal(shown, np.round(digit / 16 * 255).astype(np.uint8))
    floats = np.linspace(0, 1, 64).reshape(8, 8)
    assert np.asarray(decode(ImageView("i").block(floats))).max() == 255
    wide = (np.arange(64).reshape(8, 8) * 1000).astype(np.int32)
    shown = np.asarray(decode(ImageView("i").block(wide)))
    assert (shown.min(), shown.max()) == (0, 255)
    channels_first = np.zeros((3, 10, 12), dtype=np.uint8)
    assert ImageView("i").block(channels_first)["width"] == 12
    assert ImageView("i").block(np.ones((5, 5), dtype=bool))["kind"] == "image"


@pytest.mark.parametrize("mode", ["I;16", "CMYK", "P", "LA", "RGBA", "1", "F", "PA"])
def test_odd_modes_are_converted(tmp_path: Path, mode: str):
    base = Image.fromarray(photo((32, 24)))
    if mode == "I;16":
        image = Image.fromarray((np.arange(32 * 24).reshape(24, 32) * 60).astype(np.uint16))
    elif mode == "F":
        image = Image.fromarray(np.random.default_rng(0).random((24, 32)).astype(np.float32))
    elif mode == "PA":
        image = base.convert("P").convert("PA")
    else:
        image = base.convert(mode)
    path = tmp_path / ("x.tif" if mode in ("F", "PA", "CMYK") else "x.png")
    image.save(path)
    block = ImageView("i").block(str(path))
    assert decode(block).mode in ("L", "RGB"), mode
    assert (block["natural_width"], block["natural_height"]) == (32, 24)


def test_alpha_is_drawn_over_a_checkerboard():
    rgba = np.zeros((32, 32, 4), dtype=np.uint8)  # fully transparent
    shown = np.asarray(decode(ImageView("i").block(rgba)))
    assert set(np.unique(shown)) == {221, 255}


def test_huge_images_are_downscaled_but_keep_their_size(tmp_path: Path):
    path = tmp_path / "huge.jpg"
    Image.new("RGB", (6000, 4000), (200, 30, 30)).save(path, quality=90)
    view = ImageView("i", max_side=512)
    block = view.block(str(path))
    assert (block["natural_width"], block["natural_height"]) == (6000, 4000)
    assert max(block["width"], block["height"]) <= 512
    assert (block["width"], block["height"]) == decode(block).size
    assert block["width"] / block["height"] == pytest.approx(1.5, rel=0.01)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("no/such/file.png", "no such file"),
        (b"", "empty"),
        (b"not an image at all", "not a readable image"),
        (np.zeros((0, 5), dtype=np.uint8), "empty"),
        ("https://example.org/a.png", "URLs are not fetched"),
    ],
)
def test_unreadable_images_become_a_placeholder_with_the_reason(value, reason):
    view = ImageView("i")
    block = view.block(value)
    assert block["kind"] == "missing"
    assert block["text"].startswith("image could not be read: ")
    assert reason in block["text"]
    assert block["problem"] and len(view.problems) == 1


def test_corrupt_and_truncated_files(tmp_path: Path, png_path: Path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(png_path.read_bytes()[:60])
    zero = tmp_path / "zero.jpg"
    zero.write_bytes(b"")
    view = ImageView("i")
    for path in (broken, zero):
        assert view.block(str(path))["kind"] == "missing"
    assert view.block(None) == {"kind": "missing", "text": "(missing image)"}
    assert view.block(float("nan"))["kind"] == "missing"


def test_a_broken_image_never_breaks_labelling(tmp_path: Path, png_path: Path):
    df = pd.DataFrame({"path": [str(png_path), str(tmp_path / "gone.png"), str(png_path)]})
    lab = nbl.Labeller(df, show="path", labels=["a", "b"], store=tmp_path / "s.db", annotator="t")
    blocks = [lab.card_item(p)["blocks"][0]["kind"] for p in range(3)]
    assert blocks == ["image", "missing", "image"]
    for _ in range(3):
        lab.label("a")
    assert lab.annotations["label"].tolist() == ["a", "a", "a"]
    lab.close()


def test_byte_cap_is_respected():
    noise = np.random.default_rng(1).integers(0, 256, (700, 700, 3), dtype=np.uint8)
    block = ImageView("i", byte_cap=60_000).block(noise)
    assert block["kind"] == "image" and len(block["src"]) <= 60_000
    assert block["natural_width"] == 700


def test_arrays_changed_in_place_are_not_shown_stale():
    view = ImageView("i")
    array = np.zeros((8, 8), dtype=np.uint8)
    first = view.block(array)["src"]
    assert view.block(array)["src"] == first and view.reads == 1  # cached
    array[0, 0] = 255
    assert view.block(array)["src"] != first


def test_a_thousand_image_column_is_not_read_up_front(tmp_path: Path, monkeypatch):
    for i in range(1000):
        Image.fromarray(np.full((4, 4), i % 256, dtype=np.uint8)).save(tmp_path / f"{i}.png")
    df = pd.DataFrame({"path": [str(tmp_path / f"{i}.png") for i in range(1000)]})
    opened: list[str] = []
    real_open = Image.open

    def counting_open(fp, *args, **kwargs):
        opened.append(str(fp))
        return real_open(fp, *args, **kwargs)

    monkeypatch.setattr(Image, "open", counting_open)
    lab = nbl.Labeller(df, show="path", labels=["a", "b"], store=tmp_path / "s.db", annotator="t")
    assert opened == []  # building the labeller read no image
    items = [lab.card_item(p) for p in lab.upcoming(20)]  # what the card's buffer gets
    assert all(item["blocks"][0]["kind"] == "image" for item in items)
    assert len(opened) == 20  # exactly the buffered items, each read once
    lab.label("a")
    lab.card_item(lab.upcoming(1)[0])  # shown again from the cache: no new read
    assert len(opened) == 20
    lab.close()


def test_default_view_detects_image_columns(png_path: Path):
    digits = nbl.datasets.digits()
    assert looks_like_image(digits["image"][0])
    assert not looks_like_image("a message that ends in .png\nsecond line")
    view = default_view(["image", "target"], data=digits)
    blocks = view.render(digits.iloc[0].to_dict())
    assert [b["kind"] for b in blocks] == ["image", "text"]
    lazy = default_view(["path"])  # as the Labeller calls it: decided on the first value
    assert isinstance(lazy, AutoView)
    assert lazy.render({"path": str(png_path)})[0]["kind"] == "image"
    assert default_view(["t"]).render({"t": "hi"}) == [{"kind": "text", "text": "hi"}]


def test_labeller_shows_digits_as_images_without_a_view(tmp_path: Path):
    digits = nbl.datasets.digits().head(30)
    lab = nbl.Labeller(digits, show="image", labels=list(range(10)), store=tmp_path / "s.db")
    block = lab.card_item(0)["blocks"][0]
    assert block["kind"] == "image" and block["natural_width"] == 8
    lab.close()


def test_argument_checks():
    with pytest.raises(ValueError, match="max_side"):
        ImageView("i", max_side=2)
    with pytest.raises(ValueError, match="value_range"):
        ImageView("i", value_range=(5, 5))
