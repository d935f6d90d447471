"""Status entities for a page of ``HomeRows`` (weft/queries/home_rows.py):
as JSON for the API (``home_json``), as dicts for the web (``home_entities``).

Each post's viewer-independent core and its author's entity come from the
database's versioned cache when the versions the rows carry are there; the
posts or authors that are not (new, or changed since) are loaded as a bundle
in one read session, rendered, and kept. Everything about the viewer comes
from the rows, so a page whose posts are all cached reads nothing else.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import bindparam, select

from weft.api.serializers.filters import Filtering
from weft.api.serializers.statuses import (
    NO_POLL,
    BundleView,
    RenderedPost,
    StatusCore,
    render,
    render_json,
)
from weft.config import Settings
from weft.db.database import Database
from weft.models import OAuthApplication
from weft.policies.statuses import PostAccess
from weft.queries.home_rows import HomePost, HomeRows
from weft.queries.polls import own_votes
from weft.queries.status_bundle import load_page

_APPS = select(OAuthApplication.id, OAuthApplication.name, OAuthApplication.website).where(
    OAuthApplication.id.in_(bindparam("ids", expanding=True))
)


class HomeView:
    """``HomeRows`` as a ``PostView`` (weft/api/serializers/statuses.py)."""

    def __init__(self, rows: HomeRows, filtering: Filtering | None = None) -> None:
        self.rows = rows
        self.filtering = filtering
        self.viewer_id: int | None = rows.viewer_id
        posts = rows.posts.values()
        self.favourited = {p.id for p in posts if p.favourited}
        self.reblogged = {p.id for p in posts if p.reblogged}
        self.bookmarked = {p.id for p in posts if p.bookmarked}
        self.pinned = {p.id for p in posts if p.pinned}
        self.cores: dict[int, StatusCore] = {}
        self.authors: dict[int, bytes] = {}
        self.applications: dict[int, dict[str, Any]] = {}
        self.own_votes: dict[int, list[int]] = {}

    def post(self, status_id: int) -> HomePost | None:
        # A post deleted between reading its row and rendering it is gone.
        return self.rows.posts.get(status_id) if status_id in self.cores else None

    def access(self, status_id: int) -> PostAccess | None:
        return self.rows.access.get(status_id)

    def core(self, post: RenderedPost) -> StatusCore:
        return self.cores[post.id]

    def author_json(self, post: RenderedPost) -> bytes:
        return self.authors[post.account_id]

    def filter_text(self, post: RenderedPost) -> str:
        return self.cores[post.id].text

    def application(self, post: RenderedPost) -> dict[str, Any] | None:
        return self.applications.get(post.application_id) if post.application_id else None


async def home_json(
    db: Database, rows: HomeRows, settings: Settings, filtering: Filtering | None = None
) -> bytes:
    """The page's Status entities, newest first, as a JSON array (the API),
    less what the viewer's filters hide (``filtering``)."""
    view = await _view(db, rows, settings, filtering)
    return orjson.dumps([render_json(p, view) for p in rows.shown if _kept(view, p)])


async def home_entities(
    db: Database, rows: HomeRows, settings: Settings, filtering: Filtering | None = None
) -> list[dict[str, Any]]:
    """The same entities as dicts, for the web's templates (``_post.html``)."""
    view = await _view(db, rows, settings, filtering)
    return [render(p, view) for p in rows.shown if _kept(view, p)]


def _kept(view: HomeView, post: HomePost) -> bool:
    if not _complete(view, post):
        return False
    return view.filtering is None or not view.filtering.hidden(post, view)


async def _view(
    db: Database, rows: HomeRows, settings: Settings, filtering: Filtering | None = None
) -> HomeView:
    """The page's rows with what rendering them needs: cached or loaded."""
    view = HomeView(rows, filtering)
    cache = db.versioned
    missing: set[int] = set()
    for post in _rendered(rows):
        core = cache.get("status", post.id, post.version)
        author = cache.get("account", post.account_id, post.account_version)
        if core is None or author is None:
            missing.add(post.id)
            continue
        view.cores[post.id] = core
        view.authors[post.account_id] = author
    if missing:
        await _load(db, view, missing, settings)
    await _load_own_votes(db, view)
    own_apps = {
        p.application_id
        for p in rows.posts.values()
        if p.application_id and p.account_id == rows.viewer_id
    }
    if own_apps:
        for row in await db.rows(_APPS, {"ids": sorted(own_apps)}):
            view.applications[row[0]] = {"name": row[1], "website": row[2]}
    return view


async def _load_own_votes(db: Database, view: HomeView) -> None:
    """The viewer's votes in the page's polls (read only when it shows one)."""
    if view.viewer_id is None:
        return
    poll_ids = [
        int(orjson.loads(core.json)["poll"]["id"])
        for core in view.cores.values()
        if NO_POLL not in core.json
    ]
    if poll_ids:
        async with db.read() as session:
            view.own_votes = await own_votes(session, view.viewer_id, poll_ids)


def _rendered(rows: HomeRows) -> list[HomePost]:
    """The shown posts and the originals and quoted posts they show."""
    posts: dict[int, HomePost] = {}
    for post in rows.shown:
        posts[post.id] = post
        for related in (post.reblog_of_id, post.quote_of_id):
            found = rows.posts.get(related) if related else None
            if found is not None:
                posts[found.id] = found
                quoted = rows.posts.get(found.quote_of_id) if found.quote_of_id else None
                if quoted is not None:
                    posts[quoted.id] = quoted
    return list(posts.values())


async def _load(db: Database, view: HomeView, ids: set[int], settings: Settings) -> None:
    """Render and keep the cores and authors of ``ids`` (read in one session,
    so each is kept under the version it was read with)."""
    async with db.read() as session:
        _, bundle = await load_page(session, None, sorted(ids))
    loaded = BundleView(bundle, settings)  # renders what the cache lacks, and keeps it
    for status_id in ids:
        status = bundle.statuses.get(status_id)
        if status is None:
            continue  # deleted since the rows were read
        view.cores[status.id] = loaded.core(status)
        view.authors[status.account_id] = loaded.author_json(status)


def _complete(view: HomeView, post: HomePost) -> bool:
    """Whether everything the post shows could be rendered (a post deleted
    between reading its row and loading it is left out)."""
    for related in (post.id, post.reblog_of_id):
        if related is not None and related not in view.cores:
            return False
    return True
