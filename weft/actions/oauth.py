"""OAuth 2 as Mastodon does it: apps, authorization codes (with PKCE), tokens.

RFC 6749 for the grants, RFC 7636 for PKCE, RFC 7009 for revocation.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.errors import Invalid, WeftError
from weft.models import OAuthAccessToken, OAuthApplication, OAuthAuthorizationCode, User
from weft.models.base import utcnow
from weft.policies import scopes as scope_policy
from weft.security import random_token, same, token_hash

OOB = "urn:ietf:wg:oauth:2.0:oob"
CODE_LIFETIME = timedelta(minutes=10)
MAX_REDIRECT_URIS = 10


class OAuthError(WeftError):
    """An error in RFC 6749's form: ``error`` is the code, ``description`` says why."""

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.description = description
        self.status = status


@dataclass(frozen=True)
class IssuedToken:
    token: OAuthAccessToken
    access_token: str
    refresh_token: str | None


def _check_redirect_uri(uri: str) -> None:
    if uri == OOB:
        return
    parts = urlsplit(uri)
    if not parts.scheme or (parts.scheme in ("http", "https") and not parts.netloc):
        raise Invalid("redirect_uris", f"must be absolute URIs ({uri!r} is not)")
    if parts.fragment:
        raise Invalid("redirect_uris", "must not contain a fragment")


async def create_application(
    db: Database,
    *,
    name: str,
    redirect_uris: list[str],
    scopes: str | None,
    website: str | None = None,
    owner_user_id: int | None = None,
) -> tuple[OAuthApplication, str]:
    """Register a client; returns it and its secret (shown once, stored hashed)."""
    name = name.strip()
    if not name:
        raise Invalid("client_name", "can't be blank", "ERR_BLANK")
    if len(name) > 255:
        raise Invalid("client_name", "is too long (maximum is 255 characters)", "ERR_TOO_LONG")
    uris = [u.strip() for u in redirect_uris if u.strip()]
    if not uris:
        raise Invalid("redirect_uris", "can't be blank", "ERR_BLANK")
    if len(uris) > MAX_REDIRECT_URIS:
        raise Invalid("redirect_uris", f"has too many entries (maximum is {MAX_REDIRECT_URIS})")
    for uri in uris:
        _check_redirect_uri(uri)
    requested = scope_policy.parse(scopes)
    bad = scope_policy.unknown(requested)
    if bad:
        raise Invalid("scopes", f"includes unknown scopes: {' '.join(bad)}")
    if website and urlsplit(website).scheme not in ("http", "https"):
        raise Invalid("website", "must be an http(s) URL")
    secret = random_token()
    app = OAuthApplication(
        name=name,
        website=website or None,
        redirect_uris="\n".join(uris),
        scopes=" ".join(requested),
        client_id=random_token(),
        client_secret_hash=token_hash(secret),
        owner_user_id=owner_user_id,
    )
    async with db.write() as session:
        session.add(app)
    return app, secret


async def find_client(db: Database, client_id: str | None) -> OAuthApplication:
    if not client_id:
        raise OAuthError("invalid_client", "Client authentication failed: no client_id", 401)
    if "\x00" in client_id:  # from HTTP Basic; PostgreSQL refuses NUL in a query
        raise OAuthError("invalid_client", "Client authentication failed: unknown client", 401)
    async with db.read() as session:
        app = await session.scalar(
            select(OAuthApplication).where(OAuthApplication.client_id == client_id)
        )
    if app is None:
        raise OAuthError("invalid_client", "Client authentication failed: unknown client", 401)
    return app


async def authenticate_client(
    db: Database, client_id: str | None, client_secret: str | None
) -> OAuthApplication:
    app = await find_client(db, client_id)
    if not client_secret or not same(app.client_secret_hash, token_hash(client_secret)):
        raise OAuthError("invalid_client", "Client authentication failed: wrong secret", 401)
    return app


def grantable_scopes(app: OAuthApplication, requested: str | None) -> list[str]:
    """The scopes a grant asks for, which must lie within what the app registered.

    Omitted, they default to ``read`` as in Mastodon (or to the app's own scopes
    when it did not register ``read``).
    """
    registered = app.scopes.split()
    if requested is None or not requested.strip():
        return ["read"] if "read" in registered else registered
    wanted = scope_policy.parse(requested)
    if scope_policy.unknown(wanted) or not scope_policy.within(wanted, registered):
        raise OAuthError(
            "invalid_scope",
            "The requested scope is invalid, unknown, malformed, "
            "or exceeds what the app registered",
        )
    return wanted


def check_redirect(app: OAuthApplication, redirect_uri: str | None) -> str:
    registered = app.redirect_uris.split()
    if redirect_uri is None and len(registered) == 1:
        return registered[0]
    if redirect_uri not in registered:
        raise OAuthError("invalid_grant", "The redirect URI does not match one the app registered")
    return redirect_uri


def _issue(
    session: AsyncSession, app_id: int | None, user_id: int | None, scopes: list[str]
) -> IssuedToken:
    access, refresh = random_token(), random_token()
    token = OAuthAccessToken(
        token_hash=token_hash(access),
        refresh_token_hash=token_hash(refresh) if user_id else None,
        application_id=app_id,
        user_id=user_id,
        scopes=" ".join(scopes),
    )
    session.add(token)
    return IssuedToken(token, access, refresh if user_id else None)


