"""Photos made in the tests with Pillow (nothing binary is committed)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image
from pillow_heif import register_heif_opener

register_heif_opener()

FORMATS = {
    "jpeg": ("JPEG", "image/jpeg"),
    "png": ("PNG", "image/png"),
    "webp": ("WEBP", "image/webp"),
    "gif": ("GIF", "image/gif"),
    "heic": ("HEIF", "image/heic"),
    "avif": ("AVIF", "image/avif"),
}
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo(fmt: str = "jpeg", size: tuple[int, int] = (64, 48), **save: object) -> bytes:
    """A two-coloured picture (left red, right blue) in ``fmt``."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    out = io.BytesIO()
    image.save(out, FORMATS[fmt][0], **save)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    return photo("jpeg", exif=exif.tobytes())


def jpeg_rotated() -> bytes:
    """Stored 64 wide and 32 high, with EXIF saying "rotate 90° clockwise" (6):
    shown upright it is 32 wide and 64 high."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    return photo("jpeg", size=(64, 32), exif=exif.tobytes())


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (32, 32), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A small PNG whose header declares a huge image (its data is a few bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
