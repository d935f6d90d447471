"""What processing may cost: the largest photos in bounded memory, given back
afterwards, and videos within a CPU budget (weft/media/children.py)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageDraw

from tests.factories import Person
from tests.media.test_video import make_video
from weft.actions.media import MediaChange, upload_media
from weft.config import Settings, load_settings
from weft.db.database import Database
from weft.limits import IMAGE_SIZE_LIMIT
from weft.media.children import Usage
from weft.media.process import process_media
from weft.models import MediaAttachment

MB = 1024 * 1024
# The bound for the worst photo we take (8192x8192 pixels).
PHOTO_MEMORY_BUDGET = 300 * MB
SIDE = 8192


def largest_png() -> bytes:
    """8192x8192 RGBA of a few hundred KB: 268 MB once decoded."""
    image = Image.new("RGBA", (SIDE, SIDE), (10, 200, 30, 128))
    draw = ImageDraw.Draw(image)
    for x in range(0, SIDE, 512):
        draw.ellipse((x, x, x + 900, x + 600), fill=(200, 20, 20, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def largest_jpeg() -> bytes:
    """8192x8192 of noise over a gradient, near the 16 MB limit."""
    noise = Image.effect_noise((SIDE, SIDE), 30).convert("RGB")
    gradient = Image.linear_gradient("L").resize((SIDE, SIDE)).convert("RGB")
    out = io.BytesIO()
    Image.blend(noise, gradient, 0.5).save(out, "JPEG", quality=60)
    data = out.getvalue()
    assert len(data) <= IMAGE_SIZE_LIMIT
    return data


def upload_v1(client: httpx.Client, person: Person, data: bytes, name: str) -> httpx.Response:
    return client.post(
        "/api/v1/media", headers=person.auth, files={"file": (name, data, "application/x")}
    )


def child_usages(caplog: pytest.LogCaptureFixture) -> list[Usage]:
    return [
        record.media_usage
        for record in caplog.records
        if record.name == "weft.media.children" and hasattr(record, "media_usage")
    ]


def resident_bytes() -> int:
    """This process's resident memory now (the test server runs in it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.parametrize(("make", "name"), [(largest_png, "big.png"), (largest_jpeg, "big.jpg")])
async def test_the_largest_photos_are_processed_within_the_memory_budget(
    client: httpx.Client, alice: Person, caplog: pytest.LogCaptureFixture, make: object, name: str
) -> None:
    assert callable(make)
    data = make()
    caplog.set_level(logging.INFO, logger="weft.media.children")
    response = upload_v1(client, alice, data, name)
    assert response.status_code == 200, response.text
    assert response.json()["meta"]["original"]["width"] == 1440
    [usage] = child_usages(caplog)
    # The child's own peak resident memory, its start (the fork server's
    # libraries) included.
    assert usage.peak_rss_bytes < PHOTO_MEMORY_BUDGET, usage.peak_rss_bytes // MB


async def test_memory_is_given_back_after_large_photos(client: httpx.Client, alice: Person) -> None:
    data = largest_png()
    warm_up = upload_v1(client, alice, data, "big.png")  # first imports, pools, caches
    assert warm_up.status_code == 200, warm_up.text
    before = resident_bytes()
    for _ in range(3):
        response = upload_v1(client, alice, data, "big.png")
        assert response.status_code == 200, response.text
    # In-process, each left hundreds of MB held; in a child, none of it is ours.
    assert resident_bytes() - before < 100 * MB


def moving_video(path: Path) -> Path:
    """Three seconds of 1080p at 60 fps: several CPU seconds to transcode."""
    return make_video(path, "mp4", "libx264", seconds=3.0, size=(1920, 1080), fps=60)


async def upload_video(db: Database, settings: Settings, person: Person, src: Path) -> int:
    media = await upload_media(db, settings, person.account_id, src, MediaChange())
    return media.id


async def test_a_video_over_the_cpu_budget_fails_cleanly(
    db: Database, settings: Settings, alice: Person, tmp_path: Path
) -> None:
    tight = settings.with_(media_video_cpu_seconds=1)
    media_id = await upload_video(db, tight, alice, moving_video(tmp_path / "clip.mp4"))
    await process_media(db, tight, media_id)
    async with db.read() as session:
        media = await session.get(MediaAttachment, media_id)
    assert media is not None
    assert media.state == "failed"
    assert media.processing_error == (
        "took too long to process: a video may take at most 1 CPU seconds"
    )
    assert media.file_key is None
    assert media.upload_key is None
    # Nothing half-written is kept: no served file, no work folder, no upload.
    media_root = settings.data_dir / "media"
    assert [p for p in media_root.rglob("*") if p.is_file()] == []
    assert list((settings.data_dir / "tmp").glob("media-*")) == []


async def test_a_video_within_the_budget_is_processed(
    db: Database, settings: Settings, alice: Person, tmp_path: Path
) -> None:
    src = make_video(tmp_path / "clip.mp4", "mp4", "libx264", "aac", seconds=1.0)
    media_id = await upload_video(db, settings, alice, src)
    await process_media(db, settings, media_id)
    async with db.read() as session:
        media = await session.get(MediaAttachment, media_id)
    assert media is not None
    assert media.state == "ready", media.processing_error
    assert media.type == "video"
    assert media.meta["size"] == "320x240"


def test_budget_and_concurrency_are_settings() -> None:
    env = {
        "WEFT_SECRET_KEY": "k",
        "WEFT_MEDIA_PHOTO_WORKERS": "3",
        "WEFT_MEDIA_VIDEO_WORKERS": "2",
        "WEFT_MEDIA_VIDEO_CPU_SECONDS": "120",
    }
    settings = load_settings(env)
    assert (settings.media_photo_workers, settings.media_video_workers) == (3, 2)
    assert settings.media_video_cpu_seconds == 120
