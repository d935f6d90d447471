"""A push service on loopback, as a browser's would be: it takes POSTed
messages, checks each one's VAPID signature (RFC 8292) and decrypts it with
the subscription's keys (RFC 8291), using ``cryptography`` and http-ece
directly, never Weft's own sending code.

>>> with PushReceiver() as receiver:
...     keys = receiver.subscription_keys()   # what a browser would hand the app
...     ...                                   # Weft pushes to receiver.endpoint
...     receiver.messages[0].payload          # the decrypted JSON
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    headers: dict[str, str]
    payload: dict[str, Any]
    vapid_key: str  # the k= of the Authorization header
    claims: dict[str, Any]


class BadPush(AssertionError):
    pass


@dataclass
class PushReceiver:
    """Answers ``status`` (201 as a push service does) to every message."""

    status: int = 201
    messages: list[Received] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    posts: int = 0

    def __post_init__(self) -> None:
        self._key = ec.generate_private_key(ec.SECP256R1())
        self._auth = os.urandom(16)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.posts += 1
                    try:
                        receiver.messages.append(receiver.check(dict(self.headers), body))
                    except BadPush as error:
                        receiver.errors.append(str(error))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.endpoint = f"{self.origin}/push/abc123"

    def __enter__(self) -> PushReceiver:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def subscription_keys(self) -> dict[str, str]:
        point = self._key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {"p256dh": b64url(point), "auth": b64url(self._auth)}

    def check(self, headers: dict[str, str], body: bytes) -> Received:
        lower = {k.lower(): v for k, v in headers.items()}
        if lower.get("content-encoding") != "aes128gcm":
            raise BadPush(f"Content-Encoding is {lower.get('content-encoding')!r}")
        if not lower.get("ttl", "").isdigit():
            raise BadPush("no TTL header")
        key, claims = self._vapid(lower.get("authorization", ""))
        try:
            plain = http_ece.decrypt(
                body, private_key=self._key, auth_secret=self._auth, version="aes128gcm"
            )
        except Exception as error:
            raise BadPush(f"could not decrypt: {error}") from None
        return Received(lower, json.loads(plain), key, claims)

    def _vapid(self, header: str) -> tuple[str, dict[str, Any]]:
        """RFC 8292: ``vapid t=<JWT>, k=<key>``; the JWT ES256-signed by k."""
        scheme, _, rest = header.partition(" ")
        if scheme.lower() != "vapid":
            raise BadPush(f"Authorization is not vapid: {header!r}")
        params = dict(p.strip().split("=", 1) for p in rest.split(","))
        token, key = params["t"], params["k"]
        signed, _, signature = token.rpartition(".")
        head = json.loads(unb64url(signed.split(".")[0]))
        if head.get("alg") != "ES256":
            raise BadPush(f"JWT alg is {head.get('alg')!r}")
        raw = unb64url(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        try:
            public.verify(der, signed.encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise BadPush("the VAPID signature does not verify") from None
        claims = json.loads(unb64url(signed.split(".")[1]))
        if claims.get("aud") != self.origin:
            raise BadPush(f"aud is {claims.get('aud')!r}, not {self.origin}")
        if not time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600:
            raise BadPush("exp is not within the next 24 hours")
        if not claims.get("sub"):
            raise BadPush("no sub claim")
        return key, claims
