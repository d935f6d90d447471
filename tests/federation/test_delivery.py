"""Outbound federation against a real inbox on loopback, on every backend.

Local actions (follow, post, like, repost, block, profile edits) queue
``federation.publish``; a real worker runs it and the ``federation.deliver``
jobs it queues, which sign and POST to ``InboxServer``. Retries, server
pauses, domain suspensions and the fediverse switch are checked on the rows
and on what the inbox received.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.factories import Person, make_person
from tests.federation.inbox_server import InboxServer
from weft.actions import graph, interactions, outbox
from weft.actions.accounts import ProfileChange, update_profile
from weft.actions.posts.delete import delete_status
from weft.actions.posts.edit import Change, edit_status
from weft.actions.posts.post import Draft, post_status
from weft.activity_kinds import ActivityKind, check_covered
from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import new_id
from weft.federation import outgoing
from weft.federation.delivery import pause_seconds, retry_delay
from weft.federation.signatures import verify_request
from weft.jobs.admin import list_jobs, retry_job
from weft.jobs.kinds import DELIVER, PUBLISH, JobKind
from weft.jobs.worker import Worker
from weft.models import Account, Follow, FollowRequest, Job, Status
from weft.models.base import utcnow
from weft.models.federation import DomainBlock, FederatedServer
from weft.models.jobs import DEAD

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def inbox() -> Iterator[InboxServer]:
    server = InboxServer().start()
    yield server
    server.stop()


@pytest.fixture
def fed_settings(settings: Settings) -> Settings:
    return settings.with_(allow_private_network=True, delivery_retry_seconds=60)


async def remote_account(db: Database, inbox: InboxServer, username: str) -> Account:
    """A remote actor on the inbox server (as the inbox would have stored it)."""
    actor = f"{inbox.url}/users/{username}"
    account = Account(
        id=new_id(),
        username=username,
        domain=inbox.domain,
        uri=actor,
        url=f"{inbox.url}/@{username}",
        inbox_url=f"{actor}/inbox",
        shared_inbox_url=f"{inbox.url}/inbox",
        followers_url=f"{actor}/followers",
    )
    async with db.write() as session:
        session.add(account)
    return account


async def run_jobs(db: Database, settings: Settings) -> None:
    await Worker(db, settings).run_until_idle(max_seconds=60)


async def jobs_of(db: Database, kind: JobKind) -> list[Job]:
    async with db.read() as session:
        return list(await session.scalars(select(Job).where(Job.kind == kind.name)))


async def public_key(db: Database, person: Person) -> str:
    async with db.read() as session:
        pem = await session.scalar(
            select(Account.public_key_pem).where(Account.id == person.account_id)
        )
    assert pem is not None
    return pem


async def check_signed(db: Database, inbox: InboxServer, person: Person) -> None:
    """Every POST the inbox got is signed by ``person``'s key, as Mastodon wants."""
    pem = await public_key(db, person)
    for received in inbox.received:
        assert received.headers["content-type"] == "application/activity+json"
        assert 'algorithm="rsa-sha256"' in received.headers["signature"]
        assert 'headers="(request-target) host date digest"' in received.headers["signature"]
        verify_request("POST", received.path, received.headers, received.body, public_key_pem=pem)


