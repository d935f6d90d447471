"""Ghost posts over real HTTP (``is_ghost_post``): text only, marked in the
entity, never reposted or quoted, replies to them go to their author alone,
and gone 24 hours after posting (by their job; at once on every endpoint)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from tests.api.test_media import ready
from tests.live import LiveServer
from tests.media.helpers import photo
from tests.openapi import assert_conforms
from tests.timelines.helpers import people
from weft.db.database import Database
from weft.jobs.worker import Worker
from weft.models import Job, Status
from weft.models.base import utcnow

STATUSES = "/api/v1/statuses"


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def refused(response: httpx.Response, field: str) -> str:
    assert response.status_code == 422, response.text
    error: str = response.json()["error"]
    assert error.startswith(f"Validation failed: {field} "), error
    return error


async def run_jobs(db: Database, server: LiveServer) -> None:
    """Run the jobs that are due (a ghost post's end is a day away)."""
    await Worker(db, server.settings).run_until_idle()


def ghost(client: httpx.Client, auth: dict[str, str], text: str = "Boo", **extra: Any) -> Any:
    data = {"status": text, "is_ghost_post": "true", **extra}
    return client.post(STATUSES, headers=auth, data=data)


async def test_a_ghost_post_is_marked_and_never_reposted_or_quoted(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    posted = assert_conforms(ghost(client, alice.auth))
    assert posted["is_ghost_post"] is True
    end = datetime.fromisoformat(posted["ghost_post_expires_at"])
    created = datetime.fromisoformat(posted["created_at"])
    assert end - created == timedelta(hours=24)
    plain = ok(client.post(STATUSES, headers=alice.auth, data={"status": "Stays"}))
    assert (plain["is_ghost_post"], plain["ghost_post_expires_at"]) == (False, None)

    seen = ok(client.get(f"{STATUSES}/{posted['id']}", headers=bob.auth))
    assert seen["quote_approval"]["current_user"] == "denied"
    for person in (bob, alice):  # its author included
        refused(client.post(f"{STATUSES}/{posted['id']}/reblog", headers=person.auth), "id")
        refused(
            client.post(
                STATUSES,
                headers=person.auth,
                data={"status": "Look", "quoted_status_id": posted["id"]},
            ),
            "quoted_status_id",
        )
    assert ok(client.get(f"{STATUSES}/{posted['id']}", headers=bob.auth))["reblogs_count"] == 0


async def test_a_ghost_post_is_text_only(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    media = await ready(client, db, server, alice, photo("png", size=(32, 32)))
    error = refused(ghost(client, alice.auth, **{"media_ids[]": media["id"]}), "is_ghost_post")
    assert "text only" in error
    refused(ghost(client, alice.auth, **{"poll[options][]": ["a", "b"]}), "is_ghost_post")
    other = ok(client.post(STATUSES, headers=bob.auth, data={"status": "Quote me"}))
    refused(ghost(client, alice.auth, quoted_status_id=other["id"]), "is_ghost_post")
    refused(ghost(client, alice.auth, is_ghost_post="maybe"), "is_ghost_post")
    posted = ok(ghost(client, alice.auth))
    refused(
        client.put(
            f"{STATUSES}/{posted['id']}",
            headers=alice.auth,
            data={"status": "Boo!", "media_ids[]": media["id"]},
        ),
        "is_ghost_post",
    )
    edited = ok(
        client.put(f"{STATUSES}/{posted['id']}", headers=alice.auth, data={"status": "Boo!"})
    )
    assert (edited["content"], edited["is_ghost_post"]) == ("<p>Boo!</p>", True)


async def test_a_reply_to_a_ghost_post_goes_to_its_author_alone(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    posted = ok(ghost(client, alice.auth, "Who's up?"))
    reply = ok(
        client.post(
            STATUSES,
            headers=bob.auth,
            data={"status": "Me, and @carol too", "in_reply_to_id": posted["id"]},
        )
    )
    assert reply["visibility"] == "direct"
    assert reply["in_reply_to_id"] == posted["id"]
    assert [m["username"] for m in reply["mentions"]] == ["alice"]
    await run_jobs(db, server)
    assert ok(client.get(f"{STATUSES}/{reply['id']}", headers=alice.auth))["id"] == reply["id"]
    assert client.get(f"{STATUSES}/{reply['id']}", headers=carol.auth).status_code == 404
    assert client.get(f"{STATUSES}/{reply['id']}").status_code == 404
    notes = ok(client.get("/api/v1/notifications", headers=alice.auth))
    assert [(n["type"], n["status"]["id"]) for n in notes] == [("mention", reply["id"])]
    assert ok(client.get("/api/v1/notifications", headers=carol.auth)) == []
    context = ok(client.get(f"{STATUSES}/{posted['id']}/context", headers=carol.auth))
    assert context["descendants"] == []
    assert ok(client.get(f"{STATUSES}/{posted['id']}", headers=carol.auth))["replies_count"] == 0
    # The author's own reply is an ordinary one.
    own = ok(
        client.post(
            STATUSES, headers=alice.auth, data={"status": "Me too", "in_reply_to_id": posted["id"]}
        )
    )
    assert own["visibility"] == "public"


async def expire(db: Database, status_id: str, *, job_too: bool) -> None:
    past = utcnow() - timedelta(seconds=1)
    async with db.write() as session:
        await session.execute(
            update(Status).where(Status.id == int(status_id)).values(ghost_expires_at=past)
        )
        if job_too:
            await session.execute(
                update(Job).where(Job.kind == "statuses.ghost_expired").values(run_at=past)
            )


async def test_an_ended_ghost_post_is_gone_everywhere_and_then_deleted(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    posted = ok(ghost(client, alice.auth, "Soon gone #ghosts"))
    kept = ok(client.post(STATUSES, headers=alice.auth, data={"status": "Still here #ghosts"}))
    await run_jobs(db, server)  # fan-out done; the ghost's end is a day away
    path = f"{STATUSES}/{posted['id']}"
    assert ok(client.get(path, headers=bob.auth))["id"] == posted["id"]
    await expire(db, posted["id"], job_too=False)
    # Its end has passed, its job not yet run: already gone on every endpoint.
    for who in (alice.auth, bob.auth, {}):
        assert client.get(path, headers=who).status_code == 404
    lists = [
        f"/api/v1/accounts/{alice.account_id}/statuses",
        "/api/v1/timelines/public",
        "/api/v1/timelines/tag/ghosts",
    ]
    for url in lists:
        assert [s["id"] for s in ok(client.get(url, headers=bob.auth))] == [kept["id"]], url
    assert [s["id"] for s in ok(client.get("/api/v1/timelines/home", headers=alice.auth))] == [
        kept["id"]
    ]
    assert client.post(f"{path}/reblog", headers=bob.auth).status_code == 404
    assert client.post(f"{path}/favourite", headers=bob.auth).status_code == 404
    # The job deletes it.
    await expire(db, posted["id"], job_too=True)
    await run_jobs(db, server)
    async with db.read() as session:
        assert await session.scalar(select(Status.id).where(Status.id == int(posted["id"]))) is None
    assert client.get(path, headers=alice.auth).status_code == 404
