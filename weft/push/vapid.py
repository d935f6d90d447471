"""The server's VAPID key pair (RFC 8292): the private key signs every push
request, the public key is what clients subscribe with
(``configuration.vapid.public_key`` in ``/api/v2/instance``).

The key is ``WEFT_VAPID_PRIVATE_KEY`` or, unset, the one generated into the
data folder on first start (weft/config.py), kept as the secret key is.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from weft.config import Settings, load_or_create_vapid_key


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """Base64url or plain base64, padded or not (clients send either)."""
    cleaned = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
    return base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))


def private_key_text(settings: Settings) -> str:
    return settings.vapid_private_key or load_or_create_vapid_key(settings.data_dir)


def private_key(settings: Settings) -> ec.EllipticCurvePrivateKey:
    return _key(private_key_text(settings))


def public_key(settings: Settings) -> str:
    """The public key as clients take it: the uncompressed point, base64url."""
    return _public(private_key_text(settings))


@lru_cache(maxsize=8)
def _key(text: str) -> ec.EllipticCurvePrivateKey:
    raw = b64url_decode(text)
    if len(raw) != 32:
        raise ValueError("the VAPID private key must be 32 bytes in base64url")
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())


@lru_cache(maxsize=8)
def _public(text: str) -> str:
    point = _key(text).public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return b64url(point)
