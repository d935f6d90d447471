"""Videos (MP4, MOV, WebM) and animated GIFs, made into H.264/AAC MP4 with PyAV.

Synchronous: the processing job runs these in a worker thread. The source is
read packet by packet (never whole), checked against the limits from its
headers *before* any transcoding, then re-encoded, so none of its metadata
(a phone's location and capture time above all) reaches the served file.

>>> info = validate_video(Path("upload"))  # size, format, 5 minutes: or Invalid
>>> processed = process_video(Path("upload"), Path("work"))
>>> processed.meta["length"], processed.kind
('0:00:10.00', 'video')
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from av.container import InputContainer
from av.video.stream import VideoStream
from PIL import Image

from weft.errors import Invalid
from weft.limits import (
    VIDEO_FRAME_RATE_LIMIT,
    VIDEO_MATRIX_LIMIT,
    VIDEO_MAX_SECONDS,
    VIDEO_SIZE_LIMIT,
)
from weft.media.images import dimensions, image_blurhash
from weft.media.video_transcode import (
    NOT_A_VIDEO,
    TOO_LARGE,
    TOO_LONG,
    UNSUPPORTED,
    Target,
    Transcoded,
    transcode,
)

# Served size: fits in 1920x1080 (or 1080x1920 upright), as Mastodon serves.
MAX_LONG_SIDE, MAX_SHORT_SIDE = 1920, 1080
POSTER_WIDTH = 1440
POSTER_QUALITY = 85
SNIFF_BYTES = 64
VIDEO_FORMATS = frozenset({"mp4", "mov", "webm"})
# The QuickTime atoms a MOV/MP4 may open with (older QuickTime files have no ftyp).
_ISO_FIRST_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"}
# Our name for a format -> the one FFmpeg demuxer allowed to read it. Naming the
# demuxer stops FFmpeg from probing its way into playlist or concat formats
# that would open other files or URLs.
_DEMUXERS = {"mp4": "mov", "mov": "mov", "webm": "matroska", "gif": "gif"}


@dataclass(frozen=True)
class VideoProbe:
    """What the headers (and the first frame) say. Width and height as displayed."""

    format: str  # "mp4", "mov", "webm" or "gif"
    duration: float  # seconds
    width: int
    height: int
    frame_rate: Fraction
    has_audio: bool
    rotation: int = 0  # clockwise degrees a player turns the picture: 0, 90, 180, 270
    bit_rate: int = 0

    @property
    def fps(self) -> float:
        return float(self.frame_rate)


@dataclass(frozen=True)
class ProcessedVideo:
    file: Path  # H.264/AAC MP4 (faststart), in work_dir
    poster: Path  # JPEG poster frame, in work_dir
    meta: dict[str, Any]  # Mastodon's MediaAttachment meta for video/gifv
    blurhash: str  # of the poster
    kind: str  # "video", or "gifv" for silent looping animations (GIFs)


def probe(path: Path) -> VideoProbe:
    """Read an MP4, MOV or WebM's headers; Invalid("file", ...) if it is none we can read."""
    return _probe(path, VIDEO_FORMATS)


def validate_video(path: Path) -> VideoProbe:
    """Probe and apply the limits (1 GB, 5 minutes, 4K): fast, no transcoding.

    For the upload request itself, so a too-long video gets its 422 at once.
    """
    if path.stat().st_size > VIDEO_SIZE_LIMIT:
        raise Invalid("file", f"is too large: videos can be at most {_size_limit()}", TOO_LARGE)
    info = probe(path)
    if info.duration > VIDEO_MAX_SECONDS:
        raise Invalid("file", TOO_LONG, TOO_LARGE)
    if info.width * info.height > VIDEO_MATRIX_LIMIT:
        raise Invalid("file", "is too large: videos can be at most 3840x2160 pixels", TOO_LARGE)
    return info


def process_video(src: Path, work_dir: Path) -> ProcessedVideo:
    """An MP4, MOV or WebM -> H.264/AAC MP4 with a poster, within the limits."""
    info = validate_video(src)
    return _make(src, work_dir, info, "video")


def gif_to_mp4(src: Path, work_dir: Path) -> ProcessedVideo:
    """An animated GIF -> a silent MP4 that clients loop (Mastodon's ``gifv``)."""
    info = _probe(src, frozenset({"gif"}))
    if info.duration > VIDEO_MAX_SECONDS:
        raise Invalid("file", TOO_LONG, TOO_LARGE)
    return _make(src, work_dir, info, "gifv")


def _make(src: Path, work_dir: Path, info: VideoProbe, kind: str) -> ProcessedVideo:
    width, height = fit(info.width, info.height)
    with_audio = info.has_audio and kind == "video"
    target = Target(
        width, height, info.rotation, VIDEO_FRAME_RATE_LIMIT, _frame_rate(info), with_audio
    )
    # Random names: work_dir may hold the upload itself, or another job's files.
    stem = work_dir / secrets.token_hex(8)
    file, poster_path = stem.with_suffix(".mp4"), stem.with_suffix(".jpg")
    try:
        done = transcode(src, _DEMUXERS[info.format], file, target)
        poster = save_poster(done.poster, poster_path)
        meta = served_meta(_probe(file, frozenset({"mp4"})), done, poster)
    except BaseException:
        file.unlink(missing_ok=True)
        poster_path.unlink(missing_ok=True)
        raise
    return ProcessedVideo(file, poster_path, meta, image_blurhash(poster), kind)


def _frame_rate(info: VideoProbe) -> Fraction:
    """The source's nominal rate, capped; GIFs and odd files may state none."""
    if not info.frame_rate or info.frame_rate > VIDEO_FRAME_RATE_LIMIT:
        return Fraction(30) if not info.frame_rate else Fraction(VIDEO_FRAME_RATE_LIMIT)
    return info.frame_rate


