"""Blocks and mutes over real HTTP: both ways, lists, durations."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import update

from tests.api.helpers import password_token, sign_up
from tests.api.test_graph import account, get, ids, post, sql
from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.openapi import assert_conforms
from weft.db.database import Database
from weft.models import Mute
from weft.models.base import utcnow


async def test_block_ends_follows_both_ways_and_holds(
    client: httpx.Client, db: Database, alice: Person, bob: Person, carol: Person
) -> None:
    post(client, alice, f"/api/v1/accounts/{bob.account_id}/follow")
    post(client, bob, f"/api/v1/accounts/{alice.account_id}/follow")
    post(client, bob, f"/api/v1/accounts/{carol.account_id}/follow")  # pending

    rel = post(client, alice, f"/api/v1/accounts/{bob.account_id}/block")
    assert (rel["blocking"], rel["following"], rel["followed_by"]) == (True, False, False)
    rel = post(client, carol, f"/api/v1/accounts/{bob.account_id}/block")
    assert rel["requested_by"] is False
    seen_by_bob = get(client, bob, "/api/v1/accounts/relationships", **{"id[]": alice.account_id})
    assert (seen_by_bob[0]["blocked_by"], seen_by_bob[0]["blocking"]) == (True, False)

    for person in (alice, bob, carol):
        entity = account(client, person)
        assert (entity["followers_count"], entity["following_count"]) == (0, 0)
    assert await sql(db, "SELECT count(*) FROM follow_requests") == [(0,)]
    unmerges = await sql(db, "SELECT count(*) FROM jobs WHERE kind = 'timelines.unmerge'")
    assert unmerges == [(4,)]

    for source, target in ((alice, bob), (bob, alice), (bob, carol), (carol, bob)):
        response = client.post(f"/api/v1/accounts/{target.account_id}/follow", headers=source.auth)
        assert response.status_code == 403
        assert response.json() == {"error": "This action is not allowed"}
    assert await sql(db, "SELECT count(*) FROM follows") == [(0,)]

    rel = post(client, alice, f"/api/v1/accounts/{bob.account_id}/unblock")
    assert rel["blocking"] is False
    rel = post(client, bob, f"/api/v1/accounts/{alice.account_id}/follow")
    assert rel["following"] is True


async def test_blocks_list(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    people = [await make_person(db, server.settings, f"troll{i}") for i in range(3)]
    for person in people:
        post(client, alice, f"/api/v1/accounts/{person.account_id}/block")
    post(client, alice, f"/api/v1/accounts/{people[0].account_id}/block")  # again: no change

    first = client.get("/api/v1/blocks", headers=alice.auth, params={"limit": 2})
    assert ids(assert_conforms(first)) == [str(people[2].account_id), str(people[1].account_id)]
    rest = client.get(first.links["next"]["url"], headers=alice.auth)
    assert ids(assert_conforms(rest)) == [str(people[0].account_id)]
    assert get(client, people[0], "/api/v1/blocks") == []


async def test_blocked_people_leave_follower_lists(
    client: httpx.Client, alice: Person, bob: Person, carol: Person
) -> None:
    dave_path = f"/api/v1/accounts/{alice.account_id}/followers"
    post(client, bob, f"/api/v1/accounts/{alice.account_id}/follow")
    post(client, carol, f"/api/v1/accounts/{bob.account_id}/block")
    # Carol blocks Bob: she doesn't see him among Alice's followers; others do.
    assert get(client, carol, dave_path) == []
    assert ids(get(client, None, dave_path)) == [str(bob.account_id)]
    # Alice blocks Carol: Carol sees none of Alice's followers.
    post(client, carol, f"/api/v1/accounts/{alice.account_id}/follow")
    post(client, alice, f"/api/v1/accounts/{carol.account_id}/block")
    assert get(client, carol, dave_path) == []
    assert ids(get(client, alice, dave_path)) == [str(bob.account_id)]


async def test_mute_with_duration_expires(
    client: httpx.Client, db: Database, alice: Person, bob: Person, carol: Person
) -> None:
    rel = post(client, alice, f"/api/v1/accounts/{bob.account_id}/mute", duration="3600")
    assert (rel["muting"], rel["muting_notifications"]) == (True, True)
    assert rel["muting_expires_at"] is not None
    response = client.post(
        f"/api/v1/accounts/{carol.account_id}/mute",
        headers=alice.auth,
        json={"notifications": False},
    )
    rel = assert_conforms(response)
    assert (rel["muting"], rel["muting_notifications"], rel["muting_expires_at"]) == (
        True,
        False,
        None,
    )

    muted = get(client, alice, "/api/v1/mutes")
    assert ids(muted) == [str(carol.account_id), str(bob.account_id)]
    assert muted[0]["mute_expires_at"] is None
    assert muted[1]["mute_expires_at"] is not None

    async with db.write() as session:
        await session.execute(
            update(Mute)
            .where(Mute.target_account_id == bob.account_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    seen = get(client, alice, "/api/v1/accounts/relationships", **{"id[]": bob.account_id})
    assert (seen[0]["muting"], seen[0]["muting_expires_at"]) == (False, None)
    assert ids(get(client, alice, "/api/v1/mutes")) == [str(carol.account_id)]

    # Muting again after expiry works (the old row is reused).
    rel = post(client, alice, f"/api/v1/accounts/{bob.account_id}/mute")
    assert (rel["muting"], rel["muting_expires_at"]) == (True, None)
    rel = post(client, alice, f"/api/v1/accounts/{bob.account_id}/unmute")
    assert rel["muting"] is False


async def test_mute_bad_duration(client: httpx.Client, alice: Person, bob: Person) -> None:
    for duration in ("-5", "soon"):
        response = client.post(
            f"/api/v1/accounts/{bob.account_id}/mute",
            headers=alice.auth,
            data={"duration": duration},
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"].startswith("Validation failed: duration")


async def test_scopes(client: httpx.Client, alice: Person, bob: Person) -> None:
    """A token with write:mutes may mute, but not block."""
    dave = sign_up(client, "dave")
    token = password_token(client, dave, "read write:mutes")
    auth = {"Authorization": f"Bearer {token}"}
    response = client.post(f"/api/v1/accounts/{bob.account_id}/block", headers=auth)
    assert response.status_code == 403
    assert response.json() == {"error": "This action is outside the authorized scopes"}
    response = client.post(f"/api/v1/accounts/{bob.account_id}/mute", headers=auth)
    assert response.status_code == 200
    assert get(client, alice, "/api/v1/mutes") == []
