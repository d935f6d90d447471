"""Photos and a video through Mastodon.py against a real ``weft serve``."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from mastodon import Mastodon
from PIL import Image

from tests.acceptance.test_social import person
from tests.backends import create_postgres_database, drop_postgres_database, require_postgres
from tests.live import WeftProcess
from tests.media.helpers import jpeg_with_gps, photo
from tests.media.test_video import make_video


@pytest.fixture(params=["sqlite", "postgresql"])
def weft_serve(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WeftProcess]:
    env: dict[str, str] = {"WEFT_JOB_POLL_MS": "100"}
    database = None
    if request.param == "postgresql":
        require_postgres()
        database = create_postgres_database()
        env["WEFT_DATABASE_URL"] = database
    process = WeftProcess(env, tmp_path / "data").start()
    try:
        yield process
    finally:
        process.stop()
        if database:
            drop_postgres_database(database)


def ready(client: Mastodon, media_id: str, seconds: float = 60) -> object:
    """Uploads are processed by the server's worker: wait until one is ready."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        media = client.media(media_id)
        if media.url:
            return media
        time.sleep(0.2)
    raise AssertionError(f"media {media_id} was not processed within {seconds}s")


def test_a_carousel_and_a_video(weft_serve: WeftProcess, tmp_path: Path) -> None:
    alice = person(weft_serve.url, "alice")
    wide = photo("png", size=(2000, 1000))
    uploads = [
        alice.media_post(
            io.BytesIO(jpeg_with_gps()), mime_type="image/jpeg", description="A field at dusk"
        ),
        alice.media_post(io.BytesIO(wide), mime_type="image/png", description="A wide one"),
    ]
    clip = make_video(tmp_path / "clip.mp4", "mp4", "libx264", "aac", seconds=2.0)
    uploads.append(
        alice.media_post(io.BytesIO(clip.read_bytes()), mime_type="video/mp4", description="A clip")
    )
    processed = [ready(alice, u.id) for u in uploads]

    post = alice.status_post("Holiday pictures", media_ids=[m.id for m in processed])
    shown = alice.status(post.id).media_attachments
    assert [m.type for m in shown] == ["image", "image", "video"]
    assert [m.description for m in shown] == ["A field at dusk", "A wide one", "A clip"]
    assert all(m.blurhash for m in shown)
    # The served image is at most 1440 wide; the preview smaller still.
    assert (shown[1].meta.original.width, shown[1].meta.original.height) == (1440, 720)
    assert shown[1].meta.small.width == 480
    assert shown[2].meta.duration == pytest.approx(2.0, abs=0.2)

    served = httpx.get(shown[0].url, timeout=30)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert not Image.open(io.BytesIO(served.content)).getexif(), "EXIF and GPS must be gone"
    video = httpx.get(shown[2].url, timeout=30)
    assert video.headers["content-type"] == "video/mp4"
    assert httpx.get(shown[2].preview_url, timeout=30).status_code == 200
