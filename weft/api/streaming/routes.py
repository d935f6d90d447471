"""The streaming API's doors: ``GET /api/v1/streaming/health``, the
server-sent-events paths (``/api/v1/streaming/user``, ...), and the WebSocket
at ``/api/v1/streaming``, as Mastodon 4.x serves them.

SSE: ``event: <name>`` and ``data: <payload>`` lines, a ``:thump`` comment as
heartbeat. WebSocket: ``{"stream": [...], "event": ..., "payload": "..."}``
frames; ``{"type": "subscribe" | "unsubscribe", "stream": ..., "tag"/"list": ...}``
messages; errors as ``{"error": ..., "status": ...}`` frames. The token comes
from the ``Authorization`` header, the ``access_token`` query parameter, or
(the WebSocket) ``Sec-WebSocket-Protocol``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, cast
from urllib.parse import urlsplit

import orjson
from fastapi import APIRouter, Request, WebSocket
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect

from weft.actions.sessions import resume_session
from weft.api.auth import load_credentials
from weft.api.streaming.hub import (
    OUTAGE,
    REVOKED,
    SHUTDOWN,
    SIGNED_OUT,
    SLOW,
    Hub,
    Socket,
    TooManySockets,
)
from weft.api.streaming.hub import Viewer as StreamViewer
from weft.api.streaming.render import render
from weft.api.streaming.shared import SharedReads
from weft.api.streaming.streams import PATHS, THREAD, Stream, parse_stream
from weft.api.token_verdict import INVALID, OUT_OF_SCOPE, token_verdict
from weft.errors import Forbidden, Invalid, NotFound, Unauthorized, WeftError
from weft.events import keys
from weft.policies.scopes import covers_any
from weft.queries.timelines import visible_page
from weft.runtime import Runtime, runtime_of

log = logging.getLogger("weft.streaming")
router = APIRouter()
HUB = "streaming_hub"
# The web app's session cookie (weft/web/session.py names it too).
SESSION_COOKIE = "weft_session"
MAX_COOKIE = 200
WEBSOCKET_PATHS = ("/api/v1/streaming", "/api/v1/streaming/")
LEFT = "client left"  # the listener saw the socket end: nothing to close
TOO_MANY = "too many streams are open with this access token"
# WebSocket close codes (RFC 6455): why a socket ended.
CLOSE_CODES = {SLOW: 1008, REVOKED: 1008, SIGNED_OUT: 1008, OUTAGE: 1011, SHUTDOWN: 1012}


def hub_of(rt: Runtime) -> Hub:
    return cast(Hub, rt.extra[HUB])


@router.get("/api/v1/streaming/health", include_in_schema=False)
async def health() -> PlainTextResponse:
    return PlainTextResponse("OK")


# --- who is streaming ---------------------------------------------------------


async def viewer_of(rt: Runtime, raw: str | None) -> StreamViewer:
    """The token's viewer (anonymous without one); 401/403 as the REST API answers."""
    if raw is None:
        return StreamViewer(None, None, frozenset())
    credentials = await load_credentials(rt, raw)
    if credentials is None:
        raise Unauthorized(INVALID)
    refusal = token_verdict(rt.settings, credentials.facts, credentials.checked_at)
    if refusal is not None:
        raise refusal
    account = credentials.account.id if credentials.account is not None else None
    return StreamViewer(account, credentials.token.id, credentials.scopes)


def checked(viewer: StreamViewer, name: str | None, params: Mapping[str, str]) -> Stream:
    stream = parse_stream(name, params, viewer.account_id)
    if viewer.token_id is not None and not covers_any(viewer.scopes, stream.scopes):
        raise Forbidden(OUT_OF_SCOPE)
    return stream


async def resolved(
    rt: Runtime, viewer: StreamViewer, name: str | None, params: Mapping[str, str]
) -> Stream:
    """:func:`checked`, and the conversation of a ``weft:thread`` stream's post
    (404 unless the viewer may see that post)."""
    stream = checked(viewer, name, params)
    if stream.name[0] != THREAD:
        return stream
    status_id = int(stream.name[1])
    async with rt.db.read() as session:
        page = await visible_page(session, viewer.account_id, [status_id], hide_muted=False)
        if not page.statuses:
            raise NotFound()
        conversation = page.statuses[0].conversation_id or status_id
    return replace(stream, keys=frozenset({keys.thread(conversation)}))


