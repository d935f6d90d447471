"""The search page and topic pages over real HTTP."""

from __future__ import annotations

import httpx

from tests.live import LiveServer
from tests.timelines.helpers import follow, people, post
from tests.web.helpers import sign_in_form
from weft.actions.accounts import ProfileChange, update_profile
from weft.db.database import Database


async def test_search_people_topics_and_posts(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob = await people(db, server.settings, "alice", "bob")
    await update_profile(db, alice.account_id, ProfileChange(display_name="<i>Al</i>"))
    await post(db, server.settings, alice, "I love #Weaving on my loom")
    await post(db, server.settings, alice, "secret loom for followers", "private")
    anonymous = client.get("/search", params={"q": "al"})
    assert anonymous.status_code == 200
    assert 'href="/@alice"' in anonymous.text
    assert "&lt;i&gt;Al&lt;/i&gt;" in anonymous.text
    assert "Sign in</a> to search posts." in anonymous.text
    topics = client.get("/search", params={"q": "#weav", "type": "hashtags"})
    assert 'href="/tags/weaving"' in topics.text
    assert "1 post this week" in topics.text
    assert sign_in_form(client, "bob").status_code == 303
    found = client.get("/search", params={"q": "loom"}).text
    assert "I love" in found
    assert "secret loom" not in found
    await follow(db, bob, alice)
    assert "secret loom" not in client.get("/search", params={"q": "loom"}).text
    assert client.get("/search").status_code == 200
    escaped = client.get("/search", params={"q": "<script>x</script>"})
    assert "<script>x</script>" not in escaped.text


async def test_tag_page_shows_only_public_posts(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice, bob, carol = await people(db, server.settings, "alice", "bob", "carol")
    await follow(db, bob, alice)
    await post(db, server.settings, alice, "open #weaving")
    await post(db, server.settings, alice, "closed #weaving", "private")
    page = client.get("/tags/weaving")
    assert page.status_code == 200
    assert "<h1" in page.text
    assert "open" in page.text
    assert "closed" not in page.text
    assert sign_in_form(client, "carol").status_code == 303
    assert "closed" not in client.get("/tags/Weaving").text
    del carol
    assert "No public posts" in client.get("/tags/nothing").text
