"""Opening an image with Pillow, refusing decompression bombs before any decoding.

Both deciding what an upload is (``detect.py``) and processing a photo
(``images.py``) open files here, so both refuse the same files the same way.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from pillow_heif import register_heif_opener

from weft.errors import Invalid
from weft.limits import AVIF_MATRIX_LIMIT, HEIC_MATRIX_LIMIT, IMAGE_MATRIX_LIMIT

register_heif_opener()
# Pillow warns above this and refuses at twice it; we refuse at it (see open_image).
Image.MAX_IMAGE_PIXELS = IMAGE_MATRIX_LIMIT

# Pillow's format names of the photos decoded whole, and their own pixel limits.
_FORMAT_LIMITS = {
    "HEIF": ("a HEIC photo", HEIC_MATRIX_LIMIT),
    "AVIF": ("an AVIF photo", AVIF_MATRIX_LIMIT),
}

UNSUPPORTED = "is not a supported photo or video (JPEG, PNG, WebP, GIF, HEIC, AVIF, MP4, MOV, WebM)"


def open_image(path: Path) -> Image.Image:
    """Open (lazily: header only) an image, refusing bombs before any decoding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Invalid("file", too_many_pixels(), "ERR_TOO_LARGE") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise Invalid("file", UNSUPPORTED, "ERR_UNSUPPORTED") from None
    width, height = image.size
    what, limit = _FORMAT_LIMITS.get(image.format or "", (None, IMAGE_MATRIX_LIMIT))
    if width <= 0 or height <= 0 or width * height > limit:
        image.close()
        raise Invalid("file", too_many_pixels(what, limit), "ERR_TOO_LARGE")
    return image


def too_many_pixels(what: str | None = None, limit: int = IMAGE_MATRIX_LIMIT) -> str:
    """``what``: a format with its own, lower limit ("a HEIC photo")."""
    if what is None:
        return f"has too many pixels (at most {limit:,} in all)"
    return f"has too many pixels ({what} may have at most {limit:,} in all)"