async def session_viewer(rt: Runtime, websocket: WebSocket, secret: str) -> StreamViewer:
    """The web app's signed-in person, by the session cookie. Only from this
    site's own pages: a browser sends the cookie with a socket opened by any
    site, so the Origin must be ours (cross-site WebSocket hijacking)."""
    origin = websocket.headers.get("origin", "")
    if origin.rstrip("/") != _origin(rt.settings.base_url):
        raise Forbidden("a session cookie is accepted only from this server's own pages")
    found = await resume_session(rt.db, secret)
    if found is None:
        raise Unauthorized("the session has ended: sign in again")
    web_session, user = found
    # A web session reads everything its person may (the web app's pages do);
    # its sockets close once it ends (weft/api/streaming/tokens.py).
    return StreamViewer(user.account_id, None, frozenset({"read"}), web_session.id)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _bearer(headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return query.get("access_token") or None


# --- server-sent events ---------------------------------------------------------


@router.get("/api/v1/streaming/{path:path}", include_in_schema=False)
async def server_sent_events(path: str, request: Request) -> Response:
    name = PATHS.get(path.strip("/"))
    if name is None:
        raise NotFound(f"no stream at /api/v1/streaming/{path}")
    rt = runtime_of(request)
    viewer = await viewer_of(rt, _bearer(request.headers, request.query_params))
    stream = await resolved(rt, viewer, name, request.query_params)
    hub = hub_of(rt)
    try:
        socket = hub.open(viewer)
    except TooManySockets:
        return JSONResponse({"error": TOO_MANY}, status_code=429)
    hub.subscribe(socket, stream)
    return EventStream(rt, hub, socket)


class EventStream(Response):
    """An SSE response that ends when the client leaves or the hub closes it."""

    def __init__(self, rt: Runtime, hub: Hub, socket: Socket) -> None:
        # No body and no content-length: the stream is written as events come.
        self.status_code = 200
        self.background = None
        self.raw_headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-store"),
            (b"x-accel-buffering", b"no"),  # a proxy in front must not buffer it
        ]
        self.rt, self.hub, self.socket = rt, hub, socket

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            await _first_of(self._pump(send), _disconnected(receive))
            with contextlib.suppress(OSError):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            self.hub.release(self.socket)

    async def _pump(self, send: Send) -> None:
        async def write(text: str) -> None:
            await send({"type": "http.response.body", "body": text.encode(), "more_body": True})

        await write(":)\n")
        socket = self.socket
        while socket.closed is None:
            item = await socket.next(self.hub.heartbeat_seconds)
            if socket.closed is not None:
                return
            if item is None:
                await write(":thump\n")
                continue
            payload = await _payload(self.rt, socket, *item)
            if payload is not None:
                await write(f"event: {item[1].name}\ndata: {payload}\n\n")


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _first_of(*work: Any) -> None:
    """Run ``work`` until one part ends; cancel the others."""
    tasks = [asyncio.ensure_future(w) for w in work]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        error = task.exception()
        if error is not None and not isinstance(error, OSError | WebSocketDisconnect):
            raise error


async def _payload(
    rt: Runtime, socket: Socket, stream: Stream, event: Any, shared: SharedReads
) -> str | None:
    try:
        return await render(rt, socket.viewer, stream, event, shared)
    except Exception:
        # One event that fails to load is skipped, never the socket's end.
        log.warning("streaming: could not render a %s event", event.name, exc_info=True)
        return None


# --- the WebSocket ---------------------------------------------------------------


async def websocket_stream(websocket: WebSocket) -> None:
    rt: Runtime = websocket.app.state.runtime
    hub = hub_of(rt)
    query = websocket.query_params
    protocol = websocket.headers.get("sec-websocket-protocol") or None
    raw = _bearer(websocket.headers, query) or protocol
    cookie = websocket.cookies.get(SESSION_COOKIE, "")
    try:
        if raw is None and 0 < len(cookie) <= MAX_COOKIE:
            viewer = await session_viewer(rt, websocket, cookie)
        else:
            viewer = await viewer_of(rt, raw)
        first = (
            await resolved(rt, viewer, query.get("stream"), query) if query.get("stream") else None
        )
        socket = hub.open(viewer)
    except WeftError as error:
        await _deny(websocket, error.status, _message(error))
        return
    except TooManySockets:
        await _deny(websocket, 429, TOO_MANY)
        return
    try:
        await websocket.accept(subprotocol=protocol)
        if first is not None:
            hub.subscribe(socket, first)
        await _converse(rt, websocket, hub, socket)
    finally:
        hub.release(socket)


