"""A small real "other server" for federation tests: actor documents, notes and
WebFinger over HTTP on 127.0.0.1, and signed deliveries to a Weft inbox.

Documents are registered by path; every test actor gets its own RSA key, and
:meth:`RemoteServer.deliver` signs an activity with it (draft-cavage, as
Mastodon does) and POSTs it to a real Weft server.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from weft.federation.keys import generate_key_pair
from weft.federation.signatures import sign_request

AS_CONTEXT = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "toot": "http://joinmastodon.org/ns#",
    },
]
ACTIVITY_JSON = "application/activity+json"
# One key pair per run: generating 2048-bit keys per test would be slow.
_KEYS: list[tuple[str, str]] = []


def key_pair(index: int) -> tuple[str, str]:
    while len(_KEYS) <= index:
        _KEYS.append(generate_key_pair())
    return _KEYS[index]


@dataclass
class RemoteActor:
    server: RemoteServer
    username: str
    private_pem: str
    public_pem: str
    document: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.document["id"])

    @property
    def key_id(self) -> str:
        return f"{self.id}#main-key"

    def deliver(self, inbox_url: str, activity: dict[str, Any], **kwargs: Any) -> httpx.Response:
        return self.server.deliver(self, inbox_url, activity, **kwargs)


class RemoteServer:
    """``http://127.0.0.1:PORT``: documents by path, WebFinger for registered actors."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[str, bytes]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.domain = f"127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.actors: dict[str, RemoteActor] = {}
        self.received: list[tuple[str, Any]] = []

    def start(self) -> RemoteServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def serve(self, path: str, document: Any, content_type: str = ACTIVITY_JSON) -> None:
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.documents[path] = (content_type, body)

    def serve_object(self, document: dict[str, Any]) -> None:
        self.serve(urlsplit(document["id"]).path, document)

    def actor(
        self, username: str, *, key: int = 0, path: str | None = None, **extra: Any
    ) -> RemoteActor:
        private_pem, public_pem = key_pair(key)
        actor_id = f"{self.url}{path or f'/users/{username}'}"
        document: dict[str, Any] = {
            "@context": AS_CONTEXT,
            "id": actor_id,
            "type": "Person",
            "preferredUsername": username,
            "name": username.title(),
            "summary": f"<p>I am {username}.</p>",
            "url": f"{self.url}/@{username}",
            "inbox": f"{actor_id}/inbox",
            "outbox": f"{actor_id}/outbox",
            "followers": f"{actor_id}/followers",
            "following": f"{actor_id}/following",
            "endpoints": {"sharedInbox": f"{self.url}/inbox"},
            "manuallyApprovesFollowers": False,
            "publicKey": {
                "id": f"{actor_id}#main-key",
                "owner": actor_id,
                "publicKeyPem": public_pem,
            },
            **extra,
        }
        actor = RemoteActor(self, username, private_pem, public_pem, document)
        self.actors[username] = actor
        self.serve(urlsplit(actor_id).path, document)
        return actor

    def deliver(
        self,
        actor: RemoteActor,
        inbox_url: str,
        activity: dict[str, Any],
        *,
        key_id: str | None = None,
        private_pem: str | None = None,
        body: bytes | None = None,
        tamper: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """POST ``activity`` signed by ``actor`` (or by the key given); ``tamper``
        replaces the body after signing."""
        payload = body if body is not None else json.dumps(activity).encode()
        signed = sign_request(
            "POST",
            inbox_url,
            {"Content-Type": ACTIVITY_JSON},
            payload,
            key_id=key_id or actor.key_id,
            private_key_pem=private_pem or actor.private_pem,
        )
        sent = {"Content-Type": ACTIVITY_JSON, **signed, **(headers or {})}
        sent.pop("Host")
        return httpx.post(
            inbox_url, content=tamper if tamper is not None else payload, headers=sent, timeout=30
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                server.requests.append(("GET", self.path, dict(self.headers.items())))
                if parts.path == "/.well-known/webfinger":
                    self._webfinger(parse_qs(parts.query).get("resource", [""])[0])
                    return
                found = server.documents.get(parts.path)
                if found is None:
                    self._answer(404, "application/json", b'{"error":"not found"}')
                    return
                self._answer(200, *found)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                server.requests.append(("POST", self.path, dict(self.headers.items())))
                server.received.append((self.path, json.loads(body or b"null")))
                self._answer(202, "application/json", b"")

            def _webfinger(self, resource: str) -> None:
                username = resource.removeprefix("acct:").partition("@")[0]
                actor = server.actors.get(username)
                if actor is None:
                    self._answer(404, "application/json", b"{}")
                    return
                document = {
                    "subject": f"acct:{username}@{server.domain}",
                    "links": [{"rel": "self", "type": ACTIVITY_JSON, "href": actor.id}],
                }
                self._answer(200, "application/jrd+json", json.dumps(document).encode())

            def _answer(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
