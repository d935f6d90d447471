"""FEP-044f over real HTTP: quote requests, authorizations and interaction policies.

Carol lives on a real remote server on 127.0.0.1 (``remote``) and Dave on a
second one (``other``); they deliver signed activities to Weft's inbox, and
what Weft sends back arrives at their servers (``RemoteServer.received``).
Bob is local.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.factories import Person
from tests.federation.inbox_helpers import run_jobs
from tests.federation.remote_server import RemoteActor, RemoteServer
from tests.federation.test_inbox import deliver
from tests.live import LiveServer
from weft.actions.posts.post import Draft, post_status
from weft.config import Settings
from weft.db.database import Database
from weft.federation.remote_notes import fetch_status
from weft.models import Status

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
AS = {"Accept": "application/activity+json"}
CONTEXT = [
    "https://www.w3.org/ns/activitystreams",
    {
        "QuoteRequest": "https://w3id.org/fep/044f#QuoteRequest",
        "quote": {"@id": "https://w3id.org/fep/044f#quote", "@type": "@id"},
    },
]


@pytest.fixture
def people_settings(fed: LiveServer) -> Settings:
    return fed.settings


def _note(actor: RemoteActor, number: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{actor.id}/statuses/{number}",
        "type": "Note",
        "attributedTo": actor.id,
        "content": f"<p>post {number}</p>",
        "published": "2026-11-20T10:00:00Z",
        "to": [PUBLIC],
        "cc": [f"{actor.id}/followers"],
        **extra,
    }


def _create(actor: RemoteActor, note: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": actor.id,
        "to": note["to"],
        "cc": note["cc"],
        "object": note,
    }


async def _by_uri(db: Database, uri: str) -> Status:
    async with db.read() as session:
        found = await session.scalar(select(Status).where(Status.uri == uri))
    assert found is not None, uri
    return found


def _bare(activity: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in activity.items() if k != "@context"}


def _answers(server: RemoteServer, *kinds: str) -> list[dict[str, Any]]:
    return [body for _, body in server.received if isinstance(body, dict) and body["type"] in kinds]


# --- their quotes of our posts -------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "allowed"), [("public", True), ("followers", False), ("nobody", False)]
)
async def test_a_quote_request_is_answered_by_the_quote_policy(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person, policy: str, allowed: bool
) -> None:
    carol = remote.actor("carol")
    quoted = await post_status(
        db, fed.settings, bob.account_id, Draft("Quote me", quote_policy=policy)
    )
    quote = _note(carol, 1, quote=quoted.uri)
    request = {
        "@context": CONTEXT,
        "id": f"{carol.id}/statuses/1/quote",
        "type": "QuoteRequest",
        "actor": carol.id,
        "object": quoted.uri,
        "instrument": quote,
    }
    deliver(carol, fed, request)
    await run_jobs(db, fed)

    stored = await _by_uri(db, quote["id"])  # stored either way, through the remote door
    assert stored.quote_of_id == quoted.id
    assert stored.quote_state == ("accepted" if allowed else "rejected")
    [answer] = _answers(remote, "Accept", "Reject")
    assert answer["actor"] == f"{fed.url}/users/bob"
    assert answer["object"] == {
        "type": "QuoteRequest",
        "id": request["id"],
        "actor": carol.id,
        "object": quoted.uri,
        "instrument": quote["id"],
    }
    counted = await _by_uri(db, str(quoted.uri))
    assert counted.quotes_count == (1 if allowed else 0)
    if not allowed:
        assert answer["type"] == "Reject"
        assert "result" not in answer
        return
    assert answer["type"] == "Accept"
    stamp = httpx.get(answer["result"], headers=AS)
    assert stamp.status_code == 200, stamp.text
    assert {k: v for k, v in stamp.json().items() if k != "@context"} == {
        "id": answer["result"],
        "type": "QuoteAuthorization",
        "attributedTo": f"{fed.url}/users/bob",
        "interactingObject": quote["id"],
        "interactionTarget": quoted.uri,
    }


async def test_a_plain_create_of_a_refused_quote_is_rejected(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    carol = remote.actor("carol")
    closed = await post_status(db, fed.settings, bob.account_id, Draft("No", quote_policy="nobody"))
    opened = await post_status(db, fed.settings, bob.account_id, Draft("Yes"))
    refused, welcome = _note(carol, 1, quote=closed.uri), _note(carol, 2, quote=opened.uri)
    deliver(carol, fed, _create(carol, refused))
    deliver(carol, fed, _create(carol, welcome))
    await run_jobs(db, fed)

    assert (await _by_uri(db, refused["id"])).quote_state == "rejected"
    assert (await _by_uri(db, welcome["id"])).quote_state == "accepted"
    # Only the refusal is answered: the Create stood for the request.
    [answer] = _answers(remote, "Accept", "Reject")
    assert answer["type"] == "Reject"
    assert answer["object"]["id"] == f"{refused['id']}/activity"
    assert answer["object"]["instrument"] == refused["id"]


# --- our quotes of their posts ---------------------------------------------------------


def _quotable(actor: RemoteActor, number: int, **policy: Any) -> dict[str, Any]:
    note = _note(actor, number, interactionPolicy=policy)
    actor.server.serve_object(note)
    return note


@pytest.mark.parametrize("answer", ["Accept", "Reject"])
async def test_our_quote_of_a_remote_post_asks_and_waits(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person, answer: str
) -> None:
    carol = remote.actor("carol")
    quotable = _quotable(carol, 1, canQuote={"automaticApproval": PUBLIC})
    theirs = await fetch_status(db, fed.settings, quotable["id"])
    ours = await post_status(
        db, fed.settings, bob.account_id, Draft("Look", quoted_status_id=theirs.id)
    )
    assert ours.quote_state == "pending"
    await run_jobs(db, fed)

    [request] = _answers(remote, "QuoteRequest")
    assert request["actor"] == f"{fed.url}/users/bob"
    assert request["object"] == quotable["id"]
    assert request["instrument"]["id"] == ours.uri
    assert request["instrument"]["quote"] == quotable["id"]
    assert "quoteAuthorization" not in request["instrument"]

    stamp = f"{carol.id}/statuses/1/quotes/7"
    reply: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"{carol.id}#{answer.lower()}s/quote_requests/7",
        "type": answer,
        "actor": carol.id,
        # By id, or embedded (as Mastodon's RejectQuoteRequestSerializer does).
        "object": request["id"] if answer == "Accept" else _bare(request),
    }
    if answer == "Accept":
        reply["result"] = stamp
    deliver(carol, fed, reply)
    await run_jobs(db, fed)

    settled = await _by_uri(db, str(ours.uri))
    assert settled.quote_state == ("accepted" if answer == "Accept" else "rejected")
    [update] = _answers(remote, "Update")
    if answer == "Accept":
        assert settled.quote_authorization_uri == stamp
        assert update["object"]["quoteAuthorization"] == stamp
        assert update["object"]["quote"] == quotable["id"]
        assert (await _by_uri(db, quotable["id"])).quotes_count == 1
    else:
        assert "quote" not in update["object"]
    with fed.client() as http:
        shown = http.get(f"/api/v1/statuses/{ours.id}", headers=bob.auth).json()
    assert shown["quote"]["state"] == settled.quote_state


async def test_remote_interaction_policies_bind_our_people(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    carol = remote.actor("carol")
    silent = _note(carol, 1)  # no interactionPolicy: as Mastodon 4.5, nobody may quote it
    remote.serve_object(silent)
    closed = _quotable(
        carol,
        2,
        canReply={"automaticApproval": [carol.id]},
        canQuote={"automaticApproval": [carol.id]},
    )
    asked = _quotable(
        carol,
        3,
        canQuote={"automaticApproval": [f"{carol.id}/followers"], "manualApproval": [PUBLIC]},
    )
    found = {
        n["id"]: await fetch_status(db, fed.settings, n["id"]) for n in (silent, closed, asked)
    }
    with fed.client() as http:

        def write(**data: Any) -> httpx.Response:
            return http.post("/api/v1/statuses", headers=bob.auth, data={"status": "Hm", **data})

        for note in (silent, closed):
            refused = write(quoted_status_id=str(found[note["id"]].id))
            assert refused.status_code == 422, refused.text
            assert "quoted_status_id" in refused.json()["details"]
        reply = write(in_reply_to_id=str(found[closed["id"]].id))
        assert reply.status_code == 422, reply.text
        assert "in_reply_to_id" in reply.json()["details"]
        # Replies are open where the post says nothing.
        assert write(in_reply_to_id=str(found[silent["id"]].id)).status_code == 200

        shown = http.get(f"/api/v1/statuses/{found[asked['id']].id}", headers=bob.auth).json()
        assert shown["quote_approval"] == {
            "automatic": ["followers"],
            "manual": ["public"],
            "current_user": "manual",
        }
        quote = write(quoted_status_id=str(found[asked["id"]].id))
        assert quote.status_code == 200, quote.text
        assert quote.json()["quote"]["state"] == "pending"
        shown = http.get(f"/api/v1/statuses/{found[closed['id']].id}", headers=bob.auth).json()
        assert shown["quote_approval"]["current_user"] == "denied"


# --- one server's quote of another's post ------------------------------------------------


@pytest.mark.parametrize("stamp", ["none", "valid", "for_another_post"])
async def test_a_third_party_quote_needs_a_valid_authorization(
    db: Database,
    fed: LiveServer,
    remote: RemoteServer,
    other: RemoteServer,
    bob: Person,
    stamp: str,
) -> None:
    carol, dave = remote.actor("carol"), other.actor("dave")
    daves = _quotable(dave, 1, canQuote={"automaticApproval": PUBLIC})
    extra: dict[str, Any] = {"quote": daves["id"]}
    authorization = f"{dave.id}/statuses/1/quotes/5"
    quote = _note(carol, 1, **extra)
    if stamp != "none":
        quote["quoteAuthorization"] = authorization
        other.serve_object(
            {
                "@context": CONTEXT,
                "id": authorization,
                "type": "QuoteAuthorization",
                "attributedTo": dave.id,
                "interactingObject": quote["id"] if stamp == "valid" else f"{carol.id}/other",
                "interactionTarget": daves["id"],
            }
        )
    deliver(carol, fed, _create(carol, quote))
    await run_jobs(db, fed)

    stored = await _by_uri(db, quote["id"])
    quoted = await _by_uri(db, daves["id"])
    assert stored.quote_of_id == quoted.id
    approved = stamp == "valid"
    assert stored.quote_state == ("accepted" if approved else "pending")
    assert quoted.quotes_count == (1 if approved else 0)
    with fed.client() as http:
        shown = http.get(f"/api/v1/statuses/{stored.id}", headers=bob.auth).json()
    assert shown["quote"]["state"] == stored.quote_state
    assert (shown["quote"]["quoted_status"] is not None) == approved
    if not approved:
        return
    # Dave's server revokes it: the quote is detached here too.
    revoke = {
        "@context": CONTEXT,
        "id": f"{authorization}#delete",
        "type": "Delete",
        "actor": dave.id,
        "to": [PUBLIC],
        "object": authorization,
    }
    deliver(dave, fed, revoke)
    await run_jobs(db, fed)
    assert (await _by_uri(db, quote["id"])).quote_state == "revoked"
    assert (await _by_uri(db, daves["id"])).quotes_count == 0
