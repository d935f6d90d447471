"""Posting, reading, editing and deleting statuses over real HTTP, on every backend."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text, update

from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.openapi import assert_conforms, validate
from tests.text.helpers import assert_only_our_markup
from weft.db.database import Database
from weft.db.ids import new_id
from weft.models import Block, Follow, Status
from weft.models.base import utcnow

STATUSES = "/api/v1/statuses"


def post(client: httpx.Client, person: Person, **data: Any) -> dict[str, Any]:
    response = client.post(STATUSES, headers=person.auth, data=data)
    assert response.status_code == 200, response.text
    return conforms(response)


def conforms(response: httpx.Response) -> dict[str, Any]:
    """``assert_conforms`` for a Status that may quote another.

    The document says ``quote`` is oneOf Quote / ShallowQuote, but every Quote
    is also a valid ShallowQuote (which allows more properties), so no quote
    could pass the oneOf: the quote is checked against Quote on its own.
    """
    body: dict[str, Any] = response.json()
    if body.get("quote") is None:
        return assert_conforms(response)  # type: ignore[no-any-return]
    validate({**body, "quote": None}, {"$ref": "#/components/schemas/Status"})
    validate(body["quote"], {"$ref": "#/components/schemas/Quote"})
    return body


def show(client: httpx.Client, person: Person | None, status_id: str) -> httpx.Response:
    return client.get(f"{STATUSES}/{status_id}", headers=person.auth if person else {})


def assert_invalid(response: httpx.Response, field: str, message: str) -> None:
    assert response.status_code == 422, response.text
    body = assert_conforms(response)
    assert body["error"] == f"Validation failed: {field} {message}"
    assert field in body["details"]


def assert_error(response: httpx.Response, status: int, message: str) -> None:
    assert response.status_code == status, response.text
    assert assert_conforms(response) == {"error": message}


async def sql(db: Database, query: str, **params: Any) -> list[tuple[Any, ...]]:
    async with db.read() as session:
        return [tuple(row) for row in await session.execute(text(query), params)]


async def follow(db: Database, follower: Person, followee: Person) -> None:
    async with db.write() as session:
        session.add(Follow(account_id=follower.account_id, target_account_id=followee.account_id))


# --- posting ------------------------------------------------------------------


async def test_post_and_read_back(client: httpx.Client, alice: Person, db: Database) -> None:
    body = post(client, alice, status="Hello, #Weft world", spoiler_text="", language="en")
    assert body["content"] == (
        f'<p>Hello, <a href="{client.base_url}/tags/Weft" class="mention hashtag" rel="tag">'
        "#<span>Weft</span></a> world</p>"
    )
    assert body["visibility"] == "public"
    assert body["language"] == "en"
    assert body["tags"] == [{"name": "Weft", "url": f"{client.base_url}/tags/weft"}]
    assert body["uri"] == f"{client.base_url}/users/alice/statuses/{body['id']}"
    assert body["url"] == f"{client.base_url}/@alice/{body['id']}"
    assert body["application"] == {"name": "Tests", "website": None}
    anonymous = show(client, None, body["id"])
    assert anonymous.status_code == 200
    assert assert_conforms(anonymous)["content"] == body["content"]
    assert await sql(
        db, "SELECT statuses_count FROM accounts WHERE id = :id", id=alice.account_id
    ) == [(1,)]
    jobs = await sql(db, "SELECT kind, payload FROM jobs WHERE kind = 'timelines.fan_out'")
    assert len(jobs) == 1


async def test_json_body_and_numbers_as_ids(client: httpx.Client, alice: Person) -> None:
    first = post(client, alice, status="first")
    response = client.post(
        STATUSES,
        headers=alice.auth,
        json={"status": "second", "in_reply_to_id": int(first["id"]), "sensitive": True},
    )
    assert response.status_code == 200, response.text
    body = assert_conforms(response)
    assert body["in_reply_to_id"] == first["id"]
    assert body["sensitive"] is True


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("a" * 500, True),
        ("a" * 501, False),
        ("é" * 500, True),  # code points, not bytes
        ("😀" * 500, True),
        ("https://example.com/" + "x" * 1000 + " " + "a" * 476, True),  # a link is 23
        ("https://example.com/ " + "a" * 477, False),
        ("@bob@far.example " + "a" * 495, True),  # a remote mention counts as @bob
    ],
)
async def test_length_is_counted_as_mastodon_counts(
    client: httpx.Client, alice: Person, text: str, ok: bool
) -> None:
    response = client.post(STATUSES, headers=alice.auth, data={"status": text})
    if ok:
        assert response.status_code == 200, response.text
        assert_conforms(response)
    else:
        assert_invalid(response, "status", "character limit of 500 exceeded")


async def test_spoiler_text_counts_towards_the_limit(client: httpx.Client, alice: Person) -> None:
    response = client.post(
        STATUSES, headers=alice.auth, data={"status": "a" * 490, "spoiler_text": "b" * 11}
    )
    assert_invalid(response, "status", "character limit of 500 exceeded")


async def test_at_most_five_distinct_links(client: httpx.Client, alice: Person) -> None:
    five = " ".join(f"https://example.com/{i}" for i in range(5))
    post(client, alice, status=five + " https://EXAMPLE.com/0")  # a repeat is not a new link
    response = client.post(
        STATUSES, headers=alice.auth, data={"status": five + " https://example.com/5"}
    )
    assert_invalid(response, "status", "can contain at most 5 distinct links")


@pytest.mark.parametrize("blank", ["", "   \n ", None])
async def test_empty_text_is_refused(client: httpx.Client, alice: Person, blank: Any) -> None:
    data = {} if blank is None else {"status": blank}
    response = client.post(STATUSES, headers=alice.auth, data=data)
    assert_invalid(response, "status", "can't be blank")


async def test_bad_parameters_name_their_field(client: httpx.Client, alice: Person) -> None:
    cases = {
        "visibility": "everyone",
        "quote_approval_policy": "friends",
        "reply_policy": "nobody",
        "language": "not a language",
    }
    for field, value in cases.items():
        response = client.post(STATUSES, headers=alice.auth, data={"status": "x", field: value})
        assert response.status_code == 422, response.text
        assert list(assert_conforms(response)["details"]) == [field]
    media = client.post(STATUSES, headers=alice.auth, data={"status": "x", "media_ids[]": "1"})
    assert_invalid(media, "media_ids", "1 is not an upload of yours")


async def test_scopes(client: httpx.Client, alice: Person, db: Database) -> None:
    assert client.post(STATUSES, data={"status": "x"}).status_code == 401
    body = post(client, alice, status="x")
    # A token without write:statuses may not post.
    from weft.actions.oauth import create_application, issue_token

    app, _ = await create_application(
        db, name="Reader", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read"
    )
    issued = await issue_token(db, app, alice.user_id, ["read"])
    reader = {"Authorization": f"Bearer {issued.access_token}"}
    refused = client.post(STATUSES, headers=reader, data={"status": "x"})
    assert refused.status_code == 403
    assert refused.json() == {"error": "This action is outside the authorized scopes"}
    assert client.get(f"{STATUSES}/{body['id']}", headers=reader).status_code == 200


async def test_mentions_are_linked_and_notified(
    client: httpx.Client, alice: Person, bob: Person, db: Database
) -> None:
    body = post(client, alice, status="hi @bob and @BOB and @nobody and @x@far.example")
    assert [m["username"] for m in body["mentions"]] == ["bob"]
    bob_url = f"{client.base_url}/@bob"
    link = (
        f'<span class="h-card" translate="no"><a href="{bob_url}" class="u-url mention">'
        "@<span>bob</span></a></span>"
    )
    assert body["content"].count(link) == 2
    assert "@nobody" in body["content"]
    assert "@x@far.example" in body["content"]
    notes = await sql(db, "SELECT account_id, type FROM notifications")
    assert notes == [(bob.account_id, "mention")]


async def test_blocked_people_are_not_mentioned(
    client: httpx.Client, alice: Person, bob: Person, db: Database
) -> None:
    async with db.write() as session:
        session.add(Block(account_id=bob.account_id, target_account_id=alice.account_id))
    body = post(client, alice, status="hi @bob")
    assert body["mentions"] == []
    assert "<a" not in body["content"]
    assert await sql(db, "SELECT id FROM notifications") == []


async def test_markup_never_survives(client: httpx.Client, alice: Person) -> None:
    hostile = (
        '<script>alert(1)</script><img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a>'
        ' javascript:alert(1) https://example.com/"onmouseover="alert(1) <p style="x">'
    )
    body = post(client, alice, status=hostile)
    assert_only_our_markup(body["content"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body["content"]


async def test_visibility_defaults_to_the_users_setting(
    client: httpx.Client, alice: Person, bob: Person, db: Database
) -> None:
    await _set_default_privacy(db, alice, "private")
    body = post(client, alice, status="for followers")
    assert body["visibility"] == "private"
    assert show(client, bob, body["id"]).status_code == 404
    assert show(client, None, body["id"]).status_code == 404
    await follow(db, bob, alice)
    assert show(client, bob, body["id"]).status_code == 200
    unlisted = post(client, alice, status="quiet", visibility="unlisted")
    assert show(client, None, unlisted["id"]).status_code == 200


async def _set_default_privacy(db: Database, person: Person, value: str) -> None:
    async with db.write() as session:
        await session.execute(
            text("UPDATE users SET default_privacy = :v WHERE id = :id"),
            {"v": value, "id": person.user_id},
        )


async def test_unknown_and_malformed_ids_are_not_found(client: httpx.Client, alice: Person) -> None:
    for raw in ["123", "abc", "9" * 30, "-1"]:
        assert_error(show(client, alice, raw), 404, "Record not found")


async def test_batch_returns_visible_posts_in_order(
    client: httpx.Client, alice: Person, bob: Person
) -> None:
    one = post(client, alice, status="one")
    two = post(client, alice, status="two")
    hidden = post(client, alice, status="secret", visibility="direct")
    response = client.get(
        STATUSES,
        headers=bob.auth,
        params=[("id[]", two["id"]), ("id[]", "nope"), ("id[]", hidden["id"]), ("id[]", one["id"])],
    )
    assert response.status_code == 200, response.text
    assert [s["id"] for s in assert_conforms(response)] == [two["id"], one["id"]]


# --- replies ------------------------------------------------------------------


async def test_reply_counts_and_joins_the_conversation(
    client: httpx.Client, alice: Person, bob: Person, db: Database
) -> None:
    root = post(client, alice, status="root")
    reply = post(client, bob, status="@alice yes", in_reply_to_id=root["id"])
    deeper = post(client, alice, status="more", in_reply_to_id=reply["id"])
    assert reply["in_reply_to_id"] == root["id"]
    assert reply["in_reply_to_account_id"] == str(alice.account_id)
    conversations = await sql(
        db,
        "SELECT DISTINCT conversation_id FROM statuses WHERE id IN (:a, :b, :c)",
        a=int(root["id"]),
        b=int(reply["id"]),
        c=int(deeper["id"]),
    )
    assert conversations == [(int(root["id"]),)]
    assert assert_conforms(show(client, None, root["id"]))["replies_count"] == 1


async def test_a_reply_is_no_wider_than_its_parent(
    client: httpx.Client, alice: Person, bob: Person, db: Database
) -> None:
    await follow(db, bob, alice)
    parent = post(client, alice, status="followers only", visibility="private")
    reply = post(client, bob, status="a reply", in_reply_to_id=parent["id"], visibility="public")
    assert reply["visibility"] == "private"
    # Alice does not follow Bob, yet she sees the reply to her own post.
    assert show(client, alice, reply["id"]).status_code == 200
    # A followers-only reply does not show in the public count.
    assert assert_conforms(show(client, alice, parent["id"]))["replies_count"] == 0


async def test_replying_to_what_one_cannot_see(
    client: httpx.Client, alice: Person, bob: Person
) -> None:
    secret = post(client, alice, status="just me", visibility="private")
    response = client.post(
        STATUSES, headers=bob.auth, data={"status": "hi", "in_reply_to_id": secret["id"]}
    )
    assert_error(response, 404, "The post you are trying to reply to does not appear to exist.")
    response = client.post(
        STATUSES, headers=bob.auth, data={"status": "hi", "in_reply_to_id": "nonsense"}
    )
    assert response.status_code == 404


REPLY_MATRIX = {
    # policy: (follower of the author, followed by the author, mentioned, stranger)
    "everyone": (True, True, True, True),
    "following": (False, True, True, False),
    "mentioned": (False, False, True, False),
    "followers": (True, False, True, False),
    "author": (False, False, False, False),
}


@pytest.mark.parametrize("policy", list(REPLY_MATRIX))
async def test_reply_controls(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person, policy: str
) -> None:
    follower, followee, mentioned, stranger = [
        await make_person(db, server.settings, name)
        for name in ("follower", "followee", "mentioned", "stranger")
    ]
    await follow(db, follower, alice)
    await follow(db, alice, followee)
    # "author" means nobody but the author, mentioned or not (PRODUCT.md: reply controls).
    root = post(client, alice, status="hi @mentioned", reply_policy=policy)
    expected = REPLY_MATRIX[policy]
    for person, allowed in zip((follower, followee, mentioned, stranger), expected, strict=True):
        response = client.post(
            STATUSES, headers=person.auth, data={"status": "re", "in_reply_to_id": root["id"]}
        )
        if allowed:
            assert response.status_code == 200, (policy, person.username, response.text)
        else:
            assert_invalid(response, "in_reply_to_id", "cannot be replied to by you")
    post(client, alice, status="my own thread", in_reply_to_id=root["id"])


# --- quotes -------------------------------------------------------------------


QUOTE_MATRIX = {
    # policy: (follower, stranger, mentioned)
    "public": (True, True, True),
    "followers": (True, False, True),
    "nobody": (False, False, True),
}


@pytest.mark.parametrize("policy", list(QUOTE_MATRIX))
async def test_quote_policies(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person, policy: str
) -> None:
    follower, stranger, mentioned = [
        await make_person(db, server.settings, name)
        for name in ("follower", "stranger", "mentioned")
    ]
    await follow(db, follower, alice)
    quoted = post(client, alice, status="quote me? @mentioned", quote_approval_policy=policy)
    made = 0
    for person, allowed in zip((follower, stranger, mentioned), QUOTE_MATRIX[policy], strict=True):
        response = client.post(
            STATUSES,
            headers=person.auth,
            data={"status": "look", "quoted_status_id": quoted["id"]},
        )
        if allowed:
            made += 1
            assert response.status_code == 200, response.text
            body = conforms(response)
            assert body["quote"]["state"] == "accepted"
            assert body["quote"]["quoted_status"]["id"] == quoted["id"]
        else:
            assert_invalid(response, "quoted_status_id", "cannot be quoted by you")
    assert assert_conforms(show(client, alice, quoted["id"]))["quotes_count"] == made
    notes = await sql(db, "SELECT COUNT(*) FROM notifications WHERE type = 'quote'")
    assert notes == [(made,)]


async def test_followers_only_posts_cannot_be_quoted_by_others(
    client: httpx.Client, db: Database, alice: Person, bob: Person
) -> None:
    await follow(db, bob, alice)
    private = post(client, alice, status="inner circle", visibility="private")
    response = client.post(
        STATUSES, headers=bob.auth, data={"status": "look", "quoted_status_id": private["id"]}
    )
    assert_invalid(response, "quoted_status_id", "cannot be quoted by you")
    own = post(client, alice, status="me again", quoted_status_id=private["id"])
    assert own["quote"]["state"] == "accepted"
    hidden = post(client, alice, status="nobody sees", visibility="direct")
    response = client.post(
        STATUSES, headers=bob.auth, data={"status": "look", "quoted_status_id": hidden["id"]}
    )
    assert_error(response, 404, "The post you are trying to quote does not appear to exist.")


# --- idempotency --------------------------------------------------------------


async def test_same_idempotency_key_makes_one_post(
    client: httpx.Client, alice: Person, bob: Person, db: Database
) -> None:
    first = client.post(
        STATUSES, headers={**alice.auth, "Idempotency-Key": "k1"}, data={"status": "once"}
    )
    again = client.post(
        STATUSES, headers={**alice.auth, "Idempotency-Key": "k1"}, data={"status": "once"}
    )
    assert assert_conforms(first)["id"] == assert_conforms(again)["id"]
    # Keys are per account.
    other = client.post(
        STATUSES, headers={**bob.auth, "Idempotency-Key": "k1"}, data={"status": "once"}
    )
    assert assert_conforms(other)["id"] != first.json()["id"]
    assert await sql(db, "SELECT COUNT(*) FROM statuses") == [(2,)]


async def test_parallel_requests_with_one_key_make_one_post(
    server: LiveServer, alice: Person, db: Database
) -> None:
    def send(_: int) -> str:
        with server.client() as http:
            response = http.post(
                STATUSES,
                headers={**alice.auth, "Idempotency-Key": "parallel"},
                data={"status": "only once"},
            )
            assert response.status_code == 200, response.text
            return str(response.json()["id"])

    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(8) as pool:
        ids = await asyncio.gather(*(loop.run_in_executor(pool, send, i) for i in range(8)))
    assert len(set(ids)) == 1
    assert await sql(db, "SELECT COUNT(*) FROM statuses") == [(1,)]
    assert await sql(
        db, "SELECT statuses_count FROM accounts WHERE id = :id", id=alice.account_id
    ) == [(1,)]


# --- editing ------------------------------------------------------------------


async def test_edit_within_the_window_keeps_history(
    client: httpx.Client, alice: Person, bob: Person, db: Database
) -> None:
    original = post(client, alice, status="first #draft", spoiler_text="")
    response = client.put(
        f"{STATUSES}/{original['id']}", headers=alice.auth, data={"status": "second @bob #final"}
    )
    edited = assert_conforms(response)
    assert edited["edited_at"] is not None
    assert [t["name"] for t in edited["tags"]] == ["final"]
    assert [m["username"] for m in edited["mentions"]] == ["bob"]
    third = client.put(
        f"{STATUSES}/{original['id']}", headers=alice.auth, json={"status": "third @bob"}
    )
    assert third.status_code == 200, third.text
    history = client.get(f"{STATUSES}/{original['id']}/history")
    versions = assert_conforms(history)
    assert [v["content"] for v in versions] == [
        original["content"],
        edited["content"],
        assert_conforms(third)["content"],
    ]
    assert versions[0]["created_at"] == original["created_at"]
    source = client.get(f"{STATUSES}/{original['id']}/source", headers=alice.auth)
    assert assert_conforms(source) == {
        "id": original["id"],
        "text": "third @bob",
        "spoiler_text": "",
    }
    # Bob was notified once, when first mentioned.
    assert await sql(
        db, "SELECT type FROM notifications WHERE account_id = :id", id=bob.account_id
    ) == [("mention",)]


async def test_history_of_a_post_never_edited(client: httpx.Client, alice: Person) -> None:
    body = post(client, alice, status="as is")
    versions = assert_conforms(client.get(f"{STATUSES}/{body['id']}/history"))
    assert [v["content"] for v in versions] == [body["content"]]


async def test_edit_outside_the_window_is_refused(
    client: httpx.Client, alice: Person, db: Database
) -> None:
    body = post(client, alice, status="old news")
    async with db.write() as session:
        await session.execute(
            update(Status)
            .where(Status.id == int(body["id"]))
            .values(created_at=utcnow() - timedelta(minutes=16))
        )
    response = client.put(f"{STATUSES}/{body['id']}", headers=alice.auth, data={"status": "new"})
    assert_invalid(response, "status", "can only be edited within 15 minutes of posting")


async def test_only_the_author_edits_or_deletes(
    client: httpx.Client, alice: Person, bob: Person
) -> None:
    body = post(client, alice, status="mine")
    # Someone else's post is "not found" here, as in Mastodon.
    assert_error(
        client.put(f"{STATUSES}/{body['id']}", headers=bob.auth, data={"status": "yours"}),
        404,
        "Record not found",
    )
    assert_error(
        client.delete(f"{STATUSES}/{body['id']}", headers=bob.auth), 404, "Record not found"
    )
    assert show(client, None, body["id"]).status_code == 200


# --- deleting -----------------------------------------------------------------


async def test_delete_gives_back_the_source_and_undoes_counts(
    client: httpx.Client, alice: Person, bob: Person, db: Database
) -> None:
    root = post(client, alice, status="root")
    reply = post(client, bob, status="reply #x", in_reply_to_id=root["id"])
    quote = post(client, bob, status="quote", quoted_status_id=root["id"])
    async with db.write() as session:  # a repost of Bob's reply, as the interactions code makes it
        session.add(Status(id=new_id(), account_id=alice.account_id, reblog_of_id=int(reply["id"])))
    response = client.delete(f"{STATUSES}/{reply['id']}", headers=bob.auth)
    deleted = conforms(response)
    assert deleted["id"] == reply["id"]
    assert deleted["text"] == "reply #x"
    assert show(client, bob, reply["id"]).status_code == 404
    client.delete(f"{STATUSES}/{quote['id']}", headers=bob.auth).raise_for_status()
    after = assert_conforms(show(client, alice, root["id"]))
    assert (after["replies_count"], after["quotes_count"]) == (0, 0)
    assert await sql(
        db, "SELECT COUNT(*) FROM statuses WHERE reblog_of_id = :id", id=int(reply["id"])
    ) == [(0,)]
    counts = await sql(db, "SELECT statuses_count FROM accounts WHERE id = :id", id=bob.account_id)
    assert counts == [(0,)]
    removals = await sql(db, "SELECT COUNT(*) FROM jobs WHERE kind = 'timelines.remove'")
    assert removals == [(2,)]
