"""A followers-only post is on no page a stranger can open, and every page
passes the accessibility audit.

A crawler opens every page of the web router (with the author, the posts and
the tag filled in, and the composer replying to or quoting the hidden post),
then every same-site link it finds, as someone signed out and as a signed-in
stranger, at a desktop and a phone size. Everything the browser receives
(pages, and whatever the page's script fetches) must lack the hidden post's
text; the public post must show up somewhere, or the crawl proved nothing.
axe-core audits each page it opens.
"""

from __future__ import annotations

import re
import uuid
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error, Page, Response

from tests.browser.conftest import NewContext, sqlite_only
from tests.browser.helpers import (
    BLOCKING_IMPACTS,
    axe_violations,
    describe_violations,
    fill,
    run_async,
    sign_in,
    web_routes,
)
from tests.factories import make_person
from tests.live import LiveServer
from weft.actions.graph import follow_account
from weft.actions.interactions import favourite
from weft.actions.posts.post import Draft, post_status
from weft.db.database import Database
from weft.jobs.worker import Worker

# Enough for every kind of page with room to follow links; a crawl that hits it
# still checked every page it opened.
PAGE_LIMIT = 60
# Paths the crawler does not open: files, not pages.
NOT_PAGES = ("/static/", "/system/media/")
TEXT_TYPES = ("text/", "application/json", "application/activity+json", "application/ld+json")


@dataclass(frozen=True)
class World:
    hidden: str  # a word only the followers-only posts contain, never searched for
    searched: str  # another word only they contain, searched for
    shown: str  # a word only the public post contains
    tag: str
    public_id: int
    hidden_id: int
    hidden_reply_id: int


async def seed(server: LiveServer) -> World:
    """ana posts in public and to her followers (fred); sam follows nobody."""
    settings = server.settings
    db = Database(settings.database_url)
    try:
        ana = await make_person(db, settings, "ana")
        fred = await make_person(db, settings, "fred")
        await make_person(db, settings, "sam")
        await follow_account(db, fred.account_id, ana.account_id)
        hidden, searched, shown, tag = (
            f"{w}{uuid.uuid4().hex[:10]}" for w in ("hidden", "searched", "shown", "tag")
        )
        public = await post_status(db, settings, ana.account_id, Draft(f"{shown} #{tag}"))
        private = await post_status(
            db, settings, ana.account_id, Draft(f"{hidden} {searched} #{tag}", visibility="private")
        )
        reply = await post_status(
            db,
            settings,
            ana.account_id,
            Draft(f"{hidden} {searched} again", visibility="private", in_reply_to_id=public.id),
        )
        await post_status(db, settings, fred.account_id, Draft("nice", in_reply_to_id=public.id))
        await favourite(db, fred.account_id, private.id)
        await favourite(db, fred.account_id, public.id)
        await Worker(db, settings).run_until_idle()
        return World(hidden, searched, shown, tag, public.id, private.id, reply.id)
    finally:
        await db.dispose()


def seeds(world: World) -> list[str]:
    """Every page of the web router, filled in a few ways, and searches for the words."""
    urls = [
        f"/search?q={query}" for query in ("ana", world.searched, world.shown, f"%23{world.tag}")
    ]
    urls += [f"/tags/{world.tag}", "/activity", "/search"]
    urls += [f"/compose?{key}={world.hidden_id}" for key in ("in_reply_to", "quote")]
    for method, template in web_routes():
        if method != "GET" or template.startswith(NOT_PAGES):
            continue
        for status_id in (world.public_id, world.hidden_id, world.hidden_reply_id):
            values = {"acct": "ana", "status_id": str(status_id), "name": world.tag}
            urls.append(fill(template, values))
    return list(dict.fromkeys(urls))


