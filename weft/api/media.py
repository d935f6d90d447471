"""Mastodon client API: media attachments (see docs/api.md).

Routes receive the upload (weft/api/uploads.py), call the action
(weft/actions/media.py) and render; processing runs in the ``media.process``
job. Status codes are Mastodon's: 202 while processing for ``POST /api/v2/media``,
206 for ``GET /api/v1/media/:id`` until the files are ready.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from weft.actions import media as actions
from weft.api.auth import Credentials, user_scoped
from weft.api.params import check_text, form
from weft.api.schemas import Empty, answers, inputs
from weft.api.schemas.statuses import MediaAttachment as MediaEntity
from weft.api.serializers.media import media_entity
from weft.api.uploads import receive_upload
from weft.errors import Invalid
from weft.media.process import process_media
from weft.models import MediaAttachment
from weft.queries.accounts import parse_id
from weft.queries.media import own_unattached_media
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["media"])
UPLOAD: dict[str, Any] = {
    "openapi_extra": {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "description": {"type": "string", "description": "Alt text."},
                            "focus": {"type": "string", "description": "`x,y`, each -1 to 1."},
                        },
                    }
                }
            },
        }
    }
}


class MediaParams(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    description: str | None = None
    focus: str | None = None


def _me(credentials: Credentials) -> int:
    assert credentials.account is not None  # user_scoped guarantees a person
    return credentials.account.id


async def _upload(request: Request, rt: Runtime, account_id: int) -> MediaAttachment:
    received = await receive_upload(request, rt.settings.data_dir / "tmp")
    try:
        check_text(received.fields, "")
        if received.path is None:
            raise Invalid("file", "can't be blank", "ERR_BLANK")
        change = actions.MediaChange(
            description=received.fields.get("description"), focus=received.fields.get("focus")
        )
        return await actions.upload_media(rt.db, rt.settings, account_id, received.path, change)
    finally:
        await asyncio.to_thread(received.cleanup)


def _respond(media: MediaAttachment, rt: Runtime, processing_status: int) -> JSONResponse:
    if media.state == "failed":
        raise Invalid("file", media.processing_error or "could not be processed")
    status = 200 if media.state == "ready" else processing_status
    return JSONResponse(media_entity(media, rt.settings), status_code=status)


async def _reload(rt: Runtime, account_id: int, media_id: int) -> MediaAttachment:
    async with rt.db.read() as session:
        return await own_unattached_media(session, account_id, media_id)


@router.post(
    "/api/v2/media",
    summary="Upload media (processed after answering)",
    **answers(
        MediaEntity,
        description="Processed already",
        also={202: (MediaEntity, "Still processing: `url` is null")},
    ),
    **UPLOAD,
)
async def create_v2(
    request: Request,
    credentials: Credentials = Depends(user_scoped("write:media")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    media = await _upload(request, rt, _me(credentials))
    return _respond(media, rt, 202)


@router.post(
    "/api/v1/media",
    summary="Upload media (photos processed before answering)",
    **answers(
        MediaEntity,
        description="Processed",
        also={202: (MediaEntity, "Still processing: `url` is null")},
    ),
    **UPLOAD,
)
async def create_v1(
    request: Request,
    credentials: Credentials = Depends(user_scoped("write:media")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    """Mastodon's v1 answers with the processed photo; videos still answer 202."""
    media = await _upload(request, rt, _me(credentials))
    if media.type == "image":
        # The queued job stays as a fallback; it finds the row ready and stops.
        await process_media(rt.db, rt.settings, media.id)
        media = await _reload(rt, _me(credentials), media.id)
    return _respond(media, rt, 202)


@router.get(
    "/api/v1/media/{media_id}",
    summary="One's unattached upload",
    **answers(
        MediaEntity,
        description="Processed",
        also={206: (MediaEntity, "Still processing")},
    ),
)
async def show(
    media_id: str,
    credentials: Credentials = Depends(user_scoped("write:media")),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    media = await _reload(rt, _me(credentials), parse_id(media_id))
    return _respond(media, rt, 206)


@router.put(
    "/api/v1/media/{media_id}",
    summary="Change an upload's alt text or focus",
    **answers(
        MediaEntity,
        description="Processed",
        also={206: (MediaEntity, "Still processing")},
    ),
    **inputs(form=MediaParams),
)
async def update(
    media_id: str,
    credentials: Credentials = Depends(user_scoped("write:media")),
    params: MediaParams = form(MediaParams),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    change = actions.MediaChange(description=params.description, focus=params.focus)
    media = await actions.update_media(rt.db, _me(credentials), parse_id(media_id), change)
    return _respond(media, rt, 206)


@router.delete("/api/v1/media/{media_id}", summary="Delete an unattached upload", **answers(Empty))
async def destroy(
    media_id: str,
    credentials: Credentials = Depends(user_scoped("write:media")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    await actions.delete_media(rt.db, _me(credentials), parse_id(media_id))
    return {}
