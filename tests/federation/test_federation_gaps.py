"""The second round of two-way federation, against real servers on loopback
(tests/federation/remote_server.py) on every backend: mentions of people we
had not met, replies to remote posts, a repeated Follow, a limited server's
notifications, a deleted actor purged in batches, a suspended domain's
follows ended, and signatures that match what httpx sends."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.factories import make_person
from tests.federation.remote_server import RemoteActor, RemoteServer, key_pair
from weft.actions import graph, interactions
from weft.actions.domain_blocks import DomainBlockForm, block_domain
from weft.actions.posts.post import Draft, post_status, post_thread
from weft.actions.posts.remote import RemoteNote, create_remote_status
from weft.actions.purge import purge_account_step, remove_remote_account
from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.paging import Page
from weft.federation import mentions as mention_lookup
from weft.federation.remote_notes import store_note
from weft.federation.signatures import sign_request
from weft.federation.verify import _verify
from weft.jobs.worker import Worker
from weft.media.storage import new_key, storage_for
from weft.models import (
    Account,
    Favourite,
    Follow,
    FollowRequest,
    HomeFeedEntry,
    MediaAttachment,
    Mention,
    Notification,
    Status,
)
from weft.models.base import Base, utcnow
from weft.queries.notifications import NotificationFilter, grouped_notifications, notifications

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def fed_settings(settings: Settings) -> Settings:
    return settings.with_(allow_private_network=True, delivery_retry_seconds=60)


async def run_jobs(db: Database, settings: Settings) -> None:
    await Worker(db, settings).run_until_idle(max_seconds=60)


async def stored(db: Database, actor: RemoteActor) -> Account:
    """The remote actor as we keep it (stored the way the inbox would)."""
    async with db.write() as session:
        account = Account(
            id=new_id(),
            username=actor.username,
            domain=actor.server.domain,
            uri=actor.id,
            url=f"{actor.server.url}/@{actor.username}",
            inbox_url=f"{actor.id}/inbox",
            shared_inbox_url=f"{actor.server.url}/inbox",
            followers_url=f"{actor.id}/followers",
            public_key_pem=actor.public_pem,
            public_key_id=actor.key_id,
            fetched_at=utcnow(),
        )
        session.add(account)
    return account


async def rows(db: Database, model: type[Base], *where: Any) -> list[Any]:
    async with db.read() as session:
        return list(await session.scalars(select(model).where(*where)))


async def account(db: Database, account_id: int) -> Account:
    async with db.read() as session:
        found = await session.get(Account, account_id)
    assert found is not None
    return found


def posted(server: RemoteServer, kind: str) -> list[dict[str, Any]]:
    return [a for _, a in server.received if isinstance(a, dict) and a.get("type") == kind]


async def remote_post(db: Database, author: Account, text: str = "<p>Hi</p>") -> Status:
    uri = f"{author.uri}/statuses/{new_id()}"
    note = RemoteNote(
        uri=uri, account_id=author.id, content=text, visibility="public", created_at=utcnow()
    )
    return await create_remote_status(db, note)


# --- 1. mentioning someone we have not met ----------------------------------------------


async def test_a_post_mentioning_an_unknown_remote_person_resolves_links_and_delivers(
    db: Database, fed_settings: Settings, remote: RemoteServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    carol = remote.actor("carol")
    status = await post_status(
        db,
        fed_settings,
        alice.account_id,
        Draft(f"Hello @carol@{remote.domain} and @nobody@{remote.domain}", visibility="public"),
    )
    [found] = await rows(db, Account, Account.uri == carol.id)
    assert [m.account_id for m in await rows(db, Mention, Mention.status_id == status.id)] == [
        found.id
    ]
    assert f'href="{remote.url}/@carol"' in status.content
    assert "@nobody" in status.content
    assert "nobody</a>" not in status.content

    await run_jobs(db, fed_settings)
    [create] = posted(remote, "Create")
    assert create["object"]["tag"] == [
        {"type": "Mention", "href": carol.id, "name": f"@carol@{remote.domain}"}
    ]
    assert carol.id in create["cc"]


async def test_a_server_that_does_not_answer_leaves_the_mention_as_text_within_the_limit(
    db: Database, fed_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mention_lookup, "TIME_LIMIT", 0.5)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # connections are taken into the backlog and never answered
    port = silent.getsockname()[1]
    try:
        alice = await make_person(db, fed_settings, "alice")
        status = await post_status(
            db, fed_settings, alice.account_id, Draft(f"Hi @dan@127.0.0.1:{port}")
        )
    finally:
        silent.close()
    assert "@dan" in status.content
    assert "</a>" not in status.content
    assert await rows(db, Mention, Mention.status_id == status.id) == []


async def test_an_edit_and_a_thread_resolve_their_mentions_too(
    db: Database, fed_settings: Settings, remote: RemoteServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    remote.actor("erin")
    first, second = await post_thread(
        db,
        fed_settings,
        alice.account_id,
        [Draft("A thread"), Draft(f"cc @erin@{remote.domain}")],
    )
    [erin] = await rows(db, Account, Account.username == "erin")
    assert [m.account_id for m in await rows(db, Mention, Mention.status_id == second.id)] == [
        erin.id
    ]
    assert await rows(db, Mention, Mention.status_id == first.id) == []


async def test_a_remote_post_mentioning_people_we_do_not_know_fetches_a_few(
    db: Database, fed_settings: Settings, remote: RemoteServer, other: RemoteServer
) -> None:
    author = remote.actor("frank")
    tagged = [other.actor(f"p{i}") for i in range(7)]
    document = {
        "id": f"{author.id}/statuses/1",
        "type": "Note",
        "attributedTo": author.id,
        "content": "<p>Hello all</p>",
        "to": [PUBLIC],
        "cc": [t.id for t in tagged],
        "tag": [
            {"type": "Mention", "href": t.id, "name": f"@{t.username}@{other.domain}"}
            for t in tagged
        ],
    }
    status = await store_note(db, fed_settings, document)
    mentioned = await rows(db, Mention, Mention.status_id == status.id)
    assert len(mentioned) == mention_lookup.MAX_UNKNOWN
    fetched = await rows(db, Account, Account.domain == other.domain)
    assert len(fetched) == mention_lookup.MAX_UNKNOWN


# --- 2. replying to a remote post -------------------------------------------------------


async def test_a_reply_to_a_remote_post_mentions_its_author_and_reaches_followers(
    db: Database, fed_settings: Settings, remote: RemoteServer, other: RemoteServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    author = await stored(db, remote.actor("gina"))
    follower = await stored(db, other.actor("hal"))
    await graph.follow_account(db, follower.id, alice.account_id, uri=f"{other.url}/f/1")
    parent = await remote_post(db, author)
    await run_jobs(db, fed_settings)
    reply = await post_status(
        db, fed_settings, alice.account_id, Draft("Nice one", in_reply_to_id=parent.id)
    )
    assert [m.account_id for m in await rows(db, Mention, Mention.status_id == reply.id)] == [
        author.id
    ]
    await run_jobs(db, fed_settings)
    [to_author] = posted(remote, "Create")
    [to_followers] = posted(other, "Create")
    for create in (to_author, to_followers):
        note = create["object"]
        assert note["inReplyTo"] == parent.uri
        assert {"type": "Mention", "href": author.uri, "name": f"@gina@{remote.domain}"} in note[
            "tag"
        ]
        assert author.uri in create["cc"]


async def test_a_reply_through_the_api_is_delivered_to_the_remote_author(
    db: Database, fed_settings: Settings, remote: RemoteServer
) -> None:
    """The web app's thread composer and the API call the same action; the API
    (as Mastodon clients use it) is checked over HTTP elsewhere: here, post_thread."""
    alice = await make_person(db, fed_settings, "alice")
    author = await stored(db, remote.actor("ivy"))
    parent = await remote_post(db, author)
    [reply] = await post_thread(
        db, fed_settings, alice.account_id, [Draft("From the web", in_reply_to_id=parent.id)]
    )
    await run_jobs(db, fed_settings)
    [create] = posted(remote, "Create")
    assert create["object"]["id"] == reply.uri
    assert author.uri in create["cc"]


# --- 3. a repeated Follow ---------------------------------------------------------------


async def test_a_repeated_follow_takes_the_new_id_and_is_accepted_again(
    db: Database, fed_settings: Settings, remote: RemoteServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    bob = await stored(db, remote.actor("bob"))
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{remote.url}/follows/1")
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{remote.url}/follows/2")
    [follow] = await rows(db, Follow, Follow.account_id == bob.id)
    assert follow.uri == f"{remote.url}/follows/2"
    assert (await account(db, alice.account_id)).followers_count == 1
    await run_jobs(db, fed_settings)
    accepted = sorted(a["object"]["id"] for a in posted(remote, "Accept"))
    assert accepted == [f"{remote.url}/follows/1", f"{remote.url}/follows/2"]


async def test_a_repeated_follow_of_a_locked_profile_keeps_one_request_with_the_new_id(
    db: Database, fed_settings: Settings, remote: RemoteServer
) -> None:
    alice = await make_person(db, fed_settings, "alice", locked=True)
    bob = await stored(db, remote.actor("bob"))
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{remote.url}/follows/1")
    await graph.follow_account(db, bob.id, alice.account_id, uri=f"{remote.url}/follows/2")
    [request] = await rows(db, FollowRequest, FollowRequest.account_id == bob.id)
    assert request.uri == f"{remote.url}/follows/2"
    await run_jobs(db, fed_settings)
    assert posted(remote, "Accept") == []


# --- 4. a limited server's notifications ------------------------------------------------


async def test_notifications_from_a_limited_server_show_only_from_followed_accounts(
    db: Database, fed_settings: Settings, remote: RemoteServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    stranger = await stored(db, remote.actor("stranger"))
    friend = await stored(db, remote.actor("friend"))
    status = await post_status(db, fed_settings, alice.account_id, Draft("Like me"))
    await block_domain(db, fed_settings, remote.domain, DomainBlockForm(severity="silence"))
    async with db.write() as session:  # alice follows friend (their Accept came)
        session.add(Follow(id=new_id(), account_id=alice.account_id, target_account_id=friend.id))
    for liker in (stranger, friend):
        await interactions.favourite(db, liker.id, status.id)
    assert len(await rows(db, Notification, Notification.account_id == alice.account_id)) == 2

    page = await notifications(db, alice.account_id, NotificationFilter(), Page())
    assert [n.from_account_id for n in page.notifications] == [friend.id]
    groups = await grouped_notifications(db, alice.account_id, NotificationFilter(), None, Page())
    assert [g.sample_account_ids for g in groups.groups] == [[friend.id]]


# --- 5. a deleted actor -----------------------------------------------------------------


async def test_a_deleted_actor_is_purged_in_batches_by_a_job(
    db: Database, fed_settings: Settings, remote: RemoteServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    gone = await stored(db, remote.actor("gone"))
    await graph.follow_account(db, gone.id, alice.account_id, uri=f"{remote.url}/f/1")
    async with db.write() as session:
        session.add(Follow(id=new_id(), account_id=alice.account_id, target_account_id=gone.id))
    mine = [
        await post_status(db, fed_settings, alice.account_id, Draft(f"Post {i}")) for i in range(3)
    ]
    for status in mine:
        await interactions.favourite(db, gone.id, status.id)
    theirs = [await remote_post(db, gone, f"<p>Theirs {i}</p>") for i in range(4)]
    await interactions.reblog(db, gone.id, mine[0].id, "public", uri=f"{remote.url}/a/1")
    await run_jobs(db, fed_settings)

    await remove_remote_account(db, gone.id)
    assert (await account(db, gone.id)).suspended_at is not None
    # One batch at a time, each its own transaction: many small steps, then none.
    steps = 0
    while await purge_account_step(db, fed_settings, gone.id, batch=2):
        steps += 1
    assert steps >= 6
    await run_jobs(db, fed_settings)  # the queued job finds nothing left
    assert await rows(db, Status, Status.account_id == gone.id) == []
    assert await rows(db, Favourite, Favourite.account_id == gone.id) == []
    assert (
        await rows(
            db, Follow, (Follow.account_id == gone.id) | (Follow.target_account_id == gone.id)
        )
        == []
    )
    assert await rows(db, Notification, Notification.from_account_id == gone.id) == []
    me = await account(db, alice.account_id)
    assert (me.followers_count, me.following_count) == (0, 0)
    async with db.read() as session:
        counts = await session.execute(
            select(Status.favourites_count, Status.reblogs_count).where(
                Status.id.in_([s.id for s in mine])
            )
        )
        assert {tuple(c) for c in counts} == {(0, 0)}
        assert (
            await session.scalar(
                select(func.count())
                .select_from(HomeFeedEntry)
                .where(HomeFeedEntry.status_id.in_([s.id for s in theirs]))
            )
            == 0
        )


async def test_a_purged_actor_s_copied_pictures_and_media_are_deleted(
    db: Database, fed_settings: Settings, remote: RemoteServer
) -> None:
    storage = storage_for(fed_settings)
    alice = await make_person(db, fed_settings, "alice")
    gone = await stored(db, remote.actor("gone"))
    status = await remote_post(db, gone)
    keys = {
        "avatar": new_key("accounts", gone.id, "avatar", "jpg"),
        "alice's": new_key("accounts", alice.account_id, "avatar", "jpg"),
        "file": new_key("attachments", status.id, "original", "jpg"),
        "thumbnail": new_key("attachments", status.id, "small", "jpg"),
    }
    for key in keys.values():
        await storage.put_bytes(key, b"\xff\xd8 picture", "image/jpeg")
    async with db.write() as session:
        row = await session.get(Account, gone.id)
        assert row is not None
        row.avatar_remote_url = f"{remote.url}/avatar.jpg"
        row.avatar_url = storage.url(keys["avatar"])
        # A remote actor may name any URL of ours as its picture: never deleted for it.
        row.header_remote_url = row.header_url = storage.url(keys["alice's"])
        session.add(
            MediaAttachment(
                account_id=gone.id,
                status_id=status.id,
                type="image",
                state="ready",
                file_key=keys["file"],
                thumbnail_key=keys["thumbnail"],
                remote_url=f"{remote.url}/p.jpg",
            )
        )

    await remove_remote_account(db, gone.id)
    await run_jobs(db, fed_settings)
    assert not await storage.exists(keys["avatar"])
    assert not await storage.exists(keys["file"])
    assert not await storage.exists(keys["thumbnail"])
    assert await storage.exists(keys["alice's"])
    purged = await account(db, gone.id)
    assert (purged.avatar_url, purged.header_url) == (None, None)
    assert (purged.avatar_remote_url, purged.header_remote_url) == (None, None)
    assert await rows(db, MediaAttachment, MediaAttachment.account_id == gone.id) == []


async def test_the_purge_job_runs_to_the_end_on_its_own(
    db: Database, fed_settings: Settings, remote: RemoteServer
) -> None:
    gone = await stored(db, remote.actor("gone"))
    for i in range(5):
        await remote_post(db, gone, f"<p>{i}</p>")
    await remove_remote_account(db, gone.id)
    await run_jobs(db, fed_settings)
    assert await rows(db, Status, Status.account_id == gone.id) == []


# --- 6. a suspended domain --------------------------------------------------------------


async def test_suspending_a_domain_ends_follows_both_ways_and_empties_home_feeds(
    db: Database, fed_settings: Settings, remote: RemoteServer, other: RemoteServer
) -> None:
    alice = await make_person(db, fed_settings, "alice")
    followed = await stored(db, remote.actor("loud"))
    follower = await stored(db, remote.actor("fan"))
    kept = await stored(db, other.actor("kept"))
    for target in (followed, kept):
        await graph.follow_account(db, alice.account_id, target.id)
        await graph.authorize_follow_request(db, target.id, alice.account_id)
    await graph.follow_account(db, follower.id, alice.account_id, uri=f"{remote.url}/f/1")
    loud_post = await remote_post(db, followed)
    kept_post = await remote_post(db, kept)
    await run_jobs(db, fed_settings)
    feed = await rows(db, HomeFeedEntry, HomeFeedEntry.account_id == alice.account_id)
    assert {e.status_id for e in feed} == {loud_post.id, kept_post.id}

    await block_domain(db, fed_settings, remote.domain, DomainBlockForm(severity="suspend"))
    await run_jobs(db, fed_settings)
    follows = await rows(db, Follow)
    assert [(f.account_id, f.target_account_id) for f in follows] == [(alice.account_id, kept.id)]
    me = await account(db, alice.account_id)
    assert (me.followers_count, me.following_count) == (0, 1)
    feed = await rows(db, HomeFeedEntry, HomeFeedEntry.account_id == alice.account_id)
    assert {e.status_id for e in feed} == {kept_post.id}
    assert posted(remote, "Undo") == []  # nothing is said to a suspended server


# --- signatures as httpx sends them -------------------------------------------------------


def test_a_signature_names_the_host_and_path_httpx_sends() -> None:
    private_pem, _ = key_pair(0)
    headers = sign_request(
        "POST",
        "https://Bücher.example:443/users/a b/inbox",
        {},
        b"{}",
        key_id="https://weft.example/users/a#main-key",
        private_key_pem=private_pem,
    )
    assert headers["Host"] == "xn--bcher-kva.example"
    assert 'headers="(request-target) host date digest"' in headers["Signature"]


def test_a_signature_over_our_public_name_verifies_behind_a_proxy_that_rewrote_host(
    settings: Settings,
) -> None:
    private_pem, public_pem = key_pair(0)
    public = settings.with_(base_url="https://weft.example")
    body = b'{"type":"Follow"}'
    signed = sign_request(
        "POST",
        "https://weft.example/inbox",
        {"Content-Type": "application/activity+json"},
        body,
        key_id="https://remote.example/users/a#main-key",
        private_key_pem=private_pem,
    )
    received = {**signed, "Host": "127.0.0.1:8000"}  # what the proxy passed on
    sender = Account(uri="https://remote.example/users/a", public_key_pem=public_pem)
    _verify(public, "POST", "/inbox", received, body, sender)
