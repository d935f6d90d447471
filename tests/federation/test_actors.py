"""Actor documents: a person, the instance actor, content negotiation, keys."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select, update

from tests.factories import Person
from tests.federation.helpers import AS, HTML, LD, fetch
from tests.live import LiveServer
from weft.db.database import Database
from weft.models import Account
from weft.models.base import utcnow

EXTENSIONS = {
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "sensitive": "as:sensitive",
    "Hashtag": "as:Hashtag",
    "toot": "http://joinmastodon.org/ns#",
    "featured": {"@id": "toot:featured", "@type": "@id"},
    "discoverable": "toot:discoverable",
    "indexable": "toot:indexable",
    "suspended": "toot:suspended",
    "blurhash": "toot:blurhash",
    "votersCount": "toot:votersCount",
    "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
    "schema": "http://schema.org#",
    "PropertyValue": "schema:PropertyValue",
    "value": "schema:value",
    "quote": {"@id": "https://w3id.org/fep/044f#quote", "@type": "@id"},
    "quoteUrl": "as:quoteUrl",
    "_misskey_quote": "https://misskey-hub.net/ns#_misskey_quote",
    "quoteAuthorization": {"@id": "https://w3id.org/fep/044f#quoteAuthorization", "@type": "@id"},
    "QuoteRequest": "https://w3id.org/fep/044f#QuoteRequest",
    "QuoteAuthorization": "https://w3id.org/fep/044f#QuoteAuthorization",
    "gts": "https://gotosocial.org/ns#",
    "interactionPolicy": {"@id": "gts:interactionPolicy", "@type": "@id"},
    "canQuote": {"@id": "gts:canQuote", "@type": "@id"},
    "canReply": {"@id": "gts:canReply", "@type": "@id"},
    "canAnnounce": {"@id": "gts:canAnnounce", "@type": "@id"},
    "automaticApproval": {"@id": "gts:automaticApproval", "@type": "@id"},
    "manualApproval": {"@id": "gts:manualApproval", "@type": "@id"},
    "interactingObject": {"@id": "gts:interactingObject", "@type": "@id"},
    "interactionTarget": {"@id": "gts:interactionTarget", "@type": "@id"},
    "weft": "https://w3id.org/weft/ns#",
    "textEntities": {"@id": "weft:textEntities", "@type": "@json"},
    "spoilerMedia": "weft:spoilerMedia",
    "textAttachment": {"@id": "weft:textAttachment", "@type": "@json"},
    "topic": "weft:topic",
    "ghostPost": "weft:ghostPost",
}
CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1", EXTENSIONS]


async def stored(db: Database, account_id: int) -> Account:
    async with db.read() as session:
        account = await session.get(Account, account_id)
    assert account is not None
    return account


async def test_person_document(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person
) -> None:
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        headers=alice.auth,
        data={
            "display_name": "Alice A.",
            "note": "Hello <world>\n\nsecond",
            "locked": "true",
            "fields_attributes[0][name]": "Site",
            "fields_attributes[0][value]": "https://alice.example",
        },
    )
    assert response.status_code == 200, response.text
    body = fetch(client, "/users/alice")
    account = await stored(db, alice.account_id)
    uri = f"{server.url}/users/alice"
    assert body == {
        "@context": CONTEXT,
        "id": uri,
        "type": "Person",
        "following": f"{uri}/following",
        "followers": f"{uri}/followers",
        "inbox": f"{uri}/inbox",
        "outbox": f"{uri}/outbox",
        "featured": f"{uri}/collections/featured",
        "preferredUsername": "alice",
        "name": "Alice A.",
        "summary": "<p>Hello &lt;world&gt;</p><p>second</p>",
        "url": f"{server.url}/@alice",
        "manuallyApprovesFollowers": True,
        "discoverable": True,
        "indexable": True,
        "published": account.created_at.strftime("%Y-%m-%dT00:00:00Z"),
        "publicKey": {
            "id": f"{uri}#main-key",
            "owner": uri,
            "publicKeyPem": account.public_key_pem,
        },
        "attachment": [
            {
                "type": "PropertyValue",
                "name": "Site",
                "value": '<a href="https://alice.example" rel="nofollow noopener noreferrer me"'
                ' target="_blank">alice.example</a>',
            }
        ],
        "endpoints": {"sharedInbox": f"{server.url}/inbox"},
    }
    key = serialization.load_pem_public_key(body["publicKey"]["publicKeyPem"].encode())
    assert isinstance(key, rsa.RSAPublicKey)
    assert key.key_size == 2048
    assert account.private_key_pem
    assert "PRIVATE KEY" in account.private_key_pem


async def test_icon_and_image_when_set(client: httpx.Client, db: Database, alice: Person) -> None:
    async with db.write() as session:
        await session.execute(
            update(Account)
            .where(Account.id == alice.account_id)
            .values(avatar_url="https://cdn.example/a.png", header_url="https://cdn.example/h.jpg")
        )
    body = fetch(client, "/users/alice")
    assert body["icon"] == {
        "type": "Image",
        "url": "https://cdn.example/a.png",
        "mediaType": "image/png",
    }
    assert body["image"] == {
        "type": "Image",
        "url": "https://cdn.example/h.jpg",
        "mediaType": "image/jpeg",
    }


def test_ld_json_accept(client: httpx.Client, server: LiveServer, alice: Person) -> None:
    assert fetch(client, "/users/alice", LD)["id"] == f"{server.url}/users/alice"


def test_browser_is_redirected_to_the_profile(
    client: httpx.Client, server: LiveServer, alice: Person
) -> None:
    response = client.get("/users/alice", headers=HTML)
    assert response.status_code == 302
    assert response.headers["location"] == f"{server.url}/@alice"


def test_unknown_person(client: httpx.Client) -> None:
    response = client.get("/users/nobody", headers=AS)
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


async def test_suspended_person_is_gone(client: httpx.Client, db: Database, alice: Person) -> None:
    async with db.write() as session:
        await session.execute(
            update(Account).where(Account.id == alice.account_id).values(suspended_at=utcnow())
        )
    assert client.get("/users/alice", headers=AS).status_code == 410


async def test_fediverse_switch_off_hides_the_actor(
    client: httpx.Client, db: Database, alice: Person
) -> None:
    async with db.write() as session:
        await session.execute(
            update(Account).where(Account.id == alice.account_id).values(federated=False)
        )
    for path in ("/users/alice", "/users/alice/outbox", "/users/alice/followers"):
        assert client.get(path, headers=AS).status_code == 404, path
    assert (await stored(db, alice.account_id)).private_key_pem is None


async def test_key_is_made_once_under_concurrent_fetches(
    server: LiveServer, db: Database, alice: Person
) -> None:
    def one(_: int) -> str:
        with server.client() as http:
            pem: str = fetch(http, "/users/alice")["publicKey"]["publicKeyPem"]
            return pem

    with ThreadPoolExecutor(max_workers=8) as pool:
        pems = set(pool.map(one, range(8)))
    assert len(pems) == 1
    assert (await stored(db, alice.account_id)).public_key_pem == pems.pop()


async def test_instance_actor(client: httpx.Client, server: LiveServer, db: Database) -> None:
    def one(_: int) -> dict[str, Any]:
        with server.client() as http:
            return fetch(http, "/actor")

    with ThreadPoolExecutor(max_workers=4) as pool:
        bodies = list(pool.map(one, range(4)))
    body = bodies[0]
    assert all(b == body for b in bodies)
    uri = f"{server.url}/actor"
    assert body == {
        "@context": CONTEXT,
        "id": uri,
        "type": "Application",
        "inbox": f"{uri}/inbox",
        "outbox": f"{uri}/outbox",
        "preferredUsername": server.settings.domain,
        "url": f"{server.url}/about/more?instance_actor=true",
        "manuallyApprovesFollowers": True,
        "publicKey": {
            "id": f"{uri}#main-key",
            "owner": uri,
            "publicKeyPem": body["publicKey"]["publicKeyPem"],
        },
        "endpoints": {"sharedInbox": f"{server.url}/inbox"},
    }
    async with db.read() as session:
        rows = list(
            await session.scalars(select(Account).where(Account.actor_type == "Application"))
        )
    assert len(rows) == 1
    assert rows[0].username == server.settings.domain
    assert rows[0].public_key_pem == body["publicKey"]["publicKeyPem"]
    # Not a person: /users/<domain> does not serve it.
    assert client.get(f"/users/{server.settings.domain}", headers=AS).status_code == 404


async def test_the_instance_actor_is_not_a_person_in_the_client_api(
    server: LiveServer, client: httpx.Client, db: Database
) -> None:
    actor = client.get("/actor", headers={"Accept": "application/activity+json"})
    assert actor.status_code == 200
    async with db.read() as session:
        row = await session.scalar(select(Account).where(Account.actor_type == "Application"))
    assert row is not None
    assert client.get(f"/api/v1/accounts/{row.id}").status_code == 404
    assert client.get("/api/v1/accounts/lookup", params={"acct": row.username}).status_code == 404
