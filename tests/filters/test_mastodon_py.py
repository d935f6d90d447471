"""Mastodon.py's filter methods (v2 and the deprecated v1) against the live
server, and the ``filtered`` field as it reads it."""

from __future__ import annotations

from mastodon import Mastodon

from tests.factories import Person
from tests.live import LiveServer
from tests.timelines.helpers import post
from weft.db.database import Database


def client_of(server: LiveServer, person: Person) -> Mastodon:
    return Mastodon(access_token=person.token, api_base_url=server.url)


async def test_mastodon_py_filters(
    server: LiveServer, db: Database, alice: Person, bob: Person
) -> None:
    warned = await post(db, server.settings, bob, "the finale, with spoilers")
    app = client_of(server, alice)
    made = app.create_filter_v2(
        "Spoilers",
        ["home", "public"],
        "warn",
        keywords_attributes=[{"keyword": "finale", "whole_word": True}],
    )
    assert made.title == "Spoilers"
    assert [k.keyword for k in made.keywords] == ["finale"]
    extra = app.add_filter_keyword_v2(made, "spoiler", whole_word=False)
    assert [k.keyword for k in app.filter_keywords_v2(made)] == ["finale", "spoiler"]
    status = app.status(warned)
    assert str(app.add_filter_status_v2(made, status).status_id) == str(status.id)
    assert len(app.filter_statuses_v2(made)) == 1
    public = {str(s.id): s for s in app.timeline_public()}
    result = public[str(warned)].filtered[0]
    assert result.filter.title == "Spoilers"
    assert sorted(result.keyword_matches) == ["finale", "spoiler"]
    assert [str(i) for i in result.status_matches] == [str(warned)]
    # v1 sees each keyword; Mastodon.py's client-side helper agrees.
    phrases = sorted(f.phrase for f in app.filters())
    assert phrases == ["finale", "spoiler"]
    assert app.filters_apply(app.timeline_public(), app.filters(), "public") == []
    v1 = app.filter_create("cursed", ["home"], irreversible=True)
    assert v1.irreversible is True
    assert [f.title for f in app.filters_v2()] == ["Spoilers", "cursed"]
    app.filter_delete(v1)
    app.delete_filter_keyword_v2(extra)
    updated = app.update_filter_v2(made, filter_action="blur", context=["thread"])
    assert updated.filter_action == "blur"
    app.delete_filter_v2(made)
    assert app.filters_v2() == []
