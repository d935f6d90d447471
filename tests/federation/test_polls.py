"""Polls across servers: ours served as ``Question``s, votes from a remote
server (as Mastodon sends them) counted, results sent as an ``Update`` of the
``Question``, our votes on another server's poll sent as Mastodon sends them,
and its results read from its ``Update``s.

A real remote server on 127.0.0.1 signs its deliveries and records ours.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from tests.factories import Person
from tests.federation.inbox_helpers import run_jobs
from tests.federation.remote_server import RemoteActor, RemoteServer
from tests.live import LiveServer
from tests.openapi import assert_conforms
from weft.config import Settings
from weft.db.database import Database
from weft.federation.actors import iso
from weft.models import Job, Poll, PollVote, Status
from weft.models.base import utcnow

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
AS = {"Accept": "application/activity+json"}


@pytest.fixture
def people_settings(fed: LiveServer) -> Settings:
    return fed.settings


def deliver(actor: RemoteActor, fed: LiveServer, activity: dict[str, Any]) -> None:
    response = actor.deliver(f"{fed.url}/inbox", activity)
    assert response.status_code == 202, response.text


def vote_note(actor: RemoteActor, number: int, name: str, question: str, author: str) -> Any:
    """A vote exactly as Mastodon's ActivityPub::VoteSerializer writes it."""
    note_id = f"{actor.id}#votes/{number}"
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{note_id}/activity",
        "type": "Create",
        "actor": actor.id,
        "to": author,
        "object": {
            "id": note_id,
            "type": "Note",
            "name": name,
            "attributedTo": actor.id,
            "inReplyTo": question,
            "to": author,
        },
    }


def make_poll(fed: LiveServer, person: Person, options: list[str], **extra: Any) -> Any:
    with httpx.Client(base_url=fed.url, timeout=30) as client:
        response = client.post(
            "/api/v1/statuses",
            headers=person.auth,
            json={"status": "Which one?", "poll": {"options": options, **extra}},
        )
    assert response.status_code == 200, response.text
    return response.json()


async def send_results_now(db: Database, fed: LiveServer) -> None:
    """Run the pending batched results (due minutes after the first vote) now."""
    past = utcnow() - timedelta(seconds=1)
    async with db.write() as session:
        await session.execute(
            update(Job).where(Job.kind == "polls.send_results").values(run_at=past)
        )
    await run_jobs(db, fed)


def updates_of(remote: RemoteServer, note_id: str) -> list[dict[str, Any]]:
    return [
        body
        for _, body in remote.received
        if body.get("type") == "Update" and body["object"].get("id") == note_id
    ]


