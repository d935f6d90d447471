"""The web app's side: Settings, Privacy (mentions, notification filtering),
Activity's filtered notifications, and Restrict on a profile, over real HTTP."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from tests.factories import make_person
from tests.live import LiveServer
from tests.timelines.helpers import post
from tests.web.helpers import csrf_of, sign_in_form
from weft.actions.interactions import favourite
from weft.actions.notification_policy import update_policy
from weft.db.database import Database
from weft.models import NotificationPolicy, User
from weft.queries.graph import relationship

PRIVACY = "/settings/privacy"


def privacy_form(client: httpx.Client, **changes: str) -> dict[str, str]:
    page = client.get(PRIVACY)
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_of(page),
        "discoverable": "1",
        "indexable": "1",
        "federated": "1",
        "default_privacy": "public",
        "chat_policy": "everyone",
    }
    return {**data, **changes}


async def test_privacy_saves_mentions_and_notification_filtering(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    assert sign_in_form(client, "alice").status_code == 303
    page = client.get(PRIVACY).text
    assert 'name="mention_policy"' in page
    assert 'name="for_private_mentions"' in page
    saved = client.post(
        PRIVACY,
        data=privacy_form(client, mention_policy="followers", for_new_accounts="drop"),
    )
    assert saved.status_code == 303
    async with db.read() as session:
        user = await session.scalar(select(User).where(User.account_id == alice.account_id))
        assert user is not None
        assert user.mention_policy == "followers"
        policy = await session.get(NotificationPolicy, alice.account_id)
        assert policy is not None
        assert (policy.for_new_accounts, policy.for_private_mentions) == ("drop", "filter")
    shown = client.get(PRIVACY).text
    assert '<option value="followers" selected>' in shown
    assert '<option value="drop" selected>' in shown

    # A wrong value: 422 naming it, and nothing written (the profile's change neither).
    wrong = client.post(
        PRIVACY,
        data=privacy_form(client, mention_policy="everyone", for_not_following="sometimes"),
    )
    assert wrong.status_code == 422
    assert "must be one of: accept, filter, drop" in wrong.text
    assert 'aria-invalid="true"' in wrong.text
    async with db.read() as session:
        user = await session.scalar(select(User).where(User.account_id == alice.account_id))
        assert user is not None
        assert user.mention_policy == "followers"


async def test_filtered_notifications_are_accepted_or_dismissed_on_the_web(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    bob = await make_person(db, server.settings, "bob")
    carol = await make_person(db, server.settings, "carol")
    await update_policy(db, alice.account_id, {"for_not_following": "filter"})
    mine = await post(db, server.settings, alice, "alice writes")
    await favourite(db, bob.account_id, mine)
    await favourite(db, carol.account_id, mine)
    assert sign_in_form(client, "alice").status_code == 303
    activity = client.get("/activity").text
    assert "liked your post" not in activity
    assert 'href="/activity/filtered"' in activity
    assert "2 from 2 people" in activity
    filtered = client.get("/activity/filtered")
    assert filtered.status_code == 200
    assert "@bob" in filtered.text
    assert "@carol" in filtered.text
    token = csrf_of(filtered)
    actions = [
        line.split('action="')[1].split('"')[0]
        for line in filtered.text.splitlines()
        if 'action="/activity/filtered/' in line
    ]
    accepts = [a for a in actions if a.endswith("/accept")]
    dismisses = [a for a in actions if a.endswith("/dismiss")]
    # The newest request (Carol's) first: accept hers, dismiss Bob's.
    done = client.post(accepts[0], data={"csrf_token": token})
    assert done.status_code == 303
    assert done.headers["location"] == "/activity/filtered?done=accepted"
    client.post(dismisses[1], data={"csrf_token": token})
    assert "Nothing is kept aside." in client.get("/activity/filtered").text
    activity = client.get("/activity").text
    assert "liked your post" in activity
    assert "@carol" in activity
    assert "@bob" not in activity
    assert (
        client.post("/activity/filtered/12345/accept", data={"csrf_token": token}).status_code
        == 404
    )


async def test_restrict_from_a_profile(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    bob = await make_person(db, server.settings, "bob")
    assert sign_in_form(client, "alice").status_code == 303
    profile = client.get("/@bob")
    assert f'action="/accounts/{bob.account_id}/restrict"' in profile.text
    done = client.post(
        f"/accounts/{bob.account_id}/restrict", data={"csrf_token": csrf_of(profile)}
    )
    assert done.status_code == 303
    assert (await relationship(db, alice.account_id, bob.account_id)).restricting
    profile = client.get("/@bob")
    assert f'action="/accounts/{bob.account_id}/unrestrict"' in profile.text
    client.post(f"/accounts/{bob.account_id}/unrestrict", data={"csrf_token": csrf_of(profile)})
    assert not (await relationship(db, alice.account_id, bob.account_id)).restricting
