"""Ghost posts in the policy table, asked of every door (see test_post_matrix.py).

Alice posts two public ghost posts, each mentioning Max and tagged, as
replies to a public root post: one live, one past its end (its deletion job
not yet run). The live one is seen as a public post is, and nobody, its
author included, may quote or repost it; the ended one is gone from every
endpoint that shows posts, for everyone.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from tests.live import LiveServer
from tests.policies.test_post_matrix import CAN_VIEW, VIEWERS, World, _build, _headers, _ids
from weft.actions.interactions import bookmark, favourite
from weft.actions.posts.post import Draft, post_status
from weft.db.database import Database
from weft.jobs.worker import Worker
from weft.models import Status
from weft.models.base import utcnow

KINDS = ("live", "ended")
PUBLIC = 0  # CAN_VIEW's column for public posts


async def _ghosts(db: Database, server: LiveServer) -> World:
    world = await _build(db, server)
    alice = world.people["author"].account_id
    ghosts = {}
    for kind in KINDS:
        draft = Draft(
            f"A {kind} ghost for @mentioned #ghostly",
            visibility="public",
            in_reply_to_id=world.root,
            ghost=True,
        )
        status = await post_status(db, server.settings, alice, draft)
        await favourite(db, alice, status.id)
        await bookmark(db, alice, status.id)
        ghosts[kind] = status.id
    await Worker(db, server.settings).run_until_idle()
    async with db.write() as session:
        await session.execute(
            update(Status)
            .where(Status.id == ghosts["ended"])
            .values(ghost_expires_at=utcnow() - timedelta(seconds=1))
        )
    return World(world.people, world.root, ghosts)


def _seen(viewer: str, kind: str) -> bool:
    return kind == "live" and CAN_VIEW[viewer][PUBLIC]


def _check_views(client: httpx.Client, world: World, viewer: str) -> None:
    headers = _headers(world, viewer)
    author = world.people["author"]
    context = client.get(f"/api/v1/statuses/{world.root}/context", headers=headers)
    descendants = (
        {int(s["id"]) for s in context.json()["descendants"]}
        if context.status_code == 200
        else set()
    )
    profile = client.get(f"/api/v1/accounts/{author.account_id}/statuses", headers=headers)
    lists = {
        "account statuses": _ids(profile) if profile.status_code == 200 else set(),
        "public timeline": _ids(client.get("/api/v1/timelines/public", headers=headers)),
        "tag timeline": _ids(client.get("/api/v1/timelines/tag/ghostly", headers=headers)),
    }
    if viewer != "anonymous":
        for url in ("/api/v1/timelines/home", "/api/v1/favourites", "/api/v1/bookmarks"):
            lists[url] = _ids(client.get(url, headers=headers))
        lists["notifications"] = {
            int(n["status"]["id"])
            for n in client.get("/api/v1/notifications", headers=headers).json()
            if n.get("status")
        }
    for kind in KINDS:
        post, seen = world.posts[kind], _seen(viewer, kind)
        shown = client.get(f"/api/v1/statuses/{post}", headers=headers).status_code
        world.expect("status", viewer, kind, seen, shown == 200)
        batch = _ids(client.get("/api/v1/statuses", params={"id[]": [post]}, headers=headers))
        world.expect("statuses by id", viewer, kind, seen, post in batch)
        in_lists = seen and viewer != "muter"
        world.expect("context", viewer, kind, in_lists, post in descendants)
        liked = client.get(f"/api/v1/statuses/{post}/favourited_by", headers=headers)
        world.expect("favourited_by", viewer, kind, seen, liked.status_code == 200)
        # The web app signs in by cookie, not token: its page as anyone sees it.
        page = client.get(f"/@author/{post}")
        world.expect("web post page", viewer, kind, kind == "live", page.status_code == 200)
        note = client.get(
            f"/users/author/statuses/{post}", headers={"Accept": "application/activity+json"}
        )
        world.expect("Note", viewer, kind, kind == "live", note.status_code == 200)
        for name, ids in lists.items():
            expected = seen and _in_list(name, viewer)
            world.expect(name, viewer, kind, expected, post in ids)


def _in_list(name: str, viewer: str) -> bool:
    if name in ("public timeline", "tag timeline"):
        return viewer != "muter"
    if name == "/api/v1/timelines/home":
        return viewer in ("author", "follower")
    if name in ("/api/v1/favourites", "/api/v1/bookmarks"):
        return viewer == "author"
    if name == "notifications":
        return viewer == "mentioned"
    return True  # account statuses: as the post itself


def _check_actions(client: httpx.Client, world: World, viewer: str) -> None:
    headers = _headers(world, viewer)
    for kind in KINDS:
        post = world.posts[kind]
        quote = client.post(
            "/api/v1/statuses", headers=headers, data={"status": "Q", "quoted_status_id": post}
        )
        reblog = client.post(f"/api/v1/statuses/{post}/reblog", headers=headers)
        world.expect("quote", viewer, kind, False, quote.status_code == 200)
        world.expect("reblog", viewer, kind, False, reblog.status_code == 200)
        if viewer == "anonymous":
            assert {quote.status_code, reblog.status_code} == {401}
        elif _seen(viewer, kind):  # refused, naming why
            assert {quote.status_code, reblog.status_code} == {422}
        else:  # what a viewer may not see does not exist for them
            assert {quote.status_code, reblog.status_code} == {404}


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_ghost_posts_on_every_door(
    server: LiveServer, client: httpx.Client, db: Database, viewer: str
) -> None:
    world = await _ghosts(db, server)
    _check_views(client, world, viewer)
    _check_actions(client, world, viewer)
    assert world.mismatches == []