async def issue_token(
    db: Database, app: OAuthApplication | None, user_id: int | None, scopes: list[str]
) -> IssuedToken:
    async with db.write() as session:
        return _issue(session, app.id if app else None, user_id, scopes)


def check_code_challenge(challenge: str | None, method: str | None) -> str | None:
    """The PKCE method to use for ``challenge`` (RFC 7636 4.3), or None without PKCE."""
    if challenge is None:
        return None
    method = method or "plain"
    if method not in ("S256", "plain"):
        raise OAuthError("invalid_request", "code_challenge_method must be S256 or plain")
    if not 43 <= len(challenge) <= 128:
        raise OAuthError("invalid_request", "code_challenge must be 43 to 128 characters")
    return method


async def create_authorization_code(
    db: Database,
    app: OAuthApplication,
    user: User,
    *,
    redirect_uri: str,
    scopes: list[str],
    code_challenge: str | None,
    code_challenge_method: str | None,
) -> str:
    code_challenge_method = check_code_challenge(code_challenge, code_challenge_method)
    code = random_token()
    async with db.write() as session:
        session.add(
            OAuthAuthorizationCode(
                code_hash=token_hash(code),
                application_id=app.id,
                user_id=user.id,
                redirect_uri=redirect_uri,
                scopes=" ".join(scopes),
                code_challenge=code_challenge,
                code_challenge_method=code_challenge_method if code_challenge else None,
                expires_at=utcnow() + CODE_LIFETIME,
            )
        )
    return code


def _pkce_matches(code: OAuthAuthorizationCode, verifier: str | None) -> bool:
    if code.code_challenge is None:
        return True
    if not verifier:
        return False
    if code.code_challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        return same(expected, code.code_challenge)
    return same(verifier, code.code_challenge)


async def exchange_code(
    db: Database,
    app: OAuthApplication,
    code: str | None,
    redirect_uri: str | None,
    code_verifier: str | None,
) -> IssuedToken:
    if not code:
        raise OAuthError("invalid_request", "Missing required parameter: code")
    invalid = OAuthError(
        "invalid_grant",
        "The provided authorization grant is invalid, expired, revoked, does not match the "
        "redirection URI used in the authorization request, or was issued to another client.",
    )
    async with db.write() as session:
        grant = await session.scalar(
            select(OAuthAuthorizationCode).where(
                OAuthAuthorizationCode.code_hash == token_hash(code)
            )
        )
        if grant is None or grant.application_id != app.id or grant.expires_at <= utcnow():
            raise invalid
        if grant.used_at is not None:
            # A replayed code: revoke what it gave (RFC 6749 section 4.1.2).
            await session.execute(
                update(OAuthAccessToken)
                .where(
                    OAuthAccessToken.application_id == app.id,
                    OAuthAccessToken.user_id == grant.user_id,
                    OAuthAccessToken.created_at >= grant.created_at,
                    OAuthAccessToken.revoked_at.is_(None),
                )
                .values(revoked_at=utcnow())
            )
            grant_error = invalid
        else:
            grant_error = None
        if grant_error is None and (redirect_uri or grant.redirect_uri) != grant.redirect_uri:
            grant_error = invalid
        if grant_error is None and not _pkce_matches(grant, code_verifier):
            grant_error = OAuthError(
                "invalid_grant", "The code_verifier does not match the code_challenge"
            )
        if grant_error is None:
            grant.used_at = utcnow()
            return _issue(session, app.id, grant.user_id, grant.scopes.split())
    # Raised outside the block so the replay revocation above commits.
    raise grant_error


async def refresh_token(db: Database, app: OAuthApplication, refresh: str | None) -> IssuedToken:
    """A new token pair for a refresh token; the old pair stops working (rotation)."""
    if not refresh:
        raise OAuthError("invalid_request", "Missing required parameter: refresh_token")
    async with db.write() as session:
        old = await session.scalar(
            select(OAuthAccessToken).where(
                OAuthAccessToken.refresh_token_hash == token_hash(refresh)
            )
        )
        if old is None or old.application_id != app.id or old.revoked_at is not None:
            raise OAuthError("invalid_grant", "The refresh token is invalid, expired or revoked")
        old.revoked_at = utcnow()
        return _issue(session, app.id, old.user_id, old.scopes.split())


async def revoke_token(db: Database, app: OAuthApplication, token: str) -> None:
    """Revoke an access or refresh token of ``app``; unknown tokens are not an error (RFC 7009)."""
    hashed = token_hash(token)
    async with db.write() as session:
        await session.execute(
            update(OAuthAccessToken)
            .where(
                OAuthAccessToken.application_id == app.id,
                (OAuthAccessToken.token_hash == hashed)
                | (OAuthAccessToken.refresh_token_hash == hashed),
                OAuthAccessToken.revoked_at.is_(None),
            )
            .values(revoked_at=utcnow())
        )


async def revoke_authorizations(db: Database, user_id: int, app_id: int) -> int:
    """Sign an app out of a person's account (the settings page's 'revoke')."""
    async with db.write() as session:
        result = await session.execute(
            update(OAuthAccessToken)
            .where(
                OAuthAccessToken.user_id == user_id,
                OAuthAccessToken.application_id == app_id,
                OAuthAccessToken.revoked_at.is_(None),
            )
            .values(revoked_at=utcnow())
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
