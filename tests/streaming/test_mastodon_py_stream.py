"""Mastodon.py's ``stream_user`` against a real ``weft serve`` process: what a
person's stream delivers, and what it never does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mastodon import Mastodon

from tests.backends import create_postgres_database, drop_postgres_database, require_postgres
from tests.live import WeftProcess
from tests.streaming.clients import Collector, sign_up

pytestmark = pytest.mark.acceptance


@pytest.fixture(params=["sqlite", "postgresql"])
def weft_serve(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WeftProcess]:
    env: dict[str, str] = {}
    database = None
    if request.param == "postgresql":
        require_postgres()
        database = create_postgres_database()
        env["WEFT_DATABASE_URL"] = database
    process = WeftProcess(env, tmp_path / "data").start()
    try:
        yield process
    finally:
        process.stop()
        if database:
            drop_postgres_database(database)


def _ids(events: list[tuple[str, object]]) -> set[str]:
    """Every post id an event of ``events`` names."""
    found: set[str] = set()
    for name, payload in events:
        if name in ("update", "status.update"):
            found.add(str(payload.id))  # type: ignore[attr-defined]
        elif name == "delete":
            found.add(str(payload))
        elif name == "notification" and payload.status is not None:  # type: ignore[attr-defined]
            found.add(str(payload.status.id))  # type: ignore[attr-defined]
    return found


def test_stream_user_receives_what_home_and_notifications_show(weft_serve: WeftProcess) -> None:
    url = weft_serve.url
    app = Mastodon.create_app("Streaming", api_base_url=url)
    alice, bob, carol, dave = (sign_up(url, app, n) for n in ("alice", "bob", "carol", "dave"))
    bob_id = bob.me().id
    alice.account_follow(bob_id)
    alice.account_follow(dave.me().id)
    # Carol blocks Alice; Alice blocks Dave after following him.
    carol.account_block(alice.me().id)
    alice.account_block(dave.me().id)

    listener = Collector()
    handle = alice.stream_user(listener, run_async=True)
    try:
        listener.wait_for("heartbeat")  # the stream is open (its first line came)

        post = bob.status_post("hello, followers")
        assert listener.wait_for("update", lambda s: s.id == post.id).content

        mine = alice.status_post("hello from alice")
        listener.wait_for("update", lambda s: s.id == mine.id)  # her own post, on her home
        bob.status_favourite(mine.id)
        liked = listener.wait_for("notification", lambda n: n.type == "favourite")
        assert liked.account.id == bob_id
        assert liked.status.id == mine.id

        mention = bob.status_post("@alice look at this")
        mentioned = listener.wait_for("notification", lambda n: n.type == "mention")
        assert mentioned.status.id == mention.id

        bob.status_update(post.id, "hello, followers (edited)")
        edited = listener.wait_for("status.update", lambda s: s.id == post.id)
        assert "edited" in edited.content

        bob.status_delete(post.id)
        assert listener.wait_for("delete", lambda i: i == str(post.id)) == str(post.id)

        # Never: a stranger's followers-only post, or anything of the people
        # Alice blocks or who block her.
        stranger = sign_up(url, app, "erin")
        hidden = [
            stranger.status_post("followers only", visibility="private").id,
            carol.status_post("@alice public, but she is blocked").id,
            dave.status_post("@alice public, but blocked by her").id,
        ]
        last = bob.status_post("the last one")
        listener.wait_for("update", lambda s: s.id == last.id)
        assert not _ids(listener.seen) & {str(i) for i in hidden}
    finally:
        handle.close()
