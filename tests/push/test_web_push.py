"""Web push end to end: Mastodon's /api/v1/push/subscription over real HTTP,
and messages reaching a push service on loopback (tests/push/receiver.py),
which checks their VAPID signature and decrypts them with the subscription's
keys, as a browser's push service and the browser would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from tests.conftest import empty_database
from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.openapi import assert_conforms
from tests.push.receiver import PushReceiver
from tests.timelines.helpers import follow
from tests.web.helpers import csrf_of, sign_in_form, sign_out
from weft.actions.oauth import create_application, issue_token
from weft.actions.push import Keys, check_keys
from weft.config import Settings
from weft.db.database import Database
from weft.errors import Invalid
from weft.jobs.worker import Worker
from weft.models import Job, PushSubscription

PATH = "/api/v1/push/subscription"
OOB = "urn:ietf:wg:oauth:2.0:oob"


@pytest.fixture
def push_server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """A server that may reach loopback (the push service here)."""
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        secret_key="test-secret-key",
        embedded_workers=0,
        rate_limits=False,
        allow_private_network=True,
    )
    server = LiveServer(settings).start()
    yield server
    server.stop()
    empty_database(database_url)


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as service:
        yield service


@pytest.fixture
def http(push_server: LiveServer) -> Iterator[httpx.Client]:
    with push_server.client() as client:
        yield client


def subscribe(
    http: httpx.Client, person: Person, receiver: PushReceiver, **data: str
) -> httpx.Response:
    keys = receiver.subscription_keys()
    form = {
        "subscription[endpoint]": receiver.endpoint,
        "subscription[keys][p256dh]": keys["p256dh"],
        "subscription[keys][auth]": keys["auth"],
        **data,
    }
    return http.post(PATH, data=form, headers=person.auth)


def say(http: httpx.Client, person: Person, text: str) -> str:
    response = http.post("/api/v1/statuses", data={"status": text}, headers=person.auth)
    assert response.status_code == 200, response.text
    status_id: str = response.json()["id"]
    return status_id


async def run_jobs(db: Database, server: LiveServer) -> None:
    await Worker(db, server.settings).run_until_idle()


async def jobs_left(db: Database) -> int:
    async with db.read() as session:
        return (await session.scalar(select(func.count()).select_from(Job))) or 0


async def test_a_mention_is_pushed_signed_and_encrypted_until_unsubscribed(
    http: httpx.Client, push_server: LiveServer, db: Database, receiver: PushReceiver
) -> None:
    alice = await make_person(db, push_server.settings, "alice")
    bob = await make_person(db, push_server.settings, "bob")
    made = subscribe(http, alice, receiver, **{"data[alerts][mention]": "true"})
    assert made.status_code == 200, made.text
    say(http, bob, "@alice are you there?")
    await run_jobs(db, push_server)
    assert receiver.errors == []
    (message,) = receiver.messages
    server_key = http.get("/api/v2/instance").json()["configuration"]["vapid"]["public_key"]
    assert message.vapid_key == server_key
    assert message.payload["notification_type"] == "mention"
    assert message.payload["title"] == "bob mentioned you"
    assert message.payload["body"] == "@alice are you there?"
    notifications = http.get("/api/v1/notifications", headers=alice.auth).json()
    assert message.payload["notification_id"] == notifications[0]["id"]
    assert http.delete(PATH, headers=alice.auth).json() == {}
    say(http, bob, "@alice hello again?")
    await run_jobs(db, push_server)
    assert receiver.posts == 1


async def test_only_the_alerts_and_policy_chosen_are_pushed(
    http: httpx.Client, push_server: LiveServer, db: Database, receiver: PushReceiver
) -> None:
    alice = await make_person(db, push_server.settings, "alice")
    bob = await make_person(db, push_server.settings, "bob")
    carol = await make_person(db, push_server.settings, "carol")
    await follow(db, alice, bob)
    alerts = {"data[alerts][mention]": "1", "data[alerts][favourite]": "0"}
    subscribe(http, alice, receiver, **alerts, **{"data[policy]": "followed"})
    mine = say(http, alice, "a post to like")
    http.post(f"/api/v1/statuses/{mine}/favourite", headers=bob.auth)
    say(http, carol, "@alice from someone alice does not follow")
    say(http, bob, "@alice from someone alice follows")
    await run_jobs(db, push_server)
    assert [m.payload["body"] for m in receiver.messages] == ["@alice from someone alice follows"]


async def test_a_subscription_gone_from_its_push_service_is_removed(
    http: httpx.Client, push_server: LiveServer, db: Database, receiver: PushReceiver
) -> None:
    alice = await make_person(db, push_server.settings, "alice")
    bob = await make_person(db, push_server.settings, "bob")
    subscribe(http, alice, receiver, **{"data[alerts][mention]": "true"})
    receiver.status = 410
    say(http, bob, "@alice still there?")
    await run_jobs(db, push_server)
    assert receiver.posts == 1
    assert http.get(PATH, headers=alice.auth).status_code == 404
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(PushSubscription)) == 0


async def test_a_push_service_away_is_tried_again(
    http: httpx.Client, push_server: LiveServer, db: Database, receiver: PushReceiver
) -> None:
    alice = await make_person(db, push_server.settings, "alice")
    bob = await make_person(db, push_server.settings, "bob")
    subscribe(http, alice, receiver, **{"data[alerts][mention]": "true"})
    receiver.status = 503
    say(http, bob, "@alice one moment")
    await run_jobs(db, push_server)
    assert receiver.posts == 1
    assert await jobs_left(db) == 1  # waiting for its retry
    receiver.status = 201
    async with db.write() as session:
        job = await session.scalar(select(Job))
        assert job is not None
        job.run_at = job.created_at
    await run_jobs(db, push_server)
    assert receiver.posts == 2
    assert [m.payload["body"] for m in receiver.messages] == ["@alice one moment"] * 2
    assert await jobs_left(db) == 0


async def test_the_subscription_api(
    http: httpx.Client, push_server: LiveServer, db: Database, receiver: PushReceiver
) -> None:
    alice = await make_person(db, push_server.settings, "alice")
    assert http.get(PATH, headers=alice.auth).status_code == 404
    made = subscribe(http, alice, receiver, **{"data[alerts][follow]": "true"})
    body = assert_conforms(made, "WebPushSubscription")
    assert body["endpoint"] == receiver.endpoint
    assert body["policy"] == "all"
    assert body["alerts"]["follow"] is True
    assert body["alerts"]["mention"] is False
    assert (
        body["server_key"]
        == http.get("/api/v2/instance").json()["configuration"]["vapid"]["public_key"]
    )
    shown = http.get(PATH, headers=alice.auth)
    assert shown.json() == body
    changed = http.put(
        PATH,
        json={"data": {"alerts": {"mention": True, "follow": False}, "policy": "follower"}},
        headers=alice.auth,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["alerts"]["mention"] is True
    assert changed.json()["alerts"]["follow"] is False
    assert changed.json()["policy"] == "follower"
    again = subscribe(http, alice, receiver)  # a new subscription replaces the token's old one
    assert again.json()["id"] != body["id"]
    assert again.json()["alerts"]["mention"] is False
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(PushSubscription)) == 1
    assert http.delete(PATH, headers=alice.auth).status_code == 200
    assert http.get(PATH, headers=alice.auth).status_code == 404
    assert http.put(PATH, json={"data": {"policy": "all"}}, headers=alice.auth).status_code == 404


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"subscription[endpoint]": ""}, "subscription[endpoint]"),
        ({"subscription[endpoint]": "ftp://push.example/x"}, "subscription[endpoint]"),
        ({"subscription[keys][p256dh]": "bm90IGEga2V5"}, "subscription[keys][p256dh]"),
        ({"subscription[keys][p256dh]": "!!!"}, "subscription[keys][p256dh]"),
        ({"subscription[keys][auth]": "c2hvcnQ"}, "subscription[keys][auth]"),
        ({"data[policy]": "everyone"}, "data[policy]"),
        ({"data[alerts][gossip]": "true"}, "data[alerts][gossip]"),
        ({"data[alerts][mention]": "maybe"}, "data[alerts][mention]"),
    ],
)
async def test_bad_subscriptions_are_refused_by_name(
    http: httpx.Client,
    push_server: LiveServer,
    db: Database,
    receiver: PushReceiver,
    form: dict[str, str],
    field: str,
) -> None:
    alice = await make_person(db, push_server.settings, "alice")
    keys = receiver.subscription_keys()
    good = {
        "subscription[endpoint]": receiver.endpoint,
        "subscription[keys][p256dh]": keys["p256dh"],
        "subscription[keys][auth]": keys["auth"],
    }
    response = http.post(PATH, data={**good, **form}, headers=alice.auth)
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]
    assert http.get(PATH, headers=alice.auth).status_code == 404


async def test_the_push_scope_is_needed(
    http: httpx.Client, push_server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, push_server.settings, "alice")
    app, _ = await create_application(db, name="Reader", redirect_uris=[OOB], scopes="read")
    issued = await issue_token(db, app, alice.user_id, ["read"])
    reader = {"Authorization": f"Bearer {issued.access_token}"}
    refused = http.get(PATH, headers=reader)
    assert refused.status_code == 403
    assert refused.json()["error"] == "This action is outside the authorized scopes"
    assert http.get(PATH).status_code == 401


def test_endpoints_must_be_https_where_private_networks_are_not_allowed() -> None:
    settings = Settings(allow_private_network=False)
    keys = Keys("http://push.example/x", "", "")
    with pytest.raises(Invalid, match="https"):
        check_keys(settings, keys)


async def test_the_web_app_subscribes_a_browser_until_it_signs_out(
    http: httpx.Client, push_server: LiveServer, db: Database, receiver: PushReceiver
) -> None:
    await make_person(db, push_server.settings, "alice")
    bob = await make_person(db, push_server.settings, "bob")
    assert sign_in_form(http, "alice").status_code == 303
    page = http.get("/settings/notifications")
    assert page.status_code == 200
    assert "Notifications are off for this browser." in page.text
    key = http.get("/api/v2/instance").json()["configuration"]["vapid"]["public_key"]
    assert f'data-vapid-key="{key}"' in page.text
    form = {"csrf_token": csrf_of(page), "endpoint": receiver.endpoint}
    refused = http.post("/settings/notifications", data={**form, "p256dh": "x", "auth": "y"})
    assert refused.status_code == 422
    assert "p256dh" in refused.text
    made = http.post("/settings/notifications", data={**form, **receiver.subscription_keys()})
    assert made.status_code == 303
    assert "Notifications are on for this browser." in http.get(made.headers["location"]).text
    say(http, bob, "@alice seen this?")
    await run_jobs(db, push_server)
    assert receiver.errors == []
    assert [m.payload["title"] for m in receiver.messages] == ["bob mentioned you"]
    assert receiver.messages[0].payload["url"] == f"{push_server.url}/activity"
    assert sign_out(http).status_code == 303
    say(http, bob, "@alice and this?")
    await run_jobs(db, push_server)
    assert receiver.posts == 1


def test_the_service_worker_is_served_from_the_root(http: httpx.Client) -> None:
    worker = http.get("/sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert 'addEventListener("push"' in worker.text
