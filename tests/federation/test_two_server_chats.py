"""Issue 17 item 5: a one-to-one chat across two real ``weft serve``
processes on loopback, both ways, landing in Requests first; edits and
deletes follow; a group chat refuses the other server's person."""

from __future__ import annotations

from typing import Any

import pytest

from tests.federation.test_two_servers import Pair, _api, eventually, person, resolve
from tests.federation.test_two_servers import servers as servers  # the fixture

pytestmark = [pytest.mark.acceptance, pytest.mark.two_server]
CHATS = "/api/weft/v1/chats"


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def _messages(url: str, token: str, chat_id: str) -> list[tuple[str, str | None]]:
    found = _ok(_api(url, token, "GET", f"{CHATS}/{chat_id}/messages"))
    return [(m["text"], m["reply_to_id"]) for m in found]


def _chat_in(url: str, token: str, folder: str) -> str | None:
    found = _ok(_api(url, token, "GET", f"{CHATS}?folder={folder}"))
    return found[0]["id"] if found else None


def test_a_chat_across_servers(servers: Pair) -> None:
    alice = person(servers.a.url, "alice")
    bob = person(servers.b.url, "bob")
    a, b = servers.a.url, servers.b.url
    bob_on_a = resolve(alice, f"bob@{servers.b_domain}")
    chat = _ok(_api(a, alice.access_token, "POST", CHATS, account_ids=[str(bob_on_a.id)]))
    hello = _ok(
        _api(a, alice.access_token, "POST", f"{CHATS}/{chat['id']}/messages", text="Hello Bob")
    )

    # On Bob's server: a request (he doesn't follow Alice), holding the message.
    bob_chat = eventually(lambda: _chat_in(b, bob.access_token, "requests"), "the request")
    assert _messages(b, bob.access_token, bob_chat) == [("Hello Bob", None)]
    assert _chat_in(b, bob.access_token, "inbox") is None
    # The message is nowhere but the chat.
    assert bob.timeline_home() == []
    assert bob.notifications() == []

    # Bob answers it from the chat: Alice's chat gets it, answering hers.
    bob_hello = _ok(_api(b, bob.access_token, "GET", f"{CHATS}/{bob_chat}/messages"))[0]["id"]
    _ok(
        _api(
            b,
            bob.access_token,
            "POST",
            f"{CHATS}/{bob_chat}/messages",
            text="Hi Alice",
            reply_to_id=bob_hello,
        )
    )
    assert _chat_in(b, bob.access_token, "inbox") == bob_chat  # answering accepts

    def answered() -> list[tuple[str, str | None]] | None:
        found = _messages(a, alice.access_token, chat["id"])
        return found if len(found) == 2 else None

    assert eventually(answered, "Bob's answer") == [("Hi Alice", hello["id"]), ("Hello Bob", None)]

    # Bob's Mastodon app answers too, in the same conversation.
    post = bob.status_post(
        f"@alice@{servers.a_domain} and from my app", visibility="direct", in_reply_to_id=bob_hello
    )
    assert post.visibility == "direct"
    assert [c.id for c in bob.conversations()] == [bob_chat]

    def three() -> list[tuple[str, str | None]] | None:
        found = _messages(a, alice.access_token, chat["id"])
        return found if len(found) == 3 else None

    assert eventually(three, "the app's answer")[0] == ("and from my app", hello["id"])
    assert [c.last_status.content for c in alice.conversations()] == ["<p>and from my app</p>"]

    # Alice's edit and delete reach Bob's server.
    path = f"{CHATS}/{chat['id']}/messages/{hello['id']}"
    _ok(_api(a, alice.access_token, "PUT", path, text="Hello, Bob"))
    eventually(lambda: ("Hello, Bob", None) in _messages(b, bob.access_token, bob_chat), "the edit")
    _ok(_api(a, alice.access_token, "DELETE", path))
    eventually(
        lambda: all(t != "Hello, Bob" for t, _ in _messages(b, bob.access_token, bob_chat)),
        "the delete",
    )

    # Group chats stay on this server.
    group = _api(a, alice.access_token, "POST", CHATS, account_ids=[str(bob_on_a.id)], name="G")
    assert group.status_code == 422
    assert "group chats stay on this server" in group.json()["error"]
