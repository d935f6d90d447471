"""Replies from another server obey our posts' reply controls and approvals,
and our Notes say so (GoToSocial's ``interactionPolicy.canReply``)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import Person
from tests.federation.inbox_helpers import run_jobs
from tests.federation.remote_server import RemoteServer
from tests.federation.test_inbox import deliver
from tests.federation.test_quotes import AS, PUBLIC, _by_uri, _create, _note
from tests.live import LiveServer
from weft.actions.posts.post import Draft, post_status
from weft.config import Settings
from weft.db.database import Database
from weft.models import Status


@pytest.fixture
def people_settings(fed: LiveServer) -> Settings:
    return fed.settings


async def test_a_remote_reply_to_a_post_with_approvals_waits(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    ours = await post_status(
        db, fed.settings, bob.account_id, Draft("Replies wait", reply_approvals=True)
    )
    carol = remote.actor("carol")
    reply = _note(carol, 1, inReplyTo=ours.uri)
    deliver(carol, fed, _create(carol, reply))
    await run_jobs(db, fed)
    stored = await _by_uri(db, reply["id"])
    assert stored.reply_state == "pending"
    with fed.client() as http:
        assert http.get(f"/api/v1/statuses/{stored.id}").status_code == 404
        listed = http.get(f"/api/weft/v1/statuses/{ours.id}/pending_replies", headers=bob.auth)
        assert [s["id"] for s in listed.json()] == [str(stored.id)]
        mentions = http.get("/api/v1/notifications", headers=bob.auth).json()
        assert [n["status"]["id"] for n in mentions if n["type"] == "mention"] == [str(stored.id)]


@pytest.mark.parametrize("control", ["parent_post_author_only", "mentioned_only"])
async def test_a_remote_reply_obeys_threads_reply_control(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person, control: str
) -> None:
    ours = await post_status(db, fed.settings, bob.account_id, Draft("Hush", reply_policy=control))
    carol = remote.actor("carol")
    reply = _note(carol, 2, inReplyTo=ours.uri)
    deliver(carol, fed, _create(carol, reply))
    await run_jobs(db, fed)
    async with db.read() as session:
        assert await session.scalar(select(Status.id).where(Status.uri == reply["id"])) is None


async def test_our_note_says_replies_wait(db: Database, fed: LiveServer, bob: Person) -> None:
    ours = await post_status(
        db, fed.settings, bob.account_id, Draft("Replies wait", reply_approvals=True)
    )
    plain = await post_status(db, fed.settings, bob.account_id, Draft("Anyone"))
    with fed.client() as http:
        waiting = http.get(f"/users/bob/statuses/{ours.id}", headers=AS).json()
        open_ = http.get(f"/users/bob/statuses/{plain.id}", headers=AS).json()
    me = f"{fed.url}/users/bob"
    assert waiting["interactionPolicy"]["canReply"] == {
        "automaticApproval": [me],
        "manualApproval": [PUBLIC],
    }
    assert open_["interactionPolicy"]["canReply"] == {
        "automaticApproval": [PUBLIC, me],
        "manualApproval": [],
    }
