"""Other servers' media, copied here so readers' apps never load it from there.

A remote post's attachments and a remote account's avatar and header are
first stored with their remote URL (served as it is), and a job is queued in
the same transaction: ``media.fetch_remote`` for an attachment,
``media.fetch_remote_profile_image`` for a picture. The job downloads the
file through the guarded fetcher (``weft.net.fetch.fetch_to_file``: public
addresses only, every redirect checked, a size and a time limit), types it by
its bytes, never by the remote ``mediaType``, and runs it through the same
processing as an upload (``weft.media.process.produce``, or
``weft.actions.profile_images.prepare_photo`` for pictures): metadata
stripped, display size, thumbnail or poster, blurhash, ``meta``. The row then
points at our copy; ``remote_url`` keeps the original.

A file that cannot be taken (a domain block with ``reject_media``, a suspended
server, too large, not a photo or video we read, a 4xx) stays remote-only with
its reason in ``processing_error`` and the log; attachments refused by a
domain block, or of a type we could not decide, become ``unknown`` (as
Mastodon shows them: a link). An unreachable server (no connection, time
limit, 5xx, 429) is retried by the job queue with backoff; the last attempt
records the reason instead of failing. See docs/federation.md, "Remote media".
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlalchemy.engine import CursorResult

from weft.actions.profile_images import Which, prepare_photo
from weft.config import Settings
from weft.db.database import Database
from weft.errors import Invalid
from weft.limits import IMAGE_SIZE_LIMIT
from weft.media.process import produce_in_child, put_outputs, tmp_root
from weft.media.storage import content_type_for, new_key, storage_for
from weft.models import Account, MediaAttachment
from weft.net.fetch import ConnectFailed, FetchError, HTTPStatus, Timeout, fetch_to_file
from weft.queries.domain_blocks import media_refused_domains

log = logging.getLogger(__name__)

UNSUPPORTED = "ERR_UNSUPPORTED"


class Refused(Exception):
    """This file is not copied here; ``str()`` says why."""


# --- attachments --------------------------------------------------------------------


async def cache_remote_media(
    db: Database, settings: Settings, media_id: int, *, last_attempt: bool = False
) -> None:
    """Copy a remote attachment here (the ``media.fetch_remote`` job).

    Does nothing for a row that is gone, local, or already copied. Raises a
    :class:`FetchError` for a server that may answer later, unless
    ``last_attempt``: then the row is left remote-only with the reason.
    """
    async with db.read() as session:
        media = await session.get(MediaAttachment, media_id)
        account = await session.get(Account, media.account_id) if media else None
    if media is None or account is None or not media.remote_url or media.file_key:
        return
    url = media.remote_url
    try:
        await _check_domains(db, url, account.domain)
        await _copy_attachment(db, settings, media_id, url)
    except Refused as refusal:
        await _leave_remote(db, media_id, url, str(refusal), unknown=True)
    except Invalid as error:
        unknown = error.code == UNSUPPORTED  # we could not tell what it is
        await _leave_remote(db, media_id, url, error.description, unknown=unknown)
    except FetchError as error:
        if _transient(error) and not last_attempt:
            raise
        await _leave_remote(db, media_id, url, error.reason, unknown=False)


async def _copy_attachment(db: Database, settings: Settings, media_id: int, url: str) -> None:
    storage = storage_for(settings)
    async with _work_dir(settings) as work_dir:
        src = work_dir / "remote"
        await _download(settings, url, src, settings.remote_media_max_bytes)
        outputs = await produce_in_child(settings, src, work_dir, keep_served_video=True)
        values, keys = await put_outputs(storage, media_id, outputs)
        if not await _record(db, media_id, url, {**values, "processing_error": None}):
            for key in keys:  # the post was deleted or edited meanwhile, or another run won
                await storage.delete(key)


async def _record(db: Database, media_id: int, url: str, values: dict[str, Any]) -> bool:
    """Write ``values`` if the row still waits for a copy of ``url``."""
    async with db.write() as session:
        result = await session.execute(
            update(MediaAttachment)
            .where(
                MediaAttachment.id == media_id,
                MediaAttachment.remote_url == url,
                MediaAttachment.file_key.is_(None),
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


async def _leave_remote(
    db: Database, media_id: int, url: str, reason: str, *, unknown: bool
) -> None:
    log.warning("remote media %s (attachment %s) not copied: %s", url, media_id, reason)
    values: dict[str, Any] = {"processing_error": reason[:1000]}
    if unknown:
        values["type"] = "unknown"
    await _record(db, media_id, url, values)


# --- avatars and headers ------------------------------------------------------------


async def cache_remote_profile_image(
    db: Database,
    settings: Settings,
    account_id: int,
    which: Which,
    replaced: str | None = None,
    *,
    last_attempt: bool = False,
) -> None:
    """Copy a remote account's avatar or header here (``media.fetch_remote_profile_image``).

    ``replaced`` is the URL served before the remote one changed: if it was
    our copy of the old picture, that file is deleted first. Retries and
    failures as :func:`cache_remote_media`; a refused picture (domain block)
    is not shown at all (the default picture is), as Mastodon does.
    """
    await _delete_old_copy(settings, account_id, which, replaced)
    async with db.read() as session:
        account = await session.get(Account, account_id)
    if account is None or account.is_local:
        return
    remote = getattr(account, f"{which}_remote_url")
    if not remote or getattr(account, f"{which}_url") != remote:
        return  # nothing to copy, already copied, or changed again since
    try:
        await _check_domains(db, remote, account.domain)
        await _copy_picture(db, settings, account_id, which, remote)
    except Refused as refusal:
        _log_picture(account_id, which, remote, str(refusal))
        await _point_picture(db, account_id, which, remote, None)
    except Invalid as error:
        _log_picture(account_id, which, remote, error.description)
    except FetchError as error:
        if _transient(error) and not last_attempt:
            raise
        _log_picture(account_id, which, remote, error.reason)


async def _copy_picture(
    db: Database, settings: Settings, account_id: int, which: Which, remote: str
) -> None:
    storage = storage_for(settings)
    async with _work_dir(settings) as work_dir:
        src = work_dir / "remote"
        limit = min(IMAGE_SIZE_LIMIT, settings.remote_media_max_bytes)
        await _download(settings, remote, src, limit)
        photo = await prepare_photo(settings, which, src)
    key = new_key("accounts", account_id, which, photo.ext)
    await storage.put_bytes(key, photo.data, content_type_for(key))
    if not await _point_picture(db, account_id, which, remote, storage.url(key)):
        await storage.delete(key)  # the picture changed meanwhile


async def _point_picture(
    db: Database, account_id: int, which: Which, remote: str, served: str | None
) -> bool:
    """Serve ``served`` if the account still shows the remote ``remote`` as it is."""
    remote_column = getattr(Account, f"{which}_remote_url")
    served_column = getattr(Account, f"{which}_url")
    async with db.write() as session:
        result = await session.execute(
            update(Account)
            .where(Account.id == account_id, remote_column == remote, served_column == remote)
            .values({served_column: served})
            .execution_options(synchronize_session=False)
        )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


async def _delete_old_copy(
    settings: Settings, account_id: int, which: Which, replaced: str | None
) -> None:
    """Only a key of this account's own pictures: a remote actor could name any
    URL of ours (another person's avatar) as its picture."""
    storage = storage_for(settings)
    key = storage.key_of(replaced)
    if key is not None and key.startswith(f"accounts/{account_id}/{which}-"):
        await storage.delete(key)


def _log_picture(account_id: int, which: str, remote: str, reason: str) -> None:
    log.warning("remote %s %s of account %s not copied: %s", which, remote, account_id, reason)


# --- shared -------------------------------------------------------------------------


async def _check_domains(db: Database, url: str, account_domain: str | None) -> None:
    """Refuse media of a suspended domain, or one blocked with ``reject_media``:
    the account's server's, and the server the file is on (often a CDN)."""
    host = urlsplit(url).netloc.lower()
    async with db.read() as session:
        refused = await media_refused_domains(session)
    for domain in (account_domain, host):
        if domain and refused.matches(domain):
            raise Refused(f"media from {domain} is refused by a domain block")


async def _download(settings: Settings, url: str, path: Path, max_bytes: int) -> None:
    await fetch_to_file(
        url,
        path,
        settings=settings,
        max_bytes=max_bytes,
        timeout=settings.remote_media_timeout_seconds,
    )


def _transient(error: FetchError) -> bool:
    """Worth another try later: no connection, too slow, a server error or 429."""
    if isinstance(error, HTTPStatus):
        return error.status >= 500 or error.status == 429
    return isinstance(error, ConnectFailed | Timeout)


@asynccontextmanager
async def _work_dir(settings: Settings) -> AsyncIterator[Path]:
    """A temporary folder under ``WEFT_DATA_DIR/tmp``, removed on exit."""
    root = await asyncio.to_thread(tmp_root, settings)
    path = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="remote-", dir=root))
    try:
        yield path
    finally:
        await asyncio.to_thread(shutil.rmtree, path, True)
