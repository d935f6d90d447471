"""A person's avatar and header picture: set from an uploaded photo, or removed.

The photo is typed by its content (weft/media/detect.py), cropped to the
shape it is shown in (a 400 px square avatar, a 1500x500 header), and
re-encoded from pixels only, so no metadata (GPS above all) survives; the
decoding runs in a child process, as an upload's (``weft.media.images.fit_image``
in the photo lane of weft/media/children.py), so a large picture costs the
server nothing it keeps. The
new file is stored before the transaction that points the account at it; the
old file is removed by the ``media.delete_files`` job queued in that same
transaction. Both the API (``update_credentials``) and the web settings page
call ``prepare_photo`` then ``set_profile_image``.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from weft.actions.outbox import publish
from weft.activity_kinds import ActivityKind
from weft.config import Settings
from weft.db.database import Database
from weft.errors import Invalid, NotFound
from weft.jobs.kinds import DELETE_FILES
from weft.jobs.queue import enqueue
from weft.limits import IMAGE_SIZE_LIMIT
from weft.media.children import photo_lane, run_in_child
from weft.media.detect import detect
from weft.media.images import fit_image
from weft.media.storage import content_type_for, new_key, storage_for
from weft.models import Account
from weft.models.base import utcnow

Which = Literal["avatar", "header"]
SIZES: dict[str, tuple[int, int]] = {"avatar": (400, 400), "header": (1500, 500)}
NOT_A_PHOTO = "must be a photo (JPEG, PNG, WebP, GIF, HEIC or AVIF)"
JPEG_QUALITY = 88


@dataclass(frozen=True)
class Photo:
    """A checked, cropped and re-encoded avatar or header, ready to store."""

    which: Which
    data: bytes
    ext: str


async def prepare_photo(settings: Settings, which: Which, path: Path) -> Photo:
    """Check and crop the upload at ``path`` (a temporary file the caller removes).

    Writes nothing, so a form can check every input before it saves any.
    """
    try:
        kind = await asyncio.to_thread(detect, path)
        if kind.family != "image":
            raise Invalid(which, NOT_A_PHOTO, "ERR_UNSUPPORTED")
        data, ext = await run_in_child(
            photo_lane(settings), fit_image, path, SIZES[which], JPEG_QUALITY
        )
    except Invalid as error:
        # detect() names the field "file"; here it is the avatar or the header.
        raise Invalid(which, error.description, error.code) from None
    return Photo(which, data, ext)


async def photo_from_file(settings: Settings, which: Which, file: BinaryIO) -> Photo:
    """``prepare_photo`` for an uploaded file object (copied to a temporary folder first)."""
    folder = Path(await asyncio.to_thread(_temp_folder, settings.data_dir))
    try:
        path = folder / "upload"
        size = await asyncio.to_thread(_copy, file, path)
        if size == 0:
            raise Invalid(which, "is an empty file")
        if size > IMAGE_SIZE_LIMIT:
            raise Invalid(
                which,
                f"is too large: a photo can be at most {IMAGE_SIZE_LIMIT >> 20} MB",
                "ERR_TOO_LARGE",
            )
        return await prepare_photo(settings, which, path)
    finally:
        await asyncio.to_thread(shutil.rmtree, folder, True)


def _temp_folder(data_dir: Path) -> str:
    root = data_dir / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(prefix="profile-", dir=root)


def _copy(file: BinaryIO, path: Path) -> int:
    """Copy at most one byte past the limit: enough to know the file is too large."""
    file.seek(0)
    with path.open("wb") as out:
        remaining = IMAGE_SIZE_LIMIT + 1
        while remaining > 0:
            chunk = file.read(min(remaining, 1 << 20))
            if not chunk:
                break
            out.write(chunk)
            remaining -= len(chunk)
        return out.tell()


async def set_profile_image(
    db: Database, settings: Settings, account_id: int, photo: Photo
) -> Account:
    """Store ``photo`` and make it the account's avatar or header."""
    key = new_key("accounts", account_id, photo.which, photo.ext)
    storage = storage_for(settings)
    await storage.put_bytes(key, photo.data, content_type_for(key))
    try:
        return await _point_to(db, settings, account_id, photo.which, storage.url(key))
    except BaseException:
        await storage.delete(key)
        raise


async def remove_profile_image(
    db: Database, settings: Settings, account_id: int, which: Which
) -> Account:
    """Go back to the default picture."""
    return await _point_to(db, settings, account_id, which, None)


async def _point_to(
    db: Database, settings: Settings, account_id: int, which: Which, url: str | None
) -> Account:
    async with db.write() as session:
        account = await session.get(Account, account_id)
        if account is None or not account.is_local:
            raise NotFound()
        old = account.avatar_url if which == "avatar" else account.header_url
        if which == "avatar":
            account.avatar_url = url
        else:
            account.header_url = url
        account.updated_at = utcnow()
        old_key = own_key(settings, old)
        if old_key is not None:
            enqueue(session, DELETE_FILES, {"keys": [old_key]})
        await publish(session, ActivityKind.UPDATE_PERSON, account_id)
        return account


def own_key(settings: Settings, url: str | None) -> str | None:
    """The storage key of a file this server stored, from its public URL."""
    return storage_for(settings).key_of(url)
