"""Status entities (Mastodon's shape) from a loaded ``StatusBundle``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

import orjson

from weft.api.serializers.accounts import account as account_entity
from weft.api.serializers.accounts import emoji_entities, iso
from weft.api.serializers.cards import card_entity
from weft.api.serializers.filters import Filtering, result_entities
from weft.api.serializers.media import media_entity
from weft.api.serializers.polls import poll_core, poll_for_viewer
from weft.api.serializers.replies import reply_fields
from weft.config import Settings
from weft.models import Account, MediaAttachment, Status, StatusEdit
from weft.policies.filters import post_text
from weft.policies.statuses import PostAccess, can_view, quote_approval
from weft.queries.status_bundle import StatusBundle
from weft.text.styled import with_attachment

# Mastodon's names for who may quote: ours, and another server's post's "following".
QUOTE_AUDIENCES = {"public": ["public"], "followers": ["followers"], "following": ["following"]}


def status_url(status: Status, username: str, settings: Settings) -> str:
    return status.url or f"{settings.base_url}/@{username}/{status.id}"


class PostView(Protocol):
    """What rendering posts for one viewer needs: a ``StatusBundle`` (through
    ``BundleView``), or the home timeline's rows (weft/api/serializers/home.py)."""

    viewer_id: int | None
    favourited: set[int]
    reblogged: set[int]
    bookmarked: set[int]
    pinned: set[int]
    own_votes: dict[int, list[int]]  # the viewer's choices, by poll id
    filtering: Filtering | None  # the viewer's filters for this list (weft/policies/filters.py)

    def post(self, status_id: int) -> RenderedPost | None:
        """A post of the page (or an original or quoted post it shows)."""

    def access(self, status_id: int) -> PostAccess | None: ...

    def core(self, post: RenderedPost) -> StatusCore:
        """The post's viewer-independent entity."""

    def author_json(self, post: RenderedPost) -> bytes:
        """The post's author's Account entity, as JSON."""

    def application(self, post: RenderedPost) -> dict[str, Any] | None:
        """The app the post was made with, when the viewer is its author."""

    def filter_text(self, post: RenderedPost) -> str:
        """What filters match the post against (its core's ``text``)."""


