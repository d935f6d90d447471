"""The inbox over real HTTP: signed deliveries from a real remote server on
127.0.0.1, replaying payloads shaped as Mastodon, Misskey, GoToSocial,
Pleroma and Threads send them (tests/federation/fixtures/inbound)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from tests.factories import Person, make_person
from tests.federation.inbox_helpers import count, fixture, run_jobs
from tests.federation.remote_server import RemoteActor, RemoteServer, key_pair
from tests.live import LiveServer
from weft.actions.graph import follow_account
from weft.actions.moderation import act_on_account, undo_on_account
from weft.actions.posts.post import Draft, post_status
from weft.config import Settings
from weft.db.database import Database
from weft.federation.signatures import sign_request
from weft.models import (
    Account,
    Block,
    DomainBlock,
    Favourite,
    Follow,
    FollowRequest,
    InboundActivity,
    Job,
    MediaAttachment,
    Mention,
    Notification,
    Report,
    Status,
    StatusEdit,
    User,
)

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def people_settings(fed: LiveServer) -> Settings:
    """Bob lives on ``fed``, the server the remote test server delivers to."""
    return fed.settings


def payload(name: str, remote: RemoteServer, fed: LiveServer, **extra: str) -> dict[str, Any]:
    return fixture(
        name,
        REMOTE=remote.url,
        DOMAIN=remote.domain,
        LOCAL=fed.url,
        LOCALDOMAIN=fed.settings.domain,
        **extra,
    )


def deliver(actor: RemoteActor, fed: LiveServer, activity: dict[str, Any], **kwargs: Any) -> None:
    response = actor.deliver(f"{fed.url}/inbox", activity, **kwargs)
    assert response.status_code == 202, response.text


async def one(db: Database, model: Any, *conditions: Any) -> Any:
    async with db.read() as session:
        return await session.scalar(select(model).where(*conditions))


async def bob_posts(db: Database, fed: LiveServer, bob: Person, text: str = "Hello") -> Status:
    return await post_status(db, fed.settings, bob.account_id, Draft(text, visibility="public"))


# --- signatures ------------------------------------------------------------------------


@pytest.mark.parametrize("problem", ["tampered", "wrong_key", "stale", "other_actor", "unsigned"])
async def test_bad_signatures_are_refused_and_nothing_is_written(
    db: Database,
    fed: LiveServer,
    remote: RemoteServer,
    remote_alice: RemoteActor,
    bob: Person,
    problem: str,
) -> None:
    activity = payload("mastodon_follow", remote, fed)
    url = f"{fed.url}/inbox"
    if problem == "tampered":
        changed = json.dumps({**activity, "object": f"{fed.url}/users/someone"}).encode()
        response = remote_alice.deliver(url, activity, tamper=changed)
    elif problem == "wrong_key":
        response = remote_alice.deliver(url, activity, private_pem=key_pair(1)[0])
    elif problem == "other_actor":
        mallory = remote.actor("mallory", key=1)
        response = remote_alice.deliver(
            url, activity, key_id=mallory.key_id, private_pem=mallory.private_pem
        )
    elif problem == "unsigned":
        response = httpx_post(url, activity)
    else:
        response = _stale_delivery(url, remote_alice, activity)
    assert response.status_code == 401, response.text
    assert response.json()["error"]
    assert await count(db, InboundActivity) == 0
    assert await count(db, Job) == 0
    assert await count(db, Follow) == 0


def httpx_post(url: str, activity: dict[str, Any]) -> Any:
    import httpx

    return httpx.post(url, json=activity, timeout=30)


def _stale_delivery(url: str, actor: RemoteActor, activity: dict[str, Any]) -> Any:
    import httpx

    body = json.dumps(activity).encode()
    headers = sign_request(
        "POST",
        url,
        {},
        body,
        key_id=actor.key_id,
        private_key_pem=actor.private_pem,
        now=datetime.now(UTC) - timedelta(hours=3),
    )
    headers.pop("Host")
    return httpx.post(url, content=body, headers=headers, timeout=30)


async def test_oversized_bodies_and_blocked_servers(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    activity = payload("mastodon_follow", remote, fed)
    big = {**activity, "padding": "x" * (1024 * 1024)}
    response = remote_alice.deliver(f"{fed.url}/inbox", big)
    assert response.status_code == 413
    async with db.write() as session:
        session.add(DomainBlock(id=1, domain="127.0.0.1", severity="suspend"))
    response = remote_alice.deliver(f"{fed.url}/inbox", activity)
    assert response.status_code == 403
    assert "blocked" in response.json()["error"]
    assert await count(db, InboundActivity) == 0
    assert remote.requests == []  # the blocked server was not even asked for a key


async def test_a_personal_inbox_of_nobody_is_404(
    fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor
) -> None:
    activity = payload("mastodon_follow", remote, fed)
    assert remote_alice.deliver(f"{fed.url}/users/nobody/inbox", activity).status_code == 404


async def test_a_repeated_activity_is_processed_once(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    activity = payload("mastodon_follow", remote, fed)
    deliver(remote_alice, fed, activity)
    deliver(remote_alice, fed, activity)
    assert await count(db, InboundActivity) == 1
    assert await count(db, Job) == 1
    await run_jobs(db, fed)
    follow = await one(db, Follow, Follow.account_id != bob.account_id)
    assert follow.uri == activity["id"]
    assert await count(db, Follow) == 1


# --- the graph -------------------------------------------------------------------------


async def test_follow_and_undo(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    deliver(remote_alice, fed, payload("mastodon_follow", remote, fed))
    await run_jobs(db, fed)
    bob_row = await one(db, Account, Account.id == bob.account_id)
    assert bob_row.followers_count == 1
    assert await one(db, Notification, Notification.type == "follow") is not None
    # fed-out's hook answered with an Accept to alice's inbox.
    assert any(body and body.get("type") == "Accept" for _, body in remote.received)
    deliver(remote_alice, fed, payload("mastodon_undo_follow", remote, fed))
    await run_jobs(db, fed)
    assert await count(db, Follow) == 0


async def test_a_repeated_follow_is_accepted_again_and_undone_by_its_new_id(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    first = payload("mastodon_follow", remote, fed)
    again = {**first, "id": f"{remote.url}/follows/again"}
    deliver(remote_alice, fed, first)
    await run_jobs(db, fed)
    deliver(remote_alice, fed, again)
    await run_jobs(db, fed)
    follow = await one(db, Follow)
    assert follow.uri == again["id"]
    accepted = [b["object"]["id"] for _, b in remote.received if b and b["type"] == "Accept"]
    assert accepted == [first["id"], again["id"]]
    # Undo naming only the new Follow's id (as some servers send it).
    undo = {
        "id": f"{again['id']}/undo",
        "type": "Undo",
        "actor": remote_alice.id,
        "object": again["id"],
    }
    deliver(remote_alice, fed, undo)
    await run_jobs(db, fed)
    assert await count(db, Follow) == 0
    assert (await one(db, Account, Account.id == bob.account_id)).followers_count == 0


async def test_a_locked_account_gets_a_request(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor
) -> None:
    await make_person(db, fed.settings, "bob", locked=True)
    deliver(remote_alice, fed, payload("mastodon_follow", remote, fed))
    await run_jobs(db, fed)
    request = await one(db, FollowRequest)
    assert request.uri.endswith("00000000f011")
    assert await count(db, Follow) == 0


async def test_accept_of_our_follow_then_posts_reach_home(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    from weft.federation.remote import fetch_account

    account = await fetch_account(db, fed.settings, remote_alice.id)
    await follow_account(db, bob.account_id, account.id)
    request = await one(db, FollowRequest)
    deliver(
        remote_alice, fed, payload("mastodon_accept_follow", remote, fed, OUR_FOLLOW=request.uri)
    )
    await run_jobs(db, fed)
    assert await count(db, FollowRequest) == 0
    assert (await one(db, Follow)).account_id == bob.account_id
    deliver(remote_alice, fed, payload("mastodon_create_note", remote, fed))
    await run_jobs(db, fed)
    with fed.client() as http:
        home = http.get("/api/v1/timelines/home", headers=bob.auth).json()
    assert [s["uri"] for s in home] == [f"{remote_alice.id}/statuses/110000000000000001"]
    assert home[0]["account"]["acct"] == f"alice@{remote.domain}"


async def test_block_ends_follows(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    deliver(remote_alice, fed, payload("mastodon_follow", remote, fed))
    await run_jobs(db, fed)
    deliver(remote_alice, fed, payload("mastodon_block", remote, fed))
    await run_jobs(db, fed)
    assert await count(db, Follow) == 0
    block = await one(db, Block)
    assert block.target_account_id == bob.account_id
    assert block.uri.endswith("0000000b10c4")


# --- posts -----------------------------------------------------------------------------


async def test_mastodon_create_note(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    activity = payload("mastodon_create_note", remote, fed)
    response = remote_alice.deliver(f"{fed.url}/users/bob/inbox", activity)
    assert response.status_code == 202
    await run_jobs(db, fed)
    status = await one(db, Status, Status.uri == activity["object"]["id"])
    assert "script" not in status.content
    assert "look at this" in status.content
    assert (status.visibility, status.language) == ("public", "en")
    assert status.url == activity["object"]["url"]
    media = await one(db, MediaAttachment)
    assert media.description == "A loom with blue threads"
    assert media.meta["original"]["width"] == 1200
    assert (media.focus_x, media.focus_y) == (0.0, 0.5)
    mention = await one(db, Mention)
    assert mention.account_id == bob.account_id
    notification = await one(db, Notification, Notification.account_id == bob.account_id)
    assert (notification.type, notification.status_id) == ("mention", status.id)
    with fed.client() as http:
        tagged = http.get("/api/v1/timelines/tag/weaving").json()
        shown = http.get(f"/api/v1/statuses/{status.id}", headers=bob.auth).json()
    assert [s["id"] for s in tagged] == [str(status.id)]
    assert shown["media_attachments"][0]["url"] == activity["object"]["attachment"][0]["url"]


async def test_update_and_delete_of_a_note(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    deliver(remote_alice, fed, payload("mastodon_create_note", remote, fed))
    await run_jobs(db, fed)
    deliver(remote_alice, fed, payload("mastodon_update_note", remote, fed))
    await run_jobs(db, fed)
    status = await one(db, Status)
    assert status.content == "<p>look at this, edited</p>"
    assert (status.spoiler_text, status.sensitive) == ("loom talk", True)
    assert status.edited_at is not None
    assert await count(db, StatusEdit) == 2  # the original and the edit
    # The photo the edit dropped is off the post, kept for the original version.
    dropped = await one(db, MediaAttachment)
    assert (dropped.status_id, dropped.former_status_id) == (None, status.id)
    async with db.read() as session:
        edits = await session.scalars(select(StatusEdit).order_by(StatusEdit.created_at))
        assert [len(edit.media or ()) for edit in edits] == [1, 0]
    deliver(remote_alice, fed, payload("mastodon_delete_note", remote, fed))
    await run_jobs(db, fed)
    assert await count(db, Status) == 0
    assert await count(db, MediaAttachment) == 0


async def test_gotosocial_reply_joins_the_thread_and_notifies(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    gts = remote.actor("gts_user")
    key_id = f"{gts.id}/main-key"
    gts.document["publicKey"]["id"] = key_id
    remote.serve_object(gts.document)
    stub = {k: gts.document[k] for k in ("@context", "id", "type", "preferredUsername")}
    remote.serve("/users/gts_user/main-key", {**stub, "publicKey": gts.document["publicKey"]})
    parent = await bob_posts(db, fed, bob, "What makes cloth?")
    activity = payload("gotosocial_create_reply", remote, fed, PARENT=str(parent.uri))
    response = gts.deliver(f"{fed.url}/inbox", activity, key_id=key_id)
    assert response.status_code == 202, response.text
    await run_jobs(db, fed)
    reply = await one(db, Status, Status.uri == activity["object"]["id"])
    assert reply.in_reply_to_id == parent.id
    assert reply.conversation_id == parent.id
    assert (await one(db, Status, Status.id == parent.id)).replies_count == 1
    notification = await one(db, Notification, Notification.account_id == bob.account_id)
    assert (notification.type, notification.status_id) == ("mention", reply.id)
    with fed.client() as http:
        context = http.get(f"/api/v1/statuses/{parent.id}/context", headers=bob.auth).json()
    assert [s["id"] for s in context["descendants"]] == [str(reply.id)]


async def test_misskey_quote(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    misskey = remote.actor("9kq0000001")
    quoted = await bob_posts(db, fed, bob, "Quote me")
    deliver(misskey, fed, payload("misskey_create_quote", remote, fed, QUOTED=str(quoted.uri)))
    await run_jobs(db, fed)
    status = await one(db, Status, Status.account_id != bob.account_id)
    assert status.quote_of_id == quoted.id
    notification = await one(db, Notification, Notification.type == "quote")
    assert notification.account_id == bob.account_id


async def test_pleroma_announce(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    lain = remote.actor("lain")
    original = await bob_posts(db, fed, bob)
    activity = payload("pleroma_announce", remote, fed, ANNOUNCED=str(original.uri))
    deliver(lain, fed, activity)
    await run_jobs(db, fed)
    repost = await one(db, Status, Status.reblog_of_id == original.id)
    assert (repost.uri, repost.visibility) == (activity["id"], "public")
    assert (await one(db, Status, Status.id == original.id)).reblogs_count == 1
    assert (await one(db, Notification, Notification.type == "reblog")) is not None


async def test_pleroma_announce_of_an_unknown_post_fetches_it(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    lain = remote.actor("lain")
    note: dict[str, Any] = {
        "id": f"{remote.url}/objects/1",
        "type": "Note",
        "attributedTo": lain.id,
        "content": "<p>boost me</p>",
        "to": [PUBLIC],
    }
    remote.serve_object(note)
    deliver(lain, fed, payload("pleroma_announce", remote, fed, ANNOUNCED=note["id"]))
    await run_jobs(db, fed)
    original = await one(db, Status, Status.uri == note["id"])
    assert (await one(db, Status, Status.reblog_of_id == original.id)) is not None


async def test_lemmy_announce_of_a_create_reposts_the_page_fetched_from_its_author(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    community = remote.actor("tenforward", path="/c/tenforward", type="Group")
    author = remote.actor("lemmy_alpha", path="/u/lemmy_alpha")
    page: dict[str, Any] = {
        "id": f"{remote.url}/post/42",
        "type": "Page",
        "attributedTo": author.id,
        "name": "Posted from the community",
        "content": "<p>The page as its server has it</p>",
        "to": [community.id, PUBLIC],
    }
    remote.serve_object(page)
    deliver(community, fed, payload("lemmy_announce_create_page", remote, fed, PAGE=page["id"]))
    await run_jobs(db, fed)
    original = await one(db, Status, Status.uri == page["id"])
    assert "The page as its server has it" in original.content  # not the embedded copy
    repost = await one(db, Status, Status.reblog_of_id == original.id)
    assert repost.account_id != original.account_id


async def test_a_relayed_activity_other_than_create_is_ignored(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    community = remote.actor("tenforward", path="/c/tenforward", type="Group")
    activity = payload("lemmy_announce_create_page", remote, fed, PAGE=f"{remote.url}/post/43")
    activity["object"]["type"] = "Like"
    deliver(community, fed, activity)
    await run_jobs(db, fed)
    assert await one(db, Status) is None


async def test_threads_create_note(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    threads = remote.actor("threads_user", path="/ap/users/17841400000000001/")
    deliver(threads, fed, payload("threads_create_note", remote, fed))
    await run_jobs(db, fed)
    status = await one(db, Status)
    assert status.visibility == "public"  # "as:Public" is the public collection
    assert "Hello from Threads" in status.content


async def test_like_and_undo(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    liked = await bob_posts(db, fed, bob)
    deliver(remote_alice, fed, payload("mastodon_like", remote, fed, LIKED=str(liked.uri)))
    await run_jobs(db, fed)
    favourite = await one(db, Favourite)
    assert favourite.uri.endswith("#likes/42")
    assert (await one(db, Status, Status.id == liked.id)).favourites_count == 1
    assert (await one(db, Notification, Notification.type == "favourite")) is not None
    deliver(remote_alice, fed, payload("mastodon_undo_like", remote, fed, LIKED=str(liked.uri)))
    await run_jobs(db, fed)
    assert await count(db, Favourite) == 0
    assert (await one(db, Status, Status.id == liked.id)).favourites_count == 0


# --- actors ----------------------------------------------------------------------------


async def test_update_person(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    deliver(remote_alice, fed, payload("mastodon_follow", remote, fed))
    await run_jobs(db, fed)
    activity = payload("mastodon_update_person", remote, fed)
    activity["object"] = {
        **remote_alice.document,
        "name": "Alice Renamed",
        "manuallyApprovesFollowers": True,
    }
    deliver(remote_alice, fed, activity)
    await run_jobs(db, fed)
    account = await one(db, Account, Account.uri == remote_alice.id)
    assert account.display_name == "Alice Renamed"
    assert account.locked


async def test_move_takes_followers_along(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    from weft.actions.graph import authorize_follow_request
    from weft.federation.remote import fetch_account

    remote.actor("alice2", alsoKnownAs=[remote_alice.id])
    old = await fetch_account(db, fed.settings, remote_alice.id)
    await follow_account(db, bob.account_id, old.id)
    await authorize_follow_request(db, old.id, bob.account_id)
    deliver(remote_alice, fed, payload("mastodon_move", remote, fed))
    await run_jobs(db, fed)
    moved = await one(db, Account, Account.id == old.id)
    new = await one(db, Account, Account.uri == f"{remote.url}/users/alice2")
    assert moved.moved_to_account_id == new.id
    assert await count(db, Follow) == 0
    request = await one(db, FollowRequest)
    assert (request.account_id, request.target_account_id) == (bob.account_id, new.id)


async def test_a_move_to_an_account_that_does_not_confirm_it_is_refused(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor
) -> None:
    remote.actor("alice2")
    deliver(remote_alice, fed, payload("mastodon_move", remote, fed))
    await run_jobs(db, fed)
    assert (await one(db, Account, Account.uri == remote_alice.id)).moved_to_account_id is None


async def test_flag_is_stored_as_a_report(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    server_actor = remote.actor(remote.domain, path="/actor", type="Application")
    post = await bob_posts(db, fed, bob)
    deliver(server_actor, fed, payload("mastodon_flag", remote, fed, FLAGGED=str(post.uri)))
    await run_jobs(db, fed)
    report = await one(db, Report)
    assert report.target_account_id == bob.account_id
    assert report.status_ids == [str(post.id)]
    assert report.comment == "Spam links in every reply"


async def test_flag_from_a_server_whose_reports_are_rejected_is_ignored(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    async with db.write() as session:
        session.add(DomainBlock(domain=remote.domain, severity="limit", reject_reports=True))
    server_actor = remote.actor(remote.domain, path="/actor", type="Application")
    post = await bob_posts(db, fed, bob)
    deliver(server_actor, fed, payload("mastodon_flag", remote, fed, FLAGGED=str(post.uri)))
    await run_jobs(db, fed)
    assert await count(db, Report) == 0


async def test_a_suspension_is_told_to_followers_and_lifted(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    deliver(remote_alice, fed, payload("mastodon_follow", remote, fed))
    await run_jobs(db, fed)
    moderator = await make_person(db, fed.settings, "moderator_max")
    async with db.write() as session:
        await session.execute(
            update(User).where(User.id == moderator.user_id).values(role="moderator")
        )
    await act_on_account(db, moderator.account_id, bob.account_id, "suspend")
    await run_jobs(db, fed)
    updates = [b for _, b in remote.received if b and b.get("type") == "Update"]
    assert [u["object"].get("suspended") for u in updates] == [True]
    await undo_on_account(db, moderator.account_id, bob.account_id, "unsuspend")
    await run_jobs(db, fed)
    updates = [b for _, b in remote.received if b and b.get("type") == "Update"]
    assert [u["object"].get("suspended") for u in updates] == [True, None]


async def test_delete_of_an_actor(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    deliver(remote_alice, fed, payload("mastodon_follow", remote, fed))
    deliver(remote_alice, fed, payload("mastodon_create_note", remote, fed))
    await run_jobs(db, fed)
    actor = remote_alice.id
    delete = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{actor}#delete",
              "type": "Delete", "actor": actor, "object": actor, "to": [PUBLIC]}  # fmt: skip
    deliver(remote_alice, fed, delete)
    await run_jobs(db, fed)
    account = await one(db, Account, Account.uri == remote_alice.id)
    assert account.suspended_at is not None
    assert await count(db, Status) == 0
    assert await count(db, Follow) == 0
    assert (await one(db, Account, Account.id == bob.account_id)).followers_count == 0


# --- authorized fetch ------------------------------------------------------------------


async def test_authorized_fetch_wants_signed_gets(
    db: Database,
    fed: LiveServer,
    remote: RemoteServer,
    remote_alice: RemoteActor,
    bob: Person,
) -> None:
    import httpx

    strict = LiveServer(fed.settings.with_(authorized_fetch=True)).start()
    try:
        await make_person(db, strict.settings, "carol")
        accept = {"Accept": "application/activity+json"}
        for path in ("/users/carol", "/users/carol/outbox", "/users/carol/followers"):
            unsigned = httpx.get(f"{strict.url}{path}", headers=accept, timeout=30)
            assert unsigned.status_code == 401, path
            assert unsigned.json()["error"] == "Request not signed"
            url = f"{strict.url}{path}"
            signed = sign_request(
                "GET",
                url,
                {},
                None,
                key_id=remote_alice.key_id,
                private_key_pem=remote_alice.private_pem,
            )
            signed.pop("Host")
            answer = httpx.get(url, headers={**accept, **signed}, timeout=30)
            assert answer.status_code == 200, answer.text
        assert httpx.get(f"{strict.url}/actor", headers=accept, timeout=30).status_code == 200
        finger = httpx.get(
            f"{strict.url}/.well-known/webfinger",
            params={"resource": f"acct:carol@{strict.settings.domain}"},
            timeout=30,
        )
        assert finger.status_code == 200
    finally:
        strict.stop()


@pytest.mark.parametrize("path", ["/inbox", "/users/bob/inbox"])
def test_deeply_nested_json_is_refused(fed: LiveServer, bob: Person, path: str) -> None:
    response = httpx.post(
        f"{fed.url}{path}",
        content=b"[" * 1000 + b"]" * 1000,
        headers={"Content-Type": "application/activity+json"},
        timeout=30,
    )
    assert response.status_code == 400
    assert response.json() == {"error": "The JSON is nested deeper than 64 levels"}
