"""Secrets: random tokens, their stored hashes, and password hashing."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

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
