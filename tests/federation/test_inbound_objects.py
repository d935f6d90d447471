"""What Weft reads of other servers' objects besides Mastodon's Notes: videos,
long reads, songs, events and polls as posts; FEP-e232 quote links; remote
pins; a moved account's new home; custom emoji; web links pasted in search.

Signed deliveries from a real remote server on 127.0.0.1, with payloads shaped
as PeerTube, WordPress, Funkwhale, Mobilizon, Misskey, Akkoma, Lemmy,
Mastodon and GoToSocial send them (tests/federation/fixtures/inbound)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import Person
from tests.federation.inbox_helpers import count, fixture, run_jobs
from tests.federation.remote_server import RemoteActor, RemoteServer
from tests.live import LiveServer
from weft.actions.posts.post import Draft, post_status
from weft.config import Settings
from weft.db.database import Database
from weft.models import MediaAttachment, Poll, Status, StatusPin

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
QUOTE_ME = Draft("Quote me", visibility="public")


@pytest.fixture
def people_settings(fed: LiveServer) -> Settings:
    """Bob lives on ``fed``, the server the remote test server delivers to."""
    return fed.settings


def payload(name: str, remote: RemoteServer, fed: LiveServer, **extra: str) -> dict[str, Any]:
    return fixture(
        name,
        REMOTE=remote.url,
        DOMAIN=remote.domain,
        LOCAL=fed.url,
        LOCALDOMAIN=fed.settings.domain,
        **extra,
    )


def deliver(actor: RemoteActor, fed: LiveServer, activity: dict[str, Any]) -> None:
    response = actor.deliver(f"{fed.url}/inbox", activity)
    assert response.status_code == 202, response.text


async def one(db: Database, model: Any, *conditions: Any) -> Any:
    async with db.read() as session:
        return await session.scalar(select(model).where(*conditions))


# --- other object types ------------------------------------------------------------------


async def test_a_peertube_video_is_a_post_with_its_title_and_a_link(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    framasoft = remote.actor("framasoft", path="/accounts/framasoft")
    activity = payload("peertube_create_video", remote, fed)
    deliver(framasoft, fed, activity)
    await run_jobs(db, fed)
    status = await one(db, Status, Status.uri == activity["object"]["id"])
    watch_page = f"{remote.url}/w/kkGMgK9ZtnKfYAgnEtQxbv"
    assert status.content == (
        "<p><strong>What is PeerTube?</strong></p>"
        f'<p><a href="{watch_page}" target="_blank" rel="nofollow noopener noreferrer">'
        f"{watch_page}</a></p>"
    )
    assert status.url == watch_page
    assert (status.visibility, status.spoiler_text) == ("public", "")
    with fed.client() as http:
        tagged = http.get("/api/v1/timelines/tag/peertube").json()
    assert [s["id"] for s in tagged] == [str(status.id)]


async def test_a_wordpress_article_shows_its_title_excerpt_and_link_not_a_warning(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    weaver = remote.actor("weaver", path="/author/weaver/")
    activity = payload("wordpress_create_article", remote, fed)
    deliver(weaver, fed, activity)
    await run_jobs(db, fed)
    status = await one(db, Status, Status.uri == activity["object"]["id"])
    article = f"{remote.url}/2026/11/20/spinning-wool/"
    assert status.content.startswith(
        "<p><strong>Spinning wool at home</strong></p>"
        "<p>How I learnt to spin my own yarn, and why you might too.</p>"
    )
    assert f'<a href="{article}"' in status.content
    assert "long essay" not in status.content  # the summary stands for the whole article
    assert (status.spoiler_text, status.sensitive, status.language) == ("", False, "en")
    media = await one(db, MediaAttachment, MediaAttachment.status_id == status.id)
    assert (media.type, media.description) == ("image", "A drop spindle")


async def test_a_funkwhale_song_keeps_its_audio(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    channel = remote.actor("loomsongs", path="/federation/actors/loomsongs")
    activity = payload("funkwhale_create_audio", remote, fed)
    deliver(channel, fed, activity)
    await run_jobs(db, fed)
    status = await one(db, Status, Status.uri == activity["object"]["id"])
    assert "<strong>Shuttle Song</strong>" in status.content
    assert "A work song from the mill." in status.content
    assert f'<a href="{remote.url}/library/tracks/88"' in status.content
    media = await one(db, MediaAttachment, MediaAttachment.status_id == status.id)
    assert media.type == "audio"


async def test_a_mobilizon_event_is_a_post_with_its_banner(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    guild = remote.actor("weavers_guild", path="/@weavers_guild")
    activity = payload("mobilizon_create_event", remote, fed)
    deliver(guild, fed, activity)
    await run_jobs(db, fed)
    status = await one(db, Status, Status.uri == activity["object"]["id"])
    assert "<strong>Open loom night</strong>" in status.content
    assert "Bring your yarn" in status.content
    assert f'<a href="{activity["object"]["url"]}"' in status.content
    assert await count(db, MediaAttachment) == 1


async def test_a_misskey_poll_is_stored_as_a_poll(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    misskey = remote.actor("9kq0000001")
    activity = payload("misskey_create_question", remote, fed)
    deliver(misskey, fed, activity)
    await run_jobs(db, fed)
    status = await one(db, Status, Status.uri == activity["object"]["id"])
    assert status.content == "<p><span>Which fibre?</span></p>"
    poll = await one(db, Poll, Poll.status_id == status.id)
    assert (poll.options, poll.tallies, poll.multiple) == (["Wool", "Linen"], [2, 1], False)
    assert (poll.votes_count, poll.voters_count) == (3, 3)
    assert poll.expires_at.isoformat() == "2026-11-21T12:00:00+00:00"


async def test_a_lemmy_post_found_by_search_is_its_title_body_and_link(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    remote.actor("picard", path="/u/picard")
    post = {
        "@context": [
            "https://join-lemmy.org/context.json",
            "https://www.w3.org/ns/activitystreams",
        ],
        "id": f"{remote.url}/post/55143",
        "type": "Page",
        "attributedTo": f"{remote.url}/u/picard",
        "to": [f"{remote.url}/c/tenforward", PUBLIC],
        "name": "Post title",
        "content": "<p>This is a post in the /c/tenforward community</p>\n",
        "mediaType": "text/html",
        "source": {
            "content": "This is a post in the /c/tenforward community",
            "mediaType": "text/markdown",
        },
        "attachment": [{"type": "Link", "href": "https://weft.example/article"}],
        "sensitive": False,
        "language": {"identifier": "fr", "name": "Français"},
        "published": "2026-11-20T12:35:34.292626Z",
    }
    remote.serve_object(post)
    with fed.client() as http:
        found = http.get(
            "/api/v2/search", params={"q": post["id"], "resolve": "true"}, headers=bob.auth
        ).json()
    [status] = found["statuses"]
    assert status["content"].startswith(
        "<p><strong>Post title</strong></p><p>This is a post in the /c/tenforward community</p>"
    )
    assert f'<a href="{post["id"]}"' in status["content"]
    assert '<a href="https://weft.example/article"' in status["content"]


# --- FEP-e232 object links ---------------------------------------------------------------


async def test_an_object_link_marked_re_is_a_quote(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    akko = remote.actor("akko")
    quoted = await post_status(
        db, fed.settings, bob.account_id, Draft("Quote me", visibility="public")
    )
    deliver(akko, fed, payload("akkoma_create_quote_link", remote, fed, QUOTED=str(quoted.uri)))
    await run_jobs(db, fed)
    status = await one(db, Status, Status.account_id != bob.account_id)
    assert status.quote_of_id == quoted.id


async def test_misskey_rel_marks_an_object_link_as_a_quote_and_a_plain_link_is_none(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    akko = remote.actor("akko")
    quoted = await post_status(
        db, fed.settings, bob.account_id, Draft("Quote me", visibility="public")
    )
    activity = payload("akkoma_create_quote_link", remote, fed, QUOTED=str(quoted.uri))
    link = activity["object"]["tag"][0]
    plain = {**activity, "id": activity["id"] + "-plain"}
    plain["object"] = {
        **activity["object"],
        "id": activity["object"]["id"] + "-plain",
        "tag": [{**link, "name": str(quoted.uri)}],  # an object link, not marked as a quote
    }
    misskey = {**activity, "id": activity["id"] + "-rel"}
    misskey["object"] = {
        **activity["object"],
        "id": activity["object"]["id"] + "-rel",
        "tag": [
            {
                **link,
                "name": str(quoted.uri),
                "mediaType": "application/activity+json",
                "rel": "https://misskey-hub.net/ns#_misskey_quote",
            }
        ],
    }
    deliver(akko, fed, plain)
    deliver(akko, fed, misskey)
    await run_jobs(db, fed)
    assert (await one(db, Status, Status.uri == plain["object"]["id"])).quote_of_id is None
    assert (await one(db, Status, Status.uri == misskey["object"]["id"])).quote_of_id == quoted.id


# --- Move --------------------------------------------------------------------------------


async def test_a_moved_account_shows_where_it_went(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    remote.actor("alice2", alsoKnownAs=[remote_alice.id])
    deliver(remote_alice, fed, payload("mastodon_create_note", remote, fed))
    await run_jobs(db, fed)
    deliver(remote_alice, fed, payload("mastodon_move", remote, fed))
    await run_jobs(db, fed)
    post = await one(db, Status, Status.uri == f"{remote_alice.id}/statuses/110000000000000001")
    with fed.client() as http:
        shown = http.get(f"/api/v1/accounts/{post.account_id}", headers=bob.auth).json()
        looked_up = http.get(
            "/api/v1/accounts/lookup", params={"acct": f"alice@{remote.domain}"}
        ).json()
        status = http.get(f"/api/v1/statuses/{post.id}", headers=bob.auth).json()
        profile = http.get(f"/@alice@{remote.domain}")
    for entity in (shown, looked_up, status["account"]):
        assert entity["moved"]["acct"] == f"alice2@{remote.domain}"
        assert entity["moved"]["url"] == f"{remote.url}/@alice2"
        assert entity["moved"]["moved"] is None
    assert "has moved to" in profile.text
    assert f'href="/@alice2@{remote.domain}"' in profile.text


# --- pins (the featured collection) ------------------------------------------------------


def _pinned_ids(fed: LiveServer, account_id: int, bob: Person) -> list[str]:
    with fed.client() as http:
        response = http.get(
            f"/api/v1/accounts/{account_id}/statuses", params={"pinned": "true"}, headers=bob.auth
        )
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()]


async def test_remote_pins_and_unpins_show_on_the_api_and_the_profile(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    alice = remote.actor("alice", featured=f"{remote.url}/users/alice/collections/featured")
    deliver(alice, fed, payload("mastodon_create_note", remote, fed))
    await run_jobs(db, fed)
    known = await one(db, Status, Status.uri == f"{alice.id}/statuses/110000000000000001")
    older = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{alice.id}/statuses/1",
        "type": "Note",
        "attributedTo": alice.id,
        "content": "<p>An old favourite</p>",
        "published": "2020-01-01T00:00:00Z",
        "to": [PUBLIC],
    }
    remote.serve_object(older)
    # Mastodon sends Add and Remove without an id.
    deliver(alice, fed, payload("mastodon_add_pin", remote, fed, PINNED=str(known.uri)))
    deliver(alice, fed, payload("mastodon_add_pin", remote, fed, PINNED=older["id"]))
    await run_jobs(db, fed)
    fetched = await one(db, Status, Status.uri == older["id"])
    assert set(_pinned_ids(fed, known.account_id, bob)) == {str(known.id), str(fetched.id)}
    with fed.client() as http:
        profile = http.get(f"/@alice@{remote.domain}").text
    pinned_section = profile.split('aria-label="Pinned posts"')[1].split("</section>")[0]
    assert "An old favourite" in pinned_section
    deliver(alice, fed, payload("mastodon_remove_pin", remote, fed, PINNED=str(known.uri)))
    await run_jobs(db, fed)
    assert _pinned_ids(fed, known.account_id, bob) == [str(fetched.id)]
    # Pinned again: the same body as the first Add, processed again.
    deliver(alice, fed, payload("mastodon_add_pin", remote, fed, PINNED=str(known.uri)))
    await run_jobs(db, fed)
    assert set(_pinned_ids(fed, known.account_id, bob)) == {str(known.id), str(fetched.id)}


async def test_adds_to_other_collections_or_of_others_posts_pin_nothing(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    alice = remote.actor("alice", featured=f"{remote.url}/users/alice/collections/featured")
    mallory = remote.actor("mallory", key=1, featured=f"{remote.url}/users/mallory/featured")
    deliver(alice, fed, payload("mastodon_create_note", remote, fed))
    await run_jobs(db, fed)
    known = await one(db, Status, Status.uri == f"{alice.id}/statuses/110000000000000001")
    elsewhere = payload("mastodon_add_pin", remote, fed, PINNED=str(known.uri))
    elsewhere["target"] = f"{remote.url}/users/alice/collections/tags"
    by_mallory = {
        **payload("mastodon_add_pin", remote, fed, PINNED=str(known.uri)),
        "actor": mallory.id,
        "target": mallory.document["featured"],
    }
    deliver(alice, fed, elsewhere)
    deliver(mallory, fed, by_mallory)
    await run_jobs(db, fed)
    assert _pinned_ids(fed, known.account_id, bob) == []
    assert await count(db, StatusPin) == 0


# --- web links pasted in search ----------------------------------------------------------


def _web_page(alternate: str | None) -> bytes:
    link = (
        f'<link href="{alternate}" rel="alternate" type="application/activity+json">'
        if alternate
        else ""
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Alice: a post</title>{link}</head><body><div id='mastodon'></div></body></html>"
    ).encode()


async def test_a_pasted_web_link_to_a_post_or_profile_resolves(
    db: Database, fed: LiveServer, remote: RemoteServer, remote_alice: RemoteActor, bob: Person
) -> None:
    note = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{remote_alice.id}/statuses/42",
        "type": "Note",
        "attributedTo": remote_alice.id,
        "content": "<p>Found by its web page</p>",
        "url": f"{remote.url}/@alice/42",
        "published": "2026-11-20T10:00:00Z",
        "to": [PUBLIC],
    }
    remote.serve_object(note)
    remote.serve("/@alice/42", _web_page(note["id"]), "text/html; charset=utf-8")
    # A profile page naming its actor by a relative link.
    remote.serve("/@alice", _web_page("/users/alice"), "text/html")
    with fed.client() as http:
        post = http.get(
            "/api/v2/search",
            params={"q": f"{remote.url}/@alice/42", "resolve": "true"},
            headers=bob.auth,
        ).json()
        profile = http.get(
            "/api/v2/search",
            params={"q": f"{remote.url}/@alice", "resolve": "true"},
            headers=bob.auth,
        ).json()
    assert [s["uri"] for s in post["statuses"]] == [note["id"]]
    assert "Found by its web page" in post["statuses"][0]["content"]
    assert [a["acct"] for a in profile["accounts"]] == [f"alice@{remote.domain}"]


async def test_a_web_page_without_an_activitypub_link_is_a_clear_422(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    remote.serve("/about", _web_page(None), "text/html")
    with fed.client() as http:
        response = http.get(
            "/api/v2/search",
            params={"q": f"{remote.url}/about", "resolve": "true"},
            headers=bob.auth,
        )
    assert response.status_code == 422, response.text
    assert "links to no ActivityPub document" in response.json()["error"]
    # One hop only: a page whose alternate is another web page is not followed further.
    remote.serve("/hop", _web_page("/about"), "text/html")
    with fed.client() as http:
        response = http.get(
            "/api/v2/search",
            params={"q": f"{remote.url}/hop", "resolve": "true"},
            headers=bob.auth,
        )
    assert response.status_code == 422, response.text
    assert response.json()["error"].startswith(f"Could not fetch {remote.url}/about")


# --- custom emoji ------------------------------------------------------------------------


def _emoji(remote: RemoteServer, shortcode: str, version: int = 1) -> dict[str, Any]:
    """An Emoji tag as Mastodon writes it (GoToSocial's has the same shape)."""
    return {
        "id": f"{remote.url}/emojis/{shortcode}",
        "type": "Emoji",
        "name": f":{shortcode}:",
        "updated": f"2026-11-0{version}T00:00:00Z",
        "icon": {
            "type": "Image",
            "mediaType": "image/png",
            "url": f"{remote.url}/system/custom_emojis/{shortcode}-v{version}.png",
        },
    }


async def test_custom_emoji_of_posts_and_profiles_reach_the_api_and_the_web(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    gts = remote.actor(
        "gts_user",
        name="Weaver :blobcat:",
        summary="<p>I knit :yarn: and never :unused:</p>",
        tag=[_emoji(remote, "blobcat"), _emoji(remote, "yarn"), _emoji(remote, "spare")],
    )
    activity = payload("mastodon_create_note", remote, fed)
    activity["actor"] = activity["object"]["attributedTo"] = gts.id
    activity["id"] = f"{gts.id}/statuses/1/activity"
    activity["object"]["id"] = f"{gts.id}/statuses/1"
    activity["object"]["content"] = (
        '<p>Look :rainbow: <a href="https://example.com/:rainbow:">:rainbow: link</a></p>'
    )
    activity["object"]["tag"] = [_emoji(remote, "rainbow"), _emoji(remote, "spare")]
    deliver(gts, fed, activity)
    await run_jobs(db, fed)
    status = await one(db, Status, Status.uri == activity["object"]["id"])
    rainbow = f"{remote.url}/system/custom_emojis/rainbow-v1.png"
    with fed.client() as http:
        entity = http.get(f"/api/v1/statuses/{status.id}", headers=bob.auth).json()
        page = http.get(f"/@gts_user@{remote.domain}/{status.id}").text
        profile = http.get(f"/@gts_user@{remote.domain}").text
    assert entity["emojis"] == [
        {"shortcode": "rainbow", "url": rainbow, "static_url": rainbow, "visible_in_picker": False}
    ]
    assert [e["shortcode"] for e in entity["account"]["emojis"]] == ["blobcat", "yarn"]
    image = f'<img class="emoji" src="{rainbow}" alt=":rainbow:" title=":rainbow:"'
    assert page.count(image) == 2  # in the text and the link's text, never in its href
    assert 'href="https://example.com/:rainbow:"' in page
    assert f'src="{remote.url}/system/custom_emojis/blobcat-v1.png" alt=":blobcat:"' in page
    assert f'src="{remote.url}/system/custom_emojis/yarn-v1.png" alt=":yarn:"' in profile
    assert ":unused:" in profile

    # An edit replaces them: a new picture for :rainbow:, and :spare: now used.
    update = {
        **activity,
        "id": f"{gts.id}/statuses/1#updates/1",
        "type": "Update",
        "object": {
            **activity["object"],
            "content": "<p>Look :rainbow: :spare:</p>",
            "updated": "2026-11-21T10:00:00Z",
            "tag": [_emoji(remote, "rainbow", 2), _emoji(remote, "spare")],
        },
    }
    deliver(gts, fed, update)
    await run_jobs(db, fed)
    with fed.client() as http:
        entity = http.get(f"/api/v1/statuses/{status.id}", headers=bob.auth).json()
    assert [(e["shortcode"], e["url"].rsplit("/", 1)[1]) for e in entity["emojis"]] == [
        ("rainbow", "rainbow-v2.png"),
        ("spare", "spare-v1.png"),
    ]


async def test_emoji_that_are_not_http_images_or_break_out_of_html_are_refused(
    db: Database, fed: LiveServer, remote: RemoteServer, bob: Person
) -> None:
    evil = _emoji(remote, "evil")
    evil["icon"]["url"] = "javascript:alert(1)"
    quoted = _emoji(remote, "quoted")
    quoted["icon"]["url"] = f'{remote.url}/q.png" onerror="alert(1)'
    bad_name = {**_emoji(remote, "x"), "name": ':"><script>:'}
    alice = remote.actor("alice", name=":evil: :quoted:", tag=[evil, quoted, bad_name])
    activity = payload("mastodon_create_note", remote, fed)
    activity["object"]["content"] = "<p>:evil: :quoted: :x:</p>"
    activity["object"]["tag"] = [evil, quoted, bad_name]
    deliver(alice, fed, activity)
    await run_jobs(db, fed)
    status = await one(db, Status, Status.uri == activity["object"]["id"])
    with fed.client() as http:
        entity = http.get(f"/api/v1/statuses/{status.id}", headers=bob.auth).json()
        page = http.get(f"/@alice@{remote.domain}/{status.id}").text
    assert [e["shortcode"] for e in entity["emojis"]] == ["quoted"]
    assert [e["shortcode"] for e in entity["account"]["emojis"]] == ["quoted"]
    assert "javascript:" not in page
    assert 'onerror="alert(1)' not in page
    assert f'src="{remote.url}/q.png&quot; onerror=&quot;alert(1)"' in page
