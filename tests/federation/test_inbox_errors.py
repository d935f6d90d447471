"""The inbox's refusals tell the sender what was wrong with its request, never
what our fetch of its key met (how a name resolved, which address was refused,
what another server answered): that is logged instead."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from tests.federation.remote_server import RemoteServer, key_pair
from tests.live import LiveServer
from weft.federation.signatures import sign_request

FOLLOW = {
    "@context": "https://www.w3.org/ns/activitystreams",
    "type": "Follow",
}


def signed_post(url: str, key_id: str, activity: dict[str, str]) -> httpx.Response:
    body = json.dumps(activity).encode()
    headers = sign_request("POST", url, {}, body, key_id=key_id, private_key_pem=key_pair(0)[0])
    headers.pop("Host")
    return httpx.post(url, content=body, headers=headers, timeout=30)


@pytest.mark.parametrize("path", ["/inbox", "/actor/inbox"])
def test_a_key_on_a_private_address_is_a_plain_401(
    server: LiveServer, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    """``server`` may not reach private addresses: a key named on ``localhost``
    is refused, and the sender learns only that its signature did not hold."""
    actor = "http://localhost:9/users/probe"
    activity = {**FOLLOW, "id": f"{actor}#follow", "actor": actor, "object": f"{server.url}/actor"}
    with caplog.at_level(logging.INFO, logger="weft.federation.verify"):
        response = signed_post(f"{server.url}{path}", f"{actor}#main-key", activity)
    assert response.status_code == 401
    assert response.json() == {"error": "The signature could not be verified"}
    assert "127.0.0.1" not in response.text
    assert "non-public" in caplog.text  # the detail is in the log
    assert "127.0.0.1" in caplog.text


def test_a_key_whose_server_does_not_answer_is_a_plain_401(
    server: LiveServer, remote: RemoteServer
) -> None:
    """``remote`` serves no such actor (a 404): the sender is not told."""
    actor = f"{remote.url}/users/ghost"
    activity = {**FOLLOW, "id": f"{actor}#follow", "actor": actor, "object": f"{server.url}/actor"}
    response = signed_post(f"{server.url}/inbox", f"{actor}#main-key", activity)
    assert response.status_code == 401
    assert response.json() == {"error": "The signature could not be verified"}


def test_what_is_wrong_with_the_request_itself_is_still_said(server: LiveServer) -> None:
    activity = {**FOLLOW, "id": "https://a.example/1", "actor": "https://a.example/users/a"}
    response = httpx.post(f"{server.url}/inbox", json=activity, timeout=30)
    assert response.status_code == 401
    assert response.json() == {"error": "Request not signed"}
