"""Home through both front doors: the web's Following tab (pages by its next
link, as the infinite scroll loads them) and the API's home timeline (pages
by its Link header) show one viewer the same posts in the same order, on each
database and each feed store."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.api.test_timelines import ids, links
from tests.backends import redis_db_url, require_redis
from tests.conftest import empty_database
from tests.live import LiveServer
from tests.timelines.helpers import drain, follow, people, post
from tests.web.posts_helpers import main_of, signed_in
from weft.actions.graph import block_account, mute_account
from weft.actions.interactions import reblog
from weft.actions.posts.post import Draft, post_status
from weft.db.database import Database

FRAGMENT = {"X-Weft-Fragment": "1"}
_POST = re.compile(r'<article class="post[^"]*" id="post-(\d+)"')
_NEXT = re.compile(r'<a class="load-more" rel="next" href="([^"]+)"')


@pytest.fixture(params=["table", "redis"])
def feed_server(
    request: pytest.FixtureRequest,
    server: LiveServer,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """The shared server (table feeds), then one of its own on Redis feeds
    (whose feed keys are deleted after)."""
    if request.param == "table":
        yield server
        return
    require_redis()
    import redis

    settings = server.settings.with_(
        data_dir=tmp_path_factory.mktemp("redis-server"), redis_url=redis_db_url()
    )
    redis_server = LiveServer(settings).start()
    try:
        yield redis_server
    finally:
        redis_server.stop()
        empty_database(database_url)
        with redis.Redis.from_url(redis_db_url()) as client:
            keys = list(client.scan_iter(match="weft:home:*"))
            if keys:
                client.delete(*keys)


def web_following(browser: httpx.Client) -> list[str]:
    """Every post of the Following tab, page after page."""
    page = browser.get("/following")
    assert page.status_code == 200
    shown = _POST.findall(main_of(page))
    found = _NEXT.search(page.text)
    while found:
        page = browser.get(found.group(1).replace("&amp;", "&"), headers=FRAGMENT)
        assert page.status_code == 200
        shown += _POST.findall(page.text)
        found = _NEXT.search(page.text)
    return shown


def api_home(client: httpx.Client, auth: dict[str, str]) -> list[str]:
    """Every post of the API's home timeline, five at a time."""
    response = client.get("/api/v1/timelines/home", params={"limit": 5}, headers=auth)
    shown = ids(response)
    while "Link" in response.headers and "next" in links(response):
        response = client.get(links(response)["next"], headers=auth)
        shown += ids(response)
    return shown


async def test_following_and_the_api_show_the_same_posts_in_the_same_order(
    feed_server: LiveServer, db: Database
) -> None:
    s = feed_server.settings
    me, alice, carol, dave, erin = await people(db, s, "me", "alice", "carol", "dave", "erin")
    with feed_server.client() as client:
        for target in (alice, carol, dave):
            await follow(db, me, target)
        assert api_home(client, me.auth) == []  # an active reader on Redis
        many = [await post(db, s, alice, f"alice {n}") for n in range(22)]  # past one web page
        private = await post(db, s, carol, "followers only", "private")
        muted = await post(db, s, dave, "muted later")
        strangers = await post(db, s, erin, "a stranger's post")
        await reblog(db, carol.account_id, strangers)
        await post_status(db, s, carol.account_id, Draft("quoting", quoted_status_id=many[0]))
        await post_status(db, s, me.account_id, Draft("my own"))
        await mute_account(db, me.account_id, dave.account_id)
        hidden = await post(db, s, erin, "quoted, then blocked")
        await reblog(db, carol.account_id, hidden)
        await drain(db, s)
        await block_account(db, erin.account_id, me.account_id)
        await drain(db, s)

        with signed_in(feed_server, me) as browser:
            web = web_following(browser)
        api = api_home(client, me.auth)

    assert web == api
    assert len(web) > 20
    assert str(private) in web
    assert str(muted) not in web
    assert str(many[-1]) in web
