"""Polls over real HTTP: Mastodon's poll API with Threads' limits, votes (also
concurrent ones), hidden totals, and the end's notifications."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from tests.live import LiveServer
from tests.openapi import assert_conforms
from tests.timelines.helpers import follow, people
from weft.db.database import Database
from weft.jobs.worker import Worker
from weft.models import Job, Poll
from weft.models.base import utcnow

STATUSES = "/api/v1/statuses"


def make_poll(
    client: httpx.Client, auth: dict[str, str], options: list[str], **extra: Any
) -> httpx.Response:
    data: dict[str, Any] = {"status": extra.pop("status", "Which one?"), "poll[options][]": options}
    data.update({f"poll[{k}]": v for k, v in extra.items()})
    return client.post(STATUSES, headers=auth, data=data)


def made(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = assert_conforms(response)
    return body


def refused(response: httpx.Response, field: str) -> str:
    assert response.status_code == 422, response.text
    error: str = response.json()["error"]
    assert error.startswith(f"Validation failed: {field} "), error
    return error


def vote(client: httpx.Client, auth: dict[str, str], poll_id: str, *choices: int) -> httpx.Response:
    return client.post(
        f"/api/v1/polls/{poll_id}/votes", headers=auth, data={"choices[]": list(choices)}
    )


async def end_now(db: Database, poll_id: str) -> None:
    """Move the poll's end, and its job, into the past (polls last 5 minutes at least)."""
    past = utcnow() - timedelta(seconds=1)
    async with db.write() as session:
        await session.execute(update(Poll).where(Poll.id == int(poll_id)).values(expires_at=past))
        await session.execute(update(Job).where(Job.kind == "polls.ended").values(run_at=past))


