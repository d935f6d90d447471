"""Link cards on post cards: picture, title, description and source; a video
or rich card's embed waits behind a "Play" button (no iframe in the page, so
no request to the other site until someone asks for it)."""

from __future__ import annotations

import httpx

from tests.live import LiveServer
from tests.web.posts_helpers import main_of, person, post
from tests.web.remote_helpers import attach_card
from weft.db.database import Database
from weft.web.templating import embed_src


async def test_a_link_card_shows_picture_title_description_and_source(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    alice = await person(db, server, "alice")
    status_id = await post(db, server, alice, "read https://news.example/story")
    await attach_card(
        db,
        status_id,
        "https://news.example/story",
        title="Looms & weaving",
        description="How threads <cross>.",
        provider_name="News Weekly",
        image_key="cards/cover.png",
        image_description="A red loom",
    )

    main = main_of(client.get(f"/@alice/{status_id}"))

    assert (
        '<a class="link-card" href="https://news.example/story" '
        'rel="noopener noreferrer nofollow ugc">'
    ) in main
    assert 'alt="A red loom"' in main
    assert "cards/cover.png" in main
    assert '<span class="link-card-title">Looms &amp; weaving</span>' in main
    assert "How threads &lt;cross&gt;." in main
    assert '<span class="link-card-provider muted">News Weekly</span>' in main
    assert "data-embed" not in main


async def test_a_card_without_a_provider_names_the_sites_host(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    alice = await person(db, server, "alice")
    status_id = await post(db, server, alice, "see https://www.plain.example/a")
    await attach_card(db, status_id, "https://www.plain.example/a")

    main = main_of(client.get(f"/@alice/{status_id}"))

    assert '<span class="link-card-provider muted">plain.example</span>' in main
    assert '<span class="link-card-title">https://www.plain.example/a</span>' in main


async def test_a_video_card_loads_its_embed_only_when_asked(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    alice = await person(db, server, "alice")
    status_id = await post(db, server, alice, "watch https://video.example/watch?v=1")
    await attach_card(
        db,
        status_id,
        "https://video.example/watch?v=1",
        type="video",
        title="A clip",
        provider_name="VideoSite",
        html='<iframe src="https://video.example/embed/1?a=1&amp;b=2" width="640" '
        'height="360" allowfullscreen></iframe>',
        width=640,
        height=360,
        image_key="cards/thumb.png",
    )

    page = client.get(f"/@alice/{status_id}")
    main = main_of(page)

    assert "<iframe" not in page.text
    assert 'data-embed="https://video.example/embed/1?a=1&amp;b=2"' in main
    assert 'data-embed-width="640" data-embed-height="360"' in main
    assert 'data-embed-title="A clip"' in main
    assert "data-embed-load hidden>" in main  # weft.js shows it; without it, a plain link
    assert 'Play video<span class="embed-host"> from video.example</span>' in main
    assert '<a class="link-card-link" href="https://video.example/watch?v=1"' in main
    assert "frame-src https:" in page.headers["content-security-policy"]


async def test_a_rich_card_without_a_usable_embed_is_a_plain_link(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    alice = await person(db, server, "alice")
    status_id = await post(db, server, alice, "look https://rich.example/x")
    await attach_card(db, status_id, "https://rich.example/x", type="rich", title="Rich", html="")

    main = main_of(client.get(f"/@alice/{status_id}"))

    assert '<a class="link-card" href="https://rich.example/x"' in main
    assert "data-embed" not in main


def test_only_an_https_iframe_is_an_embed() -> None:
    assert embed_src('<iframe src="https://v.example/e/1" width="1"></iframe>') == (
        "https://v.example/e/1"
    )
    assert embed_src('<iframe src="http://v.example/e/1"></iframe>') == ""
    assert embed_src('<iframe src="javascript:alert(1)"></iframe>') == ""
    assert embed_src('<img src="https://v.example/p.png">') == ""
    assert embed_src("") == ""
    assert embed_src(None) == ""
