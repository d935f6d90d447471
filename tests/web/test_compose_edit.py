"""Editing a post in the browser: the author only, within the window, with history kept."""

from __future__ import annotations

from datetime import timedelta

import httpx

from tests.live import LiveServer
from tests.web.compose_helpers import JSON, backdate, post_id, rows, send
from tests.web.helpers import FORM_MESSAGE, csrf_of, sign_up


def edit(client: httpx.Client, path: str, **fields: str) -> httpx.Response:
    page = client.get(f"{path}/edit")
    assert page.status_code == 200, page.text
    data = {"csrf_token": csrf_of(page), "spoiler_text": "", "language": "", **fields}
    return client.post(f"{path}/edit", data=data)


def test_editing_keeps_the_history(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    status_id = post_id(send(client, "first version"), "alice")
    path = f"/@alice/{status_id}"
    page = client.get(f"{path}/edit")
    assert ">first version</textarea>" in page.text
    assert f'href="{path}/history"' in page.text

    response = edit(client, path, text="second version #edited", spoiler_text="now with a CW")
    assert response.status_code == 303
    assert response.headers["location"] == path
    assert rows(server, "SELECT text, spoiler_text, edited_at IS NOT NULL FROM statuses") == [
        ("second version #edited", "now with a CW", True)
    ]
    assert rows(server, "SELECT text FROM status_edits ORDER BY created_at") == [
        ("first version",),
        ("second version #edited",),
    ]


def test_an_edit_over_the_limit_shows_the_error(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    path = f"/@alice/{post_id(send(client, 'short'), 'alice')}"
    response = edit(client, path, text="y" * 501)
    assert response.status_code == 422
    assert "Your post: character limit of 500 exceeded" in response.text
    assert "y" * 501 in response.text  # kept for fixing
    assert rows(server, "SELECT text FROM statuses") == [("short",)]


def test_the_edit_window_is_enforced(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    status_id = post_id(send(client, "old news"), "alice")
    path = f"/@alice/{status_id}"
    backdate(server, status_id, timedelta(minutes=16))
    response = edit(client, path, text="too late")
    assert response.status_code == 422
    assert "can only be edited within 15 minutes of posting" in response.text
    assert rows(server, "SELECT text FROM statuses") == [("old news",)]


def test_only_the_author_can_edit(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    status_id = post_id(send(client, "mine"), "alice")
    with server.client() as bob:
        sign_up(bob, "bob")
        assert bob.get(f"/@alice/{status_id}/edit").status_code == 404
        assert bob.get(f"/@bob/{status_id}/edit").status_code == 404
        token = csrf_of(bob.get("/compose"))
        response = bob.post(
            f"/@alice/{status_id}/edit", data={"csrf_token": token, "text": "hijacked"}
        )
        assert response.status_code == 404
    assert rows(server, "SELECT text FROM statuses") == [("mine",)]


def test_editing_by_script_and_without_a_token(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    status_id = post_id(send(client, "v1"), "alice")
    path = f"/@alice/{status_id}"
    response = client.post(f"{path}/edit", data={"text": "forged"})
    assert response.status_code == 403
    assert FORM_MESSAGE in response.text
    token = csrf_of(client.get(f"{path}/edit"))
    response = client.post(f"{path}/edit", data={"csrf_token": token, "text": "v2"}, headers=JSON)
    assert response.status_code == 200
    assert response.json() == {"url": path}
    assert rows(server, "SELECT text FROM statuses") == [("v2",)]
