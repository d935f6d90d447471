"""The work of the ``media.process`` job: from an upload to served files.

Detects the type again from the bytes, then hands photos to ``images.py``,
animated GIFs and videos to ``video.py`` (``gif_to_mp4`` and
``process_video``), stores what they made, and marks the row ready. Runs at
least once: a row that is no longer processing is left alone, and the result
is recorded only while the row still waits for it (``WHERE state =
'processing'``), so two runs, or a run racing a delete, leave no stray files.
A file we cannot take marks the row failed (with the reason) instead of
retrying forever.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import CursorResult

from weft.config import Settings
from weft.db.database import Database
from weft.errors import Invalid
from weft.media.children import photo_lane, run_in_child, video_lane
from weft.media.detect import SNIFF_BYTES, detect, sniff
from weft.media.images import is_animated, process_image
from weft.media.storage import Storage, content_type_for, new_key, storage_for
from weft.media.video import ProcessedVideo, gif_to_mp4, process_video
from weft.media.video_remux import keep_video
from weft.models import MediaAttachment
from weft.models.base import utcnow


@dataclass(frozen=True)
class Outputs:
    """What processing made: local files, and the row's new type, meta and blurhash."""

    type: str
    file: Path
    thumbnail: Path | None
    meta: dict[str, Any]
    blurhash: str | None


def produce(src: Path, work_dir: Path, *, keep_served_video: bool = False) -> Outputs:
    """Blocking: run in a thread. Raises Invalid for a file we do not take.

    ``keep_served_video`` (other servers' videos): an H.264/AAC MP4 within the
    limits is remuxed, not re-encoded (``weft.media.video_remux``).
    """
    kind = detect(src)
    if kind.family == "video":
        kept = keep_video(src, work_dir) if keep_served_video else None
        return _video(kept or process_video(src, work_dir))
    if kind.mime == "image/gif" and is_animated(src):
        return _video(gif_to_mp4(src, work_dir))
    return _image(src, work_dir)


async def produce_in_child(
    settings: Settings, src: Path, work_dir: Path, *, keep_served_video: bool = False
) -> Outputs:
    """``produce`` in a child process (weft/media/children.py): videos and GIFs in
    the video lane, with its CPU budget, photos in the photo lane."""
    with src.open("rb") as f:
        kind = sniff(f.read(SNIFF_BYTES))
    moving = kind is not None and (kind.family == "video" or kind.mime == "image/gif")
    lane = video_lane(settings) if moving else photo_lane(settings)
    return await run_in_child(lane, produce, src, work_dir, keep_served_video=keep_served_video)


def _image(src: Path, work_dir: Path) -> Outputs:
    image = process_image(src, work_dir)
    return Outputs("image", image.file, image.thumbnail, image.meta, image.blurhash)


def _video(video: ProcessedVideo) -> Outputs:
    """A video, or an animated GIF as a looping MP4 (Mastodon's ``gifv``)."""
    return Outputs(video.kind, video.file, video.poster, video.meta, video.blurhash)


async def process_media(db: Database, settings: Settings, media_id: int) -> None:
    """Process one upload (the ``media.process`` job; also run inline by POST /api/v1/media)."""
    async with db.read() as session:
        media = await session.get(MediaAttachment, media_id)
    if media is None or media.state != "processing" or not media.upload_key:
        return  # deleted, or another run finished it
    storage = storage_for(settings)
    work_dir = Path(tempfile.mkdtemp(prefix="media-", dir=tmp_root(settings)))
    try:
        src = work_dir / "upload"
        await storage.download(media.upload_key, src)
        try:
            outputs = await produce_in_child(settings, src, work_dir)
        except Invalid as error:
            await _fail(db, storage, media, error.description)
            return
        await _store(db, storage, media, outputs)
    finally:
        await asyncio.to_thread(shutil.rmtree, work_dir, True)


def tmp_root(settings: Settings) -> Path:
    root = settings.data_dir / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return root


async def put_outputs(
    storage: Storage, media_id: int, out: Outputs
) -> tuple[dict[str, Any], list[str]]:
    """Store what processing made; the row's new values, and the keys written."""
    file_key = new_key("attachments", media_id, "original", out.file.suffix.lstrip("."))
    await storage.put_file(file_key, out.file, content_type_for(file_key))
    keys = [file_key]
    thumbnail_key = None
    if out.thumbnail is not None:
        thumbnail_key = new_key("attachments", media_id, "small", out.thumbnail.suffix.lstrip("."))
        await storage.put_file(thumbnail_key, out.thumbnail, content_type_for(thumbnail_key))
        keys.append(thumbnail_key)
    values = {
        "type": out.type,
        "file_key": file_key,
        "thumbnail_key": thumbnail_key,
        "file_size": out.file.stat().st_size,
        "content_type": content_type_for(file_key),
        "meta": out.meta,
        "blurhash": out.blurhash,
        "processed_at": utcnow(),
    }
    return values, keys


async def _store(db: Database, storage: Storage, media: MediaAttachment, out: Outputs) -> None:
    values, keys = await put_outputs(storage, media.id, out)
    values |= {"state": "ready", "upload_key": None}
    if await _record(db, media.id, values):
        assert media.upload_key is not None
        await storage.delete(media.upload_key)
    else:
        for key in keys:  # deleted meanwhile, or another run won
            await storage.delete(key)


async def _fail(db: Database, storage: Storage, media: MediaAttachment, reason: str) -> None:
    values = {"state": "failed", "processing_error": reason, "upload_key": None}
    if await _record(db, media.id, values):
        assert media.upload_key is not None
        await storage.delete(media.upload_key)


async def _record(db: Database, media_id: int, values: dict[str, Any]) -> bool:
    async with db.write() as session:
        result = await session.execute(
            update(MediaAttachment)
            .where(MediaAttachment.id == media_id, MediaAttachment.state == "processing")
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1
