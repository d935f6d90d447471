"""The Fediverse tab and how people from other servers are shown: always with
their server (``@name@server.example``), on every page that names them."""

from __future__ import annotations

import re

import httpx

from tests.live import LiveServer
from tests.web.posts_helpers import follow, main_of, person, post, signed_in
from tests.web.remote_helpers import follow_remote, remote_account, remote_post
from weft.db.database import Database

FRAGMENT = {"X-Weft-Fragment": "1"}


def next_link(page: httpx.Response) -> str | None:
    found = re.search(r'<a class="load-more" rel="next" href="([^"]+)"', page.text)
    return found.group(1).replace("&amp;", "&") if found else None


async def test_the_fediverse_tab_shows_followed_remote_accounts_newest_first(
    db: Database, server: LiveServer
) -> None:
    me = await person(db, server, "me")
    friend = await person(db, server, "friend")
    far = await remote_account(db, "far", "far.example")
    stranger = await remote_account(db, "stranger", "else.example")
    await follow(db, me, friend)
    await follow_remote(db, me.account_id, far)
    older = await remote_post(db, far, "older from far away")
    await remote_post(db, stranger, "from someone not followed")
    newer = await remote_post(db, far, "newer from far away")
    await post(db, server, friend, "from a local friend")

    with signed_in(server, me) as browser:
        page = browser.get("/fediverse")

    assert page.status_code == 200
    assert '<a href="/fediverse" aria-current="page">Fediverse</a>' in page.text
    assert "<title>Fediverse · " in page.text
    main = main_of(page)
    assert main.index("newer from far away") < main.index("older from far away")
    assert "from someone not followed" not in main
    assert "from a local friend" not in main
    assert '<span class="acct muted">@far@far.example</span>' in main
    assert f'href="/@far@far.example/{newer}"' in main
    assert f'href="/@far@far.example/{older}"' in main
    assert 'aria-label="Fediverse"' in main
    assert "data-composer" not in main  # one's own posts don't go here


async def test_the_fediverse_tab_pages_by_max_id_with_fragments(
    db: Database, server: LiveServer
) -> None:
    me = await person(db, server, "me")
    far = await remote_account(db, "far", "far.example")
    await follow_remote(db, me.account_id, far)
    for n in range(25):
        await remote_post(db, far, f"far post {n:02d}")

    with signed_in(server, me) as browser:
        first = browser.get("/fediverse")
        link = next_link(first)
        assert link is not None
        assert link.startswith("/fediverse?max_id=")
        rest = browser.get(link, headers=FRAGMENT)

    assert main_of(first).count('class="post"') == 20
    assert "far post 24" in first.text
    assert "far post 04" not in first.text
    assert rest.status_code == 200
    assert "<html" not in rest.text
    assert rest.text.count('class="post"') == 5
    assert "far post 00" in rest.text
    assert "far post 24" not in rest.text
    assert next_link(rest) is None


async def test_the_fediverse_tab_is_for_people_signed_in_and_says_when_empty(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    me = await person(db, server, "me")
    response = client.get("/fediverse")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/auth/sign_in?next=%2Ffediverse")
    with signed_in(server, me) as browser:
        empty = browser.get("/fediverse")
    assert "Nothing from other servers yet" in main_of(empty)


async def test_remote_people_are_shown_with_their_server_everywhere(
    db: Database, server: LiveServer
) -> None:
    me = await person(db, server, "me")
    far = await remote_account(db, "far", "far.example")
    await follow_remote(db, me.account_id, far)
    status_id = await remote_post(db, far, "a post from far away")

    with signed_in(server, me) as browser:
        profile = main_of(browser.get("/@far@far.example"))
        post_page = main_of(browser.get(f"/@far@far.example/{status_id}"))
        following = main_of(browser.get("/@me/following"))
        found = main_of(browser.get("/search", params={"q": "far", "type": "accounts"}))
        quote = main_of(browser.get("/compose", params={"quote": str(status_id)}))

    assert "@far@far.example" in profile
    assert "a post from far away" in profile
    assert '<span class="acct muted">@far@far.example</span>' in post_page
    assert '<span class="acct muted">@far@far.example</span>' in following
    assert '<span class="acct muted">@far@far.example</span>' in found
    assert "Quote @far@far.example" in quote
