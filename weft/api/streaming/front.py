"""The streaming WebSocket's own door, in front of the app (``weft serve``).

An idle socket's memory is mostly what its handler waits inside (benchmark e,
docs/performance.md): through the app, a WebSocket waits under a dozen
layers of middleware, routing and exception handling, each a suspended
coroutine holding objects of its own (about 8 KB a socket), none of which a
stream uses: it answers its own errors, and no rate limit, CORS rule or
body limit applies to it. The front hands the streaming WebSocket straight
to its handler, and everything else to the app. The app still routes the
same path (tests and embedders that serve it bare), to the same handler.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from weft.api.streaming.routes import WEBSOCKET_PATHS, websocket_stream


class StreamingFront:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] in WEBSOCKET_PATHS:
            scope["app"] = self.app  # where the handler finds the runtime
            await websocket_stream(WebSocket(scope, receive, send))
            return
        await self.app(scope, receive, send)
