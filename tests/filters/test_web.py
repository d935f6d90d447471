"""Settings > Hidden words over real HTTP: adding and removing words, the
offensive-word list on and off, and what the web's pages then show."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from tests.factories import make_person
from tests.live import LiveServer
from tests.timelines.helpers import post
from tests.web.helpers import csrf_of, sign_up
from weft.actions.filters import FilterChange, KeywordChange, create_filter
from weft.db.database import Database
from weft.models import Account, Filter

PAGE = "/settings/hidden_words"


def submit(client: httpx.Client, action: str, **data: str) -> httpx.Response:
    form = client.get(PAGE)
    assert form.status_code == 200, form.text
    return client.post(action, data={"csrf_token": csrf_of(form), **data})


async def test_hidden_words_page(client: httpx.Client, server: LiveServer, db: Database) -> None:
    settings = server.settings
    sign_up(client, "alice")
    bob = await make_person(db, settings, "bob")
    cursed = await post(db, settings, bob, "a Cursed loom #weaving")
    fine = await post(db, settings, bob, "a fine loom #weaving")
    rude = await post(db, settings, bob, "what a bastard")

    profile = client.get("/@bob").text
    assert f'data-id="{cursed}"' in profile
    assert f'data-id="{rude}"' not in profile  # the shipped list is on from the start
    assert "Hidden words" in client.get("/settings").text

    refused = submit(client, PAGE, word="   ", whole_word="1")
    assert refused.status_code == 422
    assert "Word can&#39;t be blank" in refused.text

    added = submit(client, PAGE, word="cursed", whole_word="1")
    assert added.status_code == 303
    page = client.get(PAGE + "?done=added").text
    assert "The word is hidden." in page
    assert '<span class="word">cursed</span>' in page
    for path in ("/@bob", "/tags/weaving"):
        shown = client.get(path).text
        assert f'data-id="{cursed}"' not in shown, path
        assert f'data-id="{fine}"' in shown, path

    # Stored once: the hidden words are a filter Mastodon apps see.
    async with db.read() as session:
        alice_id = await session.scalar(select(Account.id).where(Account.username == "alice"))
        (row,) = list(await session.scalars(select(Filter).where(Filter.account_id == alice_id)))
    assert row.hidden_words
    assert row.action == "hide"
    assert row.title == "Hidden words"

    # Removing it brings the post back.
    keyword_id = re.findall(r'action="/settings/hidden_words/(\d+)/remove"', page)[0]
    assert submit(client, f"{PAGE}/{keyword_id}/remove").status_code == 303
    assert f'data-id="{cursed}"' in client.get("/@bob").text

    # The offensive words off, then on again.
    assert submit(client, f"{PAGE}/offensive").status_code == 303
    box = re.findall(r'<input id="offensive_words"[^>]*>', client.get(PAGE).text)[0]
    assert "checked" not in box
    assert f'data-id="{rude}"' in client.get("/@bob").text
    submit(client, f"{PAGE}/offensive", offensive_words="1")
    assert f'data-id="{rude}"' not in client.get("/@bob").text

    # A warn filter made in an app: the post stays, collapsed behind its title.
    assert alice_id is not None
    await create_filter(
        db,
        alice_id,
        FilterChange(
            title="Looms", context=["account"], action="warn", keywords=[KeywordChange("loom")]
        ),
    )
    profile = client.get("/@bob").text
    assert f'data-id="{fine}"' in profile
    assert "Hidden by your filter “Looms”" in profile
    assert "Looms" in client.get(PAGE).text
