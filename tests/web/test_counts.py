"""A count shown with a noun agrees with it: "1 follower", "2 followers", "within 1 minute"."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from tests.live import LiveServer
from tests.timelines.helpers import follow, people, post
from weft.actions.posts.edit import Change, edit_status
from weft.db.database import Database
from weft.errors import Invalid
from weft.formatting import noun
from weft.models import Status
from weft.models.base import utcnow
from weft.web.templating import templates


def test_noun_agrees_with_its_count() -> None:
    assert [f"{n} {noun(n, 'follower')}" for n in (0, 1, 2)] == [
        "0 followers",
        "1 follower",
        "2 followers",
    ]
    assert noun(1, "person", "people") == "person"
    assert noun(3, "person", "people") == "people"


def test_templates_word_counts_through_the_filter() -> None:
    shown = templates.env.from_string("{{ n }} {{ n | noun('minute') }}")
    assert [shown.render(n=n) for n in (1, 15)] == ["1 minute", "15 minutes"]


async def test_a_profile_with_one_follower_says_follower(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    await follow(db, bob, alice)
    assert "<strong>1</strong> follower</a>" in client.get("/@alice").text
    await follow(db, carol, alice)
    assert "<strong>2</strong> followers</a>" in client.get("/@alice").text


async def test_a_one_minute_edit_window_says_minute(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    status_id = await post(db, server.settings, alice, "hello")
    async with db.write() as session:
        await session.execute(
            update(Status)
            .where(Status.id == status_id)
            .values(created_at=utcnow() - timedelta(minutes=2))
        )
    one_minute = replace(server.settings, edit_window_minutes=1)
    with pytest.raises(Invalid) as refused:
        await edit_status(db, one_minute, alice.account_id, status_id, Change("edited"))
    assert refused.value.description == "can only be edited within 1 minute of posting"
