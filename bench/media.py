"""Media processing throughput: photos through ``weft.media.images``, a video
through ``weft.media.video``, in this process, one at a time (as a job does);
then what the worst uploads cost in the child processes jobs run them in
(weft/media/children.py): peak memory of an 8192x8192 RGBA PNG and JPEG, and
CPU seconds of a 5-second 4K clip at 60 fps.

Inputs are generated first (not timed): 4000x3000 JPEGs (a 12 MP phone photo),
a 10-second 1280x720 H.264/AAC MP4 at 30 fps, the worst photos and the 4K clip.

    python -m bench.media
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import tempfile
import time
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
from av.audio.stream import AudioStream
from av.video.stream import VideoStream
from PIL import Image, ImageDraw

from weft.config import Settings
from weft.media.children import Usage
from weft.media.process import produce_in_child
from weft.media.video import process_video

PHOTOS = int(os.environ.get("WEFT_BENCH_PHOTOS", "5"))
PHOTO_SIZE = (4000, 3000)
VIDEO_SECONDS, VIDEO_SIZE, VIDEO_FPS = 10, (1280, 720), 30
SAMPLE_RATE = 48_000


def run() -> dict[str, Any]:
    """Process the generated inputs; figures as a dict (also printed)."""
    with tempfile.TemporaryDirectory(prefix="weft-bench-media-") as tmp:
        work = Path(tmp)
        figures = {**_photos(work), **_video(work), **asyncio.run(_worst(work))}
    print("\n== media processing")
    for key, value in figures.items():
        print(f"  {key:<24} {value}")
    return figures


def _photos(work: Path) -> dict[str, Any]:
    process = _photo_processor()
    if process is None:
        return {"photos": "skipped (weft.media.images.process_image not found)"}
    sources = [_photo(work / f"photo{i}.jpg", i) for i in range(PHOTOS)]
    started = time.perf_counter()
    for index, src in enumerate(sources):
        out = work / f"photo{index}"
        out.mkdir()
        process(src, out)
    seconds = time.perf_counter() - started
    megapixels = PHOTO_SIZE[0] * PHOTO_SIZE[1] / 1e6
    return {
        "photos": PHOTOS,
        "photo_seconds_each": round(seconds / PHOTOS, 3),
        "photos_per_second": round(PHOTOS / seconds, 2),
        "photo_megapixels_per_s": round(PHOTOS * megapixels / seconds, 1),
    }


def _photo_processor() -> Callable[[Path, Path], Any] | None:
    # The photo pipeline is another part of the media work; bench it if present.
    try:
        from weft.media import images
    except ImportError:
        return None
    process: Callable[[Path, Path], Any] | None = getattr(images, "process_image", None)
    return process


def _photo(path: Path, seed: int) -> Path:
    """Noise over a gradient: compresses about as badly as a real photo."""
    noise = Image.effect_noise(PHOTO_SIZE, 40 + seed).convert("RGB")
    gradient = Image.linear_gradient("L").resize(PHOTO_SIZE).convert("RGB")
    Image.blend(noise, gradient, 0.5).save(path, "JPEG", quality=90)
    return path


def _video(work: Path) -> dict[str, Any]:
    src = _make_video(work / "source.mp4")
    out = work / "video"
    out.mkdir()
    started = time.perf_counter()
    result = process_video(src, out)
    seconds = time.perf_counter() - started
    return {
        "video": f"{VIDEO_SECONDS} s {VIDEO_SIZE[0]}x{VIDEO_SIZE[1]} {VIDEO_FPS} fps + AAC",
        "video_seconds": round(seconds, 2),
        "video_realtime_factor": round(VIDEO_SECONDS / seconds, 2),
        "video_frames_per_s": round(VIDEO_SECONDS * VIDEO_FPS / seconds, 1),
        "video_output_kb": result.file.stat().st_size // 1024,
    }


WORST_SIDE = 8192
CLIP_SECONDS, CLIP_SIZE, CLIP_FPS = 5, (3840, 2160), 60


async def _worst(work: Path) -> dict[str, Any]:
    """Each input in its own child, as a job runs it; the child's own figures."""
    usages: list[Usage] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            usage = getattr(record, "media_usage", None)
            if usage is not None:
                usages.append(usage)

    logger = logging.getLogger("weft.media.children")
    logger.addHandler(keep := Keep())
    logger.setLevel(logging.INFO)
    figures: dict[str, Any] = {}
    try:
        inputs = {
            "png_8192_rgba": _worst_png(work / "worst.png"),
            "jpeg_8192": _worst_jpeg(work / "worst.jpg"),
            "video_4k60_5s": _make_clip(work / "clip.mp4"),
        }
        for name, src in inputs.items():
            out = work / name
            out.mkdir()
            await produce_in_child(Settings(), src, out)
            usage = usages[-1]
            figures[f"{name}_peak_mb"] = usage.peak_rss_bytes // (1024 * 1024)
            figures[f"{name}_cpu_s"] = round(usage.cpu_seconds, 2)
    finally:
        logger.removeHandler(keep)
    return figures


