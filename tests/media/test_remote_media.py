"""Other servers' media copied here (weft/actions/remote_media.py): real files
served on 127.0.0.1, fetched by the real job queue, checked through the API."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from tests.live import LiveServer
from tests.media.helpers import GPS_IFD, jpeg_with_gps, photo
from tests.media.test_video import encoder_or_skip, make_video
from tests.net.pages import Page, PageServer
from weft.actions.posts.remote import (
    RemoteMedia,
    RemoteNote,
    create_remote_status,
    delete_remote_status,
)
from weft.actions.remote_accounts import RemoteProfile, upsert_remote_account
from weft.actions.remote_media import cache_remote_media
from weft.config import Settings
from weft.db.database import Database
from weft.jobs.kinds import FETCH_REMOTE_MEDIA, FETCH_REMOTE_PROFILE_IMAGE, JobKind
from weft.jobs.worker import Worker, backoff_seconds
from weft.media.storage import LocalStorage, storage_for
from weft.models import Account, DomainBlock, Job, MediaAttachment, Status
from weft.models.base import utcnow
from weft.net.fetch import BlockedAddress, Guard, Timeout, fetch_to_file

DOMAIN = "media.example"
CAP = 200_000  # WEFT_REMOTE_MEDIA_MAX_BYTES in these tests


@pytest.fixture
def pages() -> Iterator[PageServer]:
    server = PageServer().start()
    yield server
    server.stop()


@pytest.fixture
def open_settings(server: LiveServer) -> Settings:
    """The live server's settings (same storage), allowed to reach 127.0.0.1."""
    return server.settings.with_(
        allow_private_network=True, remote_media_max_bytes=CAP, remote_media_timeout_seconds=1
    )


async def remote_post(db: Database, *media: RemoteMedia, uri: str = "1") -> Status:
    account = await upsert_remote_account(
        db, RemoteProfile(uri=f"https://{DOMAIN}/users/ada", username="ada", domain=DOMAIN)
    )
    note = RemoteNote(
        uri=f"https://{DOMAIN}/notes/{uri}",
        account_id=account.id,
        content="<p>look</p>",
        visibility="public",
        created_at=utcnow(),
        media=media,
    )
    return await create_remote_status(db, note)


def jpeg_at(pages: PageServer, path: str, body: bytes) -> RemoteMedia:
    url = pages.add(path, Page(body, content_type="image/jpeg"))
    return RemoteMedia(url, "image", "image/jpeg", blurhash="UABC", width=40, height=30)


async def attachments(db: Database) -> list[MediaAttachment]:
    async with db.read() as session:
        query = select(MediaAttachment).order_by(MediaAttachment.position)
        return list(await session.scalars(query))


async def run_jobs(db: Database, settings: Settings) -> None:
    await Worker(db, settings).run_until_idle(max_seconds=60)


def stored_path(settings: Settings, key: str | None) -> Path:
    storage = storage_for(settings)
    assert isinstance(storage, LocalStorage)
    assert key is not None
    return storage.path(key)


async def test_a_remote_photo_is_copied_stripped_and_served_from_here(
    db: Database, open_settings: Settings, pages: PageServer, client: httpx.Client
) -> None:
    item = jpeg_at(pages, "/cat.jpg", jpeg_with_gps())
    status = await remote_post(db, item)
    before = client.get(f"/api/v1/statuses/{status.id}").json()["media_attachments"][0]
    assert before["url"] == before["remote_url"] == item.url
    await run_jobs(db, open_settings)
    [media] = await attachments(db)
    assert media.file_key
    assert media.thumbnail_key
    assert media.processing_error is None
    assert media.blurhash
    assert media.blurhash != "UABC"
    assert media.meta["original"]["size"] == "64x48"
    shown = client.get(f"/api/v1/statuses/{status.id}").json()["media_attachments"][0]
    assert shown["url"].startswith(f"{open_settings.base_url}/system/media/attachments/")
    assert shown["preview_url"].startswith(f"{open_settings.base_url}/system/media/")
    assert shown["remote_url"] == item.url
    assert (shown["type"], shown["blurhash"]) == ("image", media.blurhash)
    served = client.get(shown["url"].removeprefix(open_settings.base_url))
    assert served.status_code == 200
    with Image.open(io.BytesIO(served.content)) as image:
        assert image.format == "JPEG"
        assert not image.getexif().get_ifd(GPS_IFD)
        assert 0x010F not in image.getexif()  # Make
    assert pages.requests["/cat.jpg"] == 1


