"""Two people on a real ``weft serve``, through Mastodon.py: the social core end to end."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError

from tests.backends import create_postgres_database, drop_postgres_database, require_postgres
from tests.live import WeftProcess

PASSWORD = "a long enough password"


@pytest.fixture(params=["sqlite", "postgresql"])
def weft_serve(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WeftProcess]:
    env: dict[str, str] = {"WEFT_JOB_POLL_MS": "100"}
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


def person(url: str, name: str) -> Mastodon:
    client_id, client_secret = Mastodon.create_app(f"{name}'s app", api_base_url=url)
    registrar = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=url)
    registrar.create_account(name, PASSWORD, f"{name}@example.com", agreement=True)
    client = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=url)
    client.log_in(username=f"{name}@example.com", password=PASSWORD, allow_http=True)
    return client


def eventually(check: Callable[[], Any], seconds: float = 10) -> Any:
    """Fan-out runs in the server's worker, just after the post: wait for it."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


def ids(items: Any) -> list[str]:
    return [str(item.id) for item in items]


def test_two_people_talk(weft_serve: WeftProcess) -> None:
    alice, bob = person(weft_serve.url, "alice"), person(weft_serve.url, "bob")
    alice_id = alice.account_verify_credentials().id
    bob_id = bob.account_verify_credentials().id

    assert bob.account_follow(alice_id).following is True
    alice.account_follow(bob_id)
    post = alice.status_post("Hello, #weft! Who's around?")
    assert post.tags[0].name == "weft"
    assert eventually(lambda: str(post.id) in ids(bob.timeline_home()))

    reply = bob.status_reply(post, "I am, @alice!")
    quote = bob.status_post("Look at this", quoted_status_id=post.id)
    assert quote.quote.state == "accepted"
    assert str(quote.quote.quoted_status.id) == str(post.id)
    bob.status_favourite(post)
    repost = bob.status_reblog(post)
    assert str(repost.reblog.id) == str(post.id)
    assert bob.status_bookmark(post).bookmarked is True
    assert ids(bob.bookmarks()) == [str(post.id)]

    seen = alice.status(post.id)
    assert (seen.replies_count, seen.favourites_count, seen.reblogs_count) == (1, 1, 1)
    assert seen.quotes_count == 1
    assert ids(alice.status_favourited_by(post)) == [str(bob_id)]
    context = alice.status_context(post)
    assert ids(context.descendants) == [str(reply.id)]
    assert ids(bob.status_context(reply).ancestors) == [str(post.id)]

    kinds = eventually(
        lambda: (
            {n.type for n in alice.notifications()}
            >= {"follow", "mention", "favourite", "reblog", "quote"}
        )
    )
    assert kinds
    assert eventually(lambda: str(reply.id) in ids(alice.timeline_home()))

    edited = alice.status_update(post, "Hello, #weft! Who is around?")
    assert edited.edited_at is not None
    history = alice.status_history(post)
    assert [h.content for h in history] == [post.content, edited.content]
    deleted = alice.status_delete(post)
    assert deleted.text == "Hello, #weft! Who is around?"
    with pytest.raises(MastodonNotFoundError):
        bob.status(post.id)
    assert eventually(lambda: str(post.id) not in ids(bob.timeline_home()))


def test_what_mastodon_would_hide_stays_hidden(weft_serve: WeftProcess) -> None:
    alice, bob, carol = (person(weft_serve.url, n) for n in ("alice", "bob", "carol"))
    alice_id = alice.account_verify_credentials().id
    bob.account_follow(alice_id)

    secret = alice.status_post("Followers only", visibility="private")
    assert eventually(lambda: str(secret.id) in ids(bob.timeline_home()))
    with pytest.raises(MastodonNotFoundError):
        carol.status(secret.id)
    assert str(secret.id) not in ids(carol.account_statuses(alice_id))
    assert str(secret.id) not in ids(carol.timeline_public())
    assert str(secret.id) not in ids(carol.timeline_home())
    with pytest.raises(MastodonNotFoundError):
        carol.status_context(secret.id)
    with pytest.raises(MastodonNotFoundError):
        carol.status_favourited_by(secret.id)

    with pytest.raises(MastodonAPIError) as too_long:
        alice.status_post("x" * 501)
    assert too_long.value.args[1] == 422

    carol_id = carol.account_verify_credentials().id
    open_post = alice.status_post("Public")
    alice.account_block(carol_id)
    with pytest.raises(MastodonNotFoundError):
        carol.status(open_post.id)
    with pytest.raises(MastodonAPIError):
        carol.account_follow(alice_id)
    with pytest.raises(MastodonAPIError):
        alice.account_follow(carol_id)
    carol_post = carol.status_post("Hi @alice")
    with pytest.raises(MastodonNotFoundError):
        alice.status(carol_post.id)
    assert all(n.account.id != carol_id for n in alice.notifications())
