"""Messages in the web app over real HTTP, without scripts: a chat started from
a profile, sending (text, a photo, a reply), reading and "Seen", the rail's
badge, requests (accept, decline), reactions, edit and delete, a group's info
page (admins, members), mute, report, and the "who may message me" setting."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image

from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.timelines.helpers import follow
from tests.web.helpers import csrf_of, sign_in_form
from weft.db.database import Database


@pytest.fixture
def other_client(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as http:
        yield http


def signed_in(client: httpx.Client, username: str) -> httpx.Client:
    assert sign_in_form(client, username).status_code == 303
    return client


def token(client: httpx.Client, path: str = "/messages") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return csrf_of(page)


def start(client: httpx.Client, person: Person) -> str:
    """The profile's Message button: the chat's path."""
    answer = client.post(f"/messages/with/{person.account_id}", data={"csrf_token": token(client)})
    assert answer.status_code == 303, answer.text
    path = answer.headers["location"]
    assert re.fullmatch(r"/messages/\d+", path)
    return str(path)


def send(client: httpx.Client, path: str, text: str, **fields: str) -> httpx.Response:
    return client.post(path, data={"csrf_token": token(client, path), "text": text, **fields})


def message_ids(page: str) -> list[str]:
    return re.findall(r'id="message-(\d+)"', page)


def badge(page: str) -> str | None:
    found = re.search(r"data-messages-badge( hidden)?>([^<]*)<", page)
    assert found, "no Messages badge in the rail"
    return None if found.group(1) else found.group(2)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_messages_need_sign_in(client: httpx.Client) -> None:
    answer = client.get("/messages")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/auth/sign_in?next=%2Fmessages"


async def test_a_chat_from_a_profile_sent_read_and_seen(
    client: httpx.Client, other_client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    bob = await make_person(db, server.settings, "bob")
    await follow(db, alice, bob)  # bob's messages land in alice's inbox
    bo = signed_in(client, "bob")
    profile = bo.get("/@alice").text
    assert f'action="/messages/with/{alice.account_id}"' in profile
    path = start(bo, alice)
    assert start(bo, alice) == path  # one chat per pair
    sent = send(bo, path, "hello <b>alice</b>")
    assert sent.status_code == 303
    assert sent.headers["location"].startswith(path + "#message-")

    al = signed_in(other_client, "alice")
    home = al.get("/").text
    assert badge(home) == "1"
    assert 'aria-label="Messages, 1 unread"' in home
    listing = al.get("/messages").text
    assert "hello &lt;b&gt;alice&lt;/b&gt;" in listing or "hello <b>alice</b>" not in listing
    assert 'class="unread-count">1<' in listing
    chat = al.get(path).text
    assert "hello &lt;b&gt;alice&lt;/b&gt;" in chat
    assert "<b>alice</b>" not in chat
    assert badge(chat) is None  # opening it read it
    assert 'class="unread-count"' not in al.get("/messages").text

    mine = bo.get(path).text
    assert '<span class="seen">Seen</span>' in mine
    send(al, path, "hi bob")
    assert '<span class="seen">Seen</span>' not in bo.get(path).text.split("hi bob")[0][-4000:]


async def test_send_refusals_keep_the_text(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    await make_person(db, server.settings, "bob")
    bo = signed_in(client, "bob")
    path = start(bo, alice)
    blank = send(bo, path, "   ")
    assert blank.status_code == 422
    assert "Message can&#39;t be blank" in blank.text
    long = send(bo, path, "x" * 1001)
    assert long.status_code == 422
    assert "Message character limit of 1000 exceeded" in long.text
    assert "x" * 1001 in long.text  # kept in the composer
    forged = bo.post(path, data={"text": "no token"})
    assert forged.status_code == 403
    json = bo.post(
        path,
        data={"csrf_token": token(bo, path), "text": ""},
        headers={"Accept": "application/json"},
    )
    assert json.status_code == 422
    assert json.json() == {"error": "Message can't be blank"}
    assert message_ids(bo.get(path).text) == []


async def test_a_photo_and_a_reply(client: httpx.Client, server: LiveServer, db: Database) -> None:
    alice = await make_person(db, server.settings, "alice")
    await make_person(db, server.settings, "bob")
    bo = signed_in(client, "bob")
    path = start(bo, alice)
    answer = bo.post(
        path,
        data={"csrf_token": token(bo, path), "text": "look"},
        files=[("media", ("sky.png", png(), "image/png"))],
    )
    assert answer.status_code == 303, answer.text
    page = bo.get(path).text
    [first] = message_ids(page)
    assert re.search(r'<img src="[^"]+" alt="Photo from you"', page)
    replying = bo.get(path, params={"reply_to": first}).text
    assert f'name="reply_to_id" value="{first}"' in replying
    assert "Replying to yourself" in replying
    send(bo, path, "the sky", reply_to_id=first)
    page = bo.get(path).text
    assert f'href="#message-{first}"' in page
    refused = bo.post(
        path,
        data={"csrf_token": token(bo, path), "text": "x"},
        files=[("media", ("notes.txt", b"not a photo", "text/plain"))],
    )
    assert refused.status_code == 422
    assert "notes.txt" in refused.text


async def test_requests_accept_and_decline(
    client: httpx.Client, other_client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    await make_person(db, server.settings, "bob")
    await make_person(db, server.settings, "dan")
    bo = signed_in(client, "bob")
    path = start(bo, alice)
    send(bo, path, "may I?")
    al = signed_in(other_client, "alice")
    assert "No messages yet." in al.get("/messages").text
    requests = al.get("/messages?folder=requests").text
    assert "may I?" in requests
    assert "Requests (1)" in requests
    assert badge(requests) is None  # requests are not on the badge
    chat = al.get(path).text
    assert "wants to send you a message" in chat
    assert '<span class="seen">Seen</span>' not in bo.get(path).text  # not read receipts yet
    accepted = al.post(path + "/accept", data={"csrf_token": csrf_of(al.get(path))})
    assert accepted.status_code == 303
    assert "may I?" in al.get("/messages").text
    assert "wants to send you a message" not in al.get(path).text

    with server.client() as third:
        da = signed_in(third, "dan")
        other = start(da, alice)
        send(da, other, "buy now")
    assert "buy now" in al.get("/messages?folder=requests").text
    declined = al.post(other + "/decline", data={"csrf_token": csrf_of(al.get(other))})
    assert declined.status_code == 303
    assert declined.headers["location"] == "/messages?folder=requests"
    assert "buy now" not in al.get("/messages?folder=requests").text
    again = al.post(other + "/decline", data={"csrf_token": csrf_of(al.get("/messages"))})
    assert again.status_code == 303  # still a request (declined): nothing more to do


async def test_reactions_edit_and_delete(
    client: httpx.Client, other_client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    bob = await make_person(db, server.settings, "bob")
    await follow(db, alice, bob)
    bo = signed_in(client, "bob")
    path = start(bo, alice)
    send(bo, path, "first try")
    [mid] = message_ids(bo.get(path).text)
    al = signed_in(other_client, "alice")
    react = al.post(f"{path}/{mid}/react", data={"csrf_token": token(al, path), "emoji": "❤️"})
    assert react.status_code == 303
    page = al.get(path).text
    assert 'aria-pressed="true" aria-label="❤️ 1, yours: take it back"' in page
    assert 'aria-pressed="false" aria-label="❤️ 1"' in bo.get(path).text
    bad = al.post(f"{path}/{mid}/react", data={"csrf_token": token(al, path), "emoji": "a b"})
    assert bad.status_code == 422
    assert "emoji must be one emoji" in bad.text
    undo = al.post(
        f"{path}/{mid}/react",
        data={"csrf_token": token(al, path), "emoji": "❤️", "undo": "1"},
    )
    assert undo.status_code == 303
    assert "❤️ 1" not in al.get(path).text

    assert f"?edit={mid}" in bo.get(path).text
    assert f"?edit={mid}" not in al.get(path).text  # only the author edits
    editing = bo.get(path, params={"edit": mid}).text
    assert f'action="{path}/{mid}/edit"' in editing
    assert ">first try</textarea>" in editing
    edited = bo.post(f"{path}/{mid}/edit", data={"csrf_token": token(bo, path), "text": "second"})
    assert edited.status_code == 303
    page = al.get(path).text
    assert "second" in page
    assert "Edited" in page
    theirs = al.post(f"{path}/{mid}/edit", data={"csrf_token": token(al, path), "text": "mine"})
    assert theirs.status_code == 422
    blank = bo.post(f"{path}/{mid}/edit", data={"csrf_token": token(bo, path), "text": ""})
    assert blank.status_code == 422
    assert "Message can&#39;t be blank" in blank.text

    gone = bo.post(f"{path}/{mid}/delete", data={"csrf_token": token(bo, path)})
    assert gone.status_code == 303
    assert message_ids(al.get(path).text) == []
    assert al.post(f"{path}/{mid}/delete", data={"csrf_token": token(al, path)}).status_code == 404


async def test_a_group_and_its_info_page(
    client: httpx.Client, other_client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    bob = await make_person(db, server.settings, "bob")
    carol = await make_person(db, server.settings, "carol")
    await make_person(db, server.settings, "dan")
    for person in (bob, carol):
        await follow(db, alice, person)
        await follow(db, person, alice)
    al = signed_in(client, "alice")
    form = al.get("/messages/new").text
    assert f'value="{bob.account_id}"' in form  # people alice follows, to pick
    made = al.post(
        "/messages/new",
        data={
            "csrf_token": csrf_of(al.get("/messages/new")),
            "account_ids": [str(bob.account_id)],
            "usernames": "@carol",
            "name": "Trip",
        },
    )
    assert made.status_code == 303
    path = made.headers["location"]
    send(al, path, "where to?")
    info = al.get(path + "/info").text
    assert "Members (3)" in info
    assert info.count('<span class="badge">Admin</span>') == 1
    assert 'Make admin<span class="visually-hidden"> @bob' in info
    unknown = al.post(
        "/messages/new",
        data={"csrf_token": csrf_of(al.get("/messages/new")), "usernames": "@nobody"},
    )
    assert unknown.status_code == 422
    assert "People @nobody is not an account here" in unknown.text

    made_admin = al.post(
        f"{path}/members/{bob.account_id}/role",
        data={"csrf_token": token(al, path), "role": "admin"},
    )
    assert made_admin.status_code == 303
    assert al.get(path + "/info").text.count('<span class="badge">Admin</span>') == 2
    removed = al.post(
        f"{path}/members/{carol.account_id}/remove", data={"csrf_token": token(al, path)}
    )
    assert removed.status_code == 303
    assert "Members (2)" in al.get(path + "/info").text
    added = al.post(f"{path}/members", data={"csrf_token": token(al, path), "usernames": "dan"})
    assert added.status_code == 303
    assert "Members (3)" in al.get(path + "/info").text
    renamed = al.post(f"{path}/name", data={"csrf_token": token(al, path), "name": "Trip 2"})
    assert renamed.status_code == 303
    assert "Trip 2" in al.get("/messages").text

    bo = signed_in(other_client, "bob")
    assert "where to?" in bo.get(path).text
    muted = bo.post(f"{path}/mute", data={"csrf_token": token(bo, path), "muted": "1"})
    assert muted.headers["location"] == f"{path}/info?done=muted"
    assert "Unmute messages" in bo.get(path + "/info").text
    reported = bo.post(f"{path}/report", data={"csrf_token": token(bo, path), "comment": "rude"})
    assert reported.headers["location"] == f"{path}/info?done=reported"
    left = bo.post(f"{path}/leave", data={"csrf_token": token(bo, path)})
    assert left.status_code == 303
    assert "You're no longer in this chat." in bo.get(path).text
    with server.client() as third:
        ca = signed_in(third, "carol")
        page = ca.get(path)
        assert page.status_code == 200  # a former member still reads up to leaving
        assert "where to?" in page.text
        assert (
            ca.post(
                f"{path}/name", data={"csrf_token": token(ca, path), "name": "mine"}
            ).status_code
            == 422
        )


async def test_who_may_message_me(
    client: httpx.Client, other_client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    await make_person(db, server.settings, "bob")
    al = signed_in(client, "alice")
    form = al.get("/settings/privacy").text
    assert '<option value="everyone" selected>' in form
    saved = al.post(
        "/settings/privacy",
        data={
            "csrf_token": csrf_of(al.get("/settings/privacy")),
            "chat_policy": "nobody",
            "default_privacy": "public",
            "federated": "1",
        },
    )
    assert saved.status_code == 303
    assert '<option value="nobody" selected>' in al.get("/settings/privacy").text
    bo = signed_in(other_client, "bob")
    refused = bo.post(f"/messages/with/{alice.account_id}", data={"csrf_token": token(bo)})
    assert refused.status_code == 422
    assert "accepts messages from nobody" in refused.text
    wrong = al.post(
        "/settings/privacy",
        data={"csrf_token": csrf_of(al.get("/settings/privacy")), "chat_policy": "maybe"},
    )
    assert wrong.status_code == 422
    assert "Who can message you must be one of" in wrong.text
