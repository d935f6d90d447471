"""GET /api/v1/statuses/:id/context: thread order, and only what the viewer may see."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.openapi import assert_conforms
from weft.db.database import Database
from weft.models import Block

STATUSES = "/api/v1/statuses"


@pytest.fixture
async def people(db: Database, server: LiveServer) -> dict[str, Person]:
    return {
        name: await make_person(db, server.settings, name)
        for name in ("alice", "bob", "carol", "dave")
    }


def post(client: httpx.Client, person: Person, text: str, **data: Any) -> str:
    response = client.post(STATUSES, headers=person.auth, data={"status": text, **data})
    assert response.status_code == 200, response.text
    return str(assert_conforms(response)["id"])


def context(client: httpx.Client, person: Person | None, status_id: str) -> dict[str, list[str]]:
    response = client.get(f"{STATUSES}/{status_id}/context", headers=person.auth if person else {})
    assert response.status_code == 200, response.text
    body = assert_conforms(response)
    return {key: [s["content"] for s in body[key]] for key in ("ancestors", "descendants")}


@pytest.fixture
async def thread(client: httpx.Client, db: Database, people: dict[str, Person]) -> dict[str, str]:
    """root
       ├─ a (bob)
       │  ├─ a1 (alice)
       │  └─ a2 (carol, followers-only)
       │     └─ a2x (bob, followers-only like its parent)
       └─ b (carol)           dave is blocked by carol
          └─ b1 (bob, public)
    Posted out of tree order, so that order by id alone would be wrong.
    """
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    ids = {"root": post(client, alice, "root")}
    ids["a"] = post(client, bob, "a", in_reply_to_id=ids["root"])
    ids["b"] = post(client, carol, "b", in_reply_to_id=ids["root"])
    ids["a1"] = post(client, alice, "a1", in_reply_to_id=ids["a"])
    ids["b1"] = post(client, bob, "b1", in_reply_to_id=ids["b"])
    ids["a2"] = post(client, carol, "a2", in_reply_to_id=ids["a"], visibility="private")
    ids["a2x"] = post(client, bob, "a2x", in_reply_to_id=ids["a2"])
    async with db.write() as session:
        session.add(Block(account_id=carol.account_id, target_account_id=people["dave"].account_id))
    return ids


def paragraphs(*names: str) -> list[str]:
    return [f"<p>{name}</p>" for name in names]


async def test_thread_order_for_someone_who_sees_everything(
    client: httpx.Client, people: dict[str, Person], thread: dict[str, str]
) -> None:
    seen = context(client, people["carol"], thread["root"])
    assert seen == {
        "ancestors": [],
        "descendants": paragraphs("a", "a1", "a2", "a2x", "b", "b1"),
    }
    assert context(client, people["carol"], thread["a2x"]) == {
        "ancestors": paragraphs("root", "a", "a2"),
        "descendants": [],
    }


async def test_hidden_replies_take_their_subtree_with_them(
    client: httpx.Client, people: dict[str, Person], thread: dict[str, str]
) -> None:
    # Dave: a2 is followers-only, and carol blocks him (b, and bob's public b1 under it).
    assert context(client, people["dave"], thread["root"]) == {
        "ancestors": [],
        "descendants": paragraphs("a", "a1"),
    }
    # Anonymous: the same minus nothing blocked, but still no followers-only posts.
    assert context(client, None, thread["root"]) == {
        "ancestors": [],
        "descendants": paragraphs("a", "a1", "b", "b1"),
    }
    # Bob is silently mentioned in carol's followers-only reply to him, so he sees it.
    assert context(client, people["bob"], thread["a"])["descendants"] == paragraphs(
        "a1", "a2", "a2x"
    )


async def test_context_of_a_post_one_cannot_see_is_not_found(
    client: httpx.Client, people: dict[str, Person], thread: dict[str, str]
) -> None:
    for status_id in (thread["a2"], thread["b"]):
        response = client.get(f"{STATUSES}/{status_id}/context", headers=people["dave"].auth)
        assert response.status_code == 404
        assert assert_conforms(response) == {"error": "Record not found"}
