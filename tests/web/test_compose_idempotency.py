"""A composer form is posted once, however often it is sent (its idempotency_key)."""

from __future__ import annotations

import httpx

from tests.live import LiveServer
from tests.web.compose_helpers import JSON, post_id, rows
from tests.web.helpers import csrf_of, inputs, sign_up
from tests.web.test_compose_media import png


def composer(client: httpx.Client, page: str = "/compose") -> dict[str, str]:
    """The hidden fields of a freshly drawn composer, as a browser would send them."""
    response = client.get(page)
    assert response.status_code == 200, response.text
    found = inputs(response.text)
    return {
        "csrf_token": csrf_of(response),
        "idempotency_key": found["idempotency_key"],
        "visibility": "public",
        "reply_policy": "everyone",
        "quote_policy": "public",
    }


def test_each_composer_drawn_has_a_key_of_its_own(client: httpx.Client) -> None:
    sign_up(client, "alice")
    keys = {composer(client)["idempotency_key"] for _ in range(2)}
    keys.add(composer(client, "/")["idempotency_key"])
    assert len(keys) == 3
    assert all(len(key) >= 40 for key in keys)


def test_the_same_form_sent_twice_makes_one_post(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    form = {**composer(client), "posts": "1", "text-0": "only once"}
    first = post_id(client.post("/compose", data=form), "alice")
    again = post_id(client.post("/compose", data=form), "alice")
    assert again == first
    assert rows(server, "SELECT id, text FROM statuses") == [(first, "only once")]

    # A new composer is a new post.
    other = {**composer(client), "posts": "1", "text-0": "only once"}
    assert post_id(client.post("/compose", data=other), "alice") != first
    assert rows(server, "SELECT count(*) FROM statuses") == [(2,)]


def test_a_thread_with_photos_sent_twice_is_posted_and_stored_once(
    client: httpx.Client, server: LiveServer
) -> None:
    sign_up(client, "alice")
    form = {**composer(client), "posts": "2", "text-0": "one", "text-1": "two", "alt-0-0": "A"}

    def send() -> httpx.Response:
        files = [("media-0-0", ("a.png", png(), "image/png"))]
        return client.post("/compose", data=form, files=files, headers=JSON)

    first = send()
    assert first.status_code == 200, first.text
    again = send()
    assert again.status_code == 200, again.text
    assert again.json()["ids"] == first.json()["ids"]
    assert again.json()["url"] == first.json()["url"]
    assert rows(server, "SELECT text FROM statuses ORDER BY id") == [("one",), ("two",)]
    assert rows(server, "SELECT count(*) FROM media_attachments") == [(1,)]


def test_a_refused_form_keeps_its_key_and_posts_once_fixed(
    client: httpx.Client, server: LiveServer
) -> None:
    sign_up(client, "alice")
    form = {**composer(client), "posts": "1", "text-0": "x" * 501}
    refused = client.post("/compose", data=form)
    assert refused.status_code == 422
    assert inputs(refused.text)["idempotency_key"] == form["idempotency_key"]
    form["text-0"] = "fixed"
    posted = post_id(client.post("/compose", data=form), "alice")
    assert post_id(client.post("/compose", data=form), "alice") == posted
    assert rows(server, "SELECT text FROM statuses") == [("fixed",)]


def test_an_overlong_key_is_refused(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    form = {**composer(client), "posts": "1", "text-0": "hi", "idempotency_key": "k" * 256}
    response = client.post("/compose", data=form)
    assert response.status_code == 400
    assert "idempotency_key is too long (maximum is 255)" in response.text
    assert rows(server, "SELECT count(*) FROM statuses") == [(0,)]