async def test_the_type_comes_from_the_bytes_not_the_name_or_the_declared_type(
    db: Database, open_settings: Settings, pages: PageServer
) -> None:
    png = jpeg_at(pages, "/really-a-png.jpg", photo("png"))
    html = jpeg_at(pages, "/page.jpg", b"<html><script>alert(1)</script></html>")
    await remote_post(db, png, html)
    await run_jobs(db, open_settings)
    copied, refused = await attachments(db)
    assert copied.type == "image"
    assert copied.file_key
    with Image.open(stored_path(open_settings, copied.file_key)) as image:
        assert image.format in ("JPEG", "PNG")
    assert (refused.type, refused.file_key) == ("unknown", None)
    assert "not a supported photo or video" in (refused.processing_error or "")
    assert refused.remote_url == html.url


@pytest.mark.parametrize("declared", [True, False])
async def test_a_file_over_the_limit_stays_remote(
    db: Database, open_settings: Settings, pages: PageServer, declared: bool
) -> None:
    body = photo("png", size=(600, 600)) + b"\0" * CAP
    url = pages.add("/big.jpg", Page(body, content_type="image/jpeg", declare_length=declared))
    await remote_post(db, RemoteMedia(url, "image", "image/jpeg"))
    await run_jobs(db, open_settings)
    [media] = await attachments(db)
    assert (media.file_key, media.type, media.remote_url) == (None, "image", url)
    wording = "declares" if declared else "is larger than"
    assert f"{wording} " in (media.processing_error or "")
    assert str(CAP) in (media.processing_error or "")
    async with db.read() as session:
        assert list(await session.scalars(select(Job))) == []  # not retried


async def test_a_slow_server_is_retried_then_given_up_on(
    db: Database, open_settings: Settings, pages: PageServer
) -> None:
    url = pages.add("/slow.jpg", Page(jpeg_with_gps(), content_type="image/jpeg", delay=3))
    await remote_post(db, RemoteMedia(url, "image", "image/jpeg"))
    [media] = await attachments(db)
    with pytest.raises(Timeout):  # the job fails, so the queue tries again later
        await cache_remote_media(db, open_settings, media.id)
    await cache_remote_media(db, open_settings, media.id, last_attempt=True)
    [media] = await attachments(db)
    assert media.file_key is None
    assert media.processing_error == "no complete answer within 1 s"


class Edge:
    """A random source that always answers one end of the range."""

    def __init__(self, high: bool) -> None:
        self.high = high

    def uniform(self, a: float, b: float, /) -> float:
        return b if self.high else a


@pytest.mark.parametrize("spec", [FETCH_REMOTE_MEDIA, FETCH_REMOTE_PROFILE_IMAGE])
def test_an_unreachable_server_is_retried_for_about_a_day(spec: JobKind) -> None:
    retries = range(1, spec.max_attempts)  # the delays before attempts 2..max
    shortest = sum(backoff_seconds(n, rng=Edge(high=False)) for n in retries)
    longest = sum(backoff_seconds(n, rng=Edge(high=True)) for n in retries)
    assert shortest >= 16 * 3600
    assert longest <= 34 * 3600
    # The age limit never cuts the schedule short: the last attempt records the reason.
    assert longest < spec.max_age_seconds


async def test_with_the_guard_on_nothing_on_a_private_address_is_contacted(
    db: Database, open_settings: Settings, pages: PageServer
) -> None:
    guarded = open_settings.with_(allow_private_network=False)
    item = jpeg_at(pages, "/cat.jpg", jpeg_with_gps())
    await remote_post(db, item)
    await run_jobs(db, guarded)
    [media] = await attachments(db)
    assert media.file_key is None
    assert "non-public address" in (media.processing_error or "")
    assert pages.connections == 0


async def test_a_redirect_to_a_private_address_is_refused_before_connecting(
    open_settings: Settings, pages: PageServer, tmp_path: Path
) -> None:
    private = PageServer("127.0.0.2").start()
    try:
        target = private.add("/cat.jpg", Page(jpeg_with_gps(), content_type="image/jpeg"))
        url = pages.add("/go", Page(status=302, headers={"Location": target}))
        only_first = Guard(permits=lambda ip: str(ip) == "127.0.0.1")
        with pytest.raises(BlockedAddress):
            await fetch_to_file(
                url,
                tmp_path / "file",
                settings=open_settings.with_(allow_private_network=False),
                max_bytes=CAP,
                timeout=5,
                guard=only_first,
            )
        assert pages.requests["/go"] == 1
        assert private.connections == 0
    finally:
        private.stop()


