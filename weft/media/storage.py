"""Where media files live: a small interface, a local folder, S3-compatible storage.

Keys are made once (``new_key``) and never rewritten: a changed file gets a
new key, so every served file can be cached for a year. Keys under
``uploads/`` hold files as received, before processing; they are never served.

>>> key = new_key("attachments", 42, "original", "jpg")
>>> await storage.put_file(key, path, "image/jpeg")
>>> storage.url(key)
'https://example.com/system/media/attachments/42/original-....jpg'
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
from pathlib import Path
from typing import Any, Protocol

from weft.config import Settings

UPLOADS = "uploads/"
SERVE_PATH = "/system/media"
# One year, and never revalidated: a key's bytes never change.
CACHE_CONTROL = "public, max-age=31536000, immutable"
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp4": "video/mp4",
}
_KEY = re.compile(r"^[a-z0-9_]+(?:/[A-Za-z0-9_-]+)*/[A-Za-z0-9_-]+(?:\.[a-z0-9]{1,5})?$")


class Storage(Protocol):
    async def put_file(self, key: str, path: Path, content_type: str) -> None: ...

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> None: ...

    async def read(self, key: str) -> bytes: ...

    async def download(self, key: str, path: Path) -> None:
        """Copy the file at ``key`` to the local ``path`` (processing needs a file)."""
        ...

    async def delete(self, key: str) -> None:
        """Remove ``key``; a missing key is not an error (jobs run twice)."""
        ...

    async def exists(self, key: str) -> bool: ...

    def url(self, key: str) -> str: ...

    def key_of(self, url: str | None) -> str | None:
        """The key behind ``url`` when it is one of this storage's files, else None."""
        ...


def new_key(area: str, owner_id: int, name: str, ext: str) -> str:
    """A fresh, unguessable key: ``area/owner/name-token.ext``."""
    return f"{area}/{owner_id}/{name}-{secrets.token_urlsafe(12)}.{ext}"


def valid_key(key: str) -> bool:
    return bool(_KEY.match(key)) and ".." not in key


def content_type_for(key: str) -> str:
    return CONTENT_TYPES.get(key.rsplit(".", 1)[-1], "application/octet-stream")


def public_url(settings: Settings, key: str) -> str:
    base = settings.media_url or f"{settings.base_url}{SERVE_PATH}"
    return f"{base}/{key}"


def key_under(prefix: str, url: str | None) -> str | None:
    """The valid key that ``url`` names below ``prefix`` (a storage's base URL), if any."""
    if not url or not url.startswith(prefix):
        return None
    key = url[len(prefix) :]
    return key if valid_key(key) else None


class LocalStorage:
    """Files under a folder (``WEFT_DATA_DIR/media``), served by weft/web/media_files.py."""

    def __init__(self, root: Path, settings: Settings) -> None:
        self.root = root
        self.settings = settings

    def path(self, key: str) -> Path:
        if not valid_key(key):
            raise ValueError(f"invalid media key {key!r}")
        return self.root / key

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        await asyncio.to_thread(self._copy, path, self.path(key))

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self.path(key), data)

    async def read(self, key: str) -> bytes:
        return await asyncio.to_thread(self.path(key).read_bytes)

    async def download(self, key: str, path: Path) -> None:
        await asyncio.to_thread(shutil.copyfile, self.path(key), path)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path(key).unlink, missing_ok=True)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path(key).is_file)

    def url(self, key: str) -> str:
        return public_url(self.settings, key)

    def key_of(self, url: str | None) -> str | None:
        return key_under(self.url(""), url)

    @staticmethod
    def _copy(source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        shutil.copyfile(source, partial)
        os.replace(partial, target)  # readers never see half a file

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(data)
        os.replace(partial, target)


class S3Storage:
    """An S3-compatible bucket through boto3 (blocking, so run in threads).

    Objects carry their Content-Type, a year of Cache-Control and
    ``Content-Disposition: inline``; serve them from a CDN or a public bucket
    at ``WEFT_MEDIA_URL``.
    """

    def __init__(self, settings: Settings) -> None:
        import boto3

        self.settings = settings
        self.bucket = settings.s3_bucket
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint,
            region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key,
            aws_secret_access_key=settings.s3_secret_key,
        )

    def _extra(self, content_type: str) -> dict[str, str]:
        return {
            "ContentType": content_type,
            "CacheControl": CACHE_CONTROL,
            "ContentDisposition": "inline",
        }

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.upload_file,
            str(path),
            self.bucket,
            key,
            ExtraArgs=self._extra(content_type),
        )

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object,
            Bucket=self.bucket,
            Key=key,
            Body=data,
            **self._extra(content_type),
        )

    async def read(self, key: str) -> bytes:
        def get() -> bytes:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
            data: bytes = body.read()
            return data

        return await asyncio.to_thread(get)

    async def download(self, key: str, path: Path) -> None:
        await asyncio.to_thread(self.client.download_file, self.bucket, key, str(path))

    async def delete(self, key: str) -> None:
        # S3 answers 204 for a missing key too.
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=key)

    async def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def url(self, key: str) -> str:
        if self.settings.media_url:
            return public_url(self.settings, key)
        endpoint = (self.settings.s3_endpoint or "https://s3.amazonaws.com").rstrip("/")
        return f"{endpoint}/{self.bucket}/{key}"

    def key_of(self, url: str | None) -> str | None:
        return key_under(self.url(""), url)


_cache: dict[tuple[str | None, ...], Storage] = {}


def storage_for(settings: Settings) -> Storage:
    """The storage the settings name (one instance per configuration)."""
    cache_key = (
        settings.media_backend,
        str(settings.data_dir),
        settings.base_url,
        settings.media_url,
        settings.s3_endpoint,
        settings.s3_bucket,
    )
    if cache_key not in _cache:
        if settings.media_backend == "s3":
            _cache[cache_key] = S3Storage(settings)
        else:
            _cache[cache_key] = LocalStorage(settings.data_dir / "media", settings)
    return _cache[cache_key]
