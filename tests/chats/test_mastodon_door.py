"""Issue 17 item 4: one conversation, whichever door. A Mastodon app
(Mastodon.py, over real HTTP) and the chat API see the same one-to-one chat:
direct posts are its messages, ``conversations()`` lists it, the ``direct``
stream tells of it, and a post stays a post."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError

from tests.chats.helpers import CHATS, folder, ok, send, start, texts
from tests.factories import Person
from tests.live import LiveServer
from tests.streaming.clients import Collector


class Conversations(Collector):
    def on_conversation(self, conversation: Any) -> None:
        self.events.put(("conversation", conversation))


def _app(server: LiveServer, person: Person) -> Mastodon:
    return Mastodon(access_token=person.token, api_base_url=server.url)


async def test_direct_posts_and_chat_messages_are_one_conversation(
    server: LiveServer, client: httpx.Client, alice: Person, bob: Person, carol: Person
) -> None:
    alice_app, bob_app = _app(server, alice), _app(server, bob)
    listener = Conversations()
    handle = bob_app.stream_direct(listener, run_async=True)
    try:
        listener.wait_for("heartbeat")
        # A Mastodon app's direct post to Bob: a message in their chat (a request).
        post = alice_app.status_post("@bob hello from an app", visibility="direct")
        assert post.visibility == "direct"
        assert [m.acct for m in post.mentions] == ["bob"]
        told = listener.wait_for("conversation")
        assert told.last_status.id == post.id
        assert [a.acct for a in told.accounts] == ["alice"]
    finally:
        handle.close()

    chats = ok(client.get(CHATS, params={"folder": "requests"}, headers=bob.auth))
    assert len(chats) == 1
    chat_id = chats[0]["id"]
    assert texts(client, bob, chat_id) == ["hello from an app"]  # the mention left out

    # Both doors list the same conversation.
    (conversation,) = bob_app.conversations()
    assert conversation.id == chat_id
    assert conversation.unread is True
    assert conversation.last_status.id == post.id
    assert conversation.last_status.content == "<p>hello from an app</p>"
    assert bob_app.conversations_read(chat_id).unread is False

    # The web app's answer is in the app's conversation, and its status reads.
    answer = ok(send(client, bob, chat_id, "hi Alice", reply_to_id=str(post.id)))
    (theirs,) = alice_app.conversations()
    assert theirs.last_status.id == answer["id"]
    assert theirs.last_status.in_reply_to_id == post.id
    shown = alice_app.status(answer["id"])
    assert shown.content == "<p>hi Alice</p>"
    assert shown.visibility == "direct"
    assert alice_app.status_context(answer["id"]).ancestors[0].id == post.id

    # An app's reply (in_reply_to_id + direct) lands in the chat, answering it.
    reply = alice_app.status_post("@bob and back", in_reply_to_id=answer["id"], visibility="direct")
    assert reply.in_reply_to_id == answer["id"]
    messages = ok(client.get(f"{CHATS}/{chat_id}/messages", headers=bob.auth))
    assert [(m["text"], m["reply_to_id"]) for m in messages] == [
        ("and back", answer["id"]),
        ("hi Alice", str(post.id)),
        ("hello from an app", None),
    ]
    context = bob_app.status_context(post.id)
    assert [str(s.id) for s in context.descendants] == [answer["id"], str(reply.id)]
    direct = [str(s.id) for s in bob_app.timeline("direct")]
    assert direct == [str(reply.id), answer["id"], str(post.id)]

    # Edits and deletes through the app change the message.
    alice_app.status_update(reply.id, "@bob and back again")
    assert texts(client, bob, chat_id)[0] == "and back again"
    alice_app.status_delete(reply.id)
    assert texts(client, bob, chat_id) == ["hi Alice", "hello from an app"]
    with pytest.raises(MastodonNotFoundError):
        bob_app.status(reply.id)

    # Nobody else reads the messages, and they are in no timeline.
    carol_app = _app(server, carol)
    with pytest.raises(MastodonNotFoundError):
        carol_app.status(post.id)
    assert carol_app.conversations() == []
    for app in (alice_app, bob_app):
        assert all(s.visibility != "direct" for s in app.timeline_home())
    assert alice_app.account_statuses(alice.account_id) == []

    # Deleting the conversation is the chat's "delete for me".
    ok(client.delete(f"/api/v1/conversations/{chat_id}", headers=bob.auth))
    assert bob_app.conversations() == []
    assert chat_id not in folder(client, bob, "inbox")
    assert len(alice_app.conversations()) == 1


async def test_what_stays_a_post_and_what_is_refused(
    server: LiveServer, client: httpx.Client, alice: Person, bob: Person, carol: Person
) -> None:
    alice_app = _app(server, alice)
    # A direct post to two people stays a post (group chats are the web app's).
    both = alice_app.status_post("@bob @carol both of you", visibility="direct")
    assert _app(server, bob).status(both.id).visibility == "direct"
    assert folder(client, bob, "requests") == []
    # A chat's refusals answer the app with the reason.
    ok(
        client.patch(
            "/api/v1/accounts/update_credentials",
            json={"chat_policy": "nobody"},
            headers=carol.auth,
        )
    )
    with pytest.raises(MastodonAPIError, match="accepts messages from nobody"):
        alice_app.status_post("@carol hi", visibility="direct")
    # Ids that name no message are 404s, never 500s.
    for path in ("/api/v1/statuses/123", "/api/v1/statuses/123/context"):
        assert client.get(path, headers=alice.auth).status_code == 404
    assert client.post("/api/v1/conversations/123/read", headers=alice.auth).status_code == 404
    assert client.delete("/api/v1/conversations/abc", headers=alice.auth).status_code == 404
    # A group chat is no conversation.
    group = ok(start(client, alice, bob, name="Group"))
    assert (
        client.post(f"/api/v1/conversations/{group['id']}/read", headers=alice.auth).status_code
        == 404
    )
