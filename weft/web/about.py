"""The server's public pages: about (with the rules), the privacy policy and
the terms of service, as admins wrote them (/admin/settings/texts)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from weft.errors import NotFound
from weft.queries.instance import server_rules, site_text
from weft.runtime import Runtime, runtime
from weft.web.templating import render

router = APIRouter()


async def _page(request: Request, rt: Runtime, key: str, heading: str) -> HTMLResponse:
    text = await site_text(rt.db, key)
    context = {
        "heading": heading,
        "content": text.html,
        "updated_at": text.updated_at if text.text else None,
        "rules": await server_rules(rt.db) if key == "extended_description" else [],
        "settings": rt.settings,
    }
    return await render(request, "about.html", context)


@router.get("/about", response_class=HTMLResponse)
async def about(request: Request, rt: Runtime = Depends(runtime)) -> HTMLResponse:
    return await _page(request, rt, "extended_description", f"About {rt.settings.domain}")


@router.get("/privacy-policy", response_class=HTMLResponse)
async def privacy_policy(request: Request, rt: Runtime = Depends(runtime)) -> HTMLResponse:
    return await _page(request, rt, "privacy_policy", "Privacy policy")


@router.get("/terms-of-service", response_class=HTMLResponse)
async def terms_of_service(request: Request, rt: Runtime = Depends(runtime)) -> HTMLResponse:
    if not (await site_text(rt.db, "terms_of_service")).text:
        raise NotFound("This server has no terms of service")
    return await _page(request, rt, "terms_of_service", "Terms of service")
