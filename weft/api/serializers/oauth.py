"""Application and Token entities."""

from __future__ import annotations

from typing import Any

from weft.actions.oauth import IssuedToken
from weft.api.serializers.accounts import account as account_entity
from weft.config import Settings
from weft.models import Account, OAuthApplication


def application(app: OAuthApplication) -> dict[str, Any]:
    uris = app.redirect_uris.split()
    return {
        "id": str(app.id),
        "name": app.name,
        "website": app.website,
        "scopes": app.scopes.split(),
        "redirect_uri": "\n".join(uris),
        "redirect_uris": uris,
        "vapid_key": "",
    }


def credential_application(app: OAuthApplication, client_secret: str) -> dict[str, Any]:
    return {
        **application(app),
        "client_id": app.client_id,
        "client_secret": client_secret,
        "client_secret_expires_at": 0,
    }


def token_entity(issued: IssuedToken) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "scope": issued.token.scopes,
        "created_at": int(issued.token.created_at.timestamp()),
    }
    if issued.refresh_token:
        entity["refresh_token"] = issued.refresh_token
    return entity


def userinfo(a: Account, settings: Settings) -> dict[str, Any]:
    """OpenID Connect claims about the signed-in person (GET /oauth/userinfo)."""
    entity = account_entity(a, settings)
    return {
        "iss": settings.base_url + "/",
        "sub": entity["uri"],
        "name": entity["display_name"],
        "preferred_username": entity["username"],
        "profile": entity["url"],
        "picture": entity["avatar"],
    }