async def _converse(rt: Runtime, websocket: WebSocket, hub: Hub, socket: Socket) -> None:
    """Listen for the client's messages in this task; send events (and the
    hub's close) from a task that lives only while there is something to
    send. An idle socket holds one task (benchmark e, docs/performance.md)."""
    speaker = _Speaker(rt, websocket, socket)
    try:
        await _listen(rt, websocket, hub, socket)
    except (OSError, WebSocketDisconnect):
        pass  # the client left, or answered our close
    finally:
        socket.close(LEFT)
        await speaker.stop()


class _Speaker:
    def __init__(self, rt: Runtime, websocket: WebSocket, socket: Socket) -> None:
        self.rt, self.websocket, self.socket = rt, websocket, socket
        self.task: asyncio.Task[None] | None = None
        self.loop = asyncio.get_running_loop()
        socket.wake = self.wake
        if socket.closed is not None or socket.pending:
            self.wake()

    def wake(self) -> None:
        # No await between the task's last look at the queue and its end, so
        # a wake-up either finds it running (it will see the event) or done.
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._speak())

    async def stop(self) -> None:
        self.socket.wake = None
        task = self.task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _speak(self) -> None:
        socket, websocket = self.socket, self.websocket
        try:
            while (item := socket.take()) is not None:
                stream, event, shared = item
                payload = await _payload(self.rt, socket, stream, event, shared)
                if payload is None:
                    continue
                frame = {"stream": list(stream.name), "event": event.name, "payload": payload}
                await websocket.send_text(orjson.dumps(frame).decode())
            if socket.closed not in (None, LEFT):
                code = CLOSE_CODES.get(socket.closed, 1000)
                await websocket.close(code=code, reason=socket.closed)
        except (OSError, WebSocketDisconnect, RuntimeError):
            # The client left while we spoke (Starlette raises RuntimeError
            # for a send after the close): the listener sees it end.
            socket.close(LEFT)


async def _deny(websocket: WebSocket, status: int, message: str) -> None:
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(JSONResponse({"error": message}, status_code=status))
    else:
        await websocket.close(code=1008, reason=message[:120])


def _message(error: WeftError) -> str:
    return error.message


async def _listen(rt: Runtime, websocket: WebSocket, hub: Hub, socket: Socket) -> None:
    """Subscribe and unsubscribe messages; a bad one is answered, not fatal."""
    while True:
        text = await websocket.receive_text()
        try:
            message = orjson.loads(text)
            if not isinstance(message, dict):
                raise Invalid("message", "must be a JSON object")
            kind = message.get("type")
            params = {k: str(v) for k, v in message.items() if isinstance(v, str | int)}
            if kind == "subscribe":
                stream = await resolved(rt, socket.viewer, params.get("stream"), params)
                hub.subscribe(socket, stream)
            elif kind == "unsubscribe":
                stream = parse_stream(params.get("stream"), params, socket.viewer.account_id)
                hub.unsubscribe(socket, stream.name)
            else:
                raise Invalid("type", "must be subscribe or unsubscribe")
        except orjson.JSONDecodeError:
            await _error(websocket, 400, "the message is not JSON")
        except WeftError as error:
            await _error(websocket, error.status, _message(error))


async def _error(websocket: WebSocket, status: int, message: str) -> None:
    await websocket.send_text(orjson.dumps({"error": message, "status": status}).decode())


# Plain Starlette routes, not FastAPI's: no dependency solving, and none of
# its per-call exit stacks held for a socket's whole life (benchmark e).
# ``weft serve`` answers these paths before the app (front.py).
for _path in WEBSOCKET_PATHS:
    router.add_websocket_route(_path, websocket_stream)
