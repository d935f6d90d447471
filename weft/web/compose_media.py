"""The composer's photos and videos: uploaded and processed before the post is written.

A post only attaches uploads that are ready (``attach_media`` refuses one
still processing), and a browser form has no second request in which to wait
for them, so each file goes through the same action as the API
(``upload_media``: typed from its bytes, size-capped, alt text checked) and
then through the same processing the ``media.process`` job runs
(``process_media``), inline, as ``POST /api/v1/media`` does for photos. The
queued job stays as a fallback; it finds the row ready and stops. If anything
fails, the uploads made for this form are deleted again (``delete_media``),
so a refused post leaves no files behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from pathlib import Path

from starlette.datastructures import UploadFile

from weft.actions.media import (
    MediaChange,
    check_description,
    delete_media,
    update_media,
    upload_media,
)
from weft.api.serializers.media import media_entity
from weft.errors import Invalid, NotFound
from weft.limits import VIDEO_SIZE_LIMIT
from weft.media.process import process_media
from weft.models import MediaAttachment
from weft.queries.media import own_unattached_media
from weft.runtime import Runtime
from weft.web.compose_form import Attachment, ComposeForm, Kept

TOO_LARGE = f"is too large: a video can be at most {VIDEO_SIZE_LIMIT // (1024 * 1024)} MB"


class MediaProblem(Exception):
    """A file of post ``index`` was refused; ``message`` names the file and the reason."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.message = message


def check_descriptions(form: ComposeForm) -> None:
    """Alt text limits, checked before any file is stored."""
    for number, kept in enumerate(form.kept, start=1):
        try:
            check_description(kept.description)
        except Invalid as error:
            problem = f"Photo or video {number}: alt text {error.description}"
            raise MediaProblem(0, problem) from None
    for index, box in enumerate(form.boxes):
        for attachment in box.attachments:
            try:
                check_description(attachment.description)
            except Invalid as error:
                problem = f"alt text {error.description}"
                raise MediaProblem(index, _about(attachment.file, problem)) from None


async def upload_all(rt: Runtime, account_id: int, form: ComposeForm) -> list[tuple[int, ...]]:
    """Every box's files stored and processed; their ids, box by box.

    On any failure the uploads already made are deleted and ``MediaProblem``
    (or the unexpected error) is raised.
    """
    done: list[int] = []
    result: list[tuple[int, ...]] = []
    try:
        for index, box in enumerate(form.boxes):
            ids = []
            for attachment in box.attachments:
                media = await _upload_one(rt, account_id, index, attachment)
                done.append(media)
                await _ready(rt, account_id, index, media, attachment.file)
                ids.append(media)
            result.append(tuple(ids))
    except BaseException:
        await discard(rt, account_id, done)
        raise
    return result


async def discard(rt: Runtime, account_id: int, media_ids: list[int]) -> None:
    """Delete uploads this form made and no post took."""
    for media_id in media_ids:
        with contextlib.suppress(NotFound):  # attached after all, or already gone
            await delete_media(rt.db, account_id, media_id)


async def _upload_one(rt: Runtime, account_id: int, index: int, attachment: Attachment) -> int:
    """Upload one file; ``MediaProblem`` names it if its type or size is refused."""
    upload = attachment.file
    if upload.size is not None and upload.size > VIDEO_SIZE_LIMIT:
        raise MediaProblem(index, _about(upload, TOO_LARGE))
    directory = Path(await asyncio.to_thread(_new_directory, rt.settings.data_dir / "tmp"))
    try:
        path = directory / "file"
        await asyncio.to_thread(_copy, upload, path)
        change = MediaChange(description=attachment.description or None)
        media = await upload_media(rt.db, rt.settings, account_id, path, change)
    except Invalid as error:
        raise MediaProblem(index, _about(upload, error.description)) from None
    finally:
        await asyncio.to_thread(shutil.rmtree, directory, True)
    return media.id


async def _ready(
    rt: Runtime, account_id: int, index: int, media_id: int, upload: UploadFile
) -> None:
    """Process the upload now; a file processing refuses is named with its reason."""
    await process_media(rt.db, rt.settings, media_id)
    async with rt.db.read() as session:
        media: MediaAttachment = await own_unattached_media(session, account_id, media_id)
    if media.state != "ready":
        reason = media.processing_error or "could not be processed"
        raise MediaProblem(index, _about(upload, reason))


def _new_directory(root: Path) -> str:
    root.mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(prefix="compose-", dir=root)


def _copy(upload: UploadFile, path: Path) -> None:
    upload.file.seek(0)
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out, 1024 * 1024)


def _about(upload: UploadFile, problem: str) -> str:
    name = upload.filename or "The file"
    return f"{name} {problem}"


async def with_previews(rt: Runtime, account_id: int, kept: list[Kept]) -> list[Kept]:
    """The kept uploads with their thumbnails' addresses, to draw them; one
    that is no longer the viewer's unattached upload is left out."""
    shown = []
    for item in kept:
        try:
            async with rt.db.read() as session:
                media = await own_unattached_media(session, account_id, int(item.id))
        except NotFound:
            continue
        entity = media_entity(media, rt.settings)
        preview = entity["preview_url"] or entity["url"] or ""
        shown.append(Kept(item.id, item.description, str(preview)))
    return shown


async def describe_kept(rt: Runtime, account_id: int, kept: list[Kept]) -> None:
    """The kept uploads' alt text as typed (the draft's uploads are the
    viewer's, on no post: ``update_media`` takes them)."""
    for number, item in enumerate(kept, start=1):
        try:
            await update_media(
                rt.db, account_id, int(item.id), MediaChange(description=item.description)
            )
        except NotFound:
            problem = f"Photo or video {number} is no longer there; remove it"
            raise MediaProblem(0, problem) from None


async def upload_files(rt: Runtime, account_id: int, attachments: list[Attachment]) -> list[int]:
    """Each file stored and processed (a message's photos and videos); their
    ids in order. On any failure the uploads already made are deleted and
    ``MediaProblem`` (or the unexpected error) is raised."""
    done: list[int] = []
    try:
        for attachment in attachments:
            media = await _upload_one(rt, account_id, 0, attachment)
            done.append(media)
            await _ready(rt, account_id, 0, media, attachment.file)
    except BaseException:
        await discard(rt, account_id, done)
        raise
    return done
