"""Issue 17 item 5: a direct Note as Mastodon sends one, addressed to one of
our people alone, is a message in their chat with its author (in Requests:
they don't follow her); its Update and Delete follow it; the answer from the
chat goes back as a direct Note in reply to it. Nothing of it is a post."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.factories import Person
from tests.federation.inbox_helpers import count, run_jobs
from tests.federation.remote_server import RemoteActor, RemoteServer
from tests.federation.test_inbox import deliver, payload
from tests.live import LiveServer
from weft.config import Settings
from weft.db.database import Database
from weft.models import ChatMessage, Notification, Status

CHATS = "/api/weft/v1/chats"


@pytest.fixture
def people_settings(fed: LiveServer) -> Settings:
    return fed.settings


def _direct(remote: RemoteServer, fed: LiveServer, reply_to: str | None = None) -> dict[str, Any]:
    return payload(
        "mastodon_create_direct_note",
        remote,
        fed,
        REPLYTO=json.dumps(reply_to),
    )


async def test_a_mastodon_direct_note_lands_in_the_chat(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    activity = _direct(remote, fed)
    deliver(remote_alice, fed, activity)
    await run_jobs(db, fed)
    assert await count(db, Status) == 0
    assert await count(db, Notification) == 0
    with httpx.Client(base_url=fed.url, headers=bob.auth) as http:
        assert http.get(CHATS).json() == []
        (chat,) = http.get(CHATS, params={"folder": "requests"}).json()
        assert chat["members"][0]["acct"] == f"alice@{remote.domain}"
        (message,) = http.get(f"{CHATS}/{chat['id']}/messages").json()
        assert message["text"] == "psst, a secret"
        assert "script" not in message["content"]
        assert http.get("/api/v1/timelines/home").json() == []
        # The Mastodon door sees it as a conversation with her.
        (conversation,) = http.get("/api/v1/conversations").json()
        assert conversation["last_status"]["uri"] == activity["object"]["id"]

        # Delivered again: still one message.
        deliver(remote_alice, fed, activity)
        await run_jobs(db, fed)
        assert await count(db, ChatMessage) == 1

        # Bob answers from the chat: a direct Note to her alone, in reply.
        remote.received.clear()
        sent = http.post(
            f"{CHATS}/{chat['id']}/messages",
            json={"text": "who is this?", "reply_to_id": message["id"]},
        )
        assert sent.status_code == 200, sent.text
        await run_jobs(db, fed)
        (create,) = [a for _, a in remote.received if a and a.get("type") == "Create"]
        note = create["object"]
        assert note["to"] == [remote_alice.id]
        assert note["cc"] == []
        assert note["inReplyTo"] == activity["object"]["id"]
        assert note["tag"] == [
            {"type": "Mention", "href": remote_alice.id, "name": f"@alice@{remote.domain}"}
        ]
        assert "who is this?" in note["content"]

        # Her reply to it, her edit and her delete.
        answer = _direct(remote, fed, reply_to=note["id"])
        answer["id"] += "-2"
        answer["object"]["id"] += "2"
        answer["object"]["content"] = "<p>@bob it's me</p>"
        deliver(remote_alice, fed, answer)
        await run_jobs(db, fed)
        newest = http.get(f"{CHATS}/{chat['id']}/messages").json()[0]
        assert (newest["text"], newest["reply_to_id"]) == ("it's me", sent.json()["id"])

        update = {
            **answer,
            "id": answer["object"]["id"] + "#updates/1",
            "type": "Update",
            "object": {**answer["object"], "content": "<p>@bob it's me, Alice</p>"},
        }
        deliver(remote_alice, fed, update)
        await run_jobs(db, fed)
        newest = http.get(f"{CHATS}/{chat['id']}/messages").json()[0]
        assert (newest["text"], newest["edited_at"] is not None) == ("it's me, Alice", True)

        delete = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": answer["object"]["id"] + "#delete",
            "type": "Delete",
            "actor": remote_alice.id,
            "to": [f"{fed.url}/users/bob"],
            "object": {"id": answer["object"]["id"], "type": "Tombstone"},
        }
        deliver(remote_alice, fed, delete)
        await run_jobs(db, fed)
        texts = [m["text"] for m in http.get(f"{CHATS}/{chat['id']}/messages").json()]
        assert texts == ["who is this?", "psst, a secret"]
    assert await count(db, Status) == 0
