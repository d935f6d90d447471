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
from weft.limits import AVIF_MATRIX_LIMIT, HEIC_MATRIX_LIMIT, IMAGE_SIZE_LIMIT
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


def largest(fmt: str, width: int, height: int) -> bytes:
    """A flat picture with a few shapes (quick to encode) of ``width`` x ``height``."""
    image = Image.new("RGB", (width, height), (10, 200, 30))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 512):
        y = x * height // width
        draw.ellipse((x, y, x + 900, y + 600), fill=(200, 20, 20))
    out = io.BytesIO()
    image.save(out, fmt, quality=50)
    return out.getvalue()


def largest_heic() -> bytes:
    """The most pixels a HEIC may have, 8192 wide (wide costs most)."""
    height = HEIC_MATRIX_LIMIT // SIDE
    return largest("HEIF", SIDE, height)


def largest_avif() -> bytes:
    height = AVIF_MATRIX_LIMIT // 4096
    return largest("AVIF", 4096, height)


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


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (largest_png, "big.png"),
        (largest_jpeg, "big.jpg"),
        (largest_heic, "big.heic"),
        (largest_avif, "big.avif"),
    ],
)
async def test_the_largest_photos_are_processed_within_the_memory_budget(
    client: httpx.Client, alice: Person, caplog: pytest.LogCaptureFixture, make: object, name: str
) -> None:
    assert callable(make)
    data = make()
    caplog.set_level(logging.INFO, logger="weft.media.children")
    response = upload_v1(client, alice, data, name)
    assert response.status_code == 200, response.text
    assert response.json()["meta"]["original"]["width"] == 1440
    assert response.json()["meta"]["small"]["width"] == 480
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


def test_heic_and_avif_over_their_own_pixel_limits_are_refused(
    client: httpx.Client, alice: Person
) -> None:
    """Decoded whole, they have lower limits than other photos: a clear 422, not a child
    process over its memory. Pillow's header says the size; nothing is decoded."""
    over = AVIF_MATRIX_LIMIT // 4096 + 1
    response = upload_v1(client, alice, largest("AVIF", 4096, over), "big.avif")
    assert response.status_code == 422, response.text
    assert response.json()["error"] == (
        "Validation failed: file has too many pixels "
        f"(an AVIF photo may have at most {AVIF_MATRIX_LIMIT:,} in all)"
    )
    response = upload_v1(client, alice, largest("HEIF", 7200, 7200), "big.heic")
    assert response.status_code == 422, response.text
    assert response.json()["error"] == (
        "Validation failed: file has too many pixels "
        f"(a HEIC photo may have at most {HEIC_MATRIX_LIMIT:,} in all)"
    )


def update_avatar(client: httpx.Client, person: Person, data: bytes) -> httpx.Response:
    files = {"avatar": ("me.png", data, "image/png")}
    return client.patch("/api/v1/accounts/update_credentials", headers=person.auth, files=files)


async def test_the_largest_avatar_is_fitted_in_a_child_within_the_budget(
    client: httpx.Client, alice: Person, caplog: pytest.LogCaptureFixture
) -> None:
    """Avatars and headers are decoded as uploads are: in a child, by libvips."""
    data = largest_png()
    caplog.set_level(logging.INFO, logger="weft.media.children")
    warm_up = update_avatar(client, alice, data)
    assert warm_up.status_code == 200, warm_up.text
    [usage] = child_usages(caplog)
    assert usage.peak_rss_bytes < PHOTO_MEMORY_BUDGET, usage.peak_rss_bytes // MB
    before = resident_bytes()
    for _ in range(3):
        response = update_avatar(client, alice, data)
        assert response.status_code == 200, response.text
    # Pillow in the server took ~1 GB for each, and kept much of it.
    assert resident_bytes() - before < 100 * MB
    served = httpx.get(response.json()["avatar"])
    with Image.open(io.BytesIO(served.content)) as avatar:
        assert (avatar.format, avatar.size, avatar.mode) == ("PNG", (400, 400), "RGBA")
        assert "exif" not in avatar.info
        assert "icc_profile" not in avatar.info


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