def _worst_png(path: Path) -> Path:
    image = Image.new("RGBA", (WORST_SIDE, WORST_SIDE), (10, 200, 30, 128))
    draw = ImageDraw.Draw(image)
    for x in range(0, WORST_SIDE, 512):
        draw.ellipse((x, x, x + 900, x + 600), fill=(200, 20, 20, 255))
    image.save(path, "PNG")
    return path


def _worst_jpeg(path: Path) -> Path:
    noise = Image.effect_noise((WORST_SIDE, WORST_SIDE), 30).convert("RGB")
    gradient = Image.linear_gradient("L").resize((WORST_SIDE, WORST_SIDE)).convert("RGB")
    Image.blend(noise, gradient, 0.5).save(path, "JPEG", quality=60)
    return path


def _make_clip(path: Path) -> Path:
    """4K at 60 fps, silent, a disc moving over a gradient."""
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=CLIP_FPS, options={"preset": "ultrafast"})
        assert isinstance(video, VideoStream)
        video.width, video.height, video.pix_fmt = *CLIP_SIZE, "yuv420p"
        background = Image.linear_gradient("L").resize(CLIP_SIZE).convert("RGB")
        for index in range(CLIP_SECONDS * CLIP_FPS):
            image = background.copy()
            x = index * 24 % CLIP_SIZE[0]
            ImageDraw.Draw(image).ellipse((x, 600, x + 600, 1200), fill=(200, 40, 40))
            frame = av.VideoFrame.from_image(image)  # type: ignore[no-untyped-call]
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
    return path


def _make_video(path: Path) -> Path:
    """A moving picture with a tone, encoded fast (generation is not timed)."""
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=VIDEO_FPS, options={"preset": "ultrafast"})
        assert isinstance(video, VideoStream)
        video.width, video.height, video.pix_fmt = *VIDEO_SIZE, "yuv420p"
        sound = out.add_stream("aac", rate=SAMPLE_RATE)
        assert isinstance(sound, AudioStream)
        sound.layout = "mono"
        background = Image.linear_gradient("L").resize(VIDEO_SIZE).convert("RGB")
        for index in range(VIDEO_SECONDS * VIDEO_FPS):
            image = background.copy()
            x = index * 8 % VIDEO_SIZE[0]
            ImageDraw.Draw(image).ellipse((x, 200, x + 200, 400), fill=(200, 40, 40))
            frame = av.VideoFrame.from_image(image)  # type: ignore[no-untyped-call]
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        _write_tone(out, sound)
    return path


def _write_tone(out: av.container.OutputContainer, stream: AudioStream) -> None:
    chunk = 1024
    for start in range(0, VIDEO_SECONDS * SAMPLE_RATE, chunk):
        frame = av.AudioFrame(format="s16", layout="mono", samples=chunk)
        tone = (math.sin(2 * math.pi * 440 * (start + k) / SAMPLE_RATE) for k in range(chunk))
        frame.planes[0].update(array("h", (int(8000 * v) for v in tone)).tobytes())
        frame.sample_rate, frame.pts = SAMPLE_RATE, start
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


if __name__ == "__main__":
    run()
