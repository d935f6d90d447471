"""Mastodon.py clients for the streaming tests: people signed up through the
API, and a listener that collects what a stream delivers."""

from __future__ import annotations

import queue
import time
from typing import Any

from mastodon import Mastodon, StreamListener

PASSWORD = "a long enough password"
# How long to wait for an event that must come (a bound on a wait, never a timing claim).
PATIENCE = 30


def sign_up(url: str, app: tuple[str, str], username: str) -> Mastodon:
    client_id, client_secret = app
    registrar = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=url)
    token = registrar.create_account(
        username, PASSWORD, f"{username}@example.com", agreement=True, locale="en"
    )
    return Mastodon(
        client_id=client_id, client_secret=client_secret, access_token=token, api_base_url=url
    )


class Collector(StreamListener):  # type: ignore[misc]
    """Every event of one stream, in order, as (name, payload)."""

    def __init__(self) -> None:
        super().__init__()
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.seen: list[tuple[str, Any]] = []

    def on_update(self, status: Any) -> None:
        self.events.put(("update", status))

    def on_status_update(self, status: Any) -> None:
        self.events.put(("status.update", status))

    def on_notification(self, notification: Any) -> None:
        self.events.put(("notification", notification))

    def on_delete(self, status_id: Any) -> None:
        self.events.put(("delete", str(status_id)))

    def handle_heartbeat(self) -> None:
        self.events.put(("heartbeat", None))

    def on_abort(self, err: Exception) -> None:
        self.events.put(("abort", err))

    def wait_for(self, name: str, check: Any = lambda payload: True) -> Any:
        """The first event ``name`` whose payload passes ``check`` (what came
        before it is kept in ``seen``)."""
        deadline = time.monotonic() + PATIENCE  # heartbeats must not keep it waiting
        while True:
            got, payload = self.events.get(timeout=max(0.1, deadline - time.monotonic()))
            self.seen.append((got, payload))
            if got == name and check(payload):
                return payload
