"""``/robots.txt``: what search engines may crawl.

Public pages (profiles, posts, tags, the about pages) may be crawled; the API,
OAuth, sign-in and every page that only makes sense signed in may not. With
``WEFT_ROBOTS_DISALLOW_ALL`` nothing may be, as many fediverse servers choose.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse

from weft.runtime import Runtime, runtime

router = APIRouter()

PRIVATE_PATHS = (
    "/api/",
    "/oauth/",
    "/auth/",
    "/settings",
    "/compose",
    "/search",
    "/activity",
    "/messages",
    "/drafts",
    "/invite/",
    "/invites",
    "/admin",
    "/home/",
    "/following",
    "/fediverse",
    "/follow_requests",
    "/statuses/",
    "/accounts/",
    "/inbox",
)
ALLOWED = "User-agent: *\n" + "".join(f"Disallow: {path}\n" for path in PRIVATE_PATHS)
NOTHING = "User-agent: *\nDisallow: /\n"


@router.get("/robots.txt")
async def robots(rt: Runtime = Depends(runtime)) -> PlainTextResponse:
    body = NOTHING if rt.settings.robots_disallow_all else ALLOWED
    return PlainTextResponse(body, headers={"Cache-Control": "public, max-age=3600"})
