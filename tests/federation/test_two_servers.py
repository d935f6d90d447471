"""Two real ``weft serve`` processes federating over loopback HTTP, with real
signatures, driven through Mastodon.py as people would.

Each server has its own database (a SQLite file each, or two PostgreSQL
databases) and its embedded job worker; WEFT_ALLOW_PRIVATE_NETWORK lets them
reach each other on 127.0.0.1. Everything that crosses is awaited by polling
with a generous deadline: delivery is asynchronous, never timed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from mastodon import Mastodon
from mastodon.errors import MastodonAPIError

from tests.backends import create_postgres_database, drop_postgres_database, require_postgres
from tests.live import WeftProcess

pytestmark = [pytest.mark.acceptance, pytest.mark.two_server]

PASSWORD = "a long enough password"
DEADLINE = 90.0
T = TypeVar("T")


@dataclass
class Pair:
    a: WeftProcess
    b: WeftProcess

    @property
    def b_domain(self) -> str:
        return self.b.url.removeprefix("http://")

    @property
    def a_domain(self) -> str:
        return self.a.url.removeprefix("http://")


def _env(database: str | None) -> dict[str, str]:
    env = {
        "WEFT_ALLOW_PRIVATE_NETWORK": "true",
        "WEFT_EMBEDDED_WORKERS": "1",
        "WEFT_JOB_POLL_MS": "100",
        "WEFT_RATE_LIMITS": "false",
        # A failed delivery is retried after 1 s, 2 s, 4 s, ... (not 20 s, 40 s, ...).
        "WEFT_DELIVERY_RETRY_SECONDS": "1",
        # A poll's results go out a second after a vote (not in batches of 3 minutes).
        "WEFT_POLL_RESULTS_SECONDS": "1",
    }
    if database:
        env["WEFT_DATABASE_URL"] = database
    return env


@pytest.fixture(params=["sqlite", "postgresql"])
def servers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    databases: list[str] = []
    if request.param == "postgresql":
        require_postgres()
        databases = [create_postgres_database(), create_postgres_database()]
    a = WeftProcess(_env(databases[0] if databases else None), tmp_path / "a")
    b = WeftProcess(_env(databases[1] if databases else None), tmp_path / "b")
    try:
        a.start()
        b.start()
        yield Pair(a, b)
    finally:
        a.stop()
        b.stop()
        for database in databases:
            drop_postgres_database(database)


def person(url: str, name: str, *, locked: bool = False) -> Mastodon:
    client_id, client_secret = Mastodon.create_app(f"{name}'s app", api_base_url=url)
    registrar = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=url)
    registrar.create_account(name, PASSWORD, f"{name}@example.com", agreement=True)
    client = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=url)
    client.log_in(username=f"{name}@example.com", password=PASSWORD, allow_http=True)
    if locked:
        client.account_update_credentials(locked=True)
    return client


def eventually(check: Callable[[], T | None], what: str, seconds: float = DEADLINE) -> T:
    """Poll ``check`` until it gives something truthy; fail naming ``what`` after the deadline."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not seen within {seconds:g} s")
        time.sleep(0.25)


def resolve(client: Mastodon, handle: str) -> Any:
    """The account ``handle`` on this client's server, fetched over WebFinger."""
    found = client.search_v2(handle, resolve=True, result_type="accounts")
    assert [a.acct for a in found.accounts] == [handle], found
    return found.accounts[0]


def resolve_status(client: Mastodon, url: str) -> Any:
    found = client.search_v2(url, resolve=True, result_type="statuses")
    return found.statuses[0] if found.statuses else None


def home_texts(client: Mastodon) -> list[str]:
    return [s.content for s in client.timeline_home()]


