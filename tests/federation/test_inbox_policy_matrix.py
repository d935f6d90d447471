"""The post matrix asked of the inbox: replies and quotes another server delivers.

Bob (local) writes one public post per reply policy and one per quote policy.
Carol, on a real remote server on 127.0.0.1, stands in one relation with him
and delivers, signed, to Weft's inbox over HTTP, a reply to each of the first
and a quote of each of the second (shaped as Mastodon and Misskey send them).
A reply is stored only when Bob's reply policy lets Carol reply; a quote is
always stored, but accepted (shown, counted, told) only when his quote policy
lets Carol quote; Bob is notified only of what he allowed, and not by someone
he blocks or mutes. The expected answers are the local table's
(``weft.policies.statuses``): one rule for both doors.
"""

# The fixtures come from test_inbox and are named again as parameters.

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import Person
from tests.federation.inbox_helpers import run_jobs
from tests.federation.remote_server import RemoteActor, RemoteServer
from tests.federation.test_inbox import deliver
from tests.live import LiveServer
from weft.actions.graph import authorize_follow_request, block_account, follow_account, mute_account
from weft.actions.posts.post import Draft, post_status
from weft.config import Settings
from weft.db.database import Database
from weft.federation.remote import fetch_account
from weft.models import Notification, Status

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
REPLY_POLICIES = ("everyone", "following", "followers", "mentioned", "author")
QUOTE_POLICIES = ("public", "followers", "nobody")
RELATIONS = (
    "stranger",
    "follower",  # Carol follows Bob
    "followed",  # Bob follows Carol
    "mentioned",  # Bob's posts mention Carol
    "blocked",  # Bob blocks Carol
    "muter",  # Carol follows Bob; Bob mutes her (notifications too)
)
Y, N = True, False

# relation: one answer per reply policy, in REPLY_POLICIES' order
CAN_REPLY = {
    "stranger": (Y, N, N, N, N),
    "follower": (Y, N, Y, N, N),
    "followed": (Y, Y, N, N, N),
    "mentioned": (Y, Y, Y, Y, N),
    "blocked": (N, N, N, N, N),
    "muter": (Y, N, Y, N, N),
}
# relation: one answer per quote policy, in QUOTE_POLICIES' order
CAN_QUOTE = {
    "stranger": (Y, N, N),
    "follower": (Y, Y, N),
    "followed": (Y, N, N),
    "mentioned": (Y, Y, Y),
    "blocked": (N, N, N),
    "muter": (Y, Y, N),
}


@pytest.fixture
def people_settings(fed: LiveServer) -> Settings:
    """Bob lives on ``fed``, the server Carol's server delivers to."""
    return fed.settings


async def _relate(db: Database, fed: LiveServer, bob: Person, carol_id: int, relation: str) -> None:
    if relation in ("follower", "muter"):
        await follow_account(db, carol_id, bob.account_id)
    if relation == "followed":
        await follow_account(db, bob.account_id, carol_id)  # a request: Carol is remote
        await authorize_follow_request(db, carol_id, bob.account_id)  # her server's Accept
    if relation == "blocked":
        await block_account(db, bob.account_id, carol_id)
    if relation == "muter":
        await mute_account(db, bob.account_id, carol_id)


def _create(carol: RemoteActor, number: int, bob_uri: str, **extra: Any) -> dict[str, Any]:
    note = {
        "id": f"{carol.id}/statuses/{number}",
        "type": "Note",
        "attributedTo": carol.id,
        "content": f"<p>number {number}</p>",
        "published": "2026-11-20T10:00:00Z",
        "to": [PUBLIC],
        "cc": [bob_uri],
        **extra,
    }
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{carol.id}/activities/{number}",
        "type": "Create",
        "actor": carol.id,
        "to": [PUBLIC],
        "cc": [bob_uri],
        "object": note,
    }


async def _by_uri(db: Database, uri: str) -> Status | None:
    async with db.read() as session:
        return await session.scalar(select(Status).where(Status.uri == uri))


async def _notified(db: Database, bob: Person, status: Status | None, kind: str) -> bool:
    if status is None:
        return False
    async with db.read() as session:
        found = await session.scalar(
            select(Notification.id).where(
                Notification.account_id == bob.account_id,
                Notification.from_account_id == status.account_id,
                Notification.status_id == status.id,
                Notification.type == kind,
            )
        )
    return found is not None


