"""``/openapi.json`` tells the truth: real answers of a live server validate
against the schemas it publishes (closed: a field the document does not name
fails too), and every API route documents its answer.

The routes do not validate their answers (weft/api/schemas/__init__.py), so
this is what keeps the document and the serializers together.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import routing
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.api.test_media import ready
from tests.api.test_spoilers import spoiler
from tests.live import LiveServer
from tests.media.helpers import photo
from tests.timelines.helpers import follow, people
from weft.app import create_app
from weft.db.database import Database

STATUSES = "/api/v1/statuses"
DOCUMENT = "urn:weft-openapi"

# API routes left out of the document, and why.
UNDOCUMENTED = {
    # A stream of server-sent events (and the WebSocket beside it), not one
    # JSON answer: docs/api.md, "Streaming", says what it sends.
    "GET /api/v1/streaming/{path}",
    # Plain "OK" text, for load balancers.
    "GET /api/v1/streaming/health",
}
API_PREFIXES = ("/api/", "/oauth/token", "/oauth/revoke", "/oauth/userinfo", "/.well-known/oauth")


def _closed(node: Any) -> Any:
    """The schema with every object closed to fields it does not name."""
    if isinstance(node, dict):
        closed = {key: _closed(value) for key, value in node.items()}
        if "properties" in closed:
            closed["additionalProperties"] = False
        return closed
    if isinstance(node, list):
        return [_closed(item) for item in node]
    return node


class Document:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        closed = _closed(document)
        resource = Resource.from_contents(closed, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(DOCUMENT, resource)

    def check(self, instance: Any, pointer: str) -> None:
        """Validate against the schema at ``pointer`` in the (closed) document."""
        schema = {"$ref": f"{DOCUMENT}#{pointer}"}
        validator = Draft202012Validator(schema, registry=self.registry)
        errors = [
            f"at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}"
            for e in validator.iter_errors(instance)
        ]
        assert not errors, "\n".join(errors[:10])

    def entity(self, instance: Any, name: str) -> None:
        """``instance`` is a valid ``name`` of the document's components."""
        assert name in self.document["components"]["schemas"], name
        self.check(instance, f"/components/schemas/{name}")

    def answer(self, response: httpx.Response, path: str, *, error: bool = False) -> Any:
        """The response is what the document says its operation answers."""
        assert (response.status_code >= 400) == error, response.text
        method = response.request.method.lower()
        responses = self.document["paths"][path][method]["responses"]
        code = str(response.status_code)
        code = code if code in responses else f"{code[0]}XX"
        assert code in responses, (path, response.status_code)
        body = response.json()
        where = "/".join(_escaped(p) for p in ("paths", path, method, "responses", code))
        self.check(body, f"/{where}/content/application~1json/schema")
        return body


