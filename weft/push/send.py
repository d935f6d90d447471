"""Sending one web push message: the payload encrypted for the subscription
(RFC 8291, ``aes128gcm``, by http-ece), the request signed with the server's
VAPID key (RFC 8292, by py-vapid), POSTed to the push service's endpoint
through the guarded fetcher (weft/net: size and time limits, no private
addresses, no redirects followed).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from weft.config import Settings
from weft.net.fetch import BadScheme, BlockedAddress, FetchError, HTTPStatus, fetch
from weft.push.vapid import b64url_decode, private_key

# A push service answers with a few bytes; anything longer is not read.
MAX_ANSWER_BYTES = 16 * 1024
TIMEOUT_SECONDS = 15.0
# How long the push service keeps a message for a device that is away (RFC 8030 5.2).
TTL_SECONDS = 48 * 3600
# The JWT's life (RFC 8292 allows at most 24 hours).
JWT_SECONDS = 12 * 3600


class Outcome(Enum):
    SENT = "sent"
    GONE = "gone"  # 404 or 410: the subscription has expired, remove it
    REFUSED = "refused"  # another 4xx: this message will never be taken


@dataclass(frozen=True)
class Target:
    endpoint: str
    p256dh: str  # the browser's public key, base64url
    auth: str  # the browser's auth secret, base64url


class Retry(Exception):
    """The push service could not take the message now (5xx, 429, unreachable)."""


def encrypt(target: Target, payload: bytes) -> bytes:
    """``payload`` encrypted for ``target`` (RFC 8291): a fresh sender key
    per message, whose public half is the record header's key id."""
    sender = ec.generate_private_key(ec.SECP256R1())
    body: bytes = http_ece.encrypt(
        payload,
        private_key=sender,
        dh=b64url_decode(target.p256dh),
        auth_secret=b64url_decode(target.auth),
        version="aes128gcm",
    )
    return body


def authorization(settings: Settings, endpoint: str) -> str:
    """``vapid t=<JWT>, k=<public key>`` for the push service at ``endpoint``."""
    parts = urlsplit(endpoint)
    claims = {
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(time.time()) + JWT_SECONDS,
        # Who to contact about this server's pushes (RFC 8292, section 2.1).
        "sub": f"mailto:{settings.contact_email}" if settings.contact_email else settings.base_url,
    }
    # no-strict: a server without a contact e-mail names its own URL, which
    # py-vapid's check accepts only in https.
    signer = Vapid02(private_key(settings), conf={"no-strict": True})
    header: str = signer.sign(claims)["Authorization"]
    return header


async def send(
    settings: Settings, target: Target, payload: bytes, *, urgency: str = "normal"
) -> Outcome:
    """Send ``payload`` to ``target``; raises :class:`Retry` when worth another try."""
    headers = {
        "Authorization": authorization(settings, target.endpoint),
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "TTL": str(TTL_SECONDS),
        "Urgency": urgency,
    }
    try:
        answer = await fetch(
            target.endpoint,
            settings=settings,
            method="POST",
            headers=headers,
            content=encrypt(target, payload),
            max_bytes=MAX_ANSWER_BYTES,
            timeout=TIMEOUT_SECONDS,
            follow_redirects=False,
        )
    except HTTPStatus as error:
        if error.status in (404, 410):
            return Outcome.GONE
        if error.status == 429 or error.status >= 500:
            raise Retry(f"{target.endpoint} answered {error.status}") from None
        return Outcome.REFUSED
    except (BadScheme, BlockedAddress):
        return Outcome.REFUSED
    except FetchError as error:
        raise Retry(str(error)) from None
    # A redirect is not followed: the message was not taken.
    return Outcome.SENT if answer.status < 300 else Outcome.REFUSED
