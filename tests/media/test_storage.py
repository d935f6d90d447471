"""The storage backends: local, and S3 over its real HTTP protocol.

S3 runs against ``WEFT_TEST_S3_URL`` when set (a real endpoint such as MinIO),
otherwise against moto's standalone S3 server on loopback: a separate
implementation of the S3 protocol, spoken to by boto3 over HTTP exactly as
a cloud endpoint would be.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.live import free_port
from weft.config import Settings
from weft.media.storage import LocalStorage, S3Storage, Storage, new_key, valid_key


def local(tmp_path: Path, _url: str) -> Storage:
    settings = Settings(base_url="https://weft.test", data_dir=tmp_path)
    return LocalStorage(tmp_path / "media", settings)


@pytest.fixture(scope="session")
def s3_url() -> Iterator[str]:
    """http://KEY:SECRET@host:port/bucket of an S3 endpoint with an existing bucket."""
    if os.environ.get("WEFT_TEST_S3_URL"):
        yield os.environ["WEFT_TEST_S3_URL"]
        return
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        client.create_bucket(Bucket="weft-test")
        yield f"http://test:test@127.0.0.1:{port}/weft-test"
    finally:
        server.stop()


def s3(tmp_path: Path, raw: str) -> Storage:
    url = urlsplit(raw)
    settings = Settings(
        data_dir=tmp_path,
        media_backend="s3",
        s3_endpoint=f"{url.scheme}://{url.hostname}:{url.port}",
        s3_bucket=url.path.strip("/"),
        s3_access_key=url.username,
        s3_secret_key=url.password,
    )
    return S3Storage(settings)


@pytest.fixture(params=[local, s3], ids=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    make: Callable[[Path, str], Storage] = request.param
    url = request.getfixturevalue("s3_url") if make is s3 else ""
    return make(tmp_path, url)


async def test_put_read_download_delete(storage: Storage, tmp_path: Path) -> None:
    key = new_key("attachments", 1, "original", "jpg")
    source = tmp_path / "source.jpg"
    source.write_bytes(b"\xff\xd8\xff pixels")
    await storage.put_file(key, source, "image/jpeg")
    assert await storage.exists(key)
    assert await storage.read(key) == b"\xff\xd8\xff pixels"
    copy = tmp_path / "copy"
    await storage.download(key, copy)
    assert copy.read_bytes() == b"\xff\xd8\xff pixels"
    other = new_key("attachments", 1, "small", "png")
    await storage.put_bytes(other, b"png", "image/png")
    assert await storage.read(other) == b"png"
    assert storage.url(key).endswith(key)
    await storage.delete(key)
    await storage.delete(key)  # twice is fine: jobs run at least once
    assert not await storage.exists(key)
    await storage.delete(other)


def test_keys_are_unique_and_checked() -> None:
    assert new_key("attachments", 1, "original", "jpg") != new_key(
        "attachments", 1, "original", "jpg"
    )
    assert valid_key(new_key("attachments", 1, "original", "jpg"))
    for bad in ("../x.jpg", "attachments/../../etc/passwd", "/abs/x.jpg", "a/b/../c.jpg", ""):
        assert not valid_key(bad)


def test_local_urls_use_the_media_url(tmp_path: Path) -> None:
    settings = Settings(base_url="https://weft.test", media_url="https://cdn.test/m")
    assert LocalStorage(tmp_path, settings).url("attachments/1/a.jpg") == (
        "https://cdn.test/m/attachments/1/a.jpg"
    )
    plain = LocalStorage(tmp_path, Settings(base_url="https://weft.test"))
    assert plain.url("a/b.jpg") == "https://weft.test/system/media/a/b.jpg"


def test_a_files_url_gives_back_its_key_on_every_backend(storage: Storage) -> None:
    """What deletes our old copies (avatars, headers) reads keys back from URLs."""
    key = new_key("accounts", 7, "avatar", "jpg")
    assert storage.key_of(storage.url(key)) == key
    assert storage.key_of("https://elsewhere.example/accounts/7/avatar-x.jpg") is None
    assert storage.key_of(storage.url("../../etc/passwd")) is None
    assert storage.key_of(None) is None
