"""Secrets: random tokens, their stored hashes, password hashing, secrets sealed
under the server's key, and two-factor (TOTP, RFC 6238) codes."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Argon2id at argon2-cffi's defaults (RFC 9106's low-memory choice: 64 MiB, 3 passes).
_hasher = PasswordHasher()
# Verified against when no user matches, so a missing account takes as long
# to reject as a wrong password and cannot be told apart by timing. Made on
# first use: hashing costs every process that imports this (each `weft`
# command) a few hundred milliseconds.
_dummy_hash: str | None = None


def use_password_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Hash new passwords with ``hasher`` from now on; returns the one it replaces.

    For tests only: they make thousands of people, and at the defaults each
    costs a few hundred milliseconds of CPU (tests/conftest.py swaps in
    Argon2id's cheapest parameters). Hashes already stored keep verifying,
    since each one names its own parameters.
    """
    global _hasher, _dummy_hash
    before = _hasher
    _hasher, _dummy_hash = hasher, None
    return before


def random_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """How a bearer secret is stored: its SHA-256 (the secret is random, so no salt)."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


async def hash_password(password: str) -> str:
    # Argon2 costs tens of milliseconds of CPU: keep it off the event loop.
    return await asyncio.to_thread(_hasher.hash, password)


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hash


async def verify_password(password_hash: str | None, password: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher.verify(password_hash or _dummy(), password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


# --- sealed secrets and two-factor codes ---------------------------------------------------


def _sealing_key(server_key: str, purpose: str) -> bytes:
    # A key of its own per purpose, derived from the server's secret key
    # (WEFT_SECRET_KEY, or data_dir/secret_key): one secret to keep, as for sessions.
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"weft {purpose}".encode()
    ).derive(server_key.encode())


def seal(server_key: str, purpose: str, plain: str) -> str:
    """``plain`` encrypted (AES-256-GCM) under a key derived from the server's secret key."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_sealing_key(server_key, purpose)).encrypt(nonce, plain.encode(), None)
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(server_key: str, purpose: str, sealed: str) -> str | None:
    """What :func:`seal` sealed; None if it was sealed under another key or altered."""
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
        plain = AESGCM(_sealing_key(server_key, purpose)).decrypt(raw[:12], raw[12:], None)
    except (InvalidTag, ValueError):
        return None
    return plain.decode()


def keyed_hash(server_key: str, purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` under a key derived from the server's: a leaked
    table alone can't be searched for the values (backup codes, say)."""
    return hmac.new(_sealing_key(server_key, purpose), value.encode(), hashlib.sha256).hexdigest()


TOTP_PERIOD = 30
# One step either side: a phone's clock a little off still signs in (RFC 6238 §5.2).
TOTP_DRIFT_STEPS = 1


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(secret: str, account_name: str, issuer: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account_name, issuer_name=issuer)


def totp_step(secret: str, code: str, now: float) -> int | None:
    """The time step whose code ``code`` is (now, or one step either side), or None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_PERIOD)
    current = int(now // TOTP_PERIOD)
    for step in range(current - TOTP_DRIFT_STEPS, current + TOTP_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * TOTP_PERIOD), code):
            return step
    return None


def totp_code(secret: str, now: float) -> str:
    """The code for ``now`` (what an authenticator app shows)."""
    return pyotp.TOTP(secret, interval=TOTP_PERIOD).at(now)