def _escaped(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def made(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


async def test_real_answers_match_the_published_schemas(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    doc = Document(client.get("/openapi.json").json())
    one = f"{STATUSES}/{{status_id}}"
    alice, bob = await people(db, server.settings, "alice", "bob")
    await follow(db, bob, alice)

    quoted = made(client.post(STATUSES, headers=bob.auth, data={"status": "Quote me"}))
    attachment = {
        "plaintext": "Chapter one. It was a dark night.",
        "link_attachment_url": "https://example.com/book",
        "text_with_styling_info": [{"offset": 0, "length": 7, "styling_info": ["bold"]}],
    }
    rich = {
        "status": "The butler did it. Who knew?",
        "text_entities": [spoiler(4, 6)],
        "topic_tag": "Mysteries",
        "text_attachment": attachment,
        "quoted_status_id": quoted["id"],
        "enable_reply_approvals": True,
        "spoiler_text": "Endings",
    }
    posted = client.post(STATUSES, headers=alice.auth, json=rich)
    status = doc.answer(posted, STATUSES)
    assert status["quote"]["state"] == "accepted"
    assert status["text_attachment"]
    assert status["topic_tag"]
    assert status["text_entities"]

    poll = {"options": ["Yes", "No"], "expires_in": 3600, "hide_totals": True}
    asking = {"status": "Who did it?", "poll": poll, "text_entities": [spoiler(0, 3)]}
    polled = doc.answer(client.post(STATUSES, headers=alice.auth, json=asking), STATUSES)
    assert polled["poll"]["options"][0]["votes_count"] is None
    doc.answer(client.get(f"{STATUSES}/{polled['id']}", headers=bob.auth), one)
    vote = f"/api/v1/polls/{polled['poll']['id']}/votes"
    voted = client.post(vote, headers=bob.auth, json={"choices": [0]})
    assert doc.answer(voted, "/api/v1/polls/{poll_id}/votes")["voted"] is True

    media = await ready(client, db, server, alice, photo())
    with_media = {"status": "Look", "media_ids": [media["id"]], "is_spoiler_media": True}
    pictured = doc.answer(client.post(STATUSES, headers=alice.auth, json=with_media), STATUSES)
    assert pictured["is_spoiler_media"]
    assert pictured["media_attachments"]
    ghost = {"status": "Boo", "is_ghost_post": True}
    gone_soon = doc.answer(client.post(STATUSES, headers=alice.auth, json=ghost), STATUSES)
    assert gone_soon["is_ghost_post"]
    assert gone_soon["ghost_post_expires_at"]

    # Bob's view (a viewer's marks, a poll he may vote in), his repost, the
    # anonymous view; the home timeline (the hot path, its own renderer).
    doc.answer(client.get(f"{STATUSES}/{status['id']}", headers=bob.auth), one)
    doc.answer(client.get(f"{STATUSES}/{status['id']}"), one)
    reblog = f"{STATUSES}/{status['id']}/reblog"
    doc.answer(client.post(reblog, headers=bob.auth), f"{STATUSES}/{{status_id}}/reblog")
    reply = {"status": "Me too", "in_reply_to_id": status["id"]}
    pending = doc.answer(client.post(STATUSES, headers=bob.auth, json=reply), STATUSES)
    assert pending["reply_approval_status"] == "pending"
    home = client.get("/api/v1/timelines/home", headers=bob.auth)
    assert len(doc.answer(home, "/api/v1/timelines/home")) >= 3
    doc.answer(
        client.get(f"{STATUSES}/{status['id']}/context", headers=alice.auth),
        f"{STATUSES}/{{status_id}}/context",
    )
    held = f"/api/weft/v1/statuses/{status['id']}/pending_replies"
    assert doc.answer(
        client.get(held, headers=alice.auth), held.replace(status["id"], "{status_id}")
    )

    # Accounts, notifications (v1 and grouped), drafts, scheduled posts, instance.
    doc.answer(
        client.get("/api/v1/accounts/verify_credentials", headers=alice.auth),
        "/api/v1/accounts/verify_credentials",
    )
    doc.entity(client.get(f"/api/v1/accounts/{alice.account_id}").json(), "Account")
    notes = doc.answer(
        client.get("/api/v1/notifications", headers=alice.auth), "/api/v1/notifications"
    )
    assert {"follow", "reblog"} <= {n["type"] for n in notes}
    doc.answer(client.get("/api/v2/notifications", headers=alice.auth), "/api/v2/notifications")
    draft = client.post("/api/weft/v1/drafts", headers=alice.auth, json=rich)
    doc.answer(draft, "/api/weft/v1/drafts")
    doc.answer(client.get("/api/weft/v1/drafts", headers=alice.auth), "/api/weft/v1/drafts")
    when = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    later = {"status": "Later", "scheduled_at": when}
    scheduled = doc.answer(client.post(STATUSES, headers=alice.auth, json=later), STATUSES)
    assert scheduled["scheduled_at"]
    doc.entity(scheduled, "ScheduledStatus")
    doc.answer(client.get("/api/v2/instance"), "/api/v2/instance")
    doc.answer(client.get("/api/v1/instance"), "/api/v1/instance")
    topic = "/api/weft/v1/topics/Mysteries"
    doc.answer(client.get(topic, headers=bob.auth), "/api/weft/v1/topics/{name}")

    # Chats: a Chat, a ChatMessage, and the same chat as a Conversation with
    # its message as a direct Status (weft/api/conversations.py).
    chats = "/api/weft/v1/chats"
    chat = doc.answer(
        client.post(chats, headers=alice.auth, json={"account_ids": [str(bob.account_id)]}),
        chats,
    )
    said = client.post(f"{chats}/{chat['id']}/messages", headers=alice.auth, json={"text": "Hi"})
    message = doc.answer(said, f"{chats}/{{chat_id}}/messages")
    doc.answer(client.get(chats, headers=alice.auth), chats)
    direct = {"status": "@alice back", "visibility": "direct", "in_reply_to_id": message["id"]}
    answered = doc.answer(client.post(STATUSES, headers=bob.auth, json=direct), STATUSES)
    assert answered["in_reply_to_id"] == message["id"]
    (conversation,) = doc.answer(
        client.get("/api/v1/conversations", headers=alice.auth), "/api/v1/conversations"
    )
    doc.entity(conversation, "Conversation")
    assert conversation["last_status"]["id"] == answered["id"]
    doc.answer(client.get(f"{STATUSES}/{message['id']}", headers=bob.auth), one)
    doc.answer(
        client.get(f"{STATUSES}/{message['id']}/context", headers=bob.auth),
        f"{STATUSES}/{{status_id}}/context",
    )
    doc.answer(client.get("/api/v1/timelines/direct", headers=bob.auth), "/api/v1/timelines/direct")
    read = f"/api/v1/conversations/{conversation['id']}/read"
    doc.answer(
        client.post(read, headers=alice.auth), "/api/v1/conversations/{conversation_id}/read"
    )

    # An error is the Error entity.
    missing = client.get(f"{STATUSES}/123456789", headers=bob.auth)
    assert missing.status_code == 404
    doc.answer(missing, one, error=True)


def test_every_api_route_documents_its_answer(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    app = create_app()
    seen = set()
    for context in routing.iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, routing.APIRoute) or not route.path.startswith(API_PREFIXES):
            continue
        for method in sorted(route.methods):
            name = f"{method} {route.path_format}"
            seen.add(name)
            if name in UNDOCUMENTED:
                assert not route.include_in_schema, name
                continue
            operation = document["paths"].get(route.path_format, {}).get(method.lower())
            assert operation is not None, f"{name} is not in /openapi.json"
            schemas = [
                answer.get("content", {}).get("application/json", {}).get("schema")
                for code, answer in operation["responses"].items()
                if code.startswith("2")
            ]
            assert schemas, f"{name} documents no answer"
            assert all(schemas), f"{name} documents an answer without its schema"
            for schema in schemas:
                # A real schema, not FastAPI's "any object" for ``dict[str, Any]``.
                assert (
                    schema.get("properties") or "$ref" in json.dumps(schema) or ("anyOf" in schema)
                ), f"{name}: {schema}"
            assert operation.get("summary"), f"{name} has no summary"
            assert operation.get("tags"), f"{name} has no tag"
            errors = operation["responses"].get("4XX", {})
            assert "#/components/schemas/Error" in json.dumps(errors), f"{name}: errors"
    assert seen >= UNDOCUMENTED, UNDOCUMENTED - seen


def test_weft_routes_document_their_parameters(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    paths = document["paths"]

    def names(path: str, method: str) -> set[str]:
        return {p["name"] for p in paths[path][method].get("parameters", [])}

    held = "/api/weft/v1/statuses/{status_id}/pending_replies"
    assert {"status_id", "approval_status", "max_id", "limit"} <= names(held, "get")
    topic = "/api/weft/v1/topics/{name}/statuses"
    assert {"order", "offset"} <= names(topic, "get")
    body = paths["/api/weft/v1/drafts"]["post"]["requestBody"]["content"]
    fields = body["application/json"]["schema"]["properties"]
    assert {"status", "text_entities", "text_attachment", "topic_tag", "is_ghost_post"} <= set(
        fields
    )
    assert "Weft's addition" in fields["topic_tag"]["description"]
    policy = paths["/api/v1/statuses/{status_id}/interaction_policy"]["put"]["requestBody"]
    assert "quote_approval_policy" in json.dumps(policy)
    status = document["components"]["schemas"]["Status"]["properties"]
    for added in ("text_entities", "is_spoiler_media", "text_attachment", "topic_tag"):
        assert status[added]["description"].startswith("Weft's addition"), added
    assert "ghost_post_expiration_timestamp" in status["ghost_post_expires_at"]["description"]
