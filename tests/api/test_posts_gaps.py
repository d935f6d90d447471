"""Issue 18's last gaps over real HTTP: editing a poll, one-choice polls'
``voters_count``, results to other servers batched, followed tags in Home,
``replies_count`` counting only replies everyone sees, and uploads held by
drafts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update

from tests.api.test_drafts import DRAFTS, refused
from tests.api.test_media import ready
from tests.api.test_polls import made, make_poll, vote
from tests.api.test_statuses import post
from tests.live import LiveServer
from tests.media.helpers import photo
from tests.timelines.helpers import people
from weft.db.database import Database
from weft.jobs.worker import Worker
from weft.models import Job, MediaAttachment, PollVote, ScheduledStatus
from weft.models.base import utcnow

STATUSES = "/api/v1/statuses"
WEFT = "/api/weft/v1/statuses"


def edit(client: httpx.Client, auth: dict[str, str], status_id: str, **data: Any) -> httpx.Response:
    return client.put(f"{STATUSES}/{status_id}", headers=auth, json=data)


# --- editing a poll -----------------------------------------------------------------


async def test_editing_a_poll_resets_votes_when_the_question_changes(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    status = made(make_poll(client, alice.auth, ["Tea", "Coffee"], expires_in="3600"))
    poll_id = status["poll"]["id"]
    made(vote(client, bob.auth, poll_id, 0))
    client.post(f"{STATUSES}/{status['id']}/reblog", headers=carol.auth)
    # Only hiding the totals: the votes stay.
    same = made(
        edit(
            client,
            alice.auth,
            status["id"],
            status="Which one?",
            poll={"options": ["Tea", "Coffee"], "expires_in": 3600, "hide_totals": True},
        )
    )
    assert same["poll"]["votes_count"] == 1
    assert same["poll"]["id"] == poll_id
    # New options: the votes answered another question, and go (as Mastodon).
    changed = made(
        edit(
            client,
            alice.auth,
            status["id"],
            status="Which one now?",
            poll={"options": ["Tea", "Juice", "Water"], "expires_in": 600, "multiple": True},
        )
    )
    poll = changed["poll"]
    assert [o["title"] for o in poll["options"]] == ["Tea", "Juice", "Water"]
    assert [o["votes_count"] for o in poll["options"]] == [0, 0, 0]
    assert (poll["multiple"], poll["votes_count"], poll["voters_count"]) == (True, 0, 0)
    assert changed["edited_at"] is not None
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(PollVote)) == 0
    shown = made(client.get(f"/api/v1/polls/{poll_id}", headers=bob.auth))
    assert (shown["voted"], shown["own_votes"]) == (False, [])
    made(vote(client, bob.auth, poll_id, 1, 2))  # Bob may vote again
    # The history shows each version's poll, as Mastodon's StatusEdit does.
    history = client.get(f"{STATUSES}/{status['id']}/history", headers=alice.auth)
    assert history.status_code == 200, history.text
    polls = [version["poll"] for version in history.json()]
    assert polls[0] == {"options": [{"title": "Tea"}, {"title": "Coffee"}]}
    assert polls[-1] == {"options": [{"title": "Tea"}, {"title": "Juice"}, {"title": "Water"}]}
    # Carol, who reposted it, hears of the edit.
    notes = client.get("/api/v1/notifications", headers=carol.auth).json()
    assert [n["type"] for n in notes if n["status"]["id"] == status["id"]] == ["update", "update"]


async def test_a_poll_can_be_added_by_an_edit_and_bad_polls_are_refused(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    plain = post(client, alice, status="Thinking")
    added = made(
        edit(client, alice.auth, plain["id"], status="Thinking", poll={"options": ["a", "b"]})
    )
    assert [o["title"] for o in added["poll"]["options"]] == ["a", "b"]
    for poll, field in [
        ({"options": ["only"]}, "poll[options]"),
        ({"options": ["a", "x" * 26]}, "poll[options]"),
        ({"options": ["a", "b"], "expires_in": 10}, "poll[expires_in]"),
        ({"options": ["a", "b"], "expires_in": 8 * 24 * 3600}, "poll[expires_in]"),
    ]:
        response = edit(client, alice.auth, plain["id"], status="x", poll=poll)
        assert response.status_code == 422, response.text
        assert response.json()["error"].startswith(f"Validation failed: {field} ")
    kept = made(client.get(f"{STATUSES}/{plain['id']}", headers=alice.auth))
    assert kept["content"] == "<p>Thinking</p>"  # nothing half-written
    assert [o["title"] for o in kept["poll"]["options"]] == ["a", "b"]


# --- voters_count and batched results -------------------------------------------------


async def test_twenty_quick_votes_make_at_most_two_updates(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    names = [f"voter{i}" for i in range(20)]
    alice, *voters = await people(db, server.settings, "alice", *names)
    single = made(make_poll(client, alice.auth, ["Yes", "No"]))["poll"]
    multiple = made(make_poll(client, alice.auth, ["a", "b"], multiple="true"))["poll"]
    assert (single["voters_count"], multiple["voters_count"]) == (None, 0)
    for index, voter in enumerate(voters):
        made(vote(client, voter.auth, single["id"], index % 2))
    async with db.read() as session:
        pending = await session.scalar(
            select(func.count()).select_from(Job).where(Job.kind == "polls.send_results")
        )
    assert pending == 1  # one batch for all twenty
    # Sent when due, then the last one at the end: two Updates in all.
    past = utcnow() - timedelta(seconds=1)
    async with db.write() as session:
        await session.execute(
            update(Job)
            .where(Job.kind.in_(["polls.send_results", "polls.ended"]))
            .values(run_at=past)
        )
    await Worker(db, server.settings).run_until_idle()
    async with db.read() as session:
        left = await session.scalar(
            select(func.count()).select_from(Job).where(Job.kind == "polls.send_results")
        )
    assert left == 0


# --- followed tags in Home ----------------------------------------------------------


async def test_following_a_tag_backfills_home_and_unfollowing_takes_it_out(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    tagged = post(client, bob, status="Knitting again #wool")
    topical = post(client, bob, status="A scarf", topic_tag="Wool")
    private = post(client, bob, status="Secret #wool", visibility="private")
    other = post(client, bob, status="Nothing to see")
    followed = client.post("/api/v1/tags/wool/follow", headers=alice.auth)
    assert followed.status_code == 200, followed.text
    await Worker(db, server.settings).run_until_idle()
    home = client.get("/api/v1/timelines/home", headers=alice.auth).json()
    ids = [s["id"] for s in home]
    assert ids == [topical["id"], tagged["id"]]
    assert private["id"] not in ids
    assert other["id"] not in ids
    # Carol follows Bob: his tagged post stays in her Home when she drops the tag.
    client.post(f"/api/v1/accounts/{bob.account_id}/follow", headers=carol.auth)
    client.post("/api/v1/tags/wool/follow", headers=carol.auth)
    await Worker(db, server.settings).run_until_idle()
    for person in (alice, carol):
        unfollowed = client.post("/api/v1/tags/wool/unfollow", headers=person.auth)
        assert unfollowed.status_code == 200, unfollowed.text
    await Worker(db, server.settings).run_until_idle()
    assert client.get("/api/v1/timelines/home", headers=alice.auth).json() == []
    kept = [s["id"] for s in client.get("/api/v1/timelines/home", headers=carol.auth).json()]
    assert tagged["id"] in kept
    assert topical["id"] in kept


# --- replies_count --------------------------------------------------------------------


def count(client: httpx.Client, status_id: str, auth: dict[str, str]) -> int:
    response = client.get(f"{STATUSES}/{status_id}", headers=auth)
    assert response.status_code == 200, response.text
    replies: int = response.json()["replies_count"]
    return replies


async def test_replies_count_counts_only_replies_everyone_sees(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    root = post(client, alice, status="Thread")
    first = post(client, bob, status="one", in_reply_to_id=root["id"])
    under = post(client, carol, status="under one", in_reply_to_id=first["id"])
    post(client, carol, status="two", in_reply_to_id=root["id"])
    assert count(client, root["id"], alice.auth) == 2
    assert count(client, first["id"], alice.auth) == 1
    # Hidden: it and its subtree leave their parents' counts, and come back.
    assert client.post(f"{WEFT}/{first['id']}/hide", headers=alice.auth).status_code == 200
    assert count(client, root["id"], alice.auth) == 1
    assert count(client, first["id"], bob.auth) == 0
    assert client.post(f"{WEFT}/{first['id']}/unhide", headers=alice.auth).status_code == 200
    assert count(client, root["id"], alice.auth) == 2
    assert count(client, first["id"], alice.auth) == 1
    # Archived by its author: out of the count until unarchived.
    assert client.post(f"{WEFT}/{under['id']}/archive", headers=carol.auth).status_code == 200
    assert count(client, first["id"], alice.auth) == 0
    assert client.post(f"{WEFT}/{under['id']}/unarchive", headers=carol.auth).status_code == 200
    assert count(client, first["id"], alice.auth) == 1
    # Hiding twice, archiving twice: counted once.
    for _ in range(2):
        client.post(f"{WEFT}/{first['id']}/hide", headers=alice.auth)
    assert count(client, root["id"], alice.auth) == 1
    # Waiting for approval: counted once approved.
    held = post(client, alice, status="Ask me", enable_reply_approvals="true")
    waiting = post(client, bob, status="may I?", in_reply_to_id=held["id"])
    assert count(client, held["id"], alice.auth) == 0
    approve = f"{WEFT}/{held['id']}/pending_replies/{waiting['id']}/approve"
    assert client.post(approve, headers=alice.auth).status_code == 200
    assert count(client, held["id"], alice.auth) == 1


# --- uploads held by drafts -------------------------------------------------------------


async def test_an_upload_a_draft_holds_is_not_another_posts_and_goes_with_the_draft(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    media = await ready(client, db, server, alice, photo("png", size=(32, 32)))
    draft = client.post(
        DRAFTS, headers=alice.auth, data={"status": "later", "media_ids[]": [media["id"]]}
    )
    assert draft.status_code == 200, draft.text
    error = refused(
        client.post(
            STATUSES, headers=alice.auth, data={"status": "now", "media_ids[]": [media["id"]]}
        ),
        "media_ids",
    )
    assert "held by a draft or scheduled post" in error
    plain = post(client, alice, status="plain")
    refused(
        edit(client, alice.auth, plain["id"], status="plain", media_ids=[media["id"]]), "media_ids"
    )
    deleted = client.delete(f"{DRAFTS}/{draft.json()['id']}", headers=alice.auth)
    assert deleted.status_code == 200, deleted.text
    async with db.read() as session:
        assert await session.get(MediaAttachment, int(media["id"])) is None
        assert await session.scalar(select(func.count()).select_from(ScheduledStatus)) == 0
        files = await session.scalar(
            select(func.count()).select_from(Job).where(Job.kind == "media.delete_files")
        )
    assert files == 1
