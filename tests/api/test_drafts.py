"""Scheduled posts (Mastodon's ``scheduled_at`` and ``/api/v1/scheduled_statuses``)
and drafts (``/api/weft/v1/drafts``) over real HTTP: published by their job
with their media, poll and settings; their limits and bad inputs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update

from tests.api.test_media import ready
from tests.live import LiveServer
from tests.media.helpers import photo
from tests.openapi import assert_conforms
from tests.timelines.helpers import people
from weft import limits
from weft.actions.media import sweep_unattached
from weft.db.database import Database
from weft.jobs.worker import Worker
from weft.models import Job, MediaAttachment, ScheduledStatus
from weft.models.base import utcnow

STATUSES = "/api/v1/statuses"
SCHEDULED = "/api/v1/scheduled_statuses"
DRAFTS = "/api/weft/v1/drafts"


def ahead(**delta: float) -> str:
    return (utcnow() + timedelta(**delta)).isoformat().replace("+00:00", "Z")


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def refused(response: httpx.Response, field: str) -> str:
    assert response.status_code == 422, response.text
    error: str = response.json()["error"]
    assert error.startswith(f"Validation failed: {field} "), error
    return error


async def come_due(db: Database) -> None:
    """Move every scheduled post's time, and its job, into the past (they are
    at least 5 minutes ahead)."""
    past = utcnow() - timedelta(seconds=1)
    async with db.write() as session:
        await session.execute(
            update(ScheduledStatus)
            .where(ScheduledStatus.scheduled_at.is_not(None))
            .values(scheduled_at=past)
        )
        await session.execute(
            update(Job).where(Job.kind == "statuses.publish_scheduled").values(run_at=past)
        )


async def test_a_scheduled_post_is_published_at_its_time_with_its_media_poll_and_settings(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    media = await ready(client, db, server, alice, photo("png", size=(64, 48)))
    with_media = assert_conforms(
        client.post(
            STATUSES,
            headers=alice.auth,
            data={
                "status": "Photo later",
                "media_ids[]": [media["id"]],
                "spoiler_text": "A cat",
                "visibility": "unlisted",
                "language": "fr",
                "scheduled_at": ahead(minutes=10),
            },
        )
    )
    assert with_media["params"]["text"] == "Photo later"
    assert with_media["params"]["media_ids"] == [media["id"]]
    assert [m["id"] for m in with_media["media_attachments"]] == [media["id"]]
    with_poll = ok(
        client.post(
            STATUSES,
            headers=alice.auth,
            json={
                "status": "Tea or coffee?",
                "poll": {"options": ["Tea", "Coffee"], "expires_in": 600, "multiple": True},
                "reply_policy": "followers",
                "quote_approval_policy": "nobody",
                "scheduled_at": ahead(minutes=20),
            },
        )
    )
    assert with_poll["params"]["poll"]["options"] == ["Tea", "Coffee"]
    listed = ok(client.get(SCHEDULED, headers=alice.auth))
    assert [s["id"] for s in listed] == [with_poll["id"], with_media["id"]]
    assert ok(client.get(SCHEDULED, headers=bob.auth)) == []
    assert client.get(f"{SCHEDULED}/{with_poll['id']}", headers=bob.auth).status_code == 404

    worker = Worker(db, server.settings)
    await worker.run_until_idle()  # not yet due
    assert ok(client.get(f"/api/v1/accounts/{alice.account_id}/statuses", headers=alice.auth)) == []
    # The upload outlives the day after which unattached uploads are swept.
    await sweep_unattached(db, now=utcnow() + timedelta(days=2))
    async with db.read() as session:
        assert await session.get(MediaAttachment, int(media["id"])) is not None

    await come_due(db)
    await worker.run_until_idle()
    assert ok(client.get(SCHEDULED, headers=alice.auth)) == []
    posted = ok(client.get(f"/api/v1/accounts/{alice.account_id}/statuses", headers=alice.auth))
    by_text = {p["content"]: p for p in posted}
    photo_post = by_text["<p>Photo later</p>"]
    assert [m["id"] for m in photo_post["media_attachments"]] == [media["id"]]
    assert (photo_post["spoiler_text"], photo_post["visibility"]) == ("A cat", "unlisted")
    assert photo_post["language"] == "fr"
    poll_post = by_text["<p>Tea or coffee?</p>"]
    assert [o["title"] for o in poll_post["poll"]["options"]] == ["Tea", "Coffee"]
    assert poll_post["poll"]["multiple"] is True
    assert poll_post["quote_approval"]["automatic"] == []
    # A job run again finds nothing left to publish.
    await come_due(db)
    await worker.run_until_idle()
    again = ok(client.get(f"/api/v1/accounts/{alice.account_id}/statuses", headers=alice.auth))
    assert len(again) == 2


async def test_scheduled_at_must_be_five_minutes_to_a_year_ahead(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")

    def schedule(when: str, **extra: Any) -> httpx.Response:
        data = {"status": "Later", "scheduled_at": when, **extra}
        return client.post(STATUSES, headers=alice.auth, data=data)

    refused(schedule(ahead(minutes=4, seconds=50)), "scheduled_at")
    ok(schedule(ahead(minutes=5, seconds=30)))
    ok(schedule(ahead(days=limits.SCHEDULE_MAX_AHEAD_DAYS, seconds=-60)))
    refused(schedule(ahead(days=limits.SCHEDULE_MAX_AHEAD_DAYS, seconds=60)), "scheduled_at")
    refused(schedule("next tuesday"), "scheduled_at")
    refused(schedule(ahead(hours=1), **{"poll[options][]": "Only one"}), "poll[options]")
    refused(schedule(ahead(hours=1), status=""), "status")
    naive = (utcnow() + timedelta(hours=2)).replace(tzinfo=None).isoformat()  # read as UTC
    assert ok(schedule(naive))["scheduled_at"].startswith(naive[:16])
    async with db.read() as session:
        kept = await session.scalar(select(func.count()).select_from(ScheduledStatus))
    assert kept == 3


async def test_at_most_25_posts_are_scheduled_on_one_day(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    day = (utcnow() + timedelta(days=3)).replace(hour=1, minute=0, second=0, microsecond=0)
    for n in range(limits.MAX_SCHEDULED_PER_DAY):
        when = (day + timedelta(minutes=n)).isoformat()
        ok(client.post(STATUSES, headers=alice.auth, data={"status": f"{n}", "scheduled_at": when}))
    last = (day + timedelta(hours=22)).isoformat()
    error = refused(
        client.post(
            STATUSES, headers=alice.auth, data={"status": "one more", "scheduled_at": last}
        ),
        "scheduled_at",
    )
    assert "25 posts on one day" in error
    next_day = (day + timedelta(days=1)).isoformat()
    ok(client.post(STATUSES, headers=alice.auth, data={"status": "ok", "scheduled_at": next_day}))


async def test_a_scheduled_post_is_moved_and_deleted(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    made = ok(
        client.post(
            STATUSES, headers=alice.auth, data={"status": "x", "scheduled_at": ahead(hours=1)}
        )
    )
    path = f"{SCHEDULED}/{made['id']}"
    later = ahead(hours=5)
    moved = assert_conforms(client.put(path, headers=alice.auth, data={"scheduled_at": later}))
    assert datetime.fromisoformat(moved["scheduled_at"]) > utcnow() + timedelta(hours=4)
    refused(
        client.put(path, headers=alice.auth, data={"scheduled_at": ahead(minutes=1)}),
        "scheduled_at",
    )
    refused(client.put(path, headers=alice.auth, data={}), "scheduled_at")
    assert client.put(path, headers=bob.auth, data={"scheduled_at": later}).status_code == 404
    # The job queued for the first time finds the post moved, and leaves it.
    past = utcnow() - timedelta(seconds=1)
    async with db.write() as session:
        first = await session.scalar(
            select(Job).where(Job.kind == "statuses.publish_scheduled").order_by(Job.id)
        )
        assert first is not None
        first.run_at = past
    await Worker(db, server.settings).run_until_idle()
    assert ok(client.get(path, headers=alice.auth))["id"] == made["id"]
    assert client.delete(path, headers=bob.auth).status_code == 404
    assert ok(client.delete(path, headers=alice.auth)) == {}
    assert client.get(path, headers=alice.auth).status_code == 404
    assert client.get(f"{SCHEDULED}/12x", headers=alice.auth).status_code == 404


async def test_a_scheduled_reply_whose_parent_is_gone_becomes_a_draft_saying_why(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    parent = ok(client.post(STATUSES, headers=bob.auth, data={"status": "Hello"}))
    ok(
        client.post(
            STATUSES,
            headers=alice.auth,
            data={"status": "Hi!", "in_reply_to_id": parent["id"], "scheduled_at": ahead(hours=1)},
        )
    )
    ok(client.delete(f"{STATUSES}/{parent['id']}", headers=bob.auth))
    await come_due(db)
    await Worker(db, server.settings).run_until_idle()
    assert ok(client.get(SCHEDULED, headers=alice.auth)) == []
    (draft,) = ok(client.get(DRAFTS, headers=alice.auth))
    assert draft["scheduled_at"] is None
    assert draft["params"]["text"] == "Hi!"
    assert "does not appear to exist" in draft["error"]


async def test_drafts_are_made_read_changed_published_and_deleted(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    first = ok(
        client.post(
            DRAFTS, headers=alice.auth, data={"status": "First thought", "visibility": "private"}
        )
    )
    assert (first["scheduled_at"], first["params"]["visibility"]) == (None, "private")
    second = ok(
        client.post(
            DRAFTS,
            headers=alice.auth,
            json={"status": "Poll?", "poll": {"options": ["Yes", "No"]}, "is_ghost_post": False},
        )
    )
    assert [d["id"] for d in ok(client.get(DRAFTS, headers=alice.auth))] == [
        second["id"],
        first["id"],
    ]
    assert ok(client.get(DRAFTS, headers=bob.auth)) == []
    assert ok(client.get(SCHEDULED, headers=alice.auth)) == []  # drafts are not scheduled
    assert client.get(f"{DRAFTS}/{first['id']}", headers=bob.auth).status_code == 404
    assert ok(client.get(f"{DRAFTS}/{first['id']}", headers=alice.auth))["id"] == first["id"]

    changed = ok(
        client.put(f"{DRAFTS}/{first['id']}", headers=alice.auth, data={"status": "Second thought"})
    )
    assert changed["params"]["text"] == "Second thought"
    assert changed["params"]["visibility"] == "public"  # her default, as none was given
    refused(
        client.put(f"{DRAFTS}/{first['id']}", headers=alice.auth, data={"status": "x" * 501}),
        "status",
    )
    assert (
        client.put(f"{DRAFTS}/{first['id']}", headers=bob.auth, data={"status": "y"}).status_code
        == 404
    )

    published = client.post(f"{DRAFTS}/{first['id']}/publish", headers=alice.auth)
    posted = assert_conforms(published, "Status")
    assert posted["content"] == "<p>Second thought</p>"
    assert client.get(f"{DRAFTS}/{first['id']}", headers=alice.auth).status_code == 404
    assert client.post(f"{DRAFTS}/{first['id']}/publish", headers=alice.auth).status_code == 404

    scheduled = ok(
        client.post(
            f"{DRAFTS}/{second['id']}/publish",
            headers=alice.auth,
            data={"scheduled_at": ahead(hours=1)},
        )
    )
    assert scheduled["scheduled_at"] is not None
    assert [s["id"] for s in ok(client.get(SCHEDULED, headers=alice.auth))] == [second["id"]]
    assert ok(client.get(DRAFTS, headers=alice.auth)) == []
    await come_due(db)
    await Worker(db, server.settings).run_until_idle()
    statuses = ok(client.get(f"/api/v1/accounts/{alice.account_id}/statuses", headers=alice.auth))
    assert [s["poll"] is not None for s in statuses] == [True, False]

    third = ok(client.post(DRAFTS, headers=alice.auth, data={"status": "Never mind"}))
    assert client.delete(f"{DRAFTS}/{third['id']}", headers=bob.auth).status_code == 404
    assert ok(client.delete(f"{DRAFTS}/{third['id']}", headers=alice.auth)) == {}
    assert ok(client.get(DRAFTS, headers=alice.auth)) == []


async def test_a_draft_takes_the_checks_of_a_post(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    refused(client.post(DRAFTS, headers=alice.auth, data={"status": ""}), "status")
    refused(
        client.post(DRAFTS, headers=alice.auth, data={"status": "x", "visibility": "loud"}),
        "visibility",
    )
    refused(
        client.post(DRAFTS, headers=alice.auth, data={"status": "x", "poll[options][]": ["a"]}),
        "poll[options]",
    )
    media = await ready(client, db, server, bob, photo("png", size=(32, 32)))
    refused(
        client.post(DRAFTS, headers=alice.auth, data={"status": "x", "media_ids[]": [media["id"]]}),
        "media_ids",
    )
    held = ok(
        client.post(DRAFTS, headers=bob.auth, data={"status": "mine", "media_ids[]": [media["id"]]})
    )
    refused(
        client.post(
            DRAFTS, headers=bob.auth, data={"status": "again", "media_ids[]": [media["id"]]}
        ),
        "media_ids",
    )
    # Changing the draft's media lets the upload go again.
    ok(client.put(f"{DRAFTS}/{held['id']}", headers=bob.auth, data={"status": "no photo"}))
    ok(client.post(DRAFTS, headers=bob.auth, data={"status": "now", "media_ids[]": [media["id"]]}))
    refused(
        client.put(
            f"{DRAFTS}/{held['id']}",
            headers=bob.auth,
            data={"status": "x", "scheduled_at": ahead(hours=1)},
        ),
        "scheduled_at",
    )
    refused(
        client.post(
            f"{DRAFTS}/{held['id']}/publish",
            headers=bob.auth,
            data={"scheduled_at": ahead(minutes=1)},
        ),
        "scheduled_at",
    )
    assert client.get(DRAFTS).status_code == 401
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(ScheduledStatus)) == 2


async def test_at_most_300_drafts_are_kept(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    async with db.write() as session:
        for n in range(limits.MAX_DRAFTS - 1):
            session.add(ScheduledStatus(account_id=alice.account_id, params={"text": f"{n}"}))
    ok(client.post(DRAFTS, headers=alice.auth, data={"status": "the last one"}))
    error = refused(client.post(DRAFTS, headers=alice.auth, data={"status": "one more"}), "draft")
    assert "at most 300 drafts" in error


async def test_a_draft_keeps_spoilers_topic_long_text_and_reply_approvals(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    kept = ok(
        client.post(
            DRAFTS,
            headers=alice.auth,
            json={
                "status": "The butler did it",
                "text_entities": [{"entity_type": "spoiler", "offset": 4, "length": 6}],
                "topic_tag": "Mysteries",
                "text_attachment": {"plaintext": "The whole story, at length."},
                "enable_reply_approvals": True,
            },
        )
    )
    posted = ok(client.post(f"{DRAFTS}/{kept['id']}/publish", headers=alice.auth))
    assert posted["text_entities"] == [{"entity_type": "spoiler", "offset": 4, "length": 6}]
    assert posted["topic_tag"] == "Mysteries"
    assert posted["text_attachment"]["plaintext"] == "The whole story, at length."
    assert posted["enable_reply_approvals"] is True
