"""A person's stream carries what their notifications show: neither a
restricted person's reply nor what their notification policy kept aside."""

from __future__ import annotations

import httpx
from mastodon import Mastodon

from tests.api.test_interactions import act
from tests.api.test_timelines import say
from tests.factories import Person, make_person
from tests.live import LiveServer
from tests.streaming.clients import Collector
from weft.actions.graph import follow_account
from weft.actions.notification_policy import update_policy
from weft.db.database import Database


async def test_a_restricted_reply_and_a_filtered_notification_are_not_streamed(
    client: httpx.Client, server: LiveServer, db: Database, alice: Person, bob: Person
) -> None:
    dave = await make_person(db, server.settings, "dave")
    await follow_account(db, alice.account_id, dave.account_id)
    post = say(client, alice, "Tell me")
    client.post(f"/api/weft/v1/accounts/{bob.account_id}/restrict", headers=alice.auth)
    await update_policy(db, alice.account_id, {"for_not_following": "filter"})
    listener = Collector()
    app = Mastodon(access_token=alice.token, api_base_url=server.url)
    handle = app.stream_user(listener, run_async=True)
    try:
        listener.wait_for("heartbeat")
        reply = client.post(
            "/api/v1/statuses",
            data={"status": "@alice a restricted reply", "in_reply_to_id": post},
            headers=bob.auth,
        )
        assert reply.status_code == 200, reply.text
        act(client, bob.auth, post, "favourite")  # kept aside: not streamed
        # Then one she hears of, proving the stream was listening all along.
        act(client, dave.auth, post, "favourite")
        liked = listener.wait_for("notification", lambda n: n.type == "favourite")
        assert str(liked.account.id) == str(dave.account_id)
        heard = [p for name, p in listener.seen if name == "notification"]
        assert [str(n.account.id) for n in heard] == [str(dave.account_id)]
    finally:
        handle.close()
