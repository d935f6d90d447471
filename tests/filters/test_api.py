"""Mastodon's filters over real HTTP: v2 and v1 over the same rows, and what
a filter does to every list a post can appear in (weft/policies/filters.py)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import update

from tests.factories import Person
from tests.live import LiveServer
from tests.timelines.helpers import drain, follow, post
from weft.actions.filters import set_offensive_words
from weft.db.database import Database
from weft.models import Filter, FilterState
from weft.models.base import utcnow

V2 = "/api/v2/filters"
V1 = "/api/v1/filters"
ALL = ["home", "notifications", "public", "thread", "account"]


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def refused(response: httpx.Response, field: str) -> str:
    assert response.status_code == 422, response.text
    body = response.json()
    assert field in body["details"], body
    return str(body["error"])


def make_filter(
    client: httpx.Client, person: Person, words: list[str], action: str, **more: Any
) -> dict[str, Any]:
    body = {
        "title": more.pop("title", "mine"),
        "context": more.pop("context", ALL),
        "filter_action": action,
        "keywords_attributes": [
            {"keyword": w, "whole_word": more.get("whole_word", True)} for w in words
        ],
        **{k: v for k, v in more.items() if k != "whole_word"},
    }
    return ok(client.post(V2, headers=person.auth, json=body))  # type: ignore[no-any-return]


def ids(statuses: list[dict[str, Any]]) -> list[str]:
    return [s["id"] for s in statuses]


def every_list(
    client: httpx.Client, viewer: Person, author: Person, thread_of: int
) -> dict[str, list[str]]:
    """The post ids each door shows ``viewer``."""
    auth = viewer.auth
    return {
        "home": ids(ok(client.get("/api/v1/timelines/home", headers=auth))),
        "public": ids(ok(client.get("/api/v1/timelines/public", headers=auth))),
        "tag": ids(ok(client.get("/api/v1/timelines/tag/weaving", headers=auth))),
        "account": ids(
            ok(client.get(f"/api/v1/accounts/{author.account_id}/statuses", headers=auth))
        ),
        "thread": ids(
            ok(client.get(f"/api/v1/statuses/{thread_of}/context", headers=auth))["descendants"]
        ),
        "search": ids(
            ok(
                client.get("/api/v2/search", params={"q": "loom", "type": "statuses"}, headers=auth)
            )["statuses"]
        ),
        "notifications": [
            n["status"]["id"]
            for n in ok(client.get("/api/v1/notifications", headers=auth))
            if n.get("status")
        ],
        "grouped": [
            g["status_id"]
            for g in ok(client.get("/api/v2/notifications", headers=auth))["notification_groups"]
            if g["status_id"]
        ],
    }


async def test_a_hidden_word_hides_a_post_from_every_list(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person, bob: Person
) -> None:
    settings = server.settings
    await follow(db, alice, bob)
    root = await post(db, settings, alice, "my loom #weaving thread")
    plain = str(await post(db, settings, bob, "@alice a loom #weaving, nothing else"))
    top = str(await post(db, settings, bob, "@alice my loom is Cursed #weaving"))
    reply = ok(
        client.post(
            "/api/v1/statuses",
            headers=bob.auth,
            data={"status": "a Cursed loom", "in_reply_to_id": str(root)},
        )
    )["id"]
    await drain(db, settings)
    before = every_list(client, alice, bob, root)
    for door, seen in before.items():
        assert (reply if door == "thread" else top) in seen, door
    make_filter(client, alice, ["cursed"], "hide")
    after = every_list(client, alice, bob, root)
    for door, seen in after.items():
        assert top not in seen, door
        assert reply not in seen, door
        assert (plain in seen) == (door != "thread"), door
    hidden = top
    # Bob, who has no filter, still sees it; Alice still finds it by itself, marked.
    assert hidden in every_list(client, bob, bob, root)["account"]
    shown = ok(client.get(f"/api/v1/statuses/{hidden}", headers=alice.auth))
    assert shown["filtered"][0]["keyword_matches"] == ["cursed"]
    assert shown["filtered"][0]["filter"]["filter_action"] == "hide"


async def test_a_warn_filter_returns_the_post_with_filtered(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person, bob: Person
) -> None:
    settings = server.settings
    await follow(db, alice, bob)
    warned = await post(db, settings, bob, "Spoilers for the finale of the show")
    other = await post(db, settings, bob, "nothing to see")
    repost = ok(client.post(f"/api/v1/statuses/{warned}/reblog", headers=bob.auth))["id"]
    await drain(db, settings)
    made = make_filter(client, alice, ["finale", "season"], "warn", context=["home", "public"])
    for path in ("/api/v1/timelines/home", "/api/v1/timelines/public"):
        for _ in range(2):  # the second read comes from the entity cache
            page = {s["id"]: s for s in ok(client.get(path, headers=alice.auth))}
            assert page[str(warned)]["filtered"] == [
                {
                    "filter": {
                        "id": made["id"],
                        "title": "mine",
                        "context": ["home", "public"],
                        "expires_at": None,
                        "filter_action": "warn",
                    },
                    "keyword_matches": ["finale"],
                    "status_matches": None,
                }
            ]
            assert page[str(other)]["filtered"] == []
    home = {s["id"]: s for s in ok(client.get("/api/v1/timelines/home", headers=alice.auth))}
    assert home[repost]["filtered"][0]["keyword_matches"] == ["finale"]
    # The account context is not the filter's: nothing there.
    page = ok(client.get(f"/api/v1/accounts/{bob.account_id}/statuses", headers=alice.auth))
    assert all(s["filtered"] == [] for s in page)
    # A post in a filter matches by itself (status_matches).
    ok(client.post(f"{V2}/{made['id']}/statuses", headers=alice.auth, data={"status_id": other}))
    page = {s["id"]: s for s in ok(client.get("/api/v1/timelines/public", headers=alice.auth))}
    assert page[str(other)]["filtered"][0]["status_matches"] == [str(other)]
    assert page[str(other)]["filtered"][0]["keyword_matches"] is None


async def test_whole_words_and_parts_of_words(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person, bob: Person
) -> None:
    settings = server.settings
    inside = await post(db, settings, bob, "Concatenate the strings")
    word = await post(db, settings, bob, "My CAT sleeps")
    emoji = await post(db, settings, bob, "party time 🎉 ok")
    accented = await post(db, settings, bob, "Ein Straße entlang")
    make_filter(client, alice, ["cat", "🎉", "straße"], "hide", whole_word=True)
    shown = ids(ok(client.get("/api/v1/timelines/public", headers=alice.auth)))
    assert str(inside) in shown
    assert str(word) not in shown
    assert str(emoji) not in shown
    assert str(accented) not in shown
    part = make_filter(client, alice, ["catena"], "hide", whole_word=False)
    assert part["keywords"][0]["whole_word"] is False
    shown = ids(ok(client.get("/api/v1/timelines/public", headers=alice.auth)))
    assert str(inside) not in shown


async def test_an_expired_filter_no_longer_applies(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person, bob: Person
) -> None:
    settings = server.settings
    status = await post(db, settings, bob, "an ephemeral topic")
    made = make_filter(client, alice, ["ephemeral"], "hide", expires_in=3600)
    assert made["expires_at"] is not None
    assert str(status) not in ids(ok(client.get("/api/v1/timelines/public", headers=alice.auth)))
    # The hour passes: the row says so (the version moved, as a change would;
    # tests/filters/test_matching.py checks the clock against a compiled filter).
    async with db.write() as session:
        await session.execute(
            update(Filter).where(Filter.id == int(made["id"])).values(expires_at=utcnow())
        )
        await session.execute(
            update(FilterState)
            .where(FilterState.account_id == alice.account_id)
            .values(version=FilterState.version + 1)
        )
    assert str(status) in ids(ok(client.get("/api/v1/timelines/public", headers=alice.auth)))
    # Blank expires_in: never again.
    changed = ok(client.put(f"{V2}/{made['id']}", headers=alice.auth, json={"expires_in": ""}))
    assert changed["expires_at"] is None
    assert str(status) not in ids(ok(client.get("/api/v1/timelines/public", headers=alice.auth)))


async def test_v2_crud_and_v1_see_the_same_filters(
    client: httpx.Client, alice: Person, bob: Person
) -> None:
    auth = alice.auth
    made = make_filter(client, alice, ["one", "two"], "warn", title="Words")
    assert made["context"] == ALL
    assert made["title"] == "Words"
    assert [k["keyword"] for k in made["keywords"]] == ["one", "two"]
    fid = made["id"]
    assert ok(client.get(V2, headers=auth)) == [made]
    assert ok(client.get(f"{V2}/{fid}", headers=auth)) == made
    # keywords
    three = ok(
        client.post(
            f"{V2}/{fid}/keywords", headers=auth, data={"keyword": "three", "whole_word": "false"}
        )
    )
    assert three["whole_word"] is False
    assert ok(client.get(f"{V2}/keywords/{three['id']}", headers=auth)) == three
    changed = ok(client.put(f"{V2}/keywords/{three['id']}", headers=auth, data={"keyword": "tres"}))
    assert changed == {**three, "keyword": "tres"}
    assert len(ok(client.get(f"{V2}/{fid}/keywords", headers=auth))) == 3
    ok(client.delete(f"{V2}/keywords/{three['id']}", headers=auth))
    assert client.get(f"{V2}/keywords/{three['id']}", headers=auth).status_code == 404
    # keywords_attributes: change one, remove one, add one; context and action
    one, two = made["keywords"]
    updated = ok(
        client.put(
            f"{V2}/{fid}",
            headers=auth,
            json={
                "title": "Renamed",
                "context": ["home"],
                "filter_action": "blur",
                "keywords_attributes": [
                    {"id": one["id"], "keyword": "uno"},
                    {"id": two["id"], "_destroy": True},
                    {"keyword": "cuatro", "whole_word": False},
                ],
            },
        )
    )
    assert updated["title"] == "Renamed"
    assert updated["context"] == ["home"]
    assert updated["filter_action"] == "blur"
    assert [(k["keyword"], k["whole_word"]) for k in updated["keywords"]] == [
        ("uno", True),
        ("cuatro", False),
    ]
    # v1 sees each keyword as a filter
    v1 = ok(client.get(V1, headers=auth))
    assert [f["phrase"] for f in v1] == ["uno", "cuatro"]
    assert v1[0] == {
        "id": one["id"],
        "phrase": "uno",
        "context": ["home"],
        "whole_word": True,
        "expires_at": None,
        "irreversible": False,
    }
    # v1 makes a filter v2 sees; irreversible is hide
    made_v1 = ok(
        client.post(
            V1,
            headers=auth,
            data={"phrase": "legacy", "context[]": ["public", "thread"], "irreversible": "true"},
        )
    )
    assert made_v1["irreversible"] is True
    assert made_v1["context"] == ["public", "thread"]
    v2 = ok(client.get(V2, headers=auth))
    assert [(f["title"], f["filter_action"]) for f in v2] == [
        ("Renamed", "blur"),
        ("legacy", "hide"),
    ]
    changed_v1 = ok(
        client.put(
            f"{V1}/{made_v1['id']}", headers=auth, data={"phrase": "older", "irreversible": "false"}
        )
    )
    assert changed_v1["phrase"] == "older"
    assert changed_v1["irreversible"] is False
    assert ok(client.get(f"{V1}/{made_v1['id']}", headers=auth)) == changed_v1
    # v1 can't change the context of a filter with other keywords
    refused(client.put(f"{V1}/{one['id']}", headers=auth, data={"context[]": "public"}), "context")
    ok(client.delete(f"{V1}/{made_v1['id']}", headers=auth))
    assert [f["title"] for f in ok(client.get(V2, headers=auth))] == ["Renamed"]
    # Another person's filters are not found; deleting answers {}
    assert client.get(f"{V2}/{fid}", headers=bob.auth).status_code == 404
    assert client.delete(f"{V1}/{one['id']}", headers=bob.auth).status_code == 404
    assert ok(client.delete(f"{V2}/{fid}", headers=auth)) == {}
    assert ok(client.get(V2, headers=auth)) == [] == ok(client.get(V1, headers=auth))


async def test_filtered_posts_api(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person, bob: Person
) -> None:
    status = await post(db, server.settings, bob, "a post")
    private = await post(db, server.settings, bob, "followers only", "private")
    fid = make_filter(client, alice, [], "hide")["id"]
    added = ok(
        client.post(f"{V2}/{fid}/statuses", headers=alice.auth, data={"status_id": str(status)})
    )
    assert added["status_id"] == str(status)
    assert ok(client.get(f"{V2}/{fid}/statuses", headers=alice.auth)) == [added]
    assert ok(client.get(f"{V2}/statuses/{added['id']}", headers=alice.auth)) == added
    refused(
        client.post(f"{V2}/{fid}/statuses", headers=alice.auth, data={"status_id": str(status)}),
        "status_id",
    )
    refused(
        client.post(f"{V2}/{fid}/statuses", headers=alice.auth, data={"status_id": str(private)}),
        "status_id",
    )
    assert str(status) not in ids(ok(client.get("/api/v1/timelines/public", headers=alice.auth)))
    ok(client.delete(f"{V2}/statuses/{added['id']}", headers=alice.auth))
    assert str(status) in ids(ok(client.get("/api/v1/timelines/public", headers=alice.auth)))


async def test_bad_inputs_are_refused_naming_the_field(client: httpx.Client, alice: Person) -> None:
    auth = alice.auth
    base = {"title": "t", "context": ["home"]}
    refused(client.post(V2, headers=auth, json={"context": ["home"]}), "title")
    refused(client.post(V2, headers=auth, json={"title": "t"}), "context")
    assert "'nowhere'" in refused(
        client.post(V2, headers=auth, json={**base, "context": ["nowhere"]}), "context"
    )
    refused(client.post(V2, headers=auth, json={**base, "filter_action": "shout"}), "filter_action")
    refused(client.post(V2, headers=auth, json={**base, "expires_in": "soon"}), "expires_in")
    refused(client.post(V2, headers=auth, json={**base, "expires_in": -5}), "expires_in")
    refused(client.post(V2, headers=auth, json={**base, "title": "x" * 201}), "title")
    refused(
        client.post(V2, headers=auth, json={**base, "keywords_attributes": [{"keyword": " "}]}),
        "keywords_attributes[0][keyword]",
    )
    refused(
        client.post(
            V2,
            headers=auth,
            json={**base, "keywords_attributes": [{"keyword": "a", "whole_word": "maybe"}]},
        ),
        "keywords_attributes[0][whole_word]",
    )
    fid = ok(client.post(V2, headers=auth, json=base))["id"]
    refused(client.post(f"{V2}/{fid}/keywords", headers=auth, data={}), "keyword")
    refused(
        client.post(f"{V2}/{fid}/statuses", headers=auth, data={"status_id": "abc"}), "status_id"
    )
    refused(
        client.put(
            f"{V2}/{fid}", headers=auth, json={"keywords_attributes": [{"id": "1", "keyword": "x"}]}
        ),
        "keywords_attributes[0][id]",
    )
    refused(client.post(V1, headers=auth, data={"context[]": "home"}), "phrase")
    refused(client.post(V1, headers=auth, data={"phrase": "x"}), "context")
    assert client.get(f"{V2}/nope", headers=auth).status_code == 404
    assert client.get(V2).status_code == 401
    # Nothing half-written: the one filter made above is all there is.
    assert len(ok(client.get(V2, headers=auth))) == 1


async def test_the_offensive_words_are_hidden_until_turned_off(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person, bob: Person
) -> None:
    status = await post(db, server.settings, bob, "you absolute BASTARD")
    mild = await post(db, server.settings, bob, "a bastardized recipe")
    public = ids(ok(client.get("/api/v1/timelines/public", headers=alice.auth)))
    assert str(status) not in public
    assert str(mild) in public
    # The author sees their own post, and so does anyone signed out.
    assert str(status) in ids(ok(client.get("/api/v1/timelines/public", headers=bob.auth)))
    assert str(status) in ids(ok(client.get("/api/v1/timelines/public")))
    await set_offensive_words(db, alice.account_id, False)
    assert str(status) in ids(ok(client.get("/api/v1/timelines/public", headers=alice.auth)))
    # Not a filter of hers: Mastodon apps don't list it.
    assert ok(client.get(V2, headers=alice.auth)) == []
