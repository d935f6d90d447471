"""What an uploaded file is, decided from its bytes alone.

The name and the declared Content-Type are the sender's claims; a ``.png``
holding HTML must never be stored or served as an image. The first bytes
(magic numbers) give a candidate, then Pillow (images, header only) or PyAV
(videos) must agree before anything is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from weft.errors import Invalid
from weft.limits import IMAGE_SIZE_LIMIT, VIDEO_SIZE_LIMIT
from weft.media.pillow import UNSUPPORTED, open_image
from weft.media.video import validate_video

SNIFF_BYTES = 64
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"}
_AVIF_BRANDS = {b"avif", b"avis"}
_QUICKTIME_FIRST_BOXES = {b"moov", b"mdat", b"wide", b"free", b"skip"}
_PILLOW_FORMATS = {
    "image/jpeg": {"JPEG", "MPO"},
    "image/png": {"PNG"},
    "image/gif": {"GIF"},
    "image/webp": {"WEBP"},
    "image/heic": {"HEIF"},
    "image/avif": {"AVIF", "HEIF"},
}


@dataclass(frozen=True)
class Kind:
    """``family`` is "image" or "video"; ``mime`` the format the bytes are in."""

    family: str
    mime: str

    @property
    def size_limit(self) -> int:
        return IMAGE_SIZE_LIMIT if self.family == "image" else VIDEO_SIZE_LIMIT


def sniff(head: bytes) -> Kind | None:
    """The candidate type from the first bytes, or None if it is none we take."""
    if head.startswith(b"\xff\xd8\xff"):
        return Kind("image", "image/jpeg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind("image", "image/png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Kind("image", "image/gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Kind("image", "image/webp")
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: WebM / Matroska
        return Kind("video", "video/webm")
    if head[4:8] == b"ftyp":
        return _iso_media(head)
    if head[4:8] in _QUICKTIME_FIRST_BOXES:  # older QuickTime files have no ftyp
        return Kind("video", "video/quicktime")
    return None


def _iso_media(head: bytes) -> Kind | None:
    """ISO base media files (MP4, MOV, HEIC, AVIF) name their brands in ``ftyp``."""
    size = int.from_bytes(head[:4], "big")
    box = head[8 : max(16, min(size, len(head)))]
    brands = {box[:4]} | {box[i : i + 4] for i in range(8, len(box) - 3, 4)}
    if brands & _AVIF_BRANDS:
        return Kind("image", "image/avif")
    if brands & _HEIC_BRANDS or box[:4] in (b"mif1", b"msf1"):
        return Kind("image", "image/heic")
    if box[:4] == b"qt  ":
        return Kind("video", "video/quicktime")
    return Kind("video", "video/mp4")


def confirm_image(path: Path, kind: Kind) -> None:
    """Pillow must read the header as the format the magic bytes said."""
    with open_image(path) as image:
        if image.format not in _PILLOW_FORMATS[kind.mime]:
            raise Invalid("file", UNSUPPORTED, "ERR_UNSUPPORTED")


def confirm_video(path: Path) -> None:
    """PyAV must read it, within the limits (5 minutes, 4K): weft/media/video.py."""
    validate_video(path)


def detect(path: Path) -> Kind:
    """The file's type from its content; Invalid("file", ...) if we do not take it."""
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    kind = sniff(head)
    if kind is None:
        raise Invalid("file", UNSUPPORTED, "ERR_UNSUPPORTED")
    size = path.stat().st_size
    if size > kind.size_limit:
        raise Invalid("file", size_message(kind), "ERR_TOO_LARGE")
    if kind.family == "image":
        confirm_image(path, kind)
    else:
        confirm_video(path)
    return kind


def size_message(kind: Kind) -> str:
    what = "a photo" if kind.family == "image" else "a video"
    return f"is too large: {what} can be at most {kind.size_limit // (1024 * 1024)} MB"
