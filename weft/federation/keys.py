"""RSA key pairs of local actors, made the first time one is needed.

Two requests may both find an actor without a key; each generates one, but
only the first ``UPDATE ... WHERE private_key_pem IS NULL`` lands, and both
then read back the stored pair, so an actor never has two keys.
"""

from __future__ import annotations

import asyncio

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import update

from weft.db.database import Database
from weft.errors import NotFound
from weft.models import Account

KEY_BITS = 2048


def generate_key_pair() -> tuple[str, str]:
    """A fresh 2048-bit RSA pair as ``(private PEM (PKCS#8), public PEM (SPKI))``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return private_pem, public_pem


async def new_key_pair() -> tuple[str, str]:
    """``generate_key_pair`` off the event loop (it takes tens of milliseconds)."""
    return await asyncio.to_thread(generate_key_pair)


async def ensure_key(db: Database, account: Account) -> Account:
    """``account`` (local) with its key pair, generating and storing one if it has none."""
    if account.private_key_pem and account.public_key_pem:
        return account
    if not account.is_local:
        raise ValueError("only local accounts hold private keys")
    private_pem, public_pem = await new_key_pair()
    async with db.write() as session:
        await session.execute(
            update(Account)
            .where(Account.id == account.id, Account.private_key_pem.is_(None))
            .values(private_key_pem=private_pem, public_key_pem=public_pem)
        )
    async with db.read() as session:
        stored = await session.get(Account, account.id, populate_existing=True)
    if stored is None:
        raise NotFound()
    return stored
