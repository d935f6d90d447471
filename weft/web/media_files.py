"""Serving media files from the local storage backend (``/system/media/<key>``).

Keys are unique and never rewritten, so answers are cacheable for a year.
Every answer is typed from the key's extension (we chose it when we encoded
the file), never sniffed, never HTML: ``nosniff``, ``inline``, and a CSP
that lets nothing run even if a browser opened a file as a page. Uploads as
received (``uploads/``) are never served. With S3, files are served by the
bucket or a CDN at ``WEFT_MEDIA_URL`` instead.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, Response

from weft.media.storage import (
    CACHE_CONTROL,
    CONTENT_TYPES,
    SERVE_PATH,
    UPLOADS,
    LocalStorage,
    content_type_for,
    storage_for,
    valid_key,
)
from weft.runtime import Runtime, runtime

router = APIRouter()
HEADERS = {
    "Cache-Control": CACHE_CONTROL,
    "X-Content-Type-Options": "nosniff",
    "Content-Disposition": "inline",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Access-Control-Allow-Origin": "*",
}


@router.get(SERVE_PATH + "/{key:path}")
async def media_file(key: str, rt: Runtime = Depends(runtime)) -> Response:
    storage = storage_for(rt.settings)
    servable = (
        isinstance(storage, LocalStorage)
        and valid_key(key)
        and not key.startswith(UPLOADS)
        and key.rsplit(".", 1)[-1] in CONTENT_TYPES
    )
    if not servable:
        return Response("Not found", status_code=404, media_type="text/plain")
    assert isinstance(storage, LocalStorage)
    path = storage.path(key)
    if not path.is_file():
        return Response("Not found", status_code=404, media_type="text/plain")
    return FileResponse(path, media_type=content_type_for(key), headers=HEADERS)
