"""Photos: upright, stripped of every metadata, scaled, hashed.

Runs in a worker thread (``asyncio.to_thread``): Pillow blocks. The served file
is always re-encoded from pixels only, so no EXIF (GPS above all), XMP, IPTC,
comments or ICC profile can survive; colours are converted to sRGB first.

>>> processed = process_image(Path("in.heic"), Path("work"))
>>> processed.meta["original"]
{'width': 1440, 'height': 1080, 'size': '1440x1080', 'aspect': 1.333...}
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blurhash._functions import ffi as _ffi
from blurhash._functions import lib as _lib
from PIL import Image, ImageCms, ImageOps

from weft.errors import Invalid
from weft.media.pillow import open_image, too_many_pixels

DISPLAY_WIDTH = 1440
THUMBNAIL_BOX = (480, 480)
JPEG_QUALITY = 85
BLURHASH_COMPONENTS = (4, 3)
_SRGB = ImageCms.createProfile("sRGB")


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
    """Decode ``src`` (already detected as a photo) into a display file and a thumbnail."""
    pixels = _decode(src)
    has_alpha = pixels.mode == "RGBA"
    ext = "png" if has_alpha else "jpg"
    display = _fit_width(pixels, DISPLAY_WIDTH)
    thumbnail = display.copy()
    thumbnail.thumbnail(THUMBNAIL_BOX, Image.Resampling.LANCZOS)
    file_path, thumb_path = work_dir / f"display.{ext}", work_dir / f"small.{ext}"
    _save(display, file_path)
    _save(thumbnail, thumb_path)
    meta = {"original": dimensions(display), "small": dimensions(thumbnail)}
    return ProcessedImage(file_path, thumb_path, ext, meta, image_blurhash(thumbnail))


def _decode(src: Path) -> Image.Image:
    """Pixels only: upright, sRGB, RGB or RGBA, and a fresh image with no ``info``."""
    with open_image(src) as image:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image.seek(0)  # an animated file's first frame
                image.load()
                upright = ImageOps.exif_transpose(image)
                converted = _to_srgb(upright)
        except Image.DecompressionBombWarning:
            raise Invalid("file", too_many_pixels(), "ERR_TOO_LARGE") from None
        except (OSError, ValueError, SyntaxError, EOFError):
            raise Invalid("file", "could not be decoded as an image", "ERR_UNSUPPORTED") from None
    # A new image holds pixels and nothing else: no exif, xmp, icc, comments.
    clean = Image.new(converted.mode, converted.size)
    clean.paste(converted)
    return clean


def _to_srgb(image: Image.Image) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    target = "RGBA" if has_alpha else "RGB"
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=target)
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile: take the numbers as sRGB
    return image.convert(target)


def _fit_width(image: Image.Image, width: int) -> Image.Image:
    if image.width <= width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS)


def _save(image: Image.Image, path: Path) -> None:
    if path.suffix == ".png":
        image.save(path, "PNG", optimize=True)
    else:
        image.save(path, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)


def dimensions(image: Image.Image) -> dict[str, Any]:
    """Mastodon's MetaDetails for an image."""
    width, height = image.size
    return {
        "width": width,
        "height": height,
        "size": f"{width}x{height}",
        "aspect": width / height,
    }


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
