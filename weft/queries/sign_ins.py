"""Where a person is signed in: browser sessions and the apps they authorized."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from weft.db.database import Database
from weft.models import OAuthAccessToken, OAuthApplication, WebSession
from weft.models.base import utcnow


async def web_sessions(db: Database, user_id: int) -> list[WebSession]:
    """The person's live browser sessions, most recently active first."""
    query = (
        select(WebSession)
        .where(WebSession.user_id == user_id, WebSession.expires_at > utcnow())
        .order_by(WebSession.last_active_at.desc(), WebSession.id.desc())
    )
    async with db.read() as session:
        return list(await session.scalars(query))


@dataclass(frozen=True)
class AuthorizedApp:
    """An app holding at least one live token for the person."""

    application: OAuthApplication
    scopes: list[str]
    authorized_at: datetime
    last_used_at: datetime | None


async def authorized_apps(db: Database, user_id: int) -> list[AuthorizedApp]:
    """Apps with live tokens for the person, the most recently authorized first."""
    live = (
        OAuthAccessToken.user_id == user_id,
        OAuthAccessToken.revoked_at.is_(None),
        or_(OAuthAccessToken.expires_at.is_(None), OAuthAccessToken.expires_at > utcnow()),
    )
    query = (
        select(
            OAuthApplication,
            func.min(OAuthAccessToken.created_at),
            func.max(OAuthAccessToken.last_used_at),
        )
        .join(OAuthAccessToken, OAuthAccessToken.application_id == OAuthApplication.id)
        .where(*live)
        .group_by(OAuthApplication.id)
        .order_by(func.max(OAuthAccessToken.created_at).desc())
    )
    scopes_query = select(OAuthAccessToken.application_id, OAuthAccessToken.scopes).where(*live)
    async with db.read() as session:
        rows = (await session.execute(query)).all()
        granted: dict[int, set[str]] = {}
        for app_id, scopes in (await session.execute(scopes_query)).all():
            if app_id is not None:
                granted.setdefault(app_id, set()).update(scopes.split())
    return [
        AuthorizedApp(app, sorted(granted.get(app.id, set())), first, last)
        for app, first, last in rows
    ]
