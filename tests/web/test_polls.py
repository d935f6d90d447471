"""Polls in the web app over real HTTP: the composer's poll fields, the vote
form on a post, and refusals shown as messages."""

from __future__ import annotations

import json
import re

import httpx

from tests.live import LiveServer
from tests.web.compose_helpers import post_id, rows, send
from tests.web.helpers import csrf_of, sign_up


def test_a_poll_is_composed_and_voted_on_in_the_web_app(
    client: httpx.Client, server: LiveServer
) -> None:
    sign_up(client, "alice")
    response = send(
        client,
        "Which fibre?",
        **{"poll-option-0": "Wool", "poll-option-1": "Linen", "poll-option-2": ""},
        poll_expires_in="3600",
    )
    status_id = post_id(response, "alice")
    (poll_id, options, multiple) = rows(
        server, "SELECT id, options, multiple FROM polls WHERE status_id = :id", id=status_id
    )[0]
    assert (options if isinstance(options, list) else json.loads(options)) == ["Wool", "Linen"]
    assert not multiple
    page = client.get(f"/@alice/{status_id}")
    assert "Wool" in page.text
    assert 'action="/polls/' not in page.text

    with server.client() as bob:
        sign_up(bob, "bob")
        page = bob.get(f"/@alice/{status_id}")
        assert f'action="/polls/{poll_id}/votes"' in page.text
        nothing = bob.post(
            f"/polls/{poll_id}/votes", data={"csrf_token": csrf_of(page), "next": "/"}
        )
        assert nothing.status_code == 422
        assert "choose an option first" in nothing.text
        voted = bob.post(
            f"/polls/{poll_id}/votes",
            data={"csrf_token": csrf_of(page), "choices": "1", "next": f"/@alice/{status_id}"},
        )
        assert voted.status_code == 303
        assert voted.headers["location"] == f"/@alice/{status_id}"
        shown = bob.get(f"/@alice/{status_id}").text
        assert re.search(r"Linen\s*<span class=\"muted\">\(your vote\)</span>", shown)
    assert rows(server, "SELECT votes_count, voters_count FROM polls") == [(1, 1)]


def test_a_poll_with_one_option_is_refused_with_the_form_kept(
    client: httpx.Client, server: LiveServer
) -> None:
    sign_up(client, "alice")
    response = send(client, "Just one?", **{"poll-option-0": "Only"})
    assert response.status_code == 422
    assert "The poll&#39;s options must have 2 to 4 options (it has 1)" in response.text
    assert 'value="Only"' in response.text
    assert rows(server, "SELECT count(*) FROM statuses") == [(0,)]


def _edit_poll(client: httpx.Client, path: str, **fields: str) -> httpx.Response:
    page = client.get(f"{path}/edit")
    assert page.status_code == 200, page.text
    current = {
        name: value
        for name, value in re.findall(r'name="(poll-option-\d)" value="([^"]*)"', page.text)
    }
    data = {"csrf_token": csrf_of(page), "text": "Which fibre?", **current, **fields}
    return client.post(f"{path}/edit", data=data)


def test_the_edit_form_changes_a_poll_and_keeps_the_votes_when_only_the_text_changes(
    client: httpx.Client, server: LiveServer
) -> None:
    sign_up(client, "alice")
    sent = send(
        client,
        "Which fibre?",
        **{"poll-option-0": "Wool", "poll-option-1": "Linen"},
        poll_expires_in="3600",
    )
    status_id = post_id(sent, "alice")
    path = f"/@alice/{status_id}"
    (poll_id,) = rows(server, "SELECT id FROM polls")[0]
    with server.client() as bob:
        sign_up(bob, "bob")
        page = bob.get(path)
        bob.post(f"/polls/{poll_id}/votes", data={"csrf_token": csrf_of(page), "choices": "0"})
    assert rows(server, "SELECT votes_count FROM polls") == [(1,)]

    form = client.get(f"{path}/edit").text
    assert 'name="poll-option-0" value="Wool"' in form
    assert "Keep its end" in form
    # The text alone: the poll and its vote stay.
    assert _edit_poll(client, path, text="Which fibre, really?").status_code == 303
    assert rows(server, "SELECT options, votes_count FROM polls")[0][1] == 1

    # New options: the poll starts over.
    changed = _edit_poll(client, path, **{"poll-option-2": "Silk"}, poll_expires_in="86400")
    assert changed.status_code == 303
    (options, votes) = rows(server, "SELECT options, votes_count FROM polls")[0]
    assert (options if isinstance(options, list) else json.loads(options)) == [
        "Wool",
        "Linen",
        "Silk",
    ]
    assert votes == 0

    # Too few options: the form comes back with the poll's message.
    refused = _edit_poll(client, path, **{"poll-option-1": "", "poll-option-2": ""})
    assert refused.status_code == 422
    assert 'id="poll-error"' in refused.text
    assert "The poll" in refused.text
