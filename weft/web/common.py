"""What the web pages share: who must be signed in, posts as the templates
take them, and the ActivityPub twin of a page."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from weft.api.serializers.filters import Filtering
from weft.api.serializers.statuses import status_entities
from weft.config import Settings
from weft.errors import Unauthorized
from weft.models import Account, User
from weft.queries.timelines import StatusPage
from weft.web.session import load_visitor

SIGN_IN_MESSAGE = "Please sign in to do that."
ACTIVITY_JSON = "application/activity+json"


class SignInRequired(Unauthorized):
    """Nobody is signed in; the web error handler sends the browser to sign in."""

    def __init__(self) -> None:
        super().__init__(SIGN_IN_MESSAGE)


async def require_user(request: Request) -> User:
    """The signed-in user; otherwise a 303 to ``/auth/sign_in?next=<this page>``.

    Usable as a FastAPI dependency. weft/web/errors.py turns the 401 into the
    redirect (``next`` is this page for a GET, the page the form was on for a POST).
    """
    user = (await load_visitor(request)).user
    if user is None:
        request.state.sign_in_required = True
        raise SignInRequired()
    return user


def statuses_for_page(
    page: StatusPage, settings: Settings, filtering: Filtering | None = None
) -> list[dict[str, Any]]:
    """The page's posts as Mastodon Status entities, which ``_post.html``
    renders, less those the viewer's filters hide (``filtering``)."""
    return status_entities(page.statuses, page.bundle, settings, filtering)


def activity_id(account: Account, uri: str | None) -> str | None:
    """The ActivityPub id of a page's person or post (``uri``), when other
    servers may fetch it: a local person whose fediverse switch is on."""
    if account.domain is not None or not account.federated or account.suspended_at:
        return None
    return uri if account.actor_type == "Person" else None


def with_alternate(response: Response, object_id: str | None) -> Response:
    """A page whose URL also answers ActivityStreams (weft/federation/routes.py's
    ``ActivityRoute``): it varies by ``Accept`` and links its object."""
    response.headers["Vary"] = "Accept"
    if object_id:
        response.headers["Link"] = f'<{object_id}>; rel="alternate"; type="{ACTIVITY_JSON}"'
    return response