def test_two_servers_federate(servers: Pair) -> None:
    alice = person(servers.a.url, "alice")
    bob = person(servers.b.url, "bob")
    carol = person(servers.b.url, "carol", locked=True)

    # A post of B's that A has never seen is found by its web page's URL: B
    # answers ActivityStreams there to A's fetch (content negotiation).
    early = bob.status_post("Found by its page")
    assert early.url == f"{servers.b.url}/@bob/{early.id}"
    found = resolve_status(alice, early.url)
    assert found is not None
    assert "Found by its page" in found.content
    assert found.uri == early.uri

    # Alice finds Bob by his handle, and follows him; he accepts at once.
    bob_on_a = resolve(alice, f"bob@{servers.b_domain}")
    alice.account_follow(bob_on_a.id)
    eventually(
        lambda: alice.account_relationships(bob_on_a.id)[0].following,
        "Bob's Accept arriving on A",
    )
    alice_on_b = resolve(bob, f"alice@{servers.a_domain}")
    eventually(lambda: bob.account_followers(bob.me().id), "Alice among Bob's followers on B")
    bob.account_follow(alice_on_b.id)
    eventually(lambda: bob.account_relationships(alice_on_b.id)[0].following, "Alice accepting Bob")

    # A request to a private account waits for Carol's approval.
    carol_on_a = resolve(alice, f"carol@{servers.b_domain}")
    alice.account_follow(carol_on_a.id)
    assert alice.account_relationships(carol_on_a.id)[0].requested
    request = eventually(lambda: carol.follow_requests(), "Alice's request reaching Carol")
    assert request[0].acct == f"alice@{servers.a_domain}"
    carol.follow_request_authorize(request[0].id)
    eventually(lambda: alice.account_relationships(carol_on_a.id)[0].following, "Carol's approval")
    carol.account_follow(resolve(carol, f"alice@{servers.a_domain}").id)
    eventually(lambda: alice.account_followers(alice.me().id), "Carol among Alice's followers")

    # Bob posts: it arrives in Alice's home timeline on A.
    post = bob.status_post("Hello from server B")
    eventually(
        lambda: any("Hello from server B" in t for t in home_texts(alice)), "Bob's post on A"
    )
    on_a = resolve_status(alice, post.uri) or eventually(
        lambda: resolve_status(alice, post.uri), "Bob's post by its URI"
    )

    # Alice replies from A: the reply joins the thread on B and notifies Bob.
    alice.status_post("A reply from A", in_reply_to_id=on_a.id)
    eventually(
        lambda: any("A reply from A" in d.content for d in bob.status_context(post.id).descendants),
        "Alice's reply in Bob's thread",
    )
    eventually(
        lambda: any(
            n.type == "mention" and n.account.acct == f"alice@{servers.a_domain}"
            for n in bob.notifications()
        ),
        "Bob notified of Alice's reply",
    )

    # Likes and reposts are counted on both sides.
    alice.status_favourite(on_a.id)
    alice.status_reblog(on_a.id)
    eventually(lambda: bob.status(post.id).favourites_count == 1, "Alice's like on B")
    eventually(lambda: bob.status(post.id).reblogs_count == 1, "Alice's repost on B")
    seen = alice.status(on_a.id)
    assert (seen.favourites_count, seen.reblogs_count) == (1, 1)

    # An edit and a delete propagate.
    bob.status_update(post.id, "Hello from server B, edited")
    eventually(lambda: "edited" in alice.status(on_a.id).content, "Bob's edit on A")
    bob.status_delete(post.id)
    eventually(lambda: not _exists(alice, on_a.id), "Bob's delete on A")

    # Bob blocks Alice: she no longer follows him, and his posts no longer reach her.
    bob.account_block(alice_on_b.id)
    eventually(
        lambda: not alice.account_relationships(bob_on_a.id)[0].following,
        "Bob's Block ending Alice's follow on A",
    )
    bob.status_post("After the block")

    # Server B goes down; Alice posts; B comes back on the same port and data,
    # and A's retries deliver the post (to Carol: the block ended Bob's follow).
    servers.b.stop()
    alice.status_post("While B was down")
    time.sleep(1)  # let A's first attempt fail against the closed port
    servers.b.start()
    eventually(
        lambda: any("While B was down" in t for t in home_texts(carol)),
        "Alice's post delivered to B after it came back",
        seconds=180,
    )
    assert not any("After the block" in t for t in home_texts(alice))


def _exists(client: Mastodon, status_id: str) -> bool:
    response = httpx.get(
        f"{client.api_base_url}/api/v1/statuses/{status_id}",
        headers={"Authorization": f"Bearer {client.access_token}"},
        timeout=10,
    )
    return response.status_code == 200


# --- FEP-044f: a person on A quotes posts on B ----------------------------------


