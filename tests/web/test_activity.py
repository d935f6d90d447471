"""The Activity page over real HTTP: notifications with filters, follow requests."""

from __future__ import annotations

import httpx

from tests.factories import make_person
from tests.live import LiveServer
from tests.timelines.helpers import follow, people, post
from tests.web.helpers import csrf_of, sign_in_form
from weft.actions.interactions import favourite, reblog
from weft.actions.posts.post import Draft, post_status
from weft.db.database import Database
from weft.queries.graph import relationship


def test_activity_needs_sign_in(client: httpx.Client) -> None:
    response = client.get("/activity")
    assert response.status_code == 303
    assert response.headers["location"] == "/auth/sign_in?next=%2Factivity"


async def test_filters(client: httpx.Client, server: LiveServer, db: Database) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    original = await post(db, server.settings, alice, "alice writes")
    await favourite(db, bob.account_id, original)
    await reblog(db, bob.account_id, original)
    await follow(db, bob, alice)
    await post_status(
        db, server.settings, bob.account_id, Draft("@alice <b>hello</b>", in_reply_to_id=original)
    )
    assert sign_in_form(client, "alice").status_code == 303
    everything = client.get("/activity").text
    # Bob's mention is a reply to Alice's post: it says so.
    for verb in ("liked your post", "reposted your post", "followed you", "replied to your post"):
        assert verb in everything
    assert "&lt;b&gt;hello&lt;/b&gt;" in everything or "hello" in everything
    assert "<b>hello</b>" not in everything
    assert f'href="/@alice/{original}"' in everything
    likes = client.get("/activity?filter=likes").text
    assert "liked your post" in likes
    assert "followed you" not in likes
    follows = client.get("/activity?filter=follows").text
    assert "followed you" in follows
    assert "liked your post" not in follows
    replies = client.get("/activity?filter=replies").text
    assert "replied to your post" in replies
    assert "reposted" not in replies
    assert "Nothing here yet." in client.get("/activity?filter=quotes").text
    assert client.get("/activity?filter=nope").status_code == 404


async def test_follow_requests_accept_and_decline(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice", locked=True)
    bob = await make_person(db, server.settings, "bob")
    carol = await make_person(db, server.settings, "carol")
    await follow(db, bob, alice)
    await follow(db, carol, alice)
    assert sign_in_form(client, "alice").status_code == 303
    page = client.get("/activity")
    assert page.text.count("asked to follow you") >= 2
    token = csrf_of(page)
    accepted = client.post(
        f"/accounts/{bob.account_id}/authorize", data={"csrf_token": token, "next": "/activity"}
    )
    assert accepted.status_code == 303
    assert accepted.headers["location"] == "/activity"
    declined = client.post(
        f"/accounts/{carol.account_id}/reject", data={"csrf_token": token, "next": "/activity"}
    )
    assert declined.status_code == 303
    assert (await relationship(db, bob.account_id, alice.account_id)).following
    carol_now = await relationship(db, carol.account_id, alice.account_id)
    assert not carol_now.following
    assert not carol_now.requested
