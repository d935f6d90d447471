"""A post's page, its conversation and edit history: what the API shows, and no more."""

from __future__ import annotations

import httpx

from tests.live import LiveServer
from tests.web.posts_helpers import follow, main_of, person, post, signed_in
from weft.actions.accounts import ProfileChange, update_profile
from weft.actions.posts.edit import Change, edit_status
from weft.db.database import Database


async def test_anyone_reads_a_public_post_with_its_conversation(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    alice = await person(db, server, "alice")
    bob = await person(db, server, "bob")
    root = await post(db, server, alice, "the root of it")
    middle = await post(db, server, bob, "@alice a reply in the middle", in_reply_to_id=root)
    await post(db, server, alice, "@bob and an answer below", in_reply_to_id=middle)

    page = client.get(f"/@bob/{middle}")

    assert page.status_code == 200
    main = main_of(page)
    assert main.index("the root of it") < main.index("a reply in the middle")
    assert main.index("a reply in the middle") < main.index("and an answer below")
    assert 'aria-label="Earlier in the conversation"' in main
    assert f'href="/@alice/{root}"' in main
    assert 'href="/auth/sign_in"' in page.text  # nobody is signed in


async def test_a_followers_only_post_is_not_found_for_strangers_and_anonymous(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    alice = await person(db, server, "alice")
    bob = await person(db, server, "bob")
    fan = await person(db, server, "fan")
    await follow(db, fan, alice)
    hidden = await post(db, server, alice, "for my followers only", visibility="private")

    assert client.get(f"/@alice/{hidden}").status_code == 404
    with signed_in(server, bob) as stranger:
        page = stranger.get(f"/@alice/{hidden}")
        assert page.status_code == 404
        assert "for my followers only" not in page.text
    with signed_in(server, fan) as follower:
        assert "for my followers only" in follower.get(f"/@alice/{hidden}").text
    with signed_in(server, alice) as author:
        assert author.get(f"/@alice/{hidden}/history").status_code == 200
    assert client.get(f"/@alice/{hidden}/history").status_code == 404


async def test_a_followers_only_reply_is_left_out_of_the_conversation(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    alice = await person(db, server, "alice")
    bob = await person(db, server, "bob")
    fan = await person(db, server, "fan")
    await follow(db, fan, bob)
    root = await post(db, server, alice, "an open question")
    await post(db, server, bob, "@alice a quiet answer", visibility="private", in_reply_to_id=root)

    assert "a quiet answer" not in client.get(f"/@alice/{root}").text
    with signed_in(server, alice) as mentioned:
        assert "a quiet answer" in mentioned.get(f"/@alice/{root}").text
    with signed_in(server, fan) as follower:
        assert "a quiet answer" in follower.get(f"/@alice/{root}").text


async def test_the_post_must_be_the_named_accounts(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    alice = await person(db, server, "alice")
    await person(db, server, "bob")
    status_id = await post(db, server, alice, "mine")

    assert client.get(f"/@bob/{status_id}").status_code == 404
    assert client.get(f"/@nobody/{status_id}").status_code == 404
    assert client.get("/@alice/99999999999999999999").status_code == 404
    assert client.get(f"/@alice/{status_id + 1}").status_code == 404


async def test_a_repost_page_leads_to_the_original(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    from weft.actions.interactions import reblog

    alice = await person(db, server, "alice")
    bob = await person(db, server, "bob")
    original = await post(db, server, alice, "worth repeating")
    repost = await reblog(db, bob.account_id, original)

    response = client.get(f"/@bob/{repost}")

    assert response.status_code == 303
    assert response.headers["location"] == f"/@alice/{original}"


async def test_history_lists_every_version_newest_first(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    alice = await person(db, server, "alice")
    status_id = await post(db, server, alice, "first words")
    await edit_status(db, server.settings, alice.account_id, status_id, Change("second words"))

    post_page = client.get(f"/@alice/{status_id}")
    history = client.get(f"/@alice/{status_id}/history")

    assert f'href="/@alice/{status_id}/history"' in post_page.text  # the "edited" link
    assert history.status_code == 200
    assert main_of(history).index("second words") < main_of(history).index("first words")
    assert "Original" in history.text
    assert "Edit 1" in history.text


async def test_names_and_texts_are_escaped(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    alice = await person(db, server, "alice")
    await update_profile(
        db, alice.account_id, ProfileChange(display_name="<script>alert(1)</script>")
    )
    status_id = await post(db, server, alice, "<b>bold?</b> <script>alert(2)</script>")

    page = client.get(f"/@alice/{status_id}")

    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "&lt;b&gt;bold?&lt;/b&gt;" in page.text


async def test_pages_forbid_inline_script_and_framing(
    db: Database, server: LiveServer, client: httpx.Client
) -> None:
    alice = await person(db, server, "alice")
    status_id = await post(db, server, alice, "hello")

    for path in (f"/@alice/{status_id}", "/", "/nowhere-at-all"):
        csp = client.get(path).headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'", path
        assert "unsafe-inline" not in csp, path
        assert directives["frame-ancestors"] == "'none'", path
        assert directives["form-action"] == "'self'", path
    assert '<script src="/static/weft.js" defer></script>' in client.get("/").text
    assert "<script>" not in client.get("/").text
