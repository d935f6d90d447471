"""The front page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from weft.api.auth import runtime
from weft.runtime import Runtime
from weft.web.templating import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, rt: Runtime = Depends(runtime)) -> HTMLResponse:
    return await render(request, "home.html", {"settings": rt.settings})
