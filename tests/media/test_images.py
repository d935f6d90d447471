"""Photo processing: every format, metadata stripped, upright, variants, bombs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image

from tests.media.helpers import (
    FORMATS,
    GPS_IFD,
    animated_gif,
    jpeg_rotated,
    jpeg_with_gps,
    photo,
    png_bomb,
)
from weft.errors import Invalid
from weft.media.detect import detect, sniff
from weft.media.images import DISPLAY_WIDTH, process_image


def write(tmp_path: Path, data: bytes, name: str = "upload") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_photo_format_is_detected_and_processed(tmp_path: Path, fmt: str) -> None:
    src = write(tmp_path, photo(fmt))
    kind = detect(src)
    assert (kind.family, kind.mime) == ("image", FORMATS[fmt][1])
    processed = process_image(src, tmp_path)
    with Image.open(processed.file) as served:
        assert served.format == "JPEG"
        assert served.size == (64, 48)
        # Left stays red, right stays blue: the pixels came through.
        left, right = served.convert("RGB").getpixel((8, 24)), served.getpixel((56, 24))
        assert left[0] > 150
        assert right[2] > 150
    assert processed.meta["original"] == {
        "width": 64,
        "height": 48,
        "size": "64x48",
        "aspect": 64 / 48,
    }
    assert processed.blurhash
    assert len(processed.blurhash) >= 6


def test_gps_and_all_exif_are_removed(tmp_path: Path) -> None:
    src = write(tmp_path, jpeg_with_gps())
    with Image.open(src) as original:
        assert original.getexif().get_ifd(GPS_IFD)  # the test file does carry GPS
    processed = process_image(src, tmp_path)
    data = processed.file.read_bytes()
    assert b"Exif" not in data
    assert b"PhoneMaker" not in data
    with Image.open(processed.file) as served:
        assert not served.getexif()
        assert "exif" not in served.info
        assert "icc_profile" not in served.info


def test_exif_rotation_is_applied(tmp_path: Path) -> None:
    processed = process_image(write(tmp_path, jpeg_rotated()), tmp_path)
    with Image.open(processed.file) as served:
        assert served.size == (32, 64)
        assert not served.getexif()


def test_display_variant_and_thumbnail_are_scaled(tmp_path: Path) -> None:
    processed = process_image(write(tmp_path, photo("png", size=(3000, 1500))), tmp_path)
    with Image.open(processed.file) as served:
        assert served.size == (DISPLAY_WIDTH, 720)
    with Image.open(processed.thumbnail) as small:
        assert small.size == (480, 240)
    assert processed.meta["small"]["size"] == "480x240"


def test_transparency_is_kept_as_png(tmp_path: Path) -> None:
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    image.save(tmp_path / "alpha.png")
    processed = process_image(tmp_path / "alpha.png", tmp_path)
    assert processed.ext == "png"
    with Image.open(processed.file) as served:
        assert served.mode == "RGBA"


def test_decompression_bomb_is_refused_quickly(tmp_path: Path) -> None:
    src = write(tmp_path, png_bomb())
    started = time.monotonic()
    with pytest.raises(Invalid) as refused:
        detect(src)
    assert time.monotonic() - started < 1.0  # a guard, not a benchmark
    assert refused.value.field == "file"
    assert "too many pixels" in refused.value.description
    with pytest.raises(Invalid):
        process_image(src, tmp_path)


@pytest.mark.parametrize(
    "data",
    [b"<html><script>alert(1)</script></html>", bytes(range(256)) * 8, b"", b"\x89PNG\r\n"],
)
def test_files_that_are_no_photo_are_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(Invalid) as refused:
        detect(write(tmp_path, data, "photo.png"))
    assert refused.value.field == "file"


def test_type_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    assert detect(write(tmp_path, photo("png"), "photo.jpg")).mime == "image/png"
    assert sniff(photo("webp")[:64]) is not None
    assert sniff(b"GIF89a" + b"\x00" * 58) is not None


def test_animated_gif_is_detected_as_gif(tmp_path: Path) -> None:
    assert detect(write(tmp_path, animated_gif())).mime == "image/gif"
