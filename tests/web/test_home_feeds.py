"""The front page: a welcome for visitors, For You and Following for people signed in."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.live import LiveServer
from tests.timelines.helpers import drain
from tests.web.posts_helpers import JSON, follow, main_of, person, post, signed_in
from weft.db.database import Database

FRAGMENT = {"X-Weft-Fragment": "1"}


def next_link(page: httpx.Response) -> str | None:
    found = re.search(r'<a class="load-more" rel="next" href="([^"]+)"', page.text)
    return found.group(1).replace("&amp;", "&") if found else None


async def test_visitors_see_a_welcome_and_this_servers_public_posts(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    alice = await person(db, server, "alice")
    await post(db, server, alice, "hello, world")
    await post(db, server, alice, "friends only", visibility="private")

    page = client.get("/")

    assert page.status_code == 200
    main = main_of(page)
    assert 'href="/auth/sign_up"' in main
    assert "hello, world" in main
    assert "friends only" not in main
    assert 'aria-label="For you"' not in main


async def test_for_you_shows_strangers_and_following_shows_friends(
    db: Database, server: LiveServer
) -> None:
    me = await person(db, server, "me")
    friend = await person(db, server, "friend")
    stranger = await person(db, server, "stranger")
    await follow(db, me, friend)
    await post(db, server, friend, "from a friend")
    await post(db, server, stranger, "from a stranger")
    await post(db, server, stranger, "stranger's followers only", visibility="private")
    await drain(db, server.settings)

    with signed_in(server, me) as browser:
        for_you = browser.get("/")
        following = browser.get("/following")

    assert for_you.status_code == 200
    assert '<a href="/" aria-current="page">For you</a>' in for_you.text
    assert "from a stranger" in main_of(for_you)
    assert "from a friend" not in main_of(for_you)
    assert "followers only" not in main_of(for_you)
    assert '<a href="/following" aria-current="page">Following</a>' in following.text
    assert "from a friend" in main_of(following)
    assert "from a stranger" not in main_of(following)


async def test_a_followers_only_post_reaches_followers_only(
    db: Database, server: LiveServer
) -> None:
    alice = await person(db, server, "alice")
    fan = await person(db, server, "fan")
    stranger = await person(db, server, "stranger")
    await follow(db, fan, alice)
    await post(db, server, alice, "just for fans", visibility="private")
    await drain(db, server.settings)

    with signed_in(server, fan) as browser:
        assert "just for fans" in main_of(browser.get("/following"))
    with signed_in(server, stranger) as browser:
        assert "just for fans" not in main_of(browser.get("/"))
        assert "just for fans" not in main_of(browser.get("/following"))


async def test_following_pages_by_max_id_and_fragments_are_just_the_feed(
    db: Database, server: LiveServer
) -> None:
    me = await person(db, server, "me")
    friend = await person(db, server, "friend")
    await follow(db, me, friend)
    for n in range(25):
        await post(db, server, friend, f"post number {n:02d}")
    await drain(db, server.settings)

    with signed_in(server, me) as browser:
        first = browser.get("/following")
        link = next_link(first)
        assert link is not None
        assert link.startswith("/following?max_id=")
        rest = browser.get(link, headers=FRAGMENT)

    assert "post number 24" in first.text
    assert "post number 04" not in first.text
    assert rest.status_code == 200
    assert "<html" not in rest.text  # only the posts and the next link
    assert "post number 04" in rest.text
    assert "post number 00" in rest.text
    assert "post number 24" not in rest.text


async def test_for_you_pages_by_the_posts_already_shown(db: Database, server: LiveServer) -> None:
    me = await person(db, server, "me")
    stranger = await person(db, server, "stranger")
    posted = [await post(db, server, stranger, f"suggestion {n:02d}") for n in range(22)]

    with signed_in(server, me) as browser:
        first = browser.get("/")
        link = next_link(first)
        assert link is not None
        rest = browser.get(link, headers=FRAGMENT)
        bad = [browser.get(f"/?seen={seen}") for seen in ("-1", "x!", ".".join(["1"] * 401))]

    shown = {int(part, 36) for part in parse_qs(urlsplit(link).query)["seen"][0].split(".")}
    assert shown == set(posted[2:])  # the 20 newest (equal engagement)
    assert main_of(first).count('class="post"') == 20
    assert rest.text.count('class="post"') == 2
    assert "suggestion 00" in rest.text
    assert next_link(rest) is None
    assert [r.status_code for r in bad] == [422, 422, 422]


async def test_new_post_count_for_the_notice(db: Database, server: LiveServer) -> None:
    me = await person(db, server, "me")
    friend = await person(db, server, "friend")
    await follow(db, me, friend)
    first = await post(db, server, friend, "seen already")
    await drain(db, server.settings)

    with signed_in(server, me) as browser:
        page = browser.get("/following")
        assert f'data-since="{first}"' in page.text
        assert browser.get(f"/home/new_count?since_id={first}").json()["count"] == 0
        await post(db, server, friend, "new one")
        await post(db, server, friend, "another new one")
        await drain(db, server.settings)
        counted = browser.get(f"/home/new_count?since_id={first}", headers=JSON)
        missing = browser.get("/home/new_count", headers=JSON)

    assert counted.json() == {"count": 2, "more": False}
    assert missing.status_code == 422


async def test_following_needs_someone_signed_in(client: httpx.Client) -> None:
    response = client.get("/following")
    asked = client.get("/home/new_count?since_id=1", headers=JSON)

    assert response.status_code == 303
    assert response.headers["location"] == "/auth/sign_in?next=%2Ffollowing"
    assert asked.status_code == 401
