"""The streams a client may ask for, by Mastodon's names, and what each needs.

A :class:`Stream` is one subscription: the name a frame carries (``["user"]``,
``["hashtag", "cats"]``), the event keys it listens on (weft/events/keys.py),
and the scopes it needs. Mastodon's rules: ``user:notification`` needs
``read:notifications``, every other stream ``read:statuses`` (``read`` covers
both); ``user``, ``user:notification``, ``list`` and ``direct`` need a
person's token; the public and hashtag streams are open to anyone, as their
REST timelines are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from weft.errors import Invalid, NotFound, Unauthorized
from weft.events import keys

READ_STATUSES = ("read", "read:statuses")
READ_NOTIFICATIONS = ("read", "read:notifications")
PUBLIC_NAMES = {
    "public": keys.PUBLIC,
    "public:local": keys.PUBLIC_LOCAL,
    "public:remote": keys.PUBLIC_REMOTE,
}
NAMES = ("user", "user:notification", *PUBLIC_NAMES, "hashtag", "hashtag:local", "list", "direct")
# The SSE paths under /api/v1/streaming/ and the stream each serves.
PATHS = {
    "user": "user",
    "user/notification": "user:notification",
    "public": "public",
    "public/local": "public:local",
    "public/remote": "public:remote",
    "hashtag": "hashtag",
    "hashtag/local": "hashtag:local",
    "list": "list",
    "direct": "direct",
}
MAX_TAG = 255
# Weft's own: the replies in the conversation of a post (the web app's post
# page), ``{"type": "subscribe", "stream": "weft:thread", "status": "<id>"}``.
THREAD = "weft:thread"
# Streams whose posts are read as the home timeline reads them, for many
# viewers at once (weft/api/streaming/shared.py).
PERSONAL = ("user", THREAD)


@dataclass(frozen=True)
class Stream:
    name: tuple[str, ...]  # as frames name it: ("user",), ("hashtag", "cats")
    keys: frozenset[str]
    scopes: tuple[str, ...]  # any of these


def parse_stream(name: str | None, params: Mapping[str, str], account_id: int | None) -> Stream:
    """The stream ``name`` with its parameters (``tag``, ``list``) for a viewer
    (``account_id``, None when anonymous). Raises ``Invalid`` for an unknown
    stream or a missing parameter, ``Unauthorized`` when it needs a person."""
    if not name:
        raise Invalid("stream", "can't be blank", "ERR_BLANK")
    if name in PUBLIC_NAMES:
        return Stream((name,), frozenset({PUBLIC_NAMES[name]}), READ_STATUSES)
    if name in ("hashtag", "hashtag:local"):
        tag = (params.get("tag") or "").strip().lstrip("#")
        if not tag:
            raise Invalid("tag", "is missing: name the hashtag to stream", "ERR_BLANK")
        if len(tag) > MAX_TAG:
            raise Invalid("tag", f"is too long (at most {MAX_TAG} characters)", "ERR_TOO_LONG")
        key = keys.hashtag(tag, local=name == "hashtag:local")
        return Stream((name, tag), frozenset({key}), READ_STATUSES)
    if name == THREAD:
        status = (params.get("status") or "").strip()
        if not status.isdigit() or len(status) > 20:
            raise Invalid("status", "must name a post by its id")
        # Its key (the post's conversation) is found by the caller: weft/api/streaming/routes.py.
        return Stream((THREAD, status), frozenset(), READ_STATUSES)
    if name not in NAMES:
        raise Invalid("stream", f"{name!r} is not a stream (one of {', '.join(NAMES)})")
    if account_id is None:
        raise Unauthorized(f"the {name} stream needs an access token")
    if name == "user":
        wanted = {keys.user(account_id), keys.notifications(account_id)}
        return Stream(("user",), frozenset(wanted), READ_STATUSES)
    if name == "user:notification":
        wanted = {keys.notifications(account_id)}
        return Stream(("user:notification",), frozenset(wanted), READ_NOTIFICATIONS)
    if name == "direct":
        # Its one-to-one chats, as Mastodon's ``conversation`` events.
        return Stream(("direct",), frozenset({keys.direct(account_id)}), READ_STATUSES)
    list_id = (params.get("list") or "").strip()
    if not list_id:
        raise Invalid("list", "is missing: name the list to stream", "ERR_BLANK")
    if not list_id.isdigit() or len(list_id) > 20:
        raise Invalid("list", "must name a list by its id")
    # Weft has no lists yet: every list named is one the viewer does not have.
    raise NotFound(f"list {list_id} not found")
