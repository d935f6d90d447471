"""Polls between two real ``weft serve`` processes over loopback (Mastodon.py as
people use it): a poll of B's voted on from A, and the results coming back.
Also, a poll's end notifies its voters after the server was restarted."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.federation.test_two_servers import (  # noqa: F401 (servers is a fixture)
    Pair,
    _env,
    eventually,
    person,
    resolve_status,
    servers,
)
from tests.live import WeftProcess

pytestmark = [pytest.mark.acceptance, pytest.mark.two_server]


def test_a_poll_is_voted_on_from_the_other_server(servers: Pair) -> None:  # noqa: F811
    alice = person(servers.a.url, "alice")
    bob = person(servers.b.url, "bob")
    carol = person(servers.b.url, "carol")

    asked = bob.status_post("Cats or dogs?", poll=bob.make_poll(["Cats", "Dogs"], expires_in=600))
    seen = resolve_status(alice, asked.url)
    assert seen is not None
    assert seen.poll is not None
    assert [o.title for o in seen.poll.options] == ["Cats", "Dogs"]

    voted = alice.poll_vote(seen.poll.id, [1])
    assert voted.own_votes == [1]

    def counted_on_b() -> bool:
        poll = bob.status(asked.id).poll
        return [o.votes_count for o in poll.options] == [0, 1]

    eventually(counted_on_b, "Alice's vote counted on B")
    # Carol votes on B; the new results reach A (an Update of the Question to its voters).
    carol.poll_vote(asked.poll.id, [0])

    def results_on_a() -> bool:
        poll = alice.status(seen.id).poll
        # A one-choice poll's voters_count is null, as Mastodon's; its votes count.
        return [o.votes_count for o in poll.options] == [1, 1] and poll.votes_count == 2

    eventually(results_on_a, "the results of B's poll on A")


def test_a_poll_ending_while_the_server_is_down_notifies_after_it_restarts(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    server = WeftProcess(_env(None), data).start()
    try:
        alice = person(server.url, "alice")
        bob = person(server.url, "bob")
        asked = alice.status_post("Tea?", poll=alice.make_poll(["Yes", "No"], expires_in=300))
        bob.poll_vote(asked.poll.id, [0])
    finally:
        server.stop()
    # While it is down, the poll's end passes (a poll lasts 5 minutes at least).
    past = (datetime.now(UTC) - timedelta(seconds=5)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(data / "weft.sqlite3") as database:
        database.execute("UPDATE polls SET expires_at = ?", (past,))
        database.execute("UPDATE jobs SET run_at = ? WHERE kind = 'polls.ended'", (past,))
    restarted = WeftProcess(_env(None), data).start()
    try:
        bob = person_again(restarted.url, bob)
        alice = person_again(restarted.url, alice)
        for someone in (alice, bob):
            note = eventually(
                lambda someone=someone: someone.notifications(types=["poll"]),
                "the poll's end notified after the restart",
            )
            assert str(note[0].status.id) == str(asked.id)
            assert note[0].status.poll.expired is True
    finally:
        restarted.stop()


def person_again(url: str, client: object) -> object:
    """The same client, pointed at the restarted server's new port."""
    client.api_base_url = url  # type: ignore[attr-defined]
    return client
