"""Mastodon.py, a real client library, against a real ``weft serve`` process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mastodon import Mastodon, MastodonUnauthorizedError

from tests.backends import create_postgres_database, drop_postgres_database, require_postgres
from tests.live import WeftProcess

PASSWORD = "a long enough password"


@pytest.fixture(params=["sqlite", "postgresql"])
def weft_serve(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WeftProcess]:
    """``weft serve`` on SQLite in a fresh data folder, or on a fresh PostgreSQL database."""
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


def test_sign_up_sign_in_and_verify(weft_serve: WeftProcess) -> None:
    url = weft_serve.url
    client_id, client_secret = Mastodon.create_app("Weft acceptance", api_base_url=url)

    registrar = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=url)
    signup_token = registrar.create_account(
        "Alice", PASSWORD, "alice@example.com", agreement=True, locale="en"
    )
    assert signup_token

    alice = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=url)
    # allow_http: the test server is plain HTTP on loopback.
    token = alice.log_in(username="alice@example.com", password=PASSWORD, allow_http=True)
    assert token
    assert token != signup_token

    me = alice.account_verify_credentials()
    assert me.username == "alice"
    assert me.acct == "alice"
    assert me.source.privacy == "public"

    app = alice.app_verify_credentials()
    assert app.name == "Weft acceptance"

    updated = alice.account_update_credentials(
        display_name="Alice L.", fields=[("Home", "https://alice.example")]
    )
    assert updated.display_name == "Alice L."
    assert alice.account_lookup("alice").id == me.id
    assert alice.account(me.id).display_name == "Alice L."

    # The sign-up token is hers too, and works until revoked.
    signed_up = Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        access_token=signup_token,
        api_base_url=url,
    )
    assert signed_up.account_verify_credentials().id == me.id

    alice.revoke_access_token(allow_http=True)
    stale = Mastodon(access_token=token, api_base_url=url)
    with pytest.raises(MastodonUnauthorizedError):
        stale.account_verify_credentials()
    assert signed_up.account_verify_credentials().id == me.id


def test_instance_and_version(weft_serve: WeftProcess) -> None:
    anonymous = Mastodon(api_base_url=weft_serve.url)
    instance = anonymous.instance()
    assert instance.title == "Weft"
    assert instance.configuration.statuses.max_characters == 500
    assert instance.registrations.enabled is True
    assert anonymous.instance_v1().stats.user_count == 0
    # Clients parse the version to decide which calls they may make.
    assert anonymous.retrieve_mastodon_version() == "4.7.0"
    assert anonymous.verify_minimum_version("4.3.0", cached=True)
    assert not anonymous.verify_minimum_version("4.8.0", cached=True)


def test_strict_version_checks_pass(weft_serve: WeftProcess) -> None:
    """A client that refuses calls older servers lack still works with us.

    ("created" checks when each method appeared; "changed" also wants the
    release that last changed each entity's shape: we serve 4.7.0's.)
    """
    url = weft_serve.url
    client_id, client_secret = Mastodon.create_app("Strict", api_base_url=url)
    strict = Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        api_base_url=url,
        version_check_mode="created",
    )
    strict.create_account("bob", PASSWORD, "bob@example.com", agreement=True)
    assert strict.account_verify_credentials().username == "bob"
    assert strict.instance().domain
