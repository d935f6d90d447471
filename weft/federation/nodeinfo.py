"""NodeInfo 2.0 and 2.1 (https://nodeinfo.diaspora.software/): what software
this is, its protocols, and how many people use it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from weft import __version__
from weft.config import Settings
from weft.db.database import Database
from weft.models import Account
from weft.models.base import utcnow
from weft.queries.instance import active_since, people

VERSIONS = ("2.0", "2.1")
SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/{version}"


@dataclass(frozen=True)
class Usage:
    total: int
    active_month: int
    active_halfyear: int
    local_posts: int


async def usage(db: Database) -> Usage:
    """People who can sign in; active ones signed in or posted within the period."""
    now = utcnow()
    async with db.read() as session:
        total = await session.scalar(people())
        month = await session.scalar(people().where(active_since(now - timedelta(days=30))))
        halfyear = await session.scalar(people().where(active_since(now - timedelta(days=180))))
        posts = await session.scalar(
            select(func.coalesce(func.sum(Account.statuses_count), 0)).where(
                Account.domain.is_(None)
            )
        )
    return Usage(int(total or 0), int(month or 0), int(halfyear or 0), int(posts or 0))


def links(settings: Settings) -> dict[str, Any]:
    return {
        "links": [
            {"rel": SCHEMA.format(version=v), "href": f"{settings.base_url}/nodeinfo/{v}"}
            for v in VERSIONS
        ]
    }


def nodeinfo(
    version: str, settings: Settings, counts: Usage, *, open_registrations: bool | None = None
) -> dict[str, Any]:
    """``open_registrations``: anyone may ask for an account now (the sign-up
    mode, weft/queries/instance.py); None reads the configuration."""
    if open_registrations is None:
        open_registrations = settings.registrations_open
    software: dict[str, Any] = {"name": "weft", "version": __version__}
    if version == "2.1":
        software["repository"] = settings.source_url
        software["homepage"] = settings.source_url
    return {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"outbound": [], "inbound": []},
        "usage": {
            "users": {
                "total": counts.total,
                "activeMonth": counts.active_month,
                "activeHalfyear": counts.active_halfyear,
            },
            "localPosts": counts.local_posts,
        },
        "openRegistrations": open_registrations,
        "metadata": {
            "nodeName": settings.instance_title,
            "nodeDescription": settings.instance_description,
        },
    }


def content_type(version: str) -> str:
    return f'application/json; profile="{SCHEMA.format(version=version)}#"'