@pytest.mark.parametrize("block", ["reject_media", "suspend"])
async def test_media_of_a_blocked_domain_is_never_fetched(
    db: Database, open_settings: Settings, pages: PageServer, block: str
) -> None:
    async with db.write() as session:
        session.add(
            DomainBlock(
                domain=DOMAIN.split(".", 1)[1] if block == "suspend" else DOMAIN,
                severity="suspend" if block == "suspend" else "limit",
                reject_media=block == "reject_media",
            )
        )
    item = jpeg_at(pages, "/cat.jpg", jpeg_with_gps())
    await remote_post(db, item)
    await run_jobs(db, open_settings)
    [media] = await attachments(db)
    assert (media.file_key, media.type) == (None, "unknown")
    assert "refused by a domain block" in (media.processing_error or "")
    assert pages.connections == 0


async def test_deleting_a_remote_post_deletes_its_copies(
    db: Database, open_settings: Settings, pages: PageServer
) -> None:
    status = await remote_post(db, jpeg_at(pages, "/cat.jpg", jpeg_with_gps()))
    await run_jobs(db, open_settings)
    [media] = await attachments(db)
    files = [stored_path(open_settings, k) for k in (media.file_key, media.thumbnail_key)]
    assert all(f.is_file() for f in files)
    assert status.uri is not None
    assert await delete_remote_status(db, status.account_id, status.uri)
    await run_jobs(db, open_settings)
    assert await attachments(db) == []
    assert not any(f.exists() for f in files)


async def test_a_remote_video_in_the_served_format_is_kept_with_a_poster(
    db: Database, open_settings: Settings, pages: PageServer, tmp_path: Path
) -> None:
    encoder_or_skip("libx264")
    source = make_video(tmp_path / "clip.mp4", "mp4", "libx264", "aac", title="At home")
    url = pages.add("/clip.mp4", Page(source.read_bytes(), content_type="video/mp4"))
    await remote_post(db, RemoteMedia(url, "video", "video/mp4"))
    await run_jobs(db, open_settings.with_(remote_media_max_bytes=4 * 1024 * 1024))
    [media] = await attachments(db)
    assert (media.type, media.content_type) == ("video", "video/mp4")
    assert media.meta["size"] == "320x240"
    assert media.meta["audio_encode"] == "aac"
    assert media.blurhash
    assert media.thumbnail_key
    copy = stored_path(open_settings, media.file_key).read_bytes()
    assert b"At home" in source.read_bytes()
    assert b"At home" not in copy


async def test_remote_avatars_are_copied_cropped_and_replaced(
    db: Database, open_settings: Settings, pages: PageServer
) -> None:
    first = pages.add("/a1.jpg", Page(jpeg_with_gps(), content_type="image/jpeg"))
    profile = RemoteProfile(
        uri=f"https://{DOMAIN}/users/ada", username="ada", domain=DOMAIN, avatar_url=first
    )
    account = await upsert_remote_account(db, profile)
    assert account.avatar_url == account.avatar_remote_url == first  # until copied
    await run_jobs(db, open_settings)
    account = await reload(db, account.id)
    assert account.avatar_remote_url == first
    assert account.avatar_url
    assert account.avatar_url.startswith(open_settings.base_url)
    old_file = stored_path(open_settings, account.avatar_url.split("/system/media/")[1])
    with Image.open(old_file) as image:
        assert image.size == (400, 400)
        assert not image.getexif().get_ifd(GPS_IFD)
    await upsert_remote_account(db, profile)  # refreshed, same picture: nothing to do
    async with db.read() as session:
        assert list(await session.scalars(select(Job))) == []
    second = pages.add("/a2.png", Page(photo("png", size=(90, 60)), content_type="image/png"))
    await upsert_remote_account(db, RemoteProfile(**{**profile.__dict__, "avatar_url": second}))
    await run_jobs(db, open_settings)
    account = await reload(db, account.id)
    assert account.avatar_remote_url == second
    assert account.avatar_url
    assert account.avatar_url.startswith(open_settings.base_url)
    assert not old_file.exists()
    assert account.header_url is None
    assert account.header_remote_url is None


async def reload(db: Database, account_id: int) -> Account:
    async with db.read() as session:
        account = await session.get(Account, account_id)
    assert account is not None
    return account
