"""Two-factor sign-in: a person's TOTP secret and their single-use backup codes.

The secret is sealed (AES-GCM) under a key derived from the server's secret
key (``weft.security.seal``); backup codes are kept as keyed hashes. A row
without ``enabled_at`` is a set-up not yet confirmed with a code.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow


class TwoFactorSecret(Base):
    __tablename__ = "two_factor_secrets"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    sealed_secret: Mapped[str] = mapped_column(Text)
    enabled_at: Mapped[datetime | None] = mapped_column(default=None)
    # The time step of the last code accepted: a code signs in once, and no
    # code of an earlier step after it (RFC 6238 §5.2).
    last_step: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BackupCode(Base):
    __tablename__ = "two_factor_backup_codes"

    id: Mapped[int] = snowflake_pk()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
