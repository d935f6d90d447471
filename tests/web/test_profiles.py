"""Profile pages over real HTTP: tabs, followers, the follow/block/mute forms, privacy."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from sqlalchemy import update

from tests.factories import make_person
from tests.live import LiveServer
from tests.timelines.helpers import follow, people, post
from tests.web.helpers import csrf_of, sign_in_form
from weft.actions.accounts import ProfileChange, update_profile
from weft.actions.interactions import reblog
from weft.actions.posts.post import Draft, post_status
from weft.db.database import Database
from weft.models import Account
from weft.queries.graph import relationship


def test_unknown_account_is_404(client: httpx.Client) -> None:
    response = client.get("/@nobody")
    assert response.status_code == 404
    assert "<h1" in response.text


async def test_suspended_account_is_gone(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    async with db.write() as session:
        await session.execute(
            update(Account)
            .where(Account.id == alice.account_id)
            .values(suspended_at=datetime.now(UTC))
        )
    response = client.get("/@alice")
    assert response.status_code == 410
    assert "This account has been suspended." in response.text


async def test_tabs_show_posts_replies_and_reposts(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    settings = server.settings
    original = await post(db, settings, bob, "bob's thought")
    await post(db, settings, alice, "alice's own post")
    await post_status(
        db, settings, alice.account_id, Draft("a reply to bob", in_reply_to_id=original)
    )
    await reblog(db, alice.account_id, original)
    posts = client.get("/@alice")
    assert posts.status_code == 200
    assert "alice&#39;s own post" in posts.text or "alice's own post" in posts.text
    assert "a reply to bob" not in posts.text
    assert "thought" not in posts.text
    replies = client.get("/@alice/replies")
    assert "a reply to bob" in replies.text
    assert "own post" not in replies.text
    reposts = client.get("/@alice/reposts")
    assert "thought" in reposts.text
    assert "own post" not in reposts.text
    assert 'aria-current="page">Reposts' in reposts.text
    # The composer's /@acct/id/edit and the post page are not shadowed.
    assert client.get(f"/@bob/{original}").status_code == 200
    assert "bob" in client.get(f"/@bob/{original}").text


async def test_infinite_scroll_fragment(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    for n in range(21):
        await post(db, server.settings, alice, f"post number {n}")
    first = client.get("/@alice")
    assert "post number 20" in first.text
    assert "post number 0<" not in first.text
    next_url = first.text.split('rel="next" href="', 1)[1].split('"', 1)[0]
    fragment = client.get(next_url.replace("&amp;", "&"), headers={"X-Weft-Fragment": "1"})
    assert fragment.status_code == 200
    assert "post number 0" in fragment.text
    assert "<html" not in fragment.text


async def test_followers_only_posts_hidden_from_strangers_and_anonymous(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    await follow(db, bob, alice)
    await post(db, server.settings, alice, "public words")
    await post(db, server.settings, alice, "followers only words", "private")
    anonymous = client.get("/@alice").text
    assert "public words" in anonymous
    assert "followers only words" not in anonymous
    assert sign_in_form(client, "carol").status_code == 303
    assert "followers only words" not in client.get("/@alice").text
    with server.client() as follower:
        assert sign_in_form(follower, "bob").status_code == 303
        assert "followers only words" in follower.get("/@alice").text
    del carol


async def test_follow_unfollow_block_mute_forms(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    assert sign_in_form(client, "bob").status_code == 303
    page = client.get("/@alice")
    assert f'action="/accounts/{alice.account_id}/follow"' in page.text
    token = csrf_of(page)

    def act(action: str) -> None:
        response = client.post(f"/accounts/{alice.account_id}/{action}", data={"csrf_token": token})
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/@alice"

    act("follow")
    assert (await relationship(db, bob.account_id, alice.account_id)).following
    assert f'action="/accounts/{alice.account_id}/unfollow"' in client.get("/@alice").text
    act("unfollow")
    assert not (await relationship(db, bob.account_id, alice.account_id)).following
    act("mute")
    assert (await relationship(db, bob.account_id, alice.account_id)).muting
    act("unmute")
    act("block")
    assert (await relationship(db, bob.account_id, alice.account_id)).blocking
    assert "Unblock" in client.get("/@alice").text
    act("unblock")
    assert not (await relationship(db, bob.account_id, alice.account_id)).blocking
    # No token, no change; signed out, a redirect to sign in.
    assert client.post(f"/accounts/{alice.account_id}/follow", data={}).status_code == 403
    with server.client() as anonymous:
        assert "Sign in to follow" in anonymous.get("/@alice").text
        form = anonymous.get("/auth/sign_in")
        response = anonymous.post(
            f"/accounts/{alice.account_id}/follow", data={"csrf_token": csrf_of(form)}
        )
        assert response.status_code == 303
        assert response.headers["location"].startswith("/auth/sign_in")


async def test_private_profile_request_and_authorize(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice", locked=True)
    bob = await make_person(db, server.settings, "bob")
    with server.client() as bobs:
        assert sign_in_form(bobs, "bob").status_code == 303
        page = bobs.get("/@alice")
        assert "Request to follow" in page.text
        bobs.post(f"/accounts/{alice.account_id}/follow", data={"csrf_token": csrf_of(page)})
        assert "Cancel follow request" in bobs.get("/@alice").text
    assert (await relationship(db, bob.account_id, alice.account_id)).requested
    assert sign_in_form(client, "alice").status_code == 303
    requests = client.get("/follow_requests")
    assert "@bob" in requests.text
    response = client.post(
        f"/accounts/{bob.account_id}/authorize",
        data={"csrf_token": csrf_of(requests), "next": "/follow_requests"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/follow_requests"
    assert (await relationship(db, bob.account_id, alice.account_id)).following
    assert "No one is waiting" in client.get("/follow_requests").text
    assert "Follows you" in client.get("/@bob").text


async def test_followers_and_following_lists_respect_hiding(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    await follow(db, bob, alice)
    assert "@bob" in client.get("/@alice/followers").text
    assert "@alice" in client.get("/@bob/following").text
    await update_profile(db, alice.account_id, ProfileChange(hide_collections=True))
    hidden = client.get("/@alice/followers")
    assert hidden.status_code == 200
    assert "keeps this list private" in hidden.text
    assert "@bob</span>" not in hidden.text


async def test_profile_escapes_names_and_bio(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    await update_profile(
        db,
        alice.account_id,
        ProfileChange(
            display_name="<script>x()</script>",
            note="<script>alert(1)</script> see https://weft.example",
            fields=[("<b>site</b>", "<img src=x onerror=alert(1)>")],
        ),
    )
    page = client.get("/@alice").text
    assert "<script>" not in page.split("<body", 1)[1].replace('<script src="/static/', "")
    assert "&lt;script&gt;x()&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    assert '<a href="https://weft.example"' in page
