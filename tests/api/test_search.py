"""Search over real HTTP: /api/v2/search and /api/v1/accounts/search."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Person
from tests.live import LiveServer
from tests.openapi import assert_conforms
from tests.timelines.helpers import follow, people, post
from weft.actions.accounts import ProfileChange, update_profile
from weft.actions.graph import block_account
from weft.db.database import Database

SEARCH = "/api/v2/search"


def search(
    client: httpx.Client, person: Person | None = None, **params: str
) -> dict[str, list[Any]]:
    response = client.get(SEARCH, params=params, headers=person.auth if person else None)
    assert response.status_code == 200, response.text
    body: dict[str, list[Any]] = assert_conforms(response)
    return body


def names(body: dict[str, list[Any]], kind: str = "accounts") -> list[str]:
    key = "acct" if kind == "accounts" else "name"
    return [item[key] for item in body[kind]]


async def test_finds_accounts_by_username_and_display_name_prefix(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, _, carol = await people(db, server.settings, "alice", "alfred", "carol")
    await update_profile(db, carol.account_id, ProfileChange(display_name="Alba Carol"))
    assert sorted(names(search(client, q="al"))) == ["alfred", "alice", "carol"]
    assert names(search(client, q="ALI")) == ["alice"]
    assert names(search(client, q="@alice")) == ["alice"]
    assert names(search(client, q=f"alice@{server.settings.domain}")) == ["alice"]
    assert names(search(client, q="alice@elsewhere.example")) == []
    # An exact username comes first.
    await update_profile(db, alice.account_id, ProfileChange(display_name="alfred's friend"))
    assert names(search(client, q="alfred", type="accounts"))[0] == "alfred"


async def test_undiscoverable_and_blocked_people(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    await update_profile(db, bob.account_id, ProfileChange(discoverable=False))
    assert names(search(client, q="bo")) == []
    assert names(search(client, q="bob")) == ["bob"]  # an exact username still finds them
    await follow(db, alice, bob)
    assert names(search(client, alice, q="bo")) == ["bob"]
    await block_account(db, carol.account_id, alice.account_id)
    assert names(search(client, alice, q="carol")) == []
    assert names(search(client, q="carol")) == ["carol"]
    assert names(search(client, alice, q="", type="accounts")) == []


async def test_following_only(client: httpx.Client, server: LiveServer, db: Database) -> None:
    alice, bob, _ = await people(db, server.settings, "alice", "bob", "bobby")
    await follow(db, alice, bob)
    assert names(search(client, alice, q="bob", following="true")) == ["bob"]
    assert sorted(names(search(client, alice, q="bob"))) == ["bob", "bobby"]


async def test_statuses_by_words_as_the_policies_allow(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    public = await post(db, server.settings, alice, "Weaving a LOOM today")
    hidden = await post(db, server.settings, alice, "secret loom plans", "private")
    await post(db, server.settings, alice, "nothing to see")
    found = search(client, bob, q="loom", type="statuses")
    assert [s["id"] for s in found["statuses"]] == [str(public)]
    assert found["accounts"] == []
    assert found["hashtags"] == []
    assert [s["id"] for s in search(client, bob, q="loom weaving")["statuses"]] == [str(public)]
    assert search(client, bob, q="loom 100%")["statuses"] == []
    # As Mastodon: followers-only posts are searchable by their author and the
    # people they mention, not by every follower.
    await follow(db, carol, alice)
    assert [s["id"] for s in search(client, carol, q="loom")["statuses"]] == [str(public)]
    mention = await post(db, server.settings, alice, "@carol the loom", "private")
    assert [s["id"] for s in search(client, carol, q="loom")["statuses"]] == [
        str(mention),
        str(public),
    ]
    assert str(hidden) in [s["id"] for s in search(client, alice, q="loom")["statuses"]]
    # No posts for people who are not signed in (as Mastodon's full-text search).
    assert search(client, q="loom")["statuses"] == []
    # Authors who opt out of search (indexable) are found only by themselves.
    await update_profile(db, alice.account_id, ProfileChange(indexable=False))
    assert search(client, bob, q="loom")["statuses"] == []
    assert len(search(client, alice, q="loom")["statuses"]) == 3


async def test_statuses_paging_and_account_filter(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    ids = [await post(db, server.settings, alice, f"thread {n}") for n in range(4)]
    other = await post(db, server.settings, bob, "thread from bob")
    newest = [str(i) for i in reversed(ids)]

    def found(**params: str) -> list[str]:
        return [
            s["id"] for s in search(client, bob, q="thread", type="statuses", **params)["statuses"]
        ]

    assert found(account_id=str(alice.account_id), limit="2") == newest[:2]
    assert found(account_id=str(alice.account_id), max_id=newest[1]) == newest[2:]
    assert found(min_id=str(ids[2])) == [str(other), newest[0]]
    assert found(account_id=str(alice.account_id), offset="3") == newest[3:]


async def test_hashtags_by_prefix_with_history(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    await post(db, server.settings, alice, "#Weaving is fun")
    await post(db, server.settings, bob, "#weaving again, and #weft")
    await post(db, server.settings, alice, "#wool")
    found = search(client, q="#we", type="hashtags")
    assert names(found, "hashtags") == ["weft", "Weaving"]
    weaving = found["hashtags"][1]
    assert weaving["url"] == f"{server.url}/tags/weaving"
    assert len(weaving["history"]) == 7
    assert weaving["history"][0]["uses"] == "2"
    assert weaving["history"][0]["accounts"] == "2"
    assert weaving["history"][1]["uses"] == "0"
    assert names(search(client, q="weaving", exclude_unreviewed="true"), "hashtags") == ["Weaving"]
    assert names(search(client, q="no such tag"), "hashtags") == []


async def test_local_addresses_find_the_post_or_person(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    public = await post(db, server.settings, alice, "hello")
    hidden = await post(db, server.settings, alice, "for followers", "private")
    by_url = search(client, bob, q=f"{server.url}/@alice/{public}")
    assert [s["id"] for s in by_url["statuses"]] == [str(public)]
    assert search(client, bob, q=f"{server.url}/@alice/{hidden}")["statuses"] == []
    assert names(search(client, bob, q=f"{server.url}/@alice")) == ["alice"]
    assert names(search(client, bob, q=f"@alice@{server.settings.domain}", resolve="true")) == [
        "alice"
    ]


async def test_bad_parameters_and_missing_sign_in(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    missing = client.get(SEARCH)
    assert missing.status_code == 422
    assert missing.json()["error"].startswith("Validation failed: q can't be blank")
    bad_type = client.get(SEARCH, params={"q": "a", "type": "people"})
    assert bad_type.status_code == 422
    assert "type" in bad_type.json()["error"]
    bad_id = client.get(SEARCH, params={"q": "a", "max_id": "x"}, headers=alice.auth)
    assert bad_id.status_code == 422
    resolve = client.get(SEARCH, params={"q": "bob@example.com", "resolve": "true"})
    assert resolve.status_code == 401
    assert resolve.json()["error"] == (
        "Search queries that resolve remote resources are not supported without authentication"
    )
    offset = client.get(SEARCH, params={"q": "a", "offset": "5"})
    assert offset.status_code == 401
    assert client.get(SEARCH, params={"q": "a", "offset": "-1"}).status_code == 422


async def test_accounts_search_v1(client: httpx.Client, server: LiveServer, db: Database) -> None:
    alice, _ = await people(db, server.settings, "alice", "alicia")
    response = client.get("/api/v1/accounts/search", params={"q": "ali"}, headers=alice.auth)
    assert response.status_code == 200
    assert sorted(a["acct"] for a in assert_conforms(response)) == ["alice", "alicia"]
    limited = client.get(
        "/api/v1/accounts/search", params={"q": "ali", "limit": "1"}, headers=alice.auth
    )
    assert len(limited.json()) == 1
    assert client.get("/api/v1/accounts/search", params={"q": "ali"}).status_code == 401


async def test_paging_numbers_beyond_a_bigint_are_refused(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    for path in (SEARCH, "/api/v1/accounts/search"):
        for big in ("9223372036854775808", "9" * 40):
            response = client.get(path, params={"q": "a", "offset": big}, headers=alice.auth)
            assert response.status_code == 422, (path, response.text)
            assert response.json()["error"].startswith("Validation failed: offset ")
        # The largest a BIGINT holds is a (far) page past the end.
        last = client.get(
            path, params={"q": "a", "offset": "9223372036854775807"}, headers=alice.auth
        )
        assert last.status_code == 200
        # ``limit`` is clamped, as Mastodon does.
        huge = client.get(path, params={"q": "ali", "limit": "9" * 40}, headers=alice.auth)
        assert huge.status_code == 200
    for name in ("max_id", "min_id", "account_id"):
        response = client.get(
            SEARCH, params={"q": "a", name: "9223372036854775808"}, headers=alice.auth
        )
        assert response.status_code == 422
        assert response.json()["error"] == f"Validation failed: {name} must be an id"


async def test_resolving_a_url_on_a_loopback_number_is_refused(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    for host in ("0177.0.0.1", "127.000.000.001", "0x7f.1", "2130706433", "127.0.0.1"):
        url = f"https://{host}/users/alice"
        response = client.get(SEARCH, params={"q": url, "resolve": "true"}, headers=alice.auth)
        assert response.status_code == 422, response.text
        assert response.json() == {
            "error": f"Could not fetch {url}: {host} is 127.0.0.1, a non-public address"
        }
