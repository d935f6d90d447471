"""Who may mention you: a mention the setting refuses is plain text, and notifies nobody."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from tests.api.test_timelines import say
from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.openapi import assert_conforms
from weft.actions.graph import follow_account
from weft.actions.posts.remote import RemoteNote, create_remote_status
from weft.db.database import Database
from weft.models import Account, Mention, Notification
from weft.text.unlink import unlink_mentions

CREDENTIALS = "/api/v1/accounts/update_credentials"


def mentions_of(client: httpx.Client, person: Person, status_id: str) -> list[str]:
    found = client.get(f"/api/v1/statuses/{status_id}", headers=person.auth)
    return [m["id"] for m in assert_conforms(found)["mentions"]]


async def test_a_mention_from_someone_not_allowed_neither_links_nor_notifies(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person, bob: Person
) -> None:
    carol = await make_person(db, server.settings, "carol")
    changed = client.patch(
        CREDENTIALS, data={"source[mention_policy]": "following"}, headers=alice.auth
    )
    assert changed.status_code == 200, changed.text
    assert assert_conforms(changed)["source"]["mention_policy"] == "following"
    mine = client.get("/api/v1/accounts/verify_credentials", headers=alice.auth).json()
    assert mine["source"]["mention_policy"] == mine["weft"]["mention_policy"] == "following"
    await follow_account(db, alice.account_id, carol.account_id)  # she follows Carol only

    from_bob = say(client, bob, "Hey @alice, look")
    from_carol = say(client, carol, "Hey @alice, look")
    bob_post = client.get(f"/api/v1/statuses/{from_bob}", headers=bob.auth).json()
    assert "href" not in bob_post["content"]
    assert "@alice" in bob_post["content"]
    assert mentions_of(client, bob, from_bob) == []
    carol_post = client.get(f"/api/v1/statuses/{from_carol}", headers=carol.auth).json()
    assert 'class="u-url mention"' in carol_post["content"]
    assert mentions_of(client, carol, from_carol) == [str(alice.account_id)]
    notified = client.get("/api/v1/notifications", headers=alice.auth).json()
    assert [(n["type"], n["status"]["id"]) for n in notified] == [("mention", from_carol)]
    async with db.read() as session:
        named = await session.scalars(
            select(Mention.account_id).where(Mention.status_id == int(from_bob))
        )
        assert list(named) == []

    # "followers": only her followers; Bob follows her now, Carol does not.
    client.patch(CREDENTIALS, data={"mention_policy": "followers"}, headers=alice.auth)
    await follow_account(db, bob.account_id, alice.account_id)
    again = say(client, bob, "@alice again")
    assert mentions_of(client, bob, again) == [str(alice.account_id)]
    refused = say(client, carol, "@alice again")
    assert mentions_of(client, carol, refused) == []


async def test_a_wrong_mention_policy_is_refused_naming_the_field(
    client: httpx.Client, alice: Person
) -> None:
    wrong = client.patch(CREDENTIALS, data={"mention_policy": "friends"}, headers=alice.auth)
    assert wrong.status_code == 422
    assert wrong.json()["error"] == (
        "Validation failed: mention_policy must be one of everyone, following, followers"
    )
    mine = client.get("/api/v1/accounts/verify_credentials", headers=alice.auth).json()
    assert mine["source"]["mention_policy"] == "everyone"


async def test_a_mention_from_another_server_not_allowed_is_plain_text(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person
) -> None:
    changed = client.patch(CREDENTIALS, data={"mention_policy": "following"}, headers=alice.auth)
    assert changed.status_code == 200, changed.text
    async with db.write() as session:
        remote = Account(
            username="zed",
            domain="remote.example",
            uri="https://remote.example/users/zed",
            url="https://remote.example/@zed",
        )
        session.add(remote)
        await session.flush()
        remote_id = remote.id
        alice_url = f"{server.settings.base_url}/@alice"
    link = f'<a href="{alice_url}" class="u-url mention">@<span>alice</span></a>'
    note = RemoteNote(
        uri="https://remote.example/notes/1",
        url="https://remote.example/@zed/1",
        account_id=remote_id,
        content=f"<p>Hi {link}</p>",
        visibility="public",
        created_at=datetime.now(UTC),
        mentioned_ids=[alice.account_id],
    )
    status = await create_remote_status(db, note)
    assert status is not None
    shown = client.get(f"/api/v1/statuses/{status.id}", headers=alice.auth).json()
    assert shown["content"] == "<p>Hi @alice</p>"
    assert shown["mentions"] == []
    async with db.read() as session:
        made = await session.scalar(
            select(Notification.id).where(Notification.account_id == alice.account_id)
        )
        assert made is None


def test_unlinking_leaves_other_links_alone() -> None:
    html = (
        '<p><a href="https://a.example/@x" class="mention">@<span>x</span></a> and '
        '<a href="https://b.example/@y" class="mention">@<span>y</span></a></p>'
    )
    assert unlink_mentions(html, ["https://a.example/@x"]) == (
        '<p>@x and <a href="https://b.example/@y" class="mention">@<span>y</span></a></p>'
    )
    assert unlink_mentions(html, []) == html