class RenderedPost(Protocol):
    """The columns rendering reads of a post (``Status`` has them; so has a
    home row, weft/queries/home_rows.py)."""

    @property
    def id(self) -> int: ...
    @property
    def account_id(self) -> int: ...
    @property
    def visibility(self) -> str: ...
    @property
    def quote_policy(self) -> str: ...
    @property
    def quote_manual(self) -> str | None: ...
    @property
    def reblog_of_id(self) -> int | None: ...
    @property
    def quote_of_id(self) -> int | None: ...
    @property
    def quote_state(self) -> str | None: ...
    @property
    def application_id(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class StatusCore:
    """What every viewer sees of a post, as JSON: all but its author (versioned
    apart), its original or quoted post, its app (shown to the author only)
    and the viewer's own marks. Kept as bytes: immutable, so no reader can
    change another's entity, and out of the garbage collector's walks."""

    json: bytes
    text: str = ""  # what filters are matched against (weft/policies/filters.post_text)


def status_entity(
    status: Status,
    bundle: StatusBundle,
    settings: Settings,
    *,
    nested: bool = False,
    filtering: Filtering | None = None,
) -> dict[str, Any]:
    """One post; a repost carries its original in ``reblog``.

    ``nested`` marks a post shown inside another (a quote's target): its own
    quote is given only by id, as Mastodon's ShallowQuote. ``filtering``: the
    viewer's filters, which fill ``filtered``.
    """
    return render(status, BundleView(bundle, settings, filtering), nested=nested)


def status_entities(
    statuses: list[Status],
    bundle: StatusBundle,
    settings: Settings,
    filtering: Filtering | None = None,
) -> list[dict[str, Any]]:
    """The posts, less those the viewer's filters hide in ``filtering``'s list."""
    view = BundleView(bundle, settings, filtering)
    if filtering is None:
        return [render(s, view) for s in statuses]
    return [render(s, view) for s in statuses if not filtering.hidden(s, view)]


def render(post: RenderedPost, view: PostView, *, nested: bool = False) -> dict[str, Any]:
    """The post's Status entity for the view's viewer, as a dict of its own."""
    entity: dict[str, Any] = orjson.loads(view.core(post).json)
    entity.update(_for_viewer(post, view, nested, _AS_DICTS))
    if entity["poll"] is not None:
        own = view.own_votes.get(int(entity["poll"]["id"]))
        entity["poll"] = poll_for_viewer(entity["poll"], view.viewer_id, post.account_id, own)
    return entity


def render_json(post: RenderedPost, view: PostView, *, nested: bool = False) -> orjson.Fragment:
    """The same entity as ``render``, as JSON spliced from the cached parts
    (for responses encoded by orjson: the cached bytes are copied, not
    rebuilt and encoded again)."""
    core = view.core(post).json
    if NO_POLL not in core:  # a poll is shown as of now, to this viewer
        return orjson.Fragment(orjson.dumps(render(post, view, nested=nested)))
    fields = _for_viewer(post, view, nested, _AS_JSON)
    filtered = fields.pop("filtered", None)
    if filtered:  # the core's empty list, replaced (never a second key)
        core = core.replace(NOT_FILTERED, b'"filtered":' + orjson.dumps(filtered), 1)
    marks = orjson.dumps(fields)
    return orjson.Fragment(core[:-1] + b"," + marks[1:])


NO_POLL = b'"poll":null'  # as orjson writes it (a quote inside text is escaped)
NOT_FILTERED = b'"filtered":[]'


class _Renderer(Protocol):
    def author(self, view: PostView, post: RenderedPost) -> Any: ...

    def nest(self, post: RenderedPost, view: PostView, *, nested: bool = False) -> Any: ...


class _Dicts:
    def author(self, view: PostView, post: RenderedPost) -> Any:
        return orjson.loads(view.author_json(post))

    def nest(self, post: RenderedPost, view: PostView, *, nested: bool = False) -> Any:
        return render(post, view, nested=nested)


class _Json:
    def author(self, view: PostView, post: RenderedPost) -> Any:
        return orjson.Fragment(view.author_json(post))

    def nest(self, post: RenderedPost, view: PostView, *, nested: bool = False) -> Any:
        return render_json(post, view, nested=nested)


_AS_DICTS, _AS_JSON = _Dicts(), _Json()


def _for_viewer(
    post: RenderedPost, view: PostView, nested: bool, renderer: _Renderer
) -> dict[str, Any]:
    """The entity's fields beyond its core: the author, the original or quoted
    post, and what depends on who is looking (in the core's key order)."""
    original = view.post(post.reblog_of_id) if post.reblog_of_id else None
    fields: dict[str, Any] = {
        "account": renderer.author(view, post),
        "reblog": renderer.nest(original, view) if original else None,
        "quote": None if nested else _quote(post, view, renderer),
        "quote_approval": _quote_approval(post, view),
        "application": view.application(post) if post.account_id == view.viewer_id else None,
    }
    if view.viewer_id is not None:
        target = original or post
        fields["favourited"] = target.id in view.favourited
        fields["reblogged"] = target.id in view.reblogged
        fields["bookmarked"] = target.id in view.bookmarked
        fields["pinned"] = target.id in view.pinned
        fields["muted"] = False
    if view.filtering is not None:
        matches = view.filtering.matches(post, view)
        if matches:
            fields["filtered"] = result_entities(matches)
    return fields


class BundleView:
    """A ``StatusBundle`` as a ``PostView``: cores come from the bundle's
    cache when the post's version is there, else are built from the bundle."""

    def __init__(
        self, bundle: StatusBundle, settings: Settings, filtering: Filtering | None = None
    ) -> None:
        self.bundle = bundle
        self.settings = settings
        self.filtering = filtering
        self.viewer_id = bundle.viewer_id
        self.favourited = bundle.favourited
        self.reblogged = bundle.reblogged
        self.bookmarked = bundle.bookmarked
        self.pinned = bundle.pinned
        self.own_votes = bundle.own_votes

    def post(self, status_id: int) -> Status | None:
        return self.bundle.statuses.get(status_id)

    def access(self, status_id: int) -> PostAccess | None:
        return self.bundle.access.get(status_id)

    def core(self, post: RenderedPost) -> StatusCore:
        status = self.bundle.statuses[post.id]
        cache = self.bundle.cache
        if cache is None:
            return status_core(status, self.bundle, self.settings)
        core: StatusCore | None = cache.get("status", status.id, status.version)
        if core is None:
            core = status_core(status, self.bundle, self.settings)
            cache.put("status", status.id, status.version, core)
        return core

    def filter_text(self, post: RenderedPost) -> str:
        return self.core(post).text

    def application(self, post: RenderedPost) -> dict[str, Any] | None:
        app = self.bundle.applications.get(post.application_id) if post.application_id else None
        return {"name": app.name, "website": app.website} if app is not None else None

    def author_json(self, post: RenderedPost) -> bytes:
        author = self.bundle.accounts[post.account_id]
        cache = self.bundle.cache
        moved = self.bundle.moved.get(author.id)
        if cache is None:
            return account_json(author, self.settings, moved)
        found: bytes | None = cache.get("account", author.id, author.version)
        if found is None:
            found = account_json(author, self.settings, moved)
            cache.put("account", author.id, author.version, found)
        return found


def account_json(account: Account, settings: Settings, moved: Account | None = None) -> bytes:
    """An Account entity as JSON, as the versioned cache keeps it (a moved
    account's ``moved`` is its target as it was when first rendered: the cache
    is keyed by the moved account's own version)."""
    return orjson.dumps(account_entity(account, settings, moved))


def status_core(status: Status, bundle: StatusBundle, settings: Settings) -> StatusCore:
    """The viewer-independent part of a post's entity, from a loaded bundle."""
    author = bundle.author(status)
    entity: dict[str, Any] = {
        "id": str(status.id),
        "uri": status.uri or f"{settings.base_url}/users/{author.username}/statuses/{status.id}",
        "url": status_url(status, author.username, settings),
        "created_at": iso(status.created_at),
        "edited_at": iso(status.edited_at),
        "content": ""
        if status.reblog_of_id
        else with_attachment(status.content, status.text_attachment),
        "visibility": status.visibility,
        "sensitive": status.sensitive,
        "spoiler_text": status.spoiler_text,
        "language": status.language,
        "in_reply_to_id": str(status.in_reply_to_id) if status.in_reply_to_id else None,
        "in_reply_to_account_id": (
            str(status.in_reply_to_account_id) if status.in_reply_to_account_id else None
        ),
        "replies_count": status.replies_count,
        "reblogs_count": status.reblogs_count,
        "favourites_count": status.favourites_count,
        "quotes_count": status.quotes_count,
        "media_attachments": [media_entity(m, settings) for m in bundle.media.get(status.id, [])],
        "mentions": [_mention(a, settings) for a in bundle.mentions.get(status.id, [])],
        "tags": [
            {"name": t.name, "url": f"{settings.base_url}/tags/{quote(t.name.lower())}"}
            for t in bundle.tags.get(status.id, [])
        ],
        "emojis": emoji_entities(status.emojis),
        "card": _card(status, bundle, settings),
        "poll": poll_core(bundle.polls.get(status.id)),
        # Weft: a ghost post, and when it disappears (weft/actions/posts/ghosts.py).
        "is_ghost_post": status.ghost_expires_at is not None,
        "ghost_post_expires_at": iso(status.ghost_expires_at),
        "filtered": [],
        # Weft's fields: Threads' spoilers.
        "text_entities": status.text_entities,
        "is_spoiler_media": status.is_spoiler_media,
        **reply_fields(status),
        "text_attachment": status.text_attachment,  # its HTML ends the content
        "topic_tag": _topic(status, bundle),
    }
    return StatusCore(orjson.dumps(entity), post_text(entity))


def _topic(status: Status, bundle: StatusBundle) -> str | None:
    # The topic is also one of the post's tags (weft/actions/topics.py).
    tags = bundle.tags.get(status.id, []) if status.topic_tag_id else []
    return next((t.name for t in tags if t.id == status.topic_tag_id), None)


def _content(status: Status) -> str:
    # A text attachment's HTML follows the post's own (Threads' long text).
    return with_attachment(status.content, status.text_attachment)


def _card(status: Status, bundle: StatusBundle, settings: Settings) -> dict[str, Any] | None:
    card = bundle.cards.get(status.id)
    return card_entity(card, settings) if card is not None else None


def _mention(account: Any, settings: Settings) -> dict[str, str]:
    return {
        "id": str(account.id),
        "username": account.username,
        "acct": account.acct,
        "url": account.url or f"{settings.base_url}/@{account.username}",
    }


def _quote(post: RenderedPost, view: PostView, renderer: _Renderer) -> dict[str, Any] | None:
    if post.quote_of_id is None and post.quote_state is None:
        return None
    quoted = view.post(post.quote_of_id) if post.quote_of_id else None
    if quoted is None:
        return {"state": "deleted", "quoted_status": None}
    if post.quote_state in ("revoked", "rejected", "pending"):
        # Refused by the quoted post's policy or author, or not approved (yet).
        return {"state": post.quote_state, "quoted_status": None}
    access = view.access(quoted.id)
    if access is None or not can_view(access):
        return {"state": "unauthorized", "quoted_status": None}
    return {"state": "accepted", "quoted_status": renderer.nest(quoted, view, nested=True)}


def _quote_approval(post: RenderedPost, view: PostView) -> dict[str, Any]:
    access = view.access(post.id)
    current = "unknown" if view.viewer_id is None or access is None else quote_approval(access)
    public = post.visibility in ("public", "unlisted")
    automatic = QUOTE_AUDIENCES.get(post.quote_policy, []) if public else []
    manual = QUOTE_AUDIENCES.get(post.quote_manual or "", []) if public else []
    return {"automatic": automatic, "manual": manual, "current_user": current}


def status_edit_entity(
    edit: StatusEdit, author: Account, media: Mapping[int, MediaAttachment], settings: Settings
) -> dict[str, Any]:
    """One version of a post (Mastodon's StatusEdit), its attachments with the
    alt text they had then (``media``: the rows its versions name, by id)."""
    return {
        "content": edit.content,
        "spoiler_text": edit.spoiler_text,
        "sensitive": edit.sensitive,
        "created_at": iso(edit.created_at),
        "account": account_entity(author, settings),
        "poll": _version_poll(edit.poll),
        "media_attachments": [
            media_entity(media[item["id"]], settings) | {"description": item["description"]}
            for item in edit.media or ()
            if item["id"] in media
        ],
        "emojis": [],
    }


def _version_poll(poll: dict[str, Any] | None) -> dict[str, Any] | None:
    """A version's poll as Mastodon's StatusEdit shows it: the options' titles."""
    if poll is None:
        return None
    return {"options": [{"title": title} for title in poll["options"]]}


def status_source_entity(status: Status) -> dict[str, Any]:
    return {"id": str(status.id), "text": status.text, "spoiler_text": status.spoiler_text}
