"""Cross-origin access for browser clients, on the client API's paths only.

Browser-based Mastodon clients (Phanpy, Elk, Pinafore) are served from their
own origins and call the API with a bearer token, so the API answers CORS as
Mastodon does (its config/initializers/cors.rb): any origin, no credentials.
The web app's pages authenticate with a cookie and never answer CORS: another
origin's script must not read them.
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

# Path prefixes and exact paths a browser client may call from another origin.
PREFIXES = ("/api/", "/.well-known/", "/nodeinfo/")
PATHS = frozenset({"/oauth/token", "/oauth/revoke", "/oauth/userinfo"})
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
ALLOWED_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key"]
EXPOSED_HEADERS = ["Link", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]


def is_client_path(path: str) -> bool:
    return path in PATHS or path.startswith(PREFIXES)


class ClientCors:
    """Starlette's CORSMiddleware around ``app`` for the client paths; other
    requests (the web app's pages, ActivityPub) go to ``app`` untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_credentials=False,
            allow_methods=METHODS,
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_client_path(scope["path"]):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
