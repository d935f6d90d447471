"""Photos: upright, stripped of every metadata, scaled, hashed, in bounded memory.

Runs in a child process (weft/media/children.py). libvips decodes: it shrinks
a JPEG or WebP while decoding it and streams a PNG a few rows at a time, so
the largest photo we take (8192x8192) never sits in memory whole
(docs/decisions/0024-photo-memory.md). HEIC, which libvips can read only
without a decoder for its pictures, is decoded by libheif (pillow-heif) and
handed over as it is, without a copy. The served file is always re-encoded
from pixels only, with no metadata kept, so no EXIF (GPS above all), XMP,
IPTC, comment or ICC profile can survive; colours are converted to sRGB
first, and the EXIF orientation is applied.

>>> processed = process_image(Path("in.heic"), Path("work"))
>>> processed.meta["original"]
{'width': 1440, 'height': 1080, 'size': '1440x1080', 'aspect': 1.333...}
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pillow_heif
import pyvips
from blurhash._functions import ffi as _ffi
from blurhash._functions import lib as _lib
from PIL import Image

from weft.errors import Invalid
from weft.media.pillow import open_image

DISPLAY_WIDTH = 1440
THUMBNAIL_BOX = (480, 480)
JPEG_QUALITY = 85
BLURHASH_COMPONENTS = (4, 3)
# No height limit on the display variant: only its width is fitted.
_ANY_HEIGHT = 10_000_000
NOT_DECODED = "could not be decoded as an image"

# One job per child process: one thread, and nothing kept for a next call.
pyvips.cache_set_max(0)
pyvips.concurrency_set(1)
# libvips reports every step at INFO: too much for a server's log.
logging.getLogger("pyvips").setLevel(logging.WARNING)


@dataclass(frozen=True)
class ProcessedImage:
    """Local files ready to be stored, and what the API says about them."""

    file: Path
    thumbnail: Path
    ext: str  # of both files: "jpg" or "png"
    meta: dict[str, Any]
    blurhash: str
    animated: bool = False


def is_animated(path: Path) -> bool:
    with open_image(path) as image:
        return bool(getattr(image, "is_animated", False)) and image.format == "GIF"


def process_image(src: Path, work_dir: Path) -> ProcessedImage:
    """Decode ``src`` (already detected as a photo) into a display file and a thumbnail.

    The display file is written as it is decoded; the thumbnail is made from it.
    """
    heif = _is_heif(src)  # refuses a bomb from its header, before decoding
    try:
        display = _srgb(_shrunk(src, heif, DISPLAY_WIDTH, _ANY_HEIGHT, size="down"))
        ext = "png" if display.hasalpha() else "jpg"
        file_path, thumb_path = work_dir / f"display.{ext}", work_dir / f"small.{ext}"
        _save(display, file_path)
        small = _srgb(
            pyvips.Image.thumbnail(
                str(file_path), THUMBNAIL_BOX[0], height=THUMBNAIL_BOX[1], size="down"
            )
        )
        _save(small, thumb_path)
    except pyvips.Error:
        raise Invalid("file", NOT_DECODED, "ERR_UNSUPPORTED") from None
    with Image.open(thumb_path) as thumbnail:
        blurhash = image_blurhash(thumbnail)
    meta = {
        "original": size_meta(display.width, display.height),
        "small": size_meta(small.width, small.height),
    }
    return ProcessedImage(file_path, thumb_path, ext, meta, blurhash)


def fit_image(src: Path, size: tuple[int, int], jpeg_quality: int) -> tuple[bytes, str]:
    """``src`` upright, scaled and centre-cropped to fill ``size`` exactly (an
    avatar or a header), as PNG if it has transparency, else JPEG; its first
    frame if it is animated. Pixels only, as ``process_image``."""
    heif = _is_heif(src)
    try:
        fitted = _srgb(_shrunk(src, heif, size[0], size[1], crop="centre"))
        if fitted.hasalpha():
            return fitted.pngsave_buffer(compression=9, keep="none"), "png"
        data = fitted.jpegsave_buffer(Q=jpeg_quality, optimize_coding=True, keep="none")
    except pyvips.Error:
        raise Invalid("file", NOT_DECODED, "ERR_UNSUPPORTED") from None
    return data, "jpg"


def _is_heif(src: Path) -> bool:
    with open_image(src) as header:  # refuses a bomb from its header, before decoding
        return header.format == "HEIF"


def _shrunk(src: Path, heif: bool, width: int, height: int, **options: Any) -> pyvips.Image:
    """At most ``width`` x ``height`` (``size="down"``), or filling it
    (``crop="centre"``); upright (EXIF orientation), an embedded colour
    profile applied; a lazy image, decoded as it is saved. libvips shrinks a
    JPEG or WebP while decoding it and streams a PNG a strip at a time."""
    if heif:
        pixels = _heif_pixels(src)
        return pyvips.Image.thumbnail_image(pixels, width, height=height, **options)
    return pyvips.Image.thumbnail(str(src), width, height=height, fail_on="error", **options)


def _heif_pixels(src: Path) -> pyvips.Image:
    """libheif turns the picture upright (HEIF's own rotation and mirroring) itself."""
    try:
        heif = pillow_heif.open_heif(src, convert_hdr_to_8bit=True)
        bands = 4 if heif.has_alpha else 3
        width, height = heif.size
        data, stride = heif.data, heif.stride
    except (OSError, ValueError, RuntimeError):
        raise Invalid("file", NOT_DECODED, "ERR_UNSUPPORTED") from None
    # Rows may be padded: take the buffer as it is and crop the padding off.
    pixels = pyvips.Image.new_from_memory(data, stride // bands, height, bands, "uchar")
    pixels = pixels.crop(0, 0, width, height).copy(interpretation="srgb")
    icc = heif.info.get("icc_profile")
    if icc:
        pixels.set_type(pyvips.GValue.blob_type, "icc-profile-data", icc)
    return pixels


def _srgb(image: pyvips.Image) -> pyvips.Image:
    """8-bit sRGB, with alpha if there is one (greyscale, 16-bit and CMYK converted)."""
    alpha = image.hasalpha()
    if image.interpretation != "srgb" or image.format != "uchar":
        image = image.colourspace("srgb")
    bands = 4 if alpha else 3
    if image.bands > bands:
        image = image.extract_band(0, n=bands)
    return image.cast("uchar") if image.format != "uchar" else image


def _save(image: pyvips.Image, path: Path) -> None:
    """Pixels only: ``keep="none"`` drops EXIF, XMP, IPTC, ICC and comments."""
    if path.suffix == ".png":
        image.pngsave(str(path), compression=9, keep="none")
    else:
        image.jpegsave(str(path), Q=JPEG_QUALITY, optimize_coding=True, interlace=True, keep="none")


def size_meta(width: int, height: int) -> dict[str, Any]:
    """Mastodon's MetaDetails for an image of this size."""
    return {
        "width": width,
        "height": height,
        "size": f"{width}x{height}",
        "aspect": width / height,
    }


def dimensions(image: Image.Image) -> dict[str, Any]:
    """Mastodon's MetaDetails for an image."""
    return size_meta(*image.size)


def image_blurhash(image: Image.Image) -> str:
    """The BlurHash of ``image`` (Mastodon's 4x3 components).

    blurhash-python's ``encode`` reads pixels with ``Image.getdata``, which
    Pillow deprecates (an error under our warning filter), one Python int at a
    time; its C function takes the RGB bytes directly.
    """
    small = image.convert("RGB")
    small.thumbnail((64, 64))
    width, height = small.size
    x, y = BLURHASH_COMPONENTS
    pixels = _ffi.new("uint8_t[]", small.tobytes())
    destination = _ffi.new("char[]", 2 + 4 + (9 * 9 - 1) * 2 + 1)
    result = _lib.create_hash_from_pixels(x, y, width, height, pixels, width * 3, destination)
    if result == _ffi.NULL:
        raise ValueError("blurhash could not be computed")
    value: str = _ffi.string(result).decode()
    return value
