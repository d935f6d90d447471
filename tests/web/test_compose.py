"""The composer over real HTTP: posting, replies, quotes, pickers, threads, CSRF."""

from __future__ import annotations

import httpx

from tests.live import LiveServer
from tests.web.compose_helpers import JSON, composer_token, post_id, rows, send
from tests.web.helpers import FORM_MESSAGE, sign_up


def test_the_composer_needs_someone_signed_in(client: httpx.Client) -> None:
    response = client.get("/compose")
    assert response.status_code == 303
    assert response.headers["location"] == "/auth/sign_in?next=%2Fcompose"


def test_posting_with_the_plain_form(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    response = send(
        client,
        "Hello from the web",
        visibility="unlisted",
        reply_policy="followers",
        quote_policy="nobody",
        spoiler_text="greetings",
        language="en",
    )
    status_id = post_id(response, "alice")
    assert rows(
        server,
        "SELECT text, visibility, reply_policy, quote_policy, spoiler_text, sensitive, language"
        " FROM statuses WHERE id = :id",
        id=status_id,
    ) == [("Hello from the web", "unlisted", "followers", "nobody", "greetings", True, "en")]


def test_posting_with_json_answers_the_url_and_the_card(
    client: httpx.Client, server: LiveServer
) -> None:
    sign_up(client, "alice")
    response = send(client, "Posted by script #weft", headers=JSON)
    assert response.status_code == 200, response.text
    body = response.json()
    (status_id,) = body["ids"]
    assert body["url"] == body["location"] == f"/@alice/{status_id}"
    assert f'id="post-{status_id}"' in body["html"]
    assert "Posted by script" in body["html"]
    assert rows(server, "SELECT count(*) FROM statuses") == [(1,)]


def test_next_sends_the_browser_back(client: httpx.Client) -> None:
    sign_up(client, "alice")
    response = send(client, "from the home page", next="/")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    response = send(client, "not elsewhere", next="https://evil.example/")
    assert response.headers["location"] == "/"


def test_the_form_offers_every_choice_the_actions_take(client: httpx.Client) -> None:
    from weft.models.posts import QUOTE_POLICIES, REPLY_POLICIES, VISIBILITIES

    sign_up(client, "alice")
    page = client.get("/compose").text
    for name, values in (
        ("visibility", VISIBILITIES),
        ("reply_policy", REPLY_POLICIES),
        ("quote_policy", QUOTE_POLICIES),
    ):
        start = page.index(f'<select id="{name}" name="{name}"')
        block = page[start : page.index("</select>", start)]
        assert [v for v in values if f'value="{v}"' in block] == list(values)
    assert '<label for="text-0"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'src="/static/compose.js"' in page
    assert "maxlength" not in page.split('id="text-0"')[1].split(">")[0]


def test_a_blank_post_is_refused_with_the_form_kept(
    client: httpx.Client, server: LiveServer
) -> None:
    sign_up(client, "alice")
    response = send(client, "   ", spoiler_text="kept warning")
    assert response.status_code == 422
    assert "Your post: can&#39;t be blank" in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'value="kept warning"' in response.text
    assert rows(server, "SELECT count(*) FROM statuses") == [(0,)]


def test_a_bad_choice_is_named(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    response = send(client, "hello", reply_policy="martians")
    assert response.status_code == 422
    assert "Who can reply must be one of: everyone, following, mentioned, followers, author" in (
        response.text
    )
    response = send(client, "hello", headers=JSON, language="not a language")
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "language": "Language is not a valid ISO 639 language code"
    }
    assert rows(server, "SELECT count(*) FROM statuses") == [(0,)]


def test_replying_prefills_mentions_and_links_the_reply(
    client: httpx.Client, server: LiveServer
) -> None:
    sign_up(client, "alice")
    with server.client() as bob:
        sign_up(bob, "bob")
        parent = post_id(send(bob, "hi @alice, what do you think?", visibility="private"), "bob")
    page = client.get("/compose", params={"in_reply_to": str(parent)})
    assert page.status_code == 200
    assert "Replying to" in page.text
    assert "what do you think?" in page.text
    # The author is mentioned, oneself is not; followers-only is kept for the reply.
    assert '<textarea id="text-0" name="text-0"' in page.text
    assert ">@bob </textarea>" in page.text
    assert '<option value="private" selected>' in page.text

    reply = post_id(send(client, "@bob I agree", in_reply_to_id=str(parent)), "alice")
    assert rows(
        server, "SELECT in_reply_to_id, visibility FROM statuses WHERE id = :id", id=reply
    ) == [(parent, "private")]


def test_replying_to_an_unknown_post_is_not_found(client: httpx.Client) -> None:
    sign_up(client, "alice")
    assert client.get("/compose", params={"in_reply_to": "123"}).status_code == 404
    assert client.get("/compose", params={"in_reply_to": "abc"}).status_code == 404


def test_a_reply_control_is_saved_and_holds(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    closed = post_id(
        send(client, "only mentioned people may reply", reply_policy="mentioned"), "alice"
    )
    assert rows(server, "SELECT reply_policy FROM statuses WHERE id = :id", id=closed) == [
        ("mentioned",)
    ]
    with server.client() as bob:
        sign_up(bob, "bob")
        page = bob.get("/compose", params={"in_reply_to": str(closed)})
        assert "Its author doesn&#39;t let you reply to this post." in page.text
        response = send(bob, "let me in", in_reply_to_id=str(closed))
        assert response.status_code == 422
        assert "The post you are replying to cannot be replied to by you" in response.text
    assert rows(server, "SELECT count(*) FROM statuses") == [(1,)]


def test_quoting_and_a_quote_policy_of_nobody(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    with server.client() as bob:
        sign_up(bob, "bob")
        open_post = post_id(send(bob, "quote me"), "bob")
        closed = post_id(send(bob, "do not quote me", quote_policy="nobody"), "bob")
    page = client.get("/compose", params={"quote": str(open_post)})
    assert page.status_code == 200
    assert "Quoting" in page.text
    assert "quote me" in page.text
    quote = post_id(send(client, "look at this", quoted_status_id=str(open_post)), "alice")
    assert rows(server, "SELECT quote_of_id FROM statuses WHERE id = :id", id=quote) == [
        (open_post,)
    ]

    page = client.get("/compose", params={"quote": str(closed)})
    assert "Its author doesn&#39;t let you quote this post." in page.text
    response = send(client, "sneaky", quoted_status_id=str(closed), headers=JSON)
    assert response.status_code == 422
    assert response.json()["error"] == "The post you are quoting cannot be quoted by you"
    assert rows(server, "SELECT count(*) FROM statuses WHERE quote_of_id = :id", id=closed) == [
        (0,)
    ]


def test_a_thread_is_posted_in_order_each_a_reply(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    first = post_id(send(client, "one", "two", "three", visibility="unlisted"), "alice")
    posted = rows(server, "SELECT id, text, in_reply_to_id, visibility FROM statuses ORDER BY id")
    assert [(text, visibility) for _, text, _, visibility in posted] == [
        ("one", "unlisted"),
        ("two", "unlisted"),
        ("three", "unlisted"),
    ]
    ids = [row[0] for row in posted]
    assert ids[0] == first
    assert [row[2] for row in posted] == [None, ids[0], ids[1]]


def test_an_over_limit_post_in_a_thread_writes_nothing(
    client: httpx.Client, server: LiveServer
) -> None:
    sign_up(client, "alice")
    response = send(client, "one", "two", "x" * 501)
    assert response.status_code == 422
    assert "Post 3: character limit of 500 exceeded" in response.text
    assert "Nothing was published" in response.text
    assert ">two</textarea>" in response.text  # what was typed is kept
    assert rows(server, "SELECT count(*) FROM statuses") == [(0,)]
    six_links = " ".join(f"https://e{i}.example" for i in range(6))
    response = send(client, "one", six_links, headers=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == {"text-1": "Post 2: can contain at most 5 distinct links"}
    assert rows(server, "SELECT count(*) FROM statuses") == [(0,)]


def test_add_and_remove_boxes_without_javascript(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    page = send(client, "first words", add_post="1")
    assert page.status_code == 200
    assert ">first words</textarea>" in page.text
    assert '<textarea id="text-1" name="text-1"' in page.text
    assert 'name="posts" value="2"' in page.text
    assert "Post 2 of 2" in page.text
    page = send(client, "keep", "drop", "also keep", remove_post="1")
    assert 'name="posts" value="2"' in page.text
    assert ">keep</textarea>" in page.text
    assert ">also keep</textarea>" in page.text
    assert ">drop</textarea>" not in page.text
    assert rows(server, "SELECT count(*) FROM statuses") == [(0,)]


def test_a_form_without_its_token_is_refused(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    response = client.post("/compose", data={"posts": "1", "text-0": "forged"})
    assert response.status_code == 403
    assert FORM_MESSAGE in response.text
    token = composer_token(client)
    response = client.post(
        "/compose", data={"posts": "1", "text-0": "forged", "csrf_token": token + "x"}
    )
    assert response.status_code == 403
    assert rows(server, "SELECT count(*) FROM statuses") == [(0,)]


def test_the_inline_composer_starts_from_the_viewers_defaults() -> None:
    """The home page calls ``composer()`` with no arguments."""
    from types import SimpleNamespace

    from weft.web.templating import templates

    page = templates.env.from_string(
        '{% from "_composer.html" import composer with context %}{{ composer() }}'
    )
    viewer = SimpleNamespace(
        default_privacy="unlisted", default_sensitive=True, default_language="fr"
    )
    html = page.render(
        viewer=viewer,
        csrf_token=lambda: "the-token",
        request=SimpleNamespace(url=SimpleNamespace(path="/")),
    )
    assert '<input type="hidden" name="csrf_token" value="the-token">' in html
    assert '<input type="hidden" name="next" value="/">' in html
    assert '<option value="unlisted" selected>' in html
    assert 'id="language" name="language" value="fr"' in html
    assert 'id="sensitive" name="sensitive" value="1" checked' in html
    assert "autofocus" not in html  # the home page keeps its own focus