async def test_our_poll_is_a_question_and_remote_votes_are_counted(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    voter, other = remote.actor("voter"), remote.actor("other")
    status = make_poll(fed, bob, ["Wool", "Linen"], expires_in=3600)
    note = httpx.get(status["uri"], headers=AS, timeout=30).json()
    assert note["type"] == "Question"
    assert note["oneOf"] == [
        {"type": "Note", "name": "Wool", "replies": {"type": "Collection", "totalItems": 0}},
        {"type": "Note", "name": "Linen", "replies": {"type": "Collection", "totalItems": 0}},
    ]
    assert note["endTime"] == status["poll"]["expires_at"][:19] + "Z"
    assert "closed" not in note
    assert note["votersCount"] == 0

    bob_uri = note["attributedTo"]
    deliver(voter, fed, vote_note(voter, 1, "Linen", status["uri"], bob_uri))
    await run_jobs(db, fed)  # the inbox may take deliveries in any order: the first counts
    deliver(voter, fed, vote_note(voter, 2, "Wool", status["uri"], bob_uri))  # one-choice poll
    deliver(other, fed, vote_note(other, 1, "Linen", status["uri"], bob_uri))
    await run_jobs(db, fed)
    async with db.read() as session:
        poll = await session.scalar(select(Poll))
        votes = list(await session.scalars(select(PollVote)))
        posts = await session.scalar(select(Status.id).where(Status.id != int(status["id"])))
    assert poll is not None
    assert (poll.tallies, poll.voters_count) == ([0, 2], 2)
    assert {v.uri for v in votes} == {f"{voter.id}#votes/1", f"{other.id}#votes/1"}
    assert posts is None  # a vote is not a post
    # The results go to the voters' servers as an Update of the Question, batched.
    assert updates_of(remote, status["uri"]) == []
    await send_results_now(db, fed)
    updates = updates_of(remote, status["uri"])
    assert updates, remote.received
    last = updates[-1]["object"]
    assert last["type"] == "Question"
    assert [o["replies"]["totalItems"] for o in last["oneOf"]] == [0, 2]
    assert last["votersCount"] == 2


async def test_a_vote_for_no_option_or_after_the_end_is_not_counted(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    voter = remote.actor("voter")
    status = make_poll(fed, bob, ["Wool", "Linen"], expires_in=3600)
    bob_uri = f"{fed.url}/users/bob"
    deliver(voter, fed, vote_note(voter, 1, "Silk", status["uri"], bob_uri))
    await run_jobs(db, fed)
    async with db.write() as session:
        poll = await session.scalar(select(Poll))
        assert poll is not None
        assert poll.tallies == [0, 0]
        poll.expires_at = utcnow() - timedelta(seconds=1)
    deliver(voter, fed, vote_note(voter, 2, "Wool", status["uri"], bob_uri))
    await run_jobs(db, fed)
    async with db.read() as session:
        poll = await session.scalar(select(Poll))
        assert poll is not None
        assert poll.tallies == [0, 0]


def mastodon_question(author: RemoteActor, number: int, tallies: list[int], **extra: Any) -> Any:
    """A poll as Mastodon serves one (ActivityPub::NoteSerializer of a poll)."""
    ends = iso(utcnow() + timedelta(days=1))
    return {
        "id": f"{author.id}/statuses/{number}",
        "type": "Question",
        "attributedTo": author.id,
        "content": "<p>Cats or dogs?</p>",
        "published": iso(utcnow()),
        "to": [PUBLIC],
        "cc": [f"{author.id}/followers"],
        "endTime": ends,
        "votersCount": sum(tallies),
        "anyOf": [
            {"type": "Note", "name": name, "replies": {"type": "Collection", "totalItems": n}}
            for name, n in zip(["Cats", "Dogs", "Both"], tallies, strict=False)
        ],
        **extra,
    }


async def test_our_votes_on_a_remote_poll_go_to_its_author_and_its_results_come_back(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    author = remote.actor("pollster")
    question = mastodon_question(author, 7, [1, 0, 0])
    create = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{question['id']}/activity",
        "type": "Create",
        "actor": author.id,
        "to": [PUBLIC],
        "object": question,
    }
    deliver(author, fed, create)
    await run_jobs(db, fed)
    async with db.read() as session:
        status_id = await session.scalar(select(Status.id).where(Status.uri == question["id"]))
    with httpx.Client(base_url=fed.url, timeout=30) as client:
        shown = assert_conforms(client.get(f"/api/v1/statuses/{status_id}", headers=bob.auth))
        poll = shown["poll"]
        assert poll["multiple"] is True
        assert [o["votes_count"] for o in poll["options"]] == [1, 0, 0]
        voted = client.post(
            f"/api/v1/polls/{poll['id']}/votes", headers=bob.auth, json={"choices": [0, 2]}
        )
        assert voted.status_code == 200, voted.text
        assert [o["votes_count"] for o in voted.json()["options"]] == [2, 0, 1]
    remote.received.clear()
    await run_jobs(db, fed)
    votes = [body for path, body in remote.received if body.get("type") == "Create"]
    assert {v["object"]["name"] for v in votes} == {"Cats", "Both"}
    for sent in votes:
        assert sent["object"]["inReplyTo"] == question["id"]
        assert sent["object"]["type"] == "Note"
        assert sent["to"] == author.id
        assert sent["object"]["attributedTo"] == sent["actor"] == f"{fed.url}/users/bob"
    assert {path for path, _ in remote.received} <= {"/users/pollster/inbox", "/inbox"}

    # The author's server counts them and sends its results.
    results = mastodon_question(author, 7, [5, 3, 4])
    update = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{question['id']}#updates/1",
        "type": "Update",
        "actor": author.id,
        "to": [PUBLIC],
        "object": results,
    }
    deliver(author, fed, update)
    await run_jobs(db, fed)
    with httpx.Client(base_url=fed.url, timeout=30) as client:
        again = client.get(f"/api/v1/statuses/{status_id}", headers=bob.auth).json()["poll"]
    assert [o["votes_count"] for o in again["options"]] == [5, 3, 4]
    assert again["own_votes"] == [0, 2]


async def test_twenty_quick_votes_make_at_most_two_updates(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    status = make_poll(fed, bob, ["Wool", "Linen"], expires_in=3600)
    bob_uri = f"{fed.url}/users/bob"
    for number in range(20):
        voter = remote.actor(f"voter{number}")
        deliver(
            voter, fed, vote_note(voter, 1, ["Wool", "Linen"][number % 2], status["uri"], bob_uri)
        )
    await run_jobs(db, fed)
    await send_results_now(db, fed)
    async with db.write() as session:  # the poll ends: the final results go too
        past = utcnow() - timedelta(seconds=1)
        await session.execute(update(Poll).values(expires_at=past))
        await session.execute(update(Job).where(Job.kind == "polls.ended").values(run_at=past))
    await run_jobs(db, fed)
    updates = updates_of(remote, status["uri"])
    assert 1 <= len(updates) <= 2
    last = updates[-1]["object"]
    assert [o["replies"]["totalItems"] for o in last["oneOf"]] == [10, 10]
    assert last["votersCount"] == 20
    assert "closed" in last