def _api(url: str, token: str, method: str, path: str, **data: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.request(method, f"{url}{path}", headers=headers, data=data or None, timeout=30)


def test_a_quote_across_servers_is_asked_for_and_answered(servers: Pair) -> None:
    alice = person(servers.a.url, "alice")
    bob = person(servers.b.url, "bob")
    token = str(alice.access_token)
    bob_token = str(bob.access_token)
    open_post = _api(servers.b.url, bob_token, "POST", "/api/v1/statuses", status="Quote me")
    closed_post = _api(
        servers.b.url,
        bob_token,
        "POST",
        "/api/v1/statuses",
        status="Not this one",
        quote_approval_policy="nobody",
    )
    assert open_post.status_code == closed_post.status_code == 200
    open_on_a = eventually(lambda: resolve_status(alice, open_post.json()["uri"]), "Bob's post")
    closed_on_a = eventually(
        lambda: resolve_status(alice, closed_post.json()["uri"]), "Bob's closed post"
    )
    assert open_on_a.quote_approval["automatic"] == ["public"]
    assert open_on_a.quote_approval["current_user"] == "automatic"
    assert closed_on_a.quote_approval["current_user"] == "denied"

    # Allowed: pending on A until B's Accept arrives, then accepted.
    quote = _api(
        servers.a.url,
        token,
        "POST",
        "/api/v1/statuses",
        status="Look at this",
        quoted_status_id=open_on_a.id,
    )
    assert quote.status_code == 200, quote.text
    assert quote.json()["quote"] == {"state": "pending", "quoted_status": None}

    def state_on_a() -> str | None:
        shown = _api(servers.a.url, token, "GET", f"/api/v1/statuses/{quote.json()['id']}")
        state: str = shown.json()["quote"]["state"]
        return state if state != "pending" else None

    assert eventually(state_on_a, "B's answer to A's QuoteRequest") == "accepted"
    eventually(
        lambda: bob.status(open_post.json()["id"]).quotes_count == 1, "the quote counted on B"
    )
    eventually(lambda: any(n.type == "quote" for n in bob.notifications()), "Bob told of the quote")

    # Forbidden: A refuses before anything is sent.
    refused = _api(
        servers.a.url,
        token,
        "POST",
        "/api/v1/statuses",
        status="And this",
        quoted_status_id=closed_on_a.id,
    )
    assert refused.status_code == 422, refused.text
    assert "quoted_status_id" in refused.json()["error"]


# --- reply approvals and archive ---------------------------------------------------

WEFT_STATUSES = "/api/weft/v1/statuses"


def test_a_reply_from_the_other_server_waits_for_approval(servers: Pair) -> None:
    alice = person(servers.a.url, "alice")
    bob = person(servers.b.url, "bob")
    token, bob_token = str(alice.access_token), str(bob.access_token)
    made = _api(
        servers.b.url,
        bob_token,
        "POST",
        "/api/v1/statuses",
        status="Replies wait for me",
        enable_reply_approvals="true",
    )
    assert made.status_code == 200, made.text
    root = made.json()
    on_a = eventually(lambda: resolve_status(alice, root["uri"]), "Bob's post on A")
    reply = _api(
        servers.a.url, token, "POST", "/api/v1/statuses", status="Hi", in_reply_to_id=on_a.id
    )
    assert reply.status_code == 200, reply.text
    pending_url = f"{WEFT_STATUSES}/{root['id']}/pending_replies"

    def pending() -> list[str]:
        listed = _api(servers.b.url, bob_token, "GET", pending_url)
        return [s["uri"] for s in listed.json()]

    assert eventually(pending, "Alice's reply held on B") == [reply.json()["uri"]]
    # Held: not in the thread for others on B, not counted.
    context = httpx.get(f"{servers.b.url}/api/v1/statuses/{root['id']}/context", timeout=30)
    assert context.json()["descendants"] == []
    assert bob.status(root["id"]).replies_count == 0
    held_id = _api(servers.b.url, bob_token, "GET", pending_url).json()[0]["id"]
    approved = _api(servers.b.url, bob_token, "POST", f"{pending_url}/{held_id}/approve")
    assert approved.status_code == 200, approved.text
    context = httpx.get(f"{servers.b.url}/api/v1/statuses/{root['id']}/context", timeout=30)
    assert [s["id"] for s in context.json()["descendants"]] == [held_id]


def test_an_archived_post_leaves_the_other_server_and_comes_back(servers: Pair) -> None:
    alice = person(servers.a.url, "alice")
    bob = person(servers.b.url, "bob")
    bob_token = str(bob.access_token)
    alice.account_follow(resolve(alice, f"bob@{servers.b_domain}").id)
    eventually(lambda: bob.account_followers(bob.me().id), "Alice among Bob's followers")
    post = bob.status_post("Archive me")
    on_a = eventually(
        lambda: [s for s in alice.timeline_home() if "Archive me" in s.content], "Bob's post on A"
    )[0]
    archived = _api(servers.b.url, bob_token, "POST", f"{WEFT_STATUSES}/{post.id}/archive")
    assert archived.status_code == 200, archived.text

    def gone() -> bool:
        return (
            _api(
                servers.a.url, str(alice.access_token), "GET", f"/api/v1/statuses/{on_a.id}"
            ).status_code
            == 404
        )

    eventually(gone, "the Delete of the archived post on A")
    # Meanwhile B serves it to nobody: A cannot fetch it again.
    with pytest.raises(MastodonAPIError, match="answered HTTP 404"):
        resolve_status(alice, post.uri)
    _api(servers.b.url, bob_token, "POST", f"{WEFT_STATUSES}/{post.id}/unarchive")
    eventually(
        lambda: any("Archive me" in s.content for s in alice.timeline_home()),
        "the post back on A after unarchiving",
    )
