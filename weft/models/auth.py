"""Sign-in sessions and OAuth 2 applications, codes and tokens.

Every secret (session, code, token, client secret) is stored as its SHA-256:
they are long random strings, so a fast hash is enough, and a leaked database
gives no usable credential.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from weft.models.base import Base, snowflake_pk, utcnow


class WebSession(Base):
    """A signed-in browser (server-side session; the cookie holds the secret)."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = snowflake_pk()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64), default=None)
    user_agent: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class OAuthApplication(Base):
    __tablename__ = "oauth_applications"

    id: Mapped[int] = snowflake_pk()
    name: Mapped[str] = mapped_column(String(255))
    website: Mapped[str | None] = mapped_column(Text, default=None)
    redirect_uris: Mapped[str] = mapped_column(Text)  # newline-separated, as Mastodon
    scopes: Mapped[str] = mapped_column(Text)  # space-separated
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    client_secret_hash: Mapped[str] = mapped_column(String(64))
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OAuthAuthorizationCode(Base):
    __tablename__ = "oauth_authorization_codes"

    id: Mapped[int] = snowflake_pk()
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    redirect_uri: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(Text)
    code_challenge: Mapped[str | None] = mapped_column(String(128), default=None)
    code_challenge_method: Mapped[str | None] = mapped_column(String(16), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class OAuthAccessToken(Base):
    """An access token; ``user_id`` is empty for a client_credentials (app) token."""

    __tablename__ = "oauth_access_tokens"

    id: Mapped[int] = snowflake_pk()
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="CASCADE"), index=True, default=None
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True, default=None
    )
    scopes: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