@dataclass
class Crawl:
    """What the crawler saw: leaks, axe problems, and whether the public post showed."""

    world: World
    size: str
    leaks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    saw_public_post: bool = False
    audited: set[str] = field(default_factory=set)

    def new_kind(self, url: str) -> bool:
        """Whether no page of this kind was audited yet (axe takes half a second a page).

        A kind is the path with names and ids taken out and the query's keys
        (and a search's ``type``): ``/@ana/123/history`` and ``/@bo/456/history``
        are one kind.
        """
        parts = urlsplit(url)
        path = re.sub(r"/@[^/]+", "/@*", parts.path)
        path = re.sub(r"/tags/[^/]+", "/tags/*", path)
        path = re.sub(r"/\d+", "/N", path)
        query = parse_qs(parts.query)
        keys = sorted(f"{k}={v[0]}" if k == "type" else k for k, v in query.items())
        kind = f"{path}?{'&'.join(keys)}"
        if kind in self.audited:
            return False
        self.audited.add(kind)
        return True

    def run(self, page: Page, origin: str) -> None:
        received: list[Response] = []
        page.on("response", lambda response: received.append(response))
        queue = deque(seeds(self.world))
        queued = set(queue)
        while queue and len(self.opened) < PAGE_LIMIT:
            url = queue.popleft()
            received.clear()
            page.goto(url)
            self.opened.append(url)
            self.check(page, url, received, origin)
            for link in same_site_links(page, origin):
                if link not in queued:
                    queued.add(link)
                    queue.append(link)

    def check(self, page: Page, url: str, received: list[Response], origin: str) -> None:
        html = page.content()
        if self.world.hidden in html:
            self.leaks.append(f"{url} shows it (now at {page.url})")
        for response in received:
            if response.url.startswith(origin) and self.world.hidden in body_of(response):
                self.leaks.append(f"{url} received it from {response.url}")
        self.saw_public_post = self.saw_public_post or self.world.shown in html
        if self.new_kind(page.url) and page.evaluate("() => document.contentType") == "text/html":
            blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
            if blocking:
                self.problems.append(f"{page.url} ({self.size}):\n{describe_violations(blocking)}")


def body_of(response: Response) -> str:
    """The response's text; empty for redirects and non-text bodies."""
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith(TEXT_TYPES):
        return ""
    try:
        return response.text()
    except Error:  # a redirect has no body; a body the page dropped is gone
        return ""


def same_site_links(page: Page, origin: str) -> list[str]:
    """Path and query of each link on the page to another page of this site."""
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    found = []
    for href in hrefs:
        if not href.startswith(origin + "/"):
            continue
        parts = urlsplit(href)
        if parts.path.startswith(NOT_PAGES):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


@sqlite_only
@pytest.mark.parametrize("visitor", ["anonymous", "stranger"])
def test_a_followers_only_post_is_on_no_page_a_stranger_opens(
    new_context: NewContext,
    server: LiveServer,
    size: str,
    visitor: str,
) -> None:
    world = run_async(seed(server))
    page = new_context(size).new_page()
    if visitor == "stranger":
        sign_in(page, "sam")

    crawl = Crawl(world, size)
    crawl.run(page, server.url)

    opened = "\n".join(crawl.opened)
    assert not crawl.leaks, "the followers-only post leaked:\n" + "\n".join(crawl.leaks)
    assert crawl.saw_public_post, f"the public post showed on none of these pages:\n{opened}"
    assert not crawl.problems, "axe-core found serious or critical problems:\n" + "\n".join(
        crawl.problems
    )


@sqlite_only
def test_the_follower_does_see_it(new_context: NewContext, server: LiveServer) -> None:
    """The check above can fail: the hidden word is on the pages a follower opens."""
    world = run_async(seed(server))
    page = new_context().new_page()
    sign_in(page, "fred")
    for url in (f"/@ana/{world.hidden_id}", "/@ana", f"/@ana/{world.public_id}", "/following"):
        page.goto(url)
        assert world.hidden in page.content(), url