async def test_a_poll_is_made_shown_and_voted_on(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    status = made(make_poll(client, alice.auth, ["Tea", "Coffee"], expires_in="3600"))
    poll = status["poll"]
    assert poll["options"] == [
        {"title": "Tea", "votes_count": 0},
        {"title": "Coffee", "votes_count": 0},
    ]
    assert (poll["multiple"], poll["expired"], poll["votes_count"]) == (False, False, 0)
    assert poll["voted"] is True
    assert poll["own_votes"] == []
    anonymous = client.get(f"/api/v1/polls/{poll['id']}")
    assert anonymous.status_code == 200
    assert "voted" not in anonymous.json()

    voted = made(vote(client, bob.auth, poll["id"], 1))
    assert voted["options"][1]["votes_count"] == 1
    # As Mastodon: voters_count is null in a one-choice poll (each voter is one vote).
    assert (voted["voted"], voted["own_votes"], voted["voters_count"]) == (True, [1], None)
    again = vote(client, bob.auth, poll["id"], 0)
    assert refused(again, "choices") == (
        "Validation failed: choices you have already voted on this poll"
    )
    own = vote(client, alice.auth, poll["id"], 0)
    assert refused(own, "choices") == "Validation failed: choices cannot be given in your own poll"
    shown = made(client.get(f"{STATUSES}/{status['id']}", headers=bob.auth))
    assert shown["poll"]["own_votes"] == [1]
    assert shown["poll"]["options"][1]["votes_count"] == 1
    # Home (read as rows, from the cache) shows the same poll with the viewer's votes.
    await follow(db, bob, alice)
    await Worker(db, server.settings).run_until_idle()
    home = made(client.get("/api/v1/timelines/home", headers=bob.auth))
    assert home[0]["poll"] == shown["poll"]


async def test_multiple_choice_counts_each_option_and_each_voter_once(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    poll = made(make_poll(client, alice.auth, ["a", "b", "c"], multiple="true"))["poll"]
    assert poll["multiple"] is True
    made(vote(client, bob.auth, poll["id"], 0, 2))
    result = made(vote(client, carol.auth, poll["id"], 2))
    assert [o["votes_count"] for o in result["options"]] == [1, 0, 2]
    assert (result["votes_count"], result["voters_count"]) == (3, 2)


@pytest.mark.parametrize(
    ("options", "extra", "field"),
    [
        (["only one"], {}, "poll[options]"),
        (["a", "b", "c", "d", "e"], {}, "poll[options]"),
        (["a", "x" * 26], {}, "poll[options]"),
        (["a", "   "], {}, "poll[options]"),
        (["Same", "same"], {}, "poll[options]"),
        (["a", "b"], {"expires_in": "299"}, "poll[expires_in]"),
        (["a", "b"], {"expires_in": "604801"}, "poll[expires_in]"),
        (["a", "b"], {"expires_in": "soon"}, "poll[expires_in]"),
        (["a", "b"], {"multiple": "perhaps"}, "poll[multiple]"),
        (["a", "b"], {"hide_totals": "perhaps"}, "poll[hide_totals]"),
    ],
)
async def test_a_poll_past_a_limit_is_refused_naming_the_field(
    client: httpx.Client,
    server: LiveServer,
    db: Database,
    options: list[str],
    extra: dict[str, str],
    field: str,
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    refused(make_poll(client, alice.auth, options, **extra), field)
    assert made(client.get("/api/v1/timelines/home", headers=alice.auth)) == []


async def test_the_edges_of_the_limits_are_allowed(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    four = made(make_poll(client, alice.auth, ["a", "b", "c", "x" * 25], expires_in="300"))
    assert len(four["poll"]["options"]) == 4
    assert four["poll"]["options"][3]["title"] == "x" * 25
    week = made(make_poll(client, alice.auth, ["a", "b"], expires_in="604800"))["poll"]
    default = made(make_poll(client, alice.auth, ["a", "b"]))
    created = default["created_at"].replace("Z", "+00:00")
    ends = default["poll"]["expires_at"].replace("Z", "+00:00")
    lasted = datetime.fromisoformat(ends) - datetime.fromisoformat(created)
    assert lasted == timedelta(hours=24)
    assert week["expires_at"] > default["poll"]["expires_at"]
    as_json = client.post(
        STATUSES,
        headers=alice.auth,
        json={"status": "json?", "poll": {"options": ["yes", "no"], "expires_in": 300}},
    )
    assert made(as_json)["poll"]["options"][0]["title"] == "yes"


async def test_other_bad_inputs_are_refused(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    not_object = client.post(STATUSES, headers=alice.auth, json={"status": "x", "poll": "yes"})
    assert not_object.status_code == 422
    assert "poll" in not_object.json()["error"]
    with_media = client.post(
        STATUSES,
        headers=alice.auth,
        data={"status": "x", "poll[options][]": ["a", "b"], "media_ids[]": ["1"]},
    )
    refused(with_media, "poll")
    poll = made(make_poll(client, alice.auth, ["a", "b"]))["poll"]
    refused(vote(client, bob.auth, poll["id"], 2), "choices")
    refused(vote(client, bob.auth, poll["id"]), "choices")
    refused(vote(client, bob.auth, poll["id"], 0, 1), "choices")  # single-choice
    words = client.post(
        f"/api/v1/polls/{poll['id']}/votes", headers=bob.auth, data={"choices[]": ["first"]}
    )
    refused(words, "choices")
    assert client.get("/api/v1/polls/123", headers=bob.auth).status_code == 404
    assert client.get("/api/v1/polls/nope", headers=bob.auth).status_code == 404
    assert vote(client, bob.auth, "123", 0).status_code == 404
    # A poll in a post the voter may not see does not exist for them.
    hidden = made(
        client.post(
            STATUSES,
            headers=alice.auth,
            data={"status": "secret", "visibility": "private", "poll[options][]": ["a", "b"]},
        )
    )["poll"]
    assert client.get(f"/api/v1/polls/{hidden['id']}", headers=bob.auth).status_code == 404
    assert vote(client, bob.auth, hidden["id"], 0).status_code == 404
    await end_now(db, poll["id"])
    ended = vote(client, bob.auth, poll["id"], 0)
    assert refused(ended, "choices").endswith("the poll has already ended")


async def test_concurrent_votes_are_all_counted_and_nobody_votes_twice(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    names = [f"voter{i}" for i in range(8)]
    alice, *voters = await people(db, server.settings, "alice", *names)
    poll = made(make_poll(client, alice.auth, ["a", "b"]))["poll"]

    def cast(index: int) -> int:
        with server.client() as http:
            return vote(http, voters[index % len(voters)].auth, poll["id"], index % 2).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(cast, range(16)))  # each voter twice, at once
    assert sorted(codes) == [200] * 8 + [422] * 8
    result = made(client.get(f"/api/v1/polls/{poll['id']}", headers=alice.auth))
    assert result["votes_count"] == 8
    assert result["voters_count"] is None  # one-choice (Mastodon): votes_count says it
    assert sum(o["votes_count"] for o in result["options"]) == 8


async def test_hidden_totals_show_once_the_poll_ends(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    poll = made(make_poll(client, alice.auth, ["a", "b"], hide_totals="true"))["poll"]
    voted = made(vote(client, bob.auth, poll["id"], 0))
    assert [o["votes_count"] for o in voted["options"]] == [None, None]
    assert voted["votes_count"] == 1
    await end_now(db, poll["id"])
    ended = made(client.get(f"/api/v1/polls/{poll['id']}", headers=bob.auth))
    assert ended["expired"] is True
    assert [o["votes_count"] for o in ended["options"]] == [1, 0]


async def test_voters_and_the_author_are_notified_once_when_it_ends(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    status = made(make_poll(client, alice.auth, ["a", "b"]))
    made(vote(client, bob.auth, status["poll"]["id"], 0))
    worker = Worker(db, server.settings)
    await worker.run_until_idle()
    assert made(client.get("/api/v1/notifications", headers=bob.auth)) == []  # not yet
    await end_now(db, status["poll"]["id"])
    await worker.run_until_idle()
    for person in (alice, bob):
        notes = made(client.get("/api/v1/notifications", headers=person.auth))
        assert [(n["type"], n["status"]["id"]) for n in notes] == [("poll", status["id"])]
        assert notes[0]["status"]["poll"]["expired"] is True
    assert made(client.get("/api/v1/notifications", headers=carol.auth)) == []
