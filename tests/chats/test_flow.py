"""Issue 17's acceptance flow through a running server's API: requests,
answers, reactions, replies, edits in and past the window, deletes, read
state, groups (add, remove, the 51st member), blocks and the settings."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import update

from tests.chats.helpers import CHATS, folder, ok, refused, send, start, texts
from tests.factories import Person, make_person
from tests.live import LiveServer
from weft.actions.graph import block_account, follow_account
from weft.db.database import Database
from weft.models import ChatMessage
from weft.models.base import utcnow


async def test_one_to_one_from_request_to_block(
    server: LiveServer, client: httpx.Client, db: Database, alice: Person, bob: Person
) -> None:
    chat = ok(start(client, alice, bob))
    assert chat["group"] is False
    assert chat["folder"] == "inbox"
    assert ok(start(client, alice, bob))["id"] == chat["id"]  # one chat per pair
    assert ok(start(client, bob, alice))["id"] == chat["id"]
    cid = chat["id"]
    hello = ok(send(client, alice, cid, "Hello Bob"))
    assert hello["content"] == "<p>Hello Bob</p>"
    assert hello["chat_id"] == cid

    # Bob doesn't follow Alice: a request.
    assert cid in folder(client, bob, "requests")
    assert cid not in folder(client, bob, "inbox")
    request = ok(client.get(f"{CHATS}/{cid}", headers=bob.auth))
    assert (request["folder"], request["accepted"], request["unread_count"]) == (
        "requests",
        False,
        1,
    )
    accepted = ok(client.post(f"{CHATS}/{cid}/accept", headers=bob.auth))
    assert accepted["folder"] == "inbox"
    assert accepted["accepted"] is True
    assert cid in folder(client, bob, "inbox")

    answer = ok(send(client, bob, cid, "Hi Alice", reply_to_id=hello["id"]))
    assert answer["reply_to_id"] == hello["id"]
    refused(send(client, bob, cid, "x", reply_to_id="12345"), "reply_to_id", "not a message")
    refused(send(client, bob, cid, "a" * 1001), "text", "character limit of 1000")
    refused(send(client, bob, cid, "  "), "text", "can't be blank")

    # Reactions: one per person per message.
    react = f"{CHATS}/{cid}/messages/{hello['id']}/reactions"
    ok(client.post(react, json={"emoji": "👍"}, headers=bob.auth))
    ok(client.post(react, json={"emoji": "❤️"}, headers=bob.auth))
    shown = ok(client.post(react, json={"emoji": "❤️"}, headers=alice.auth))
    assert shown["reactions"] == [{"emoji": "❤️", "count": 2, "me": True}]
    gone = ok(client.delete(f"{react}/❤️", headers=bob.auth))
    assert gone["reactions"] == [{"emoji": "❤️", "count": 1, "me": False}]
    assert client.delete(f"{react}/👍", headers=bob.auth).status_code == 404

    # Edits: within 15 minutes, by the author.
    path = f"{CHATS}/{cid}/messages/{hello['id']}"
    edited = ok(client.put(path, json={"text": "Hello, Bob"}, headers=alice.auth))
    assert edited["text"] == "Hello, Bob"
    assert edited["edited_at"] is not None
    refused(client.put(path, json={"text": "mine"}, headers=bob.auth), "message_id", "not yours")
    async with db.write() as session:  # the clock moves on 16 minutes
        await session.execute(
            update(ChatMessage)
            .where(ChatMessage.id == int(hello["id"]))
            .values(created_at=utcnow() - timedelta(minutes=16))
        )
    late = client.put(path, json={"text": "too late"}, headers=alice.auth)
    refused(late, "message_id", "within 15 minutes")

    # Read state.
    assert ok(client.get(f"{CHATS}/{cid}", headers=alice.auth))["unread_count"] == 1
    read = ok(
        client.post(f"{CHATS}/{cid}/read", json={"last_read_id": answer["id"]}, headers=alice.auth)
    )
    assert read["unread_count"] == 0
    assert read["read_positions"][str(alice.account_id)] == answer["id"]
    refused(
        client.post(
            f"{CHATS}/{cid}/read", json={"last_read_id": "999999999999999999"}, headers=alice.auth
        ),
        "last_read_id",
        "not a message",
    )

    # Delete for everyone.
    assert client.delete(path, headers=alice.auth).status_code == 200
    assert texts(client, bob, cid) == ["Hi Alice"]
    assert client.get(path, headers=bob.auth).status_code == 404
    last = ok(client.get(f"{CHATS}/{cid}", headers=alice.auth))["last_message"]
    assert last["id"] == answer["id"]

    # Paging: ids as strings, a Link header.
    for n in range(3):
        ok(send(client, alice, cid, f"n{n}"))
    page = client.get(f"{CHATS}/{cid}/messages", params={"limit": 2}, headers=bob.auth)
    assert [m["text"] for m in ok(page)] == ["n2", "n1"]
    assert 'rel="next"' in page.headers["Link"]
    older = client.get(
        f"{CHATS}/{cid}/messages", params={"max_id": ok(page)[1]["id"]}, headers=bob.auth
    )
    assert [m["text"] for m in ok(older)] == ["n0", "Hi Alice"]

    # A block ends it both ways.
    await block_account(db, bob.account_id, alice.account_id)
    refused(send(client, alice, cid, "still there?"), "chat_id", "blocked one another")
    refused(send(client, bob, cid, "bye"), "chat_id", "blocked one another")
    refused(start(client, alice, bob), "account_ids", "blocked one another")


async def test_settings_and_spam(
    server: LiveServer, client: httpx.Client, db: Database, alice: Person, bob: Person
) -> None:
    erin = await make_person(db, server.settings, "erin")
    me = ok(client.get("/api/v1/accounts/verify_credentials", headers=erin.auth))
    assert me["weft"]["chat_policy"] == "everyone"
    assert me["source"]["chat_policy"] == "everyone"
    bad = client.patch(
        "/api/v1/accounts/update_credentials", json={"chat_policy": "some"}, headers=erin.auth
    )
    refused(bad, "chat_policy", "must be one of everyone, following, nobody")
    changed = client.patch(
        "/api/v1/accounts/update_credentials", json={"chat_policy": "nobody"}, headers=erin.auth
    )
    assert ok(changed)["weft"]["chat_policy"] == "nobody"
    refused(start(client, alice, erin), "account_ids", "accepts messages from nobody")
    ok(
        client.patch(
            "/api/v1/accounts/update_credentials",
            json={"chat_policy": "following"},
            headers=erin.auth,
        )
    )
    refused(start(client, alice, erin), "account_ids", "only from people they follow")
    await follow_account(db, erin.account_id, alice.account_id)
    chat = ok(start(client, alice, erin))
    ok(send(client, alice, chat["id"], "hi"))
    assert chat["id"] in folder(client, erin, "inbox")  # she follows Alice: no request

    # A new account's first message with a link: Spam, and no request is shown.
    spam = ok(start(client, alice, bob))
    ok(send(client, alice, spam["id"], "win big at https://spam.example/"))
    assert spam["id"] in folder(client, bob, "spam")
    assert spam["id"] not in folder(client, bob, "requests")
    refused(
        client.get(CHATS, params={"folder": "later"}, headers=bob.auth), "folder", "must be one of"
    )

    # Declining tells the sender nothing; a later message opens the request again.
    ok(client.post(f"{CHATS}/{spam['id']}/decline", headers=bob.auth))
    assert spam["id"] not in folder(client, bob, "requests") + folder(client, bob, "spam")
    assert texts(client, bob, spam["id"]) == []
    assert ok(client.get(f"{CHATS}/{spam['id']}", headers=alice.auth))["last_message"] is not None
    ok(send(client, alice, spam["id"], "sorry"))
    assert spam["id"] in folder(client, bob, "requests")
    assert texts(client, bob, spam["id"]) == ["sorry"]
    report = client.post(f"{CHATS}/{spam['id']}/report", json={"comment": "spam"}, headers=bob.auth)
    assert report.status_code == 200, report.text


async def test_groups(
    server: LiveServer,
    client: httpx.Client,
    db: Database,
    alice: Person,
    bob: Person,
    carol: Person,
) -> None:
    dave = await make_person(db, server.settings, "dave")
    group = ok(start(client, alice, bob, carol, name="Trio"))
    gid = group["id"]
    assert group["group"] is True
    assert group["name"] == "Trio"
    assert group["admins"] == [str(alice.account_id)]
    assert len(group["members"]) == 3
    ok(send(client, alice, gid, "welcome"))
    refused(
        client.post(
            f"{CHATS}/{gid}/members", json={"account_ids": [str(dave.account_id)]}, headers=bob.auth
        ),
        "chat_id",
        "only the chat's admins",
    )
    added = ok(
        client.post(
            f"{CHATS}/{gid}/members",
            json={"account_ids": [str(dave.account_id)]},
            headers=alice.auth,
        )
    )
    assert len(added["members"]) == 4
    assert texts(client, dave, gid) == []  # he reads from his joining on
    removed = ok(client.delete(f"{CHATS}/{gid}/members/{carol.account_id}", headers=alice.auth))
    assert str(carol.account_id) not in [m["id"] for m in removed["members"]]
    ok(send(client, alice, gid, "after carol"))
    assert texts(client, carol, gid) == ["welcome"]
    assert texts(client, dave, gid) == ["after carol"]
    refused(send(client, carol, gid, "hello?"), "chat_id", "you have left this chat")
    assert ok(client.get(f"{CHATS}/{gid}", headers=carol.auth))["left"] is True

    made_admin = ok(
        client.put(
            f"{CHATS}/{gid}/members/{bob.account_id}", json={"role": "admin"}, headers=alice.auth
        )
    )
    assert set(made_admin["admins"]) == {str(alice.account_id), str(bob.account_id)}
    ok(client.post(f"{CHATS}/{gid}/leave", headers=alice.auth))
    ok(send(client, bob, gid, "alice left"))
    assert "alice left" not in texts(client, alice, gid)
    renamed = ok(
        client.patch(f"{CHATS}/{gid}", json={"name": "Duo", "muted": "true"}, headers=bob.auth)
    )
    assert renamed["name"] == "Duo"
    assert renamed["muted"] is True

    # A blocked person's group messages are hidden from the blocker.
    await block_account(db, dave.account_id, bob.account_id)
    assert "alice left" not in texts(client, dave, gid)

    # 50 members at most.
    crowd = [await make_person(db, server.settings, f"p{n}") for n in range(50)]
    refused(start(client, alice, *crowd, name="Crowd"), "account_ids", "at most 50 members")
    full = ok(start(client, alice, *crowd[:49], name="Full"))
    assert len(full["members"]) == 50
    refused(
        client.post(
            f"{CHATS}/{full['id']}/members",
            json={"account_ids": [str(crowd[49].account_id)]},
            headers=alice.auth,
        ),
        "account_ids",
        "at most 50 members",
    )
