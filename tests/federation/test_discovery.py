"""WebFinger, host-meta and NodeInfo over real HTTP, on every backend."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema
import pytest
from sqlalchemy import update

from tests.factories import Person
from tests.live import LiveServer
from weft import __version__
from weft.db.database import Database
from weft.models import Account

WEBFINGER = "/.well-known/webfinger"


def domain(server: LiveServer) -> str:
    return server.settings.domain


# --- WebFinger -----------------------------------------------------------------------


def test_webfinger_by_acct(client: httpx.Client, server: LiveServer, alice: Person) -> None:
    response = client.get(WEBFINGER, params={"resource": f"acct:alice@{domain(server)}"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/jrd+json"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.json() == {
        "subject": f"acct:alice@{domain(server)}",
        "aliases": [f"{server.url}/@alice", f"{server.url}/users/alice"],
        "links": [
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": f"{server.url}/@alice",
            },
            {
                "rel": "self",
                "type": "application/activity+json",
                "href": f"{server.url}/users/alice",
            },
        ],
    }


@pytest.mark.parametrize(
    "resource",
    ["acct:ALICE@{domain}", "alice@{domain}", "{url}/users/alice", "{url}/@alice"],
)
def test_webfinger_other_forms(
    client: httpx.Client, server: LiveServer, alice: Person, resource: str
) -> None:
    resource = resource.format(domain=domain(server), url=server.url)
    response = client.get(WEBFINGER, params={"resource": resource})
    assert response.status_code == 200, response.text
    assert response.json()["subject"] == f"acct:alice@{domain(server)}"


@pytest.mark.parametrize(
    "params", [{}, {"resource": ""}, {"resource": "acct:alice"}, {"resource": "nonsense"}]
)
def test_webfinger_bad_resource(client: httpx.Client, params: dict[str, str]) -> None:
    response = client.get(WEBFINGER, params=params)
    assert response.status_code == 400
    assert response.headers["access-control-allow-origin"] == "*"
    assert "resource" in response.json()["error"]


@pytest.mark.parametrize(
    "resource",
    [
        "acct:nobody@{domain}",
        "acct:alice@elsewhere.example",
        "https://elsewhere.example/users/alice",
        "{url}/users/nobody",
        "{url}/users/alice/statuses/1",
        "{url}/users/{domain}",
    ],
)
def test_webfinger_unknown(
    client: httpx.Client, server: LiveServer, alice: Person, resource: str
) -> None:
    resource = resource.format(domain=domain(server), url=server.url)
    response = client.get(WEBFINGER, params={"resource": resource})
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


async def test_webfinger_respects_the_fediverse_switch(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person
) -> None:
    async with db.write() as session:
        await session.execute(
            update(Account).where(Account.id == alice.account_id).values(federated=False)
        )
    response = client.get(WEBFINGER, params={"resource": f"acct:alice@{domain(server)}"})
    assert response.status_code == 404


def test_webfinger_finds_the_instance_actor(client: httpx.Client, server: LiveServer) -> None:
    response = client.get(WEBFINGER, params={"resource": f"acct:{domain(server)}@{domain(server)}"})
    assert response.status_code == 200
    links = {link["rel"]: link for link in response.json()["links"]}
    assert links["self"]["href"] == f"{server.url}/actor"


def test_host_meta(client: httpx.Client, server: LiveServer) -> None:
    response = client.get("/.well-known/host-meta")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xrd+xml")
    template = f"{server.url}/.well-known/webfinger?resource={{uri}}"
    assert f'<Link rel="lrdd" template="{template}"/>' in response.text


# --- NodeInfo ------------------------------------------------------------------------

# Required fields, from the NodeInfo 2.0 and 2.1 schemas
# (nodeinfo.diaspora.software/ns/schema/2.0 and /2.1).
_USAGE = {
    "type": "object",
    "required": ["users"],
    "properties": {
        "users": {
            "type": "object",
            "properties": {
                "total": {"type": "integer", "minimum": 0},
                "activeHalfyear": {"type": "integer", "minimum": 0},
                "activeMonth": {"type": "integer", "minimum": 0},
            },
        },
        "localPosts": {"type": "integer", "minimum": 0},
        "localComments": {"type": "integer", "minimum": 0},
    },
}
_SERVICES = {
    "type": "object",
    "required": ["inbound", "outbound"],
    "properties": {
        "inbound": {"type": "array", "items": {"type": "string"}},
        "outbound": {"type": "array", "items": {"type": "string"}},
    },
}
_PROTOCOLS = [
    "activitypub",
    "buddycloud",
    "dfrn",
    "diaspora",
    "libertree",
    "ostatus",
    "pumpio",
    "tent",
    "xmpp",
    "zot",
]


def nodeinfo_schema(version: str) -> dict[str, Any]:
    software_required = ["name", "version"]
    software_properties: dict[str, Any] = {
        "name": {"type": "string", "pattern": "^[a-z0-9-]+$"},
        "version": {"type": "string"},
    }
    if version == "2.1":
        software_properties["repository"] = {"type": "string"}
        software_properties["homepage"] = {"type": "string"}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "version",
            "software",
            "protocols",
            "services",
            "openRegistrations",
            "usage",
            "metadata",
        ],
        "properties": {
            "version": {"enum": [version]},
            "software": {
                "type": "object",
                "additionalProperties": False,
                "required": software_required,
                "properties": software_properties,
            },
            "protocols": {
                "type": "array",
                "minItems": 1,
                "items": {"enum": _PROTOCOLS},
            },
            "services": _SERVICES,
            "openRegistrations": {"type": "boolean"},
            "usage": _USAGE,
            "metadata": {"type": "object"},
        },
    }


def test_nodeinfo_links(client: httpx.Client, server: LiveServer) -> None:
    response = client.get("/.well-known/nodeinfo")
    assert response.status_code == 200
    assert response.json() == {
        "links": [
            {
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                "href": f"{server.url}/nodeinfo/2.0",
            },
            {
                "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                "href": f"{server.url}/nodeinfo/2.1",
            },
        ]
    }


@pytest.mark.parametrize("version", ["2.0", "2.1"])
def test_nodeinfo_documents(client: httpx.Client, alice: Person, version: str) -> None:
    post_response = client.post("/api/v1/statuses", headers=alice.auth, data={"status": "hi"})
    assert post_response.status_code == 200
    response = client.get(f"/nodeinfo/{version}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    jsonschema.validate(body, nodeinfo_schema(version))
    assert body["software"]["name"] == "weft"
    assert body["software"]["version"] == __version__
    assert body["protocols"] == ["activitypub"]
    assert body["openRegistrations"] is True
    assert body["usage"] == {
        "users": {"total": 1, "activeMonth": 1, "activeHalfyear": 1},
        "localPosts": 1,
    }


def test_nodeinfo_unknown_version(client: httpx.Client) -> None:
    assert client.get("/nodeinfo/3.0").status_code == 404
