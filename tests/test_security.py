"""Password hashing: Argon2id at its default cost, and the cheap hasher the test
suite swaps in (tests/conftest.py)."""

from __future__ import annotations

import subprocess
import sys

from argon2 import PasswordHasher

from tests.live import ROOT
from weft.security import hash_password, use_password_hasher, verify_password

HASH_ONE = (
    "import asyncio; from weft.security import hash_password; "
    "print(asyncio.run(hash_password('x')))"
)


def test_weft_hashes_at_argon2s_default_cost() -> None:
    """Outside the test suite nothing swaps the hasher: 64 MiB, three passes."""
    result = subprocess.run(
        [sys.executable, "-c", HASH_ONE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


async def test_hashes_name_their_cost_and_verify_under_any_hasher() -> None:
    cheap = await hash_password("correct horse battery")
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")  # the suite's hasher
    before = use_password_hasher(PasswordHasher())
    try:
        stored = await hash_password("correct horse battery")
        assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert await verify_password(cheap, "correct horse battery")
        assert await verify_password(stored, "correct horse battery")
        assert not await verify_password(stored, "correct horse")
    finally:
        assert use_password_hasher(before).memory_cost == 65536
    assert await verify_password(stored, "correct horse battery")
    assert not await verify_password(None, "correct horse battery")  # no such person
