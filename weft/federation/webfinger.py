"""WebFinger (RFC 7033) and host-meta: from ``acct:user@domain`` to an actor.

``resource`` is ``acct:user@domain`` (the ``acct:`` may be left out, as
Mastodon allows) or the URL of a local actor (``/users/u``, ``/@u``,
``/actor``). The instance actor answers to ``acct:<domain>@<domain>``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from weft.config import Settings
from weft.db.database import Database
from weft.errors import BadRequest, NotFound
from weft.federation.actors import ACTIVITY_JSON, actor_uri
from weft.federation.loading import federated_person, instance_actor
from weft.models import Account

JRD_JSON = "application/jrd+json"
PROFILE_PAGE = "http://webfinger.net/rel/profile-page"


def requested_username(resource: str | None, settings: Settings) -> str:
    """The local username ``resource`` names: 400 if it names nothing, 404 if
    it is not of this server."""
    resource = (resource or "").strip()
    if not resource:
        raise BadRequest("The resource parameter is required")
    if resource.lower().startswith(("http://", "https://")):
        return _username_from_url(resource, settings)
    if resource.lower().startswith("acct:"):
        resource = resource[5:]
    username, at, domain = resource.lstrip("@").rpartition("@")
    if not at or not username or not domain or "/" in resource:
        raise BadRequest("The resource must be acct:user@domain or an actor URL")
    if domain.lower() != settings.domain.lower():
        raise NotFound()
    return username


def _username_from_url(url: str, settings: Settings) -> str:
    parts = urlsplit(url)
    ours = urlsplit(settings.base_url)
    if (parts.scheme, parts.netloc.lower()) != (ours.scheme, ours.netloc.lower()):
        raise NotFound()
    path = parts.path.rstrip("/")
    if path == "/actor":
        return settings.domain
    for prefix in ("/users/", "/@"):
        name = path[len(prefix) :] if path.startswith(prefix) else ""
        # The instance actor lives at /actor only, not under a person's paths.
        if name and "/" not in name and name.lower() != settings.domain.lower():
            return name
    raise NotFound()


async def find_actor(db: Database, settings: Settings, username: str) -> Account:
    if username.lower() == settings.domain.lower():
        return await instance_actor(db, settings)
    return await federated_person(db, username)


def jrd(account: Account, settings: Settings) -> dict[str, Any]:
    uri = actor_uri(account, settings)
    profile = account.url or f"{settings.base_url}/@{account.username}"
    return {
        "subject": f"acct:{account.username}@{settings.domain}",
        "aliases": [profile, uri],
        "links": [
            {"rel": PROFILE_PAGE, "type": "text/html", "href": profile},
            {"rel": "self", "type": ACTIVITY_JSON, "href": uri},
        ],
    }


def host_meta(settings: Settings) -> str:
    template = f"{settings.base_url}/.well-known/webfinger?resource={{uri}}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template="{template}"/>\n'
        "</XRD>\n"
    )
