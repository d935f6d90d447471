"""Notes for local posts, and the outbox, followers, following and featured collections."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import update

from tests.factories import Person
from tests.federation.helpers import AS, HTML, PUBLIC, fetch, post
from tests.live import LiveServer
from weft.db.database import Database
from weft.models import Account


def test_note_of_a_public_post(
    client: httpx.Client, server: LiveServer, alice: Person, bob: Person
) -> None:
    status = post(client, alice, status="Hi @bob #Weft", spoiler_text="cw", language="en")
    body = fetch(client, f"/users/alice/statuses/{status['id']}")
    alice_uri, bob_uri = f"{server.url}/users/alice", f"{server.url}/users/bob"
    note = f"{alice_uri}/statuses/{status['id']}"
    assert body["@context"][0] == "https://www.w3.org/ns/activitystreams"
    del body["@context"]
    assert body == {
        "id": note,
        "type": "Note",
        "summary": "cw",
        "inReplyTo": None,
        "published": status["created_at"][:19] + "Z",
        "url": f"{server.url}/@alice/{status['id']}",
        "attributedTo": alice_uri,
        "to": [PUBLIC],
        "cc": [f"{alice_uri}/followers", bob_uri],
        "sensitive": True,
        "content": status["content"],
        "contentMap": {"en": status["content"]},
        "attachment": [],
        "tag": [
            {"type": "Mention", "href": bob_uri, "name": f"@bob@{server.settings.domain}"},
            {"type": "Hashtag", "href": f"{server.url}/tags/weft", "name": "#Weft"},
        ],
        "likes": {"id": f"{note}/likes", "type": "Collection", "totalItems": 0},
        "shares": {"id": f"{note}/shares", "type": "Collection", "totalItems": 0},
        # Anyone may reply and quote (the defaults); the author and the mentioned too.
        "interactionPolicy": {
            "canQuote": {"automaticApproval": [PUBLIC, bob_uri, alice_uri], "manualApproval": []},
            "canReply": {"automaticApproval": [PUBLIC, bob_uri, alice_uri], "manualApproval": []},
        },
    }


@pytest.mark.parametrize(
    ("reply_policy", "quote_policy", "repliers", "quoters"),
    [
        ("followers", "followers", ["followers", "bob"], ["followers", "bob"]),
        ("following", "nobody", ["following", "bob"], ["bob"]),
        ("mentioned", "public", ["bob"], [PUBLIC, "bob"]),
        ("author", "public", [], [PUBLIC, "bob"]),
    ],
)
def test_interaction_policy_says_who_may_reply_and_quote(
    client: httpx.Client,
    server: LiveServer,
    alice: Person,
    bob: Person,
    reply_policy: str,
    quote_policy: str,
    repliers: list[str],
    quoters: list[str],
) -> None:
    """GoToSocial's canReply and FEP-044f's canQuote from the post's reply and
    quote policies; the author is always listed (alone: nobody else)."""
    status = post(
        client,
        alice,
        status="Hi @bob",
        reply_policy=reply_policy,
        quote_approval_policy=quote_policy,
    )
    body = fetch(client, f"/users/alice/statuses/{status['id']}")
    alice_uri = f"{server.url}/users/alice"
    names = {
        "followers": f"{alice_uri}/followers",
        "following": f"{alice_uri}/following",
        "bob": f"{server.url}/users/bob",
    }

    def uris(items: list[str]) -> list[str]:
        return [names.get(item, item) for item in items] + [alice_uri]

    assert body["interactionPolicy"] == {
        "canQuote": {"automaticApproval": uris(quoters), "manualApproval": []},
        "canReply": {"automaticApproval": uris(repliers), "manualApproval": []},
    }
    context = body["@context"][2]
    assert context["interactionPolicy"] == {"@id": "gts:interactionPolicy", "@type": "@id"}
    assert context["gts"] == "https://gotosocial.org/ns#"


@pytest.mark.parametrize(
    ("visibility", "to", "cc"),
    [("unlisted", ["followers"], [PUBLIC]), ("public", [PUBLIC], ["followers"])],
)
def test_note_addressing(
    client: httpx.Client,
    server: LiveServer,
    alice: Person,
    visibility: str,
    to: list[str],
    cc: list[str],
) -> None:
    status = post(client, alice, status="quiet", visibility=visibility)
    body = fetch(client, f"/users/alice/statuses/{status['id']}")
    followers = f"{server.url}/users/alice/followers"
    assert body["to"] == [followers if x == "followers" else x for x in to]
    assert body["cc"] == [followers if x == "followers" else x for x in cc]


def test_reply_edit_and_quote(
    client: httpx.Client, server: LiveServer, alice: Person, bob: Person
) -> None:
    parent = post(client, bob, status="first")
    reply = post(client, alice, status="@bob second", in_reply_to_id=parent["id"])
    body = fetch(client, f"/users/alice/statuses/{reply['id']}")
    assert body["inReplyTo"] == f"{server.url}/users/bob/statuses/{parent['id']}"
    assert "updated" not in body
    assert "quote" not in body

    edited = client.put(
        f"/api/v1/statuses/{reply['id']}", headers=alice.auth, data={"status": "@bob edited"}
    )
    assert edited.status_code == 200, edited.text
    assert fetch(client, f"/users/alice/statuses/{reply['id']}")["updated"].endswith("Z")

    quote = post(client, alice, status="look", quoted_status_id=parent["id"])
    body = fetch(client, f"/users/alice/statuses/{quote['id']}")
    quoted = f"{server.url}/users/bob/statuses/{parent['id']}"
    assert (body["quote"], body["quoteUrl"], body["_misskey_quote"]) == (quoted, quoted, quoted)
    # A quote of a post of ours is approved at once: its authorization is ours to serve.
    authorization = f"{quoted}/quotes/{quote['id']}"
    assert body["quoteAuthorization"] == authorization
    stamp = fetch(client, authorization.removeprefix(server.url))
    assert {k: v for k, v in stamp.items() if k != "@context"} == {
        "id": authorization,
        "type": "QuoteAuthorization",
        "attributedTo": f"{server.url}/users/bob",
        "interactingObject": f"{server.url}/users/alice/statuses/{quote['id']}",
        "interactionTarget": quoted,
    }
    revoked = client.post(
        f"/api/v1/statuses/{parent['id']}/quotes/{quote['id']}/revoke", headers=bob.auth
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["quote"] == {"state": "revoked", "quoted_status": None}
    gone = client.get(authorization.removeprefix(server.url), headers=AS)
    assert gone.status_code == 404
    assert "quote" not in fetch(client, f"/users/alice/statuses/{quote['id']}")
    # Only the quoted post's author may revoke.
    again = client.post(
        f"/api/v1/statuses/{parent['id']}/quotes/{quote['id']}/revoke", headers=alice.auth
    )
    assert again.status_code == 404


@pytest.mark.parametrize("visibility", ["private", "direct"])
def test_non_public_post_is_not_served(
    client: httpx.Client, server: LiveServer, alice: Person, bob: Person, visibility: str
) -> None:
    status = post(client, alice, status="@bob secret", visibility=visibility)
    response = client.get(f"/users/alice/statuses/{status['id']}", headers=AS)
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}
    outbox = fetch(client, "/users/alice/outbox?page=true")
    assert outbox["orderedItems"] == []


def test_post_urls_negotiate(
    client: httpx.Client, server: LiveServer, alice: Person, bob: Person
) -> None:
    status = post(client, alice, status="hello")
    response = client.get(f"/users/alice/statuses/{status['id']}", headers=HTML)
    assert response.status_code == 302
    assert response.headers["location"] == f"{server.url}/@alice/{status['id']}"
    # Under someone else's name, or not an id: not found.
    assert client.get(f"/users/bob/statuses/{status['id']}", headers=AS).status_code == 404
    assert client.get("/users/alice/statuses/nope", headers=AS).status_code == 404


def test_outbox(client: httpx.Client, server: LiveServer, alice: Person, bob: Person) -> None:
    first = post(client, alice, status="one")
    post(client, alice, status="hidden", visibility="private")
    second = post(client, alice, status="two", visibility="unlisted")
    boosted = post(client, bob, status="bob's")
    reblog = client.post(f"/api/v1/statuses/{boosted['id']}/reblog", headers=alice.auth)
    assert reblog.status_code == 200
    uri = f"{server.url}/users/alice/outbox"
    assert fetch(client, "/users/alice/outbox") == {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": uri,
        "type": "OrderedCollection",
        "totalItems": 4,
        "first": f"{uri}?page=true",
    }
    page = fetch(client, "/users/alice/outbox?page=true")
    assert page["type"] == "OrderedCollectionPage"
    assert page["partOf"] == uri
    assert "next" not in page
    items = page["orderedItems"]
    assert [i["type"] for i in items] == ["Announce", "Create", "Create"]
    assert items[0]["object"] == f"{server.url}/users/bob/statuses/{boosted['id']}"
    assert [i["object"]["content"] for i in items[1:]] == [second["content"], first["content"]]
    create = items[2]
    assert create["id"] == f"{server.url}/users/alice/statuses/{first['id']}/activity"
    assert create["actor"] == f"{server.url}/users/alice"
    assert (create["to"], create["cc"]) == (create["object"]["to"], create["object"]["cc"])
    older = fetch(client, f"/users/alice/outbox?page=true&max_id={second['id']}")
    assert [i["object"]["id"] for i in older["orderedItems"]] == [create["object"]["id"]]


def test_outbox_pages(client: httpx.Client, server: LiveServer, alice: Person) -> None:
    ids = [post(client, alice, status=f"post {n}")["id"] for n in range(21)]
    page = fetch(client, "/users/alice/outbox?page=true")
    assert len(page["orderedItems"]) == 20
    assert page["next"] == f"{server.url}/users/alice/outbox?page=true&max_id={ids[1]}"
    last = fetch(client, page["next"].removeprefix(server.url))
    assert [i["object"]["id"].rsplit("/", 1)[1] for i in last["orderedItems"]] == [ids[0]]


async def test_followers_and_following(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person, bob: Person
) -> None:
    followed = client.post(f"/api/v1/accounts/{alice.account_id}/follow", headers=bob.auth)
    assert followed.status_code == 200
    uri = f"{server.url}/users/alice/followers"
    assert fetch(client, "/users/alice/followers") == {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": uri,
        "type": "OrderedCollection",
        "totalItems": 1,
        "first": f"{uri}?page=true",
    }
    page = fetch(client, "/users/alice/followers?page=true")
    assert page["orderedItems"] == [f"{server.url}/users/bob"]
    assert page["totalItems"] == 1
    following = fetch(client, "/users/bob/following?page=true")
    assert following["orderedItems"] == [f"{server.url}/users/alice"]

    async with db.write() as session:
        await session.execute(
            update(Account).where(Account.id == alice.account_id).values(hide_collections=True)
        )
    hidden = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": uri,
        "type": "OrderedCollection",
        "totalItems": 1,
    }
    assert fetch(client, "/users/alice/followers") == hidden
    assert fetch(client, "/users/alice/followers?page=true") == hidden


def test_featured(client: httpx.Client, server: LiveServer, alice: Person) -> None:
    shown = post(client, alice, status="pinned")
    secret = post(client, alice, status="pinned too", visibility="private")
    post(client, alice, status="not pinned")
    for status in (shown, secret):
        pinned = client.post(f"/api/v1/statuses/{status['id']}/pin", headers=alice.auth)
        assert pinned.status_code == 200, pinned.text
    body = fetch(client, "/users/alice/collections/featured")
    assert body["id"] == f"{server.url}/users/alice/collections/featured"
    assert body["type"] == "OrderedCollection"
    assert body["totalItems"] == 1
    assert [n["id"] for n in body["orderedItems"]] == [
        f"{server.url}/users/alice/statuses/{shown['id']}"
    ]
    assert body["orderedItems"][0]["type"] == "Note"
