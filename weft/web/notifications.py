"""Browser notifications (web push): the opt-in page in Settings, where a
browser's push subscription is kept for its signed-in session, and the
service worker that shows what arrives.

- ``GET /settings/notifications``: the page; static/push.js asks the
  browser's permission, subscribes it with the server's VAPID key and posts
  the subscription here.
- ``POST /settings/notifications``: ``endpoint``, ``p256dh``, ``auth`` (the
  browser's PushSubscription): this session's subscription, every alert on.
- ``POST /settings/notifications/off``: no more pushes to this browser.
- ``GET /sw.js``: the service worker, at the root so that its scope is the
  whole site.

The subscription belongs to the session: signing out (or revoking the
session) removes it with the session's row.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select

from weft.actions import push as push_actions
from weft.models import User
from weft.models.push import PushSubscription
from weft.push.vapid import public_key
from weft.runtime import Runtime, runtime
from weft.web.common import require_user
from weft.web.session import form_fields, load_visitor
from weft.web.templating import render

router = APIRouter()
PAGE = "/settings/notifications"
STATIC = Path(__file__).parent / "static"


def _session_id(visitor_session: object) -> int:
    assert visitor_session is not None  # require_user: a signed-in browser has a session
    return int(visitor_session.id)  # type: ignore[attr-defined]


@router.get(PAGE, response_class=HTMLResponse)
async def page(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    session_id = _session_id((await load_visitor(request)).session)
    async with rt.db.read() as session:
        on = await session.scalar(
            select(PushSubscription.id).where(PushSubscription.web_session_id == session_id)
        )
    context = {
        "section": "notifications",
        "subscribed": on is not None,
        "vapid_key": public_key(rt.settings),
        "done": request.query_params.get("done"),
    }
    return await render(request, "settings/notifications.html", context)


@router.post(PAGE, response_model=None)
async def subscribe(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    fields = await form_fields(request)
    keys = push_actions.Keys(
        endpoint=fields.get("endpoint", ""),
        p256dh=fields.get("p256dh", ""),
        auth=fields.get("auth", ""),
    )
    everything = push_actions.Data(alerts=dict.fromkeys(push_actions.ALERTS, True), policy="all")
    await push_actions.subscribe(
        rt.db,
        rt.settings,
        user.account_id,
        keys,
        everything,
        web_session_id=_session_id((await load_visitor(request)).session),
    )
    return _done(request, "on")


@router.post(f"{PAGE}/off", response_model=None)
async def unsubscribe(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    session_id = _session_id((await load_visitor(request)).session)
    await push_actions.unsubscribe(rt.db, web_session_id=session_id)
    return _done(request, "off")


def _done(request: Request, state: str) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"notifications": state})
    return RedirectResponse(f"{PAGE}?done={state}", status_code=303)


@router.get("/sw.js", include_in_schema=False)
async def service_worker() -> Response:
    script = (STATIC / "sw.js").read_bytes()
    headers = {"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"}
    return Response(script, media_type="text/javascript", headers=headers)