async def test_a_remote_follower_is_accepted_and_gets_posts_edits_and_deletes(
    db: Database, fed_settings: Settings, inbox: InboxServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    bob = await remote_account(db, inbox, "bob")
    their_follow = f"{inbox.url}/follows/1"
    await graph.follow_account(db, bob.id, alice.account_id, uri=their_follow)
    await run_jobs(db, fed_settings)
    [accept] = inbox.activities("Accept")
    assert accept["actor"] == f"{fed_settings.base_url}/users/alice"
    assert accept["object"] == {
        "id": their_follow,
        "type": "Follow",
        "actor": bob.uri,
        "object": f"{fed_settings.base_url}/users/alice",
    }
    assert "https://w3id.org/security/v1" in accept["@context"]

    # Each is published in turn (a post deleted before its Create went out
    # has nothing left to create: the job finds it gone and sends nothing).
    status = await post_status(db, fed_settings, alice.account_id, Draft(text="Hello, fediverse"))
    await run_jobs(db, fed_settings)
    await edit_status(db, fed_settings, alice.account_id, status.id, Change(text="Hello again"))
    await run_jobs(db, fed_settings)
    await delete_status(db, alice.account_id, status.id)
    await run_jobs(db, fed_settings)
    [create] = inbox.activities("Create")
    note_id = f"{fed_settings.base_url}/users/alice/statuses/{status.id}"
    assert create["id"] == f"{note_id}/activity"
    assert create["to"] == [PUBLIC]
    assert create["cc"] == [f"{fed_settings.base_url}/users/alice/followers"]
    assert create["object"]["type"] == "Note"
    assert "Hello, fediverse" in create["object"]["content"]
    assert "@context" not in create["object"]
    [edit] = inbox.activities("Update")
    assert edit["id"].startswith(f"{note_id}#updates/")
    assert "Hello again" in edit["object"]["content"]
    assert edit["object"]["updated"]
    [deleted] = inbox.activities("Delete")
    assert deleted["id"] == f"{note_id}#delete"
    assert deleted["object"] == {"id": note_id, "type": "Tombstone", "atomUri": note_id}
    # All went to the shared inbox, each once.
    assert {r.path for r in inbox.received} == {"/inbox"}
    await check_signed(db, inbox, alice)


async def test_a_locked_account_accepts_or_rejects_later(
    db: Database, fed_settings: Settings, inbox: InboxServer
) -> None:
    alice = await make_person(db, fed_settings, "alice", locked=True)
    bob = await remote_account(db, inbox, "bob")
    carol = await remote_account(db, inbox, "carol")
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{inbox.url}/follows/b")
    await graph.follow_account(db, carol.id, alice.account_id, uri=f"{inbox.url}/follows/c")
    await run_jobs(db, fed_settings)
    assert inbox.received == []  # nothing until alice decides
    await graph.authorize_follow_request(db, alice.account_id, bob.id)
    await graph.reject_follow_request(db, alice.account_id, carol.id)
    await run_jobs(db, fed_settings)
    [accept] = inbox.activities("Accept")
    [reject] = inbox.activities("Reject")
    assert accept["object"]["id"] == f"{inbox.url}/follows/b"
    assert reject["object"]["id"] == f"{inbox.url}/follows/c"
    async with db.read() as session:
        kept = await session.scalar(select(Follow.uri).where(Follow.account_id == bob.id))
    assert kept == f"{inbox.url}/follows/b"  # the follow keeps their id, for their Undo


async def test_following_a_remote_account_sends_follow_and_undo(
    db: Database, fed_settings: Settings, inbox: InboxServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    bob = await remote_account(db, inbox, "bob")
    await graph.follow_account(db, alice.account_id, bob.id)
    async with db.read() as session:
        request = await session.scalar(
            select(FollowRequest).where(FollowRequest.account_id == alice.account_id)
        )
    assert request is not None
    assert request.uri is not None
    assert request.uri.startswith(f"{fed_settings.base_url}/users/alice#follows/")
    # Their Accept (the inbox) authorizes the request: nothing goes back out.
    await graph.authorize_follow_request(db, bob.id, alice.account_id)
    await graph.unfollow_account(db, alice.account_id, bob.id)
    await run_jobs(db, fed_settings)
    [follow] = inbox.activities("Follow")
    assert follow == {
        "@context": follow["@context"],
        "id": request.uri,
        "type": "Follow",
        "actor": f"{fed_settings.base_url}/users/alice",
        "object": bob.uri,
    }
    assert inbox.activities("Accept") == []
    [undo] = inbox.activities("Undo")
    assert undo["id"] == f"{request.uri}/undo"
    assert undo["object"]["id"] == request.uri  # the follow kept the request's id
    assert [r.path for r in inbox.received] == ["/inbox", "/inbox"]


async def remote_post(db: Database, author: Account, text: str) -> Status:
    status_id = new_id()
    status = Status(
        id=status_id,
        account_id=author.id,
        uri=f"{author.uri}/statuses/{status_id}",
        url=f"{author.url}/{status_id}",
        text=text,
        content=f"<p>{text}</p>",
        visibility="public",
        conversation_id=status_id,
    )
    async with db.write() as session:
        session.add(status)
    return status


async def test_likes_reposts_and_blocks_reach_the_remote_author(
    db: Database, fed_settings: Settings, inbox: InboxServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    bob = await remote_account(db, inbox, "bob")
    theirs = await remote_post(db, bob, "A remote post")
    await interactions.favourite(db, alice.account_id, theirs.id)
    await interactions.unfavourite(db, alice.account_id, theirs.id)
    repost_id = await interactions.reblog(db, alice.account_id, theirs.id)
    await run_jobs(db, fed_settings)  # the Announce is built from the repost
    await interactions.unreblog(db, alice.account_id, theirs.id)
    await graph.block_account(db, alice.account_id, bob.id)
    await graph.unblock_account(db, alice.account_id, bob.id)
    await run_jobs(db, fed_settings)
    me = f"{fed_settings.base_url}/users/alice"
    [like] = inbox.activities("Like")
    assert like["object"] == theirs.uri
    assert like["id"].startswith(f"{me}#likes/")
    [announce] = inbox.activities("Announce")
    assert announce["id"] == f"{me}/statuses/{repost_id}/activity"
    assert announce["object"] == theirs.uri
    assert announce["to"] == [PUBLIC]
    assert announce["cc"] == [bob.uri, f"{me}/followers"]
    [block] = inbox.activities("Block")
    assert block["object"] == bob.uri
    undone = {u["object"]["type"]: u for u in inbox.activities("Undo")}
    assert undone["Like"]["object"]["id"] == like["id"]
    assert undone["Announce"]["object"]["id"] == announce["id"]
    assert undone["Block"]["object"]["id"] == block["id"]
    await check_signed(db, inbox, alice)


async def test_local_only_activity_queues_nothing(db: Database, fed_settings: Settings) -> None:
    alice = await make_person(db, fed_settings, "alice")
    bob = await make_person(db, fed_settings, "bob")
    await graph.follow_account(db, bob.account_id, alice.account_id)
    status = await post_status(db, fed_settings, alice.account_id, Draft(text="Just us"))
    await interactions.favourite(db, bob.account_id, status.id)
    await graph.block_account(db, alice.account_id, bob.account_id)
    assert await jobs_of(db, PUBLISH) == []


async def test_the_switch_off_stops_publishing(
    db: Database, fed_settings: Settings, inbox: InboxServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    bob = await remote_account(db, inbox, "bob")
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{inbox.url}/follows/1")
    await run_jobs(db, fed_settings)
    await update_profile(db, alice.account_id, ProfileChange(federated=False))
    await post_status(db, fed_settings, alice.account_id, Draft(text="Not for them"))
    assert await jobs_of(db, PUBLISH) == []
    await update_profile(db, alice.account_id, ProfileChange(federated=True, note="Back"))
    await run_jobs(db, fed_settings)
    [profile] = inbox.activities("Update")
    assert profile["object"]["type"] == "Person"
    assert profile["object"]["summary"] == "<p>Back</p>"
    assert profile["object"]["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY")


async def test_federation_off_delivers_nothing(
    db: Database, fed_settings: Settings, inbox: InboxServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    bob = await remote_account(db, inbox, "bob")
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{inbox.url}/follows/1")
    await run_jobs(db, fed_settings.with_(federation=False))
    assert inbox.received == []
    assert await jobs_of(db, DELIVER) == []


async def test_a_suspended_domain_gets_nothing(
    db: Database, fed_settings: Settings, inbox: InboxServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    bob = await remote_account(db, inbox, "bob")
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{inbox.url}/follows/1")
    async with db.write() as session:
        session.add(DomainBlock(id=new_id(), domain=inbox.domain, severity="suspend"))
    await post_status(db, fed_settings, alice.account_id, Draft(text="Hello"))
    await run_jobs(db, fed_settings)
    assert inbox.received == []


async def server_row(db: Database, domain: str) -> FederatedServer:
    async with db.read() as session:
        row = await session.get(FederatedServer, domain)
    assert row is not None
    return row


async def make_due(db: Database) -> None:
    async with db.write() as session:
        await session.execute(update(Job).values(run_at=utcnow() - timedelta(seconds=1)))


async def test_failures_are_retried_and_a_failing_server_is_paused(
    db: Database, fed_settings: Settings, inbox: InboxServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    bob = await remote_account(db, inbox, "bob")
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{inbox.url}/follows/1")
    inbox.status = 503
    await run_jobs(db, fed_settings)
    [retry] = await jobs_of(db, DELIVER)
    assert retry.payload["attempt"] == 2
    assert retry.state == "pending"
    assert retry.run_at > utcnow() + timedelta(seconds=20)  # 60 s base: 30 to 60 s
    health = await server_row(db, inbox.domain)
    assert (health.failures, health.retry_after) == (1, None)
    assert health.last_error == "HTTP 503"
    for _ in range(2):
        await make_due(db)
        await run_jobs(db, fed_settings)
    health = await server_row(db, inbox.domain)
    assert health.failures == 3
    assert health.retry_after is not None
    assert health.retry_after > utcnow()
    tried = len(inbox.received)
    assert tried == 3
    # While paused, a due delivery is put back to the pause's end without a request.
    await make_due(db)
    await run_jobs(db, fed_settings)
    assert len(inbox.received) == tried
    [waiting] = await jobs_of(db, DELIVER)
    assert waiting.payload["attempt"] == 4
    assert waiting.run_at >= health.retry_after
    # The server is back: the next attempt lands and clears its record.
    inbox.status = 202
    async with db.write() as session:
        await session.execute(update(FederatedServer).values(retry_after=None))
    await make_due(db)
    await run_jobs(db, fed_settings)
    assert len(inbox.received) == tried + 1
    assert await jobs_of(db, DELIVER) == []
    health = await server_row(db, inbox.domain)
    assert (health.failures, health.retry_after, health.first_failure_at) == (0, None, None)
    assert health.last_success_at is not None


@pytest.mark.parametrize("status", [400, 403, 404, 410, 422, 501])
async def test_a_final_refusal_is_dropped(
    db: Database, fed_settings: Settings, inbox: InboxServer, status: int
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    bob = await remote_account(db, inbox, "bob")
    inbox.status = status
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{inbox.url}/follows/1")
    await run_jobs(db, fed_settings)
    assert len(inbox.received) == 1
    assert await jobs_of(db, DELIVER) == []


async def test_an_inbox_on_a_host_signing_cannot_read_is_dropped(
    db: Database, fed_settings: Settings, inbox: InboxServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    bob = await remote_account(db, inbox, "bob")
    port = inbox.url.rsplit(":", 1)[1]
    async with db.write() as session:
        await session.execute(
            update(Account)
            .where(Account.id == bob.id)
            .values(inbox_url=f"http://0177.0.0.1:{port}/inbox", shared_inbox_url=None)
        )
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{inbox.url}/follows/1")
    await run_jobs(db, fed_settings)
    assert inbox.received == []
    assert await jobs_of(db, DELIVER) == []  # impossible: not retried


@pytest.mark.parametrize("status", [401, 408, 429, 500, 502])
async def test_a_passing_refusal_is_retried(
    db: Database, fed_settings: Settings, inbox: InboxServer, status: int
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    bob = await remote_account(db, inbox, "bob")
    inbox.status = status
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{inbox.url}/follows/1")
    await run_jobs(db, fed_settings)
    [retry] = await jobs_of(db, DELIVER)
    assert retry.payload["attempt"] == 2


async def test_a_server_that_is_down_is_retried(db: Database, fed_settings: Settings) -> None:
    dead = InboxServer()  # bound, then closed: its port refuses connections
    dead.httpd.server_close()
    alice = await make_person(db, fed_settings, "alice")
    bob = await remote_account(db, dead, "bob")
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{dead.url}/follows/1")
    await run_jobs(db, fed_settings)
    [retry] = await jobs_of(db, DELIVER)
    assert retry.payload["attempt"] == 2
    assert (await server_row(db, dead.domain)).failures == 1


async def test_deliveries_older_than_eight_days_are_given_up_as_dead_jobs_an_admin_can_retry(
    db: Database, fed_settings: Settings, inbox: InboxServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    bob = await remote_account(db, inbox, "bob")
    inbox.status = 503
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{inbox.url}/follows/1")
    await run_jobs(db, fed_settings)
    [retry] = await jobs_of(db, DELIVER)
    old = (utcnow() - timedelta(days=8, minutes=1)).isoformat()
    async with db.write() as session:
        await session.execute(
            update(Job)
            .where(Job.id == retry.id)
            .values(payload={**retry.payload, "since": old}, run_at=utcnow())
        )
    await run_jobs(db, fed_settings)
    assert len(inbox.received) == 1
    [dead] = await jobs_of(db, DELIVER)
    assert dead.state == DEAD
    assert dead.dead_at is not None
    assert dead.payload["given_up"] is True
    assert dead.last_error is not None
    assert "given up after 2 attempts" in dead.last_error
    assert [j.id for j in await list_jobs(db, DEAD)] == [dead.id]

    # The server is back; the admin retries it (weft jobs retry): a fresh schedule.
    inbox.status = 202
    await retry_job(db, dead.id)
    await run_jobs(db, fed_settings)
    assert [a["type"] for a in inbox.activities()] == ["Accept", "Accept"]
    assert await jobs_of(db, DELIVER) == []


async def test_a_delivery_failing_past_eight_days_dies_instead_of_retrying(
    db: Database, fed_settings: Settings, inbox: InboxServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    bob = await remote_account(db, inbox, "bob")
    inbox.status = 503
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{inbox.url}/follows/1")
    await run_jobs(db, fed_settings)
    [retry] = await jobs_of(db, DELIVER)
    # Published almost 8 days ago: the next retry would fall past the limit.
    old = (utcnow() - timedelta(days=8) + timedelta(seconds=5)).isoformat()
    async with db.write() as session:
        await session.execute(
            update(Job)
            .where(Job.id == retry.id)
            .values(payload={**retry.payload, "since": old}, run_at=utcnow())
        )
    await run_jobs(db, fed_settings)
    assert len(inbox.received) == 2
    [dead] = await jobs_of(db, DELIVER)
    assert dead.state == DEAD
    assert dead.last_error is not None
    assert "HTTP 503" in dead.last_error


def test_the_schedule_spans_more_than_seven_days() -> None:
    settings = Settings()  # 20 s, doubling, capped at 12 hours
    assert 10 <= retry_delay(settings, 1) <= 20
    assert all(6 * 3600 <= retry_delay(settings, n) <= 12 * 3600 for n in range(13, 60))
    # Every delay after the twelfth is at least 6 hours: 8 days are reached
    # after at most 12 + 32 attempts, so the age limit, not a count, ends them.
    assert (32 * 6 * 3600) / 86400 >= 8
    assert pause_seconds(settings, timedelta(0)) == 20
    assert pause_seconds(settings, timedelta(hours=2)) == 3600
    assert pause_seconds(settings, timedelta(days=3)) == 6 * 3600


async def test_followers_on_one_server_get_one_delivery(
    db: Database, fed_settings: Settings, inbox: InboxServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    for name in ("bob", "carol", "dan"):
        account = await remote_account(db, inbox, name)
        await graph.follow_account(db, account.id, alice.account_id, uri=f"{inbox.url}/f/{name}")
    await run_jobs(db, fed_settings)
    inbox.received.clear()
    await post_status(db, fed_settings, alice.account_id, Draft(text="To all of you"))
    await run_jobs(db, fed_settings)
    assert len(inbox.activities("Create")) == 1
    async with db.read() as session:
        count = await session.scalar(select(func.count()).select_from(Job))
    assert count == 0


def test_every_activity_kind_is_captured_and_rendered() -> None:
    """Both tables are checked on import; a table missing a kind is refused."""
    assert set(outbox._PREPARE) == set(ActivityKind) == set(outgoing._BUILDERS)
    incomplete = {k: v for k, v in outgoing._BUILDERS.items() if k != ActivityKind.UNDO_BLOCK}
    with pytest.raises(RuntimeError, match="undo_block"):
        check_covered(incomplete, "a table")