@pytest.mark.parametrize("relation", RELATIONS)
async def test_the_inbox_gives_the_policy_answer(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person, relation: str
) -> None:
    carol = remote.actor("carol")
    carol_account = await fetch_account(db, fed.settings, carol.id)
    await _relate(db, fed, bob, carol_account.id, relation)
    mention = f" @carol@{remote.domain}" if relation == "mentioned" else ""
    bob_uri = f"{fed.url}/users/bob"
    parents = [
        await post_status(
            db, fed.settings, bob.account_id, Draft(f"Say{mention}", reply_policy=policy)
        )
        for policy in REPLY_POLICIES
    ]
    quoted = [
        await post_status(
            db, fed.settings, bob.account_id, Draft(f"Quote{mention}", quote_policy=policy)
        )
        for policy in QUOTE_POLICIES
    ]
    bob_tag = {"type": "Mention", "href": bob_uri, "name": f"@bob@{fed.settings.domain}"}
    for number, parent in enumerate(parents):
        reply = _create(carol, number, bob_uri, inReplyTo=parent.uri, tag=[bob_tag])
        deliver(carol, fed, reply)
    for number, target in enumerate(quoted, start=10):
        deliver(carol, fed, _create(carol, number, bob_uri, quote=target.uri))
    await run_jobs(db, fed)

    mismatches: list[str] = []

    def expect(what: str, policy: str, expected: bool, actual: bool) -> None:
        if expected != actual:
            mismatches.append(f"{what} / {policy}: expected {expected}, got {actual}")

    for number, (policy, parent) in enumerate(zip(REPLY_POLICIES, parents, strict=True)):
        allowed = CAN_REPLY[relation][number]
        reply = await _by_uri(db, f"{carol.id}/statuses/{number}")
        expect("reply stored", policy, allowed, reply is not None)
        expect(
            "in the thread",
            policy,
            allowed,
            reply is not None and reply.in_reply_to_id == parent.id,
        )
        counted = (await _by_uri(db, parent.uri)) or parent
        expect("replies_count", policy, allowed, counted.replies_count == 1)
        told = allowed and relation != "muter"
        expect("reply notified", policy, told, await _notified(db, bob, reply, "mention"))

    with fed.client() as http:
        for number, (policy, target) in enumerate(zip(QUOTE_POLICIES, quoted, strict=True), 10):
            allowed = CAN_QUOTE[relation][number - 10]
            quote = await _by_uri(db, f"{carol.id}/statuses/{number}")
            assert quote is not None  # a refused quote is still a post
            assert quote.quote_of_id == target.id
            expect("quote_state", policy, allowed, quote.quote_state == "accepted")
            expect("quote_state", policy, not allowed, quote.quote_state == "rejected")
            counted = await _by_uri(db, target.uri)
            expect(
                "quotes_count", policy, allowed, counted is not None and counted.quotes_count == 1
            )
            told = allowed and relation != "muter"
            expect("quote notified", policy, told, await _notified(db, bob, quote, "quote"))
            if relation == "blocked":
                continue  # Bob may not see the post of someone he blocks
            shown = http.get(f"/api/v1/statuses/{quote.id}", headers=bob.auth)
            assert shown.status_code == 200, shown.text
            state = shown.json()["quote"]["state"]
            expect("API quote state", policy, allowed, state == "accepted")
            inner = shown.json()["quote"]["quoted_status"]
            expect("quoted post shown", policy, allowed, inner is not None)
    assert mismatches == []


async def test_a_refused_reply_fetched_as_a_parent_is_left_out_of_the_thread(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    """Carol's reply to Bob's closed post reaches us only as the parent of her
    next post: it is fetched, refused like a delivered one, and the next post
    is stored without that parent (as one whose parent cannot be had)."""
    carol = remote.actor("carol")
    bob_uri = f"{fed.url}/users/bob"
    closed = await post_status(
        db, fed.settings, bob.account_id, Draft("Just saying", reply_policy="author")
    )
    refused = _create(carol, 1, bob_uri, inReplyTo=closed.uri)["object"]
    remote.serve_object(refused)
    deliver(carol, fed, _create(carol, 2, bob_uri, inReplyTo=refused["id"]))
    await run_jobs(db, fed)
    assert await _by_uri(db, refused["id"]) is None
    child = await _by_uri(db, f"{carol.id}/statuses/2")
    assert child is not None
    assert child.in_reply_to_id is None
    assert (await _by_uri(db, closed.uri) or closed).replies_count == 0
