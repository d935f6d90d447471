"""``/docs``: Swagger UI over ``/openapi.json``, from files served by Weft itself.

FastAPI's own ``/docs`` loads Swagger UI from a CDN, so it is blank on a
closed network and tells the CDN who reads the docs. The files come from the
pinned fastapi-offline wheel (Swagger UI 5, which reads the OpenAPI 3.1
document FastAPI writes; the older swagger-ui-bundle ships Swagger UI 4,
which cannot). ``weft/app.py`` mounts them at ``ASSETS``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse

SWAGGER_UI_FILES = Path(str(files("fastapi_offline") / "static"))
ASSETS = "/docs/assets"
OPENAPI_URL = "/openapi.json"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"

router = APIRouter(include_in_schema=False)


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=OPENAPI_URL,
        title="Weft API",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon.png",
        oauth2_redirect_url=OAUTH2_REDIRECT,
    )


@router.get(OAUTH2_REDIRECT)
async def swagger_ui_oauth2_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()
