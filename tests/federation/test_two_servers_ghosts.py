"""Ghost posts and scheduled posts between two real ``weft serve`` processes
over loopback (Mastodon.py as people use it): a ghost post of B's, seen on A
as a ghost post nobody may repost there, is deleted on A when it ends, its
end passing while B was down; a scheduled post due while its server was down
is published when it comes back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mastodon import MastodonAPIError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.federation.test_two_servers import (  # noqa: F401 (servers is a fixture)
    Pair,
    _api,
    _exists,
    eventually,
    person,
    resolve_status,
    servers,
)
from tests.live import WeftProcess

pytestmark = [pytest.mark.acceptance, pytest.mark.two_server]


def run_sql(server: WeftProcess, statement: str, **params: Any) -> None:
    """Change a stopped server's database (its own file, or its PostgreSQL database)."""
    url = server.env.get("WEFT_DATABASE_URL") or (
        f"sqlite+aiosqlite:///{server.env['WEFT_DATA_DIR']}/weft.sqlite3"
    )

    async def run() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.execute(text(statement), params)
        finally:
            await engine.dispose()

    asyncio.run(run())


def _follow(alice: Any, servers: Pair) -> None:  # noqa: F811
    bob_on_a = alice.account_search(f"bob@{servers.b_domain}", resolve=True)[0]
    alice.account_follow(bob_on_a.id)
    eventually(lambda: alice.account_relationships(bob_on_a.id)[0].following, "Alice following Bob")


def past() -> datetime:
    """A moment ago, as each database stores times (SQLite: naive UTC)."""
    return datetime.now(UTC) - timedelta(seconds=5)


def _time(server: WeftProcess, when: datetime) -> datetime:
    return when if "WEFT_DATABASE_URL" in server.env else when.replace(tzinfo=None)


def test_a_ghost_post_ending_while_its_server_is_down_is_deleted_on_the_other(
    servers: Pair,  # noqa: F811
) -> None:
    alice = person(servers.a.url, "alice")
    bob = person(servers.b.url, "bob")
    _follow(alice, servers)  # so that the post, and its Delete, reach A
    made = _api(
        servers.b.url,
        bob.access_token,
        "POST",
        "/api/v1/statuses",
        status="Gone tomorrow",
        is_ghost_post="true",
    )
    assert made.status_code == 200, made.text
    posted = bob.status(made.json()["id"])
    assert posted["is_ghost_post"] is True
    seen = resolve_status(alice, posted.url)
    assert seen is not None
    assert seen["is_ghost_post"] is True
    assert seen["ghost_post_expires_at"] is not None
    with pytest.raises(MastodonAPIError) as refused:
        alice.status_reblog(seen.id)
    assert "ghost post cannot be reposted" in str(refused.value)
    quote = _api(
        servers.a.url,
        alice.access_token,
        "POST",
        "/api/v1/statuses",
        status="Look",
        quoted_status_id=seen.id,
    )
    assert quote.status_code == 422, quote.text

    # B goes down; while it is down, the ghost post's end passes.
    servers.b.stop()
    when = _time(servers.b, past())
    run_sql(servers.b, "UPDATE statuses SET ghost_expires_at = :when", when=when)
    run_sql(
        servers.b,
        "UPDATE jobs SET run_at = :when WHERE kind = 'statuses.ghost_expired'",
        when=when,
    )
    servers.b.start()
    eventually(lambda: not _exists(bob, posted.id), "the ghost post deleted on B")
    eventually(lambda: not _exists(alice, seen.id), "the ghost post's Delete reaching A")


def test_a_scheduled_post_due_while_its_server_is_down_is_published_when_it_returns(
    servers: Pair,  # noqa: F811
) -> None:
    alice = person(servers.a.url, "alice")
    bob = person(servers.b.url, "bob")
    _follow(alice, servers)
    later = datetime.now(UTC) + timedelta(hours=1)
    scheduled = bob.status_post(
        "Good morning", scheduled_at=later, poll=bob.make_poll(["Coffee", "Tea"], expires_in=600)
    )
    assert scheduled["params"]["poll"]["options"] == ["Coffee", "Tea"]
    servers.b.stop()
    when = _time(servers.b, past())
    run_sql(servers.b, "UPDATE scheduled_statuses SET scheduled_at = :when", when=when)
    run_sql(
        servers.b,
        "UPDATE jobs SET run_at = :when WHERE kind = 'statuses.publish_scheduled'",
        when=when,
    )
    servers.b.start()

    def on_a() -> Any:
        home = alice.timeline_home()
        return next((s for s in home if "Good morning" in s.content), None)

    arrived = eventually(on_a, "the scheduled post published and delivered to A", seconds=120)
    assert [o.title for o in arrived.poll.options] == ["Coffee", "Tea"]
    assert bob.scheduled_statuses() == []