def fit(width: int, height: int) -> tuple[int, int]:
    """Scaled down (never up) into the box, aspect kept; even, as yuv420p needs."""
    box = (MAX_LONG_SIDE, MAX_SHORT_SIDE) if width >= height else (MAX_SHORT_SIDE, MAX_LONG_SIDE)
    scale = min(1.0, box[0] / width, box[1] / height)
    return max(2, round(width * scale) // 2 * 2), max(2, round(height * scale) // 2 * 2)


def save_poster(frame: Image.Image, path: Path) -> Image.Image:
    poster = frame.convert("RGB")
    if poster.width > POSTER_WIDTH:
        height = max(1, round(poster.height * POSTER_WIDTH / poster.width))
        poster = poster.resize((POSTER_WIDTH, height), Image.Resampling.LANCZOS)
    # A fresh image from decoded pixels: there is no EXIF or comment to carry over.
    poster.save(path, "JPEG", quality=POSTER_QUALITY, optimize=True, progressive=True)
    return poster


def served_meta(out: VideoProbe, done: Transcoded, poster: Image.Image) -> dict[str, Any]:
    """Mastodon's ``meta`` for video and gifv, describing the file we serve."""
    size = {"width": out.width, "height": out.height}
    meta: dict[str, Any] = {
        "length": _length(out.duration),
        "duration": round(out.duration, 3),
        "fps": round(out.fps),
        "size": f"{out.width}x{out.height}",
        **size,
        "aspect": out.width / out.height,
        "original": {
            **size,
            "frame_rate": f"{out.frame_rate.numerator}/{out.frame_rate.denominator}",
            "duration": round(out.duration, 3),
            "bitrate": out.bit_rate,
        },
        "small": dimensions(poster),
    }
    if done.audio_rate:
        # Mastodon's field name says bitrate; its value has always been the sample rate.
        meta["audio_encode"] = "aac"
        meta["audio_bitrate"] = f"{done.audio_rate} Hz"
        meta["audio_channels"] = "mono" if done.audio_channels == 1 else "stereo"
    return meta


def _length(seconds: float) -> str:
    """ "0:01:28.65", as Mastodon writes it."""
    hundredths = round(seconds * 100)
    minutes, hundredths = divmod(hundredths, 6000)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{hundredths // 100:02d}.{hundredths % 100:02d}"


def _size_limit() -> str:
    gigabytes, rest = divmod(VIDEO_SIZE_LIMIT, 1024**3)
    return f"{gigabytes} GB" if not rest else f"{VIDEO_SIZE_LIMIT // 1024**2} MB"


def sniff(head: bytes) -> str | None:
    """Our format name from the first bytes: "mp4", "mov", "webm", "gif" or None."""
    if head[4:8] in _ISO_FIRST_BOXES:
        # MP4 and MOV share a demuxer; QuickTime files say "qt  " as major brand.
        return "mp4" if head[4:8] == b"ftyp" and head[8:12] != b"qt  " else "mov"
    # WebM is Matroska with DocType "webm", which the EBML header states first thing.
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"\x42\x82\x84webm" in head:
        return "webm"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return None


def _probe(path: Path, formats: frozenset[str]) -> VideoProbe:
    with path.open("rb") as f:
        name = sniff(f.read(SNIFF_BYTES))
    if name not in formats:
        raise Invalid("file", NOT_A_VIDEO, UNSUPPORTED)
    try:
        with av.open(str(path), format=_DEMUXERS[name], metadata_errors="ignore") as container:
            info = _read_headers(container, name)
        if info.duration <= 0:
            info = _with_scanned_duration(path, info)
    except (av.FFmpegError, StopIteration):
        raise Invalid("file", NOT_A_VIDEO, UNSUPPORTED) from None
    return info


def _read_headers(container: InputContainer, name: str) -> VideoProbe:
    if not container.streams.video:
        raise Invalid("file", NOT_A_VIDEO, UNSUPPORTED)
    video = container.streams.video[0]
    # Decoding one frame proves there is a decoder for it, and a frame carries
    # the display matrix (rotation) FFmpeg takes from the container.
    first = next(container.decode(video))
    rotation = (-first.rotation) % 360
    rotation = rotation if rotation in (90, 180, 270) else 0
    width, height = _display_size(first.width, first.height, video)
    if rotation in (90, 270):
        width, height = height, width
    audio = container.streams.best("audio")
    kept = [s for s in (video, audio) if s is not None]
    durations = [float(s.duration * s.time_base) for s in kept if s.duration and s.time_base]
    duration = max(durations, default=(container.duration or 0) / av.time_base)
    rate = video.average_rate or video.guessed_rate or Fraction(0)
    return VideoProbe(
        format=name,
        duration=duration,
        width=width,
        height=height,
        frame_rate=rate,
        has_audio=audio is not None,
        rotation=rotation,
        bit_rate=container.bit_rate or 0,
    )


def _display_size(width: int, height: int, stream: VideoStream) -> tuple[int, int]:
    """Non-square pixels (anamorphic DV, some phones) widened to square ones."""
    ratio = stream.sample_aspect_ratio
    if ratio and ratio != 1:
        width = max(1, round(width * ratio))
    return width, height


def _with_scanned_duration(path: Path, info: VideoProbe) -> VideoProbe:
    """No duration in the headers (a browser's live WebM): read packet times to
    the end. Demuxing without decoding is cheap, even for a long file."""
    end = 0.0
    with av.open(str(path), format=_DEMUXERS[info.format], metadata_errors="ignore") as container:
        start = (container.start_time or 0) / av.time_base
        for packet in container.demux():
            if packet.pts is not None and packet.time_base is not None:
                end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    return replace(info, duration=max(0.0, end - start))
