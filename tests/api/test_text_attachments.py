"""Text attachments over real HTTP: Threads' ``text_attachment`` (plaintext,
link, styled ranges), its limits, the link count, and the 422 naming each part."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.api.test_media import ready
from tests.api.test_polls import made, refused
from tests.factories import Person
from tests.live import LiveServer
from tests.media.helpers import photo
from tests.timelines.helpers import people
from weft.db.database import Database

STATUSES = "/api/v1/statuses"


def styled(offset: int, length: int, *styles: str) -> dict[str, Any]:
    return {"offset": offset, "length": length, "styling_info": list(styles)}


async def test_a_text_attachment_follows_the_post_in_its_html(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    attachment = {
        "plaintext": "Chapter one.\n\nIt was a dark night.",
        "link_attachment_url": "https://example.com/book",
        "text_with_styling_info": [styled(0, 7, "BOLD", "italic"), styled(14, 2, "highlight")],
    }
    # Threads' form: the attachment as a JSON text in a form field.
    data = {"status": "My story", "text_attachment": json.dumps(attachment)}
    status = made(client.post(STATUSES, headers=alice.auth, data=data))
    assert status["text_attachment"] == {
        "plaintext": "Chapter one.\n\nIt was a dark night.",
        "link_attachment_url": "https://example.com/book",
        "text_with_styling_info": [
            styled(0, 7, "bold", "italic"),
            styled(14, 2, "highlight"),
        ],
    }
    assert status["content"].startswith(
        "<p>My story</p><p><strong><em>Chapter</em></strong> one.</p>"
        "<p><mark>It</mark> was a dark night.</p>"
        '<p><a href="https://example.com/book"'
    )
    shown = client.get(f"{STATUSES}/{status['id']}").json()
    assert shown["content"] == status["content"]
    assert shown["text_attachment"] == status["text_attachment"]


async def test_a_text_attachment_as_json_and_as_form_fields(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    body = {"status": "a", "text_attachment": {"plaintext": "long " * 10}}
    status = made(client.post(STATUSES, headers=alice.auth, json=body))
    assert status["text_attachment"]["link_attachment_url"] is None
    assert status["text_attachment"]["text_with_styling_info"] == []
    data = {
        "status": "b",
        "text_attachment[plaintext]": "Form text",
        "text_attachment[text_with_styling_info][0][offset]": "0",
        "text_attachment[text_with_styling_info][0][length]": "4",
        "text_attachment[text_with_styling_info][0][styling_info][]": "underline",
    }
    status = made(client.post(STATUSES, headers=alice.auth, data=data))
    assert status["text_attachment"]["text_with_styling_info"] == [styled(0, 4, "underline")]
    assert "<p><u>Form</u> text</p>" in status["content"]


async def test_a_post_without_an_attachment_has_none(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")
    status = made(client.post(STATUSES, headers=alice.auth, json={"status": "plain"}))
    assert status["text_attachment"] is None
    assert status["content"] == "<p>plain</p>"


async def test_the_plaintext_holds_ten_thousand_characters(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")

    def post(plaintext: str) -> httpx.Response:
        body = {"status": "long", "text_attachment": {"plaintext": plaintext}}
        return client.post(STATUSES, headers=alice.auth, json=body)

    made(post("x" * 10_000))
    error = refused(post("x" * 10_001), "text_attachment[plaintext]")
    assert error.endswith("is too long (10001 characters; the most is 10000)")
    refused(post("   "), "text_attachment[plaintext]")


async def test_bad_attachments_are_refused_by_name(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")

    def post(attachment: Any) -> httpx.Response:
        body = {"status": "hi", "text_attachment": attachment}
        return client.post(STATUSES, headers=alice.auth, json=body)

    text = "0123456789"
    refused(post("[not json"), "text_attachment")
    refused(post(["x"]), "text_attachment")
    refused(post({"plaintext": 5}), "text_attachment[plaintext]")
    link_field = "text_attachment[link_attachment_url]"
    refused(post({"plaintext": text, "link_attachment_url": 5}), link_field)
    for link in ("ftp://example.com/x", "not a link", "https://", "https://" + "a" * 2048):
        body = {"plaintext": text, "link_attachment_url": link}
        refused(post(body), link_field)
    field = "text_attachment[text_with_styling_info]"

    def styling(*ranges: Any) -> httpx.Response:
        return post({"plaintext": text, "text_with_styling_info": list(ranges)})

    error = refused(styling(styled(0, 1, "bold"), styled(5, 6, "bold")), f"{field}[1]")
    assert "go past the end of the plaintext (10 characters)" in error
    made(styling(styled(5, 5, "bold"), styled(0, 10, "italic")))  # to the end; overlapping
    refused(styling(styled(0, 1, "blink")), f"{field}[0]")
    refused(styling(styled(0, 1)), f"{field}[0]")
    refused(styling(styled(0, 0, "bold")), f"{field}[0]")
    refused(styling(styled(-1, 1, "bold")), f"{field}[0]")
    refused(styling("bold"), f"{field}[0]")
    refused(post({"plaintext": text, "text_with_styling_info": "bold"}), field)
    made(styling(*[styled(0, 1, "bold")] * 1000))
    refused(styling(*[styled(0, 1, "bold")] * 1001), field)


async def test_at_most_five_links_as_threads_counts_them(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    (alice,) = await people(db, server.settings, "alice")

    def post(text: str, plaintext: str, link: str | None = None) -> httpx.Response:
        attachment = {"plaintext": plaintext, "link_attachment_url": link}
        return client.post(
            STATUSES, headers=alice.auth, json={"status": text, "text_attachment": attachment}
        )

    def urls(*names: str) -> str:
        return " ".join(f"https://{n}.example/" for n in names)

    # The same link twice counts once; the link attachment too, when the text has it.
    made(post(urls("a", "b", "c"), urls("a", "d"), "https://e.example/"))
    made(post(urls("a", "b", "c"), urls("d", "e"), "https://a.example/"))
    error = refused(
        post(urls("a", "b", "c"), urls("d", "e"), "https://f.example/"), "text_attachment"
    )
    assert error.endswith(
        "brings the post to 6 links; the most across the post and its text attachment is 5"
    )
    refused(post(urls("a", "b", "c"), urls("d", "e", "f")), "text_attachment")


async def test_a_text_attachment_goes_only_on_a_text_only_post(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    attachment = {"plaintext": "long"}
    media = await ready(client, db, server, alice, photo("png"))
    body = {"status": "look", "media_ids": [media["id"]], "text_attachment": attachment}
    error = refused(client.post(STATUSES, headers=alice.auth, json=body), "text_attachment")
    assert error.endswith("not with media_ids")
    body = {
        "status": "vote",
        "poll": {"options": ["yes", "no"], "expires_in": 3600},
        "text_attachment": attachment,
    }
    error = refused(client.post(STATUSES, headers=alice.auth, json=body), "text_attachment")
    assert error.endswith("not with a poll")
    assert client.get(f"/api/v1/accounts/{alice.account_id}/statuses").json() == []


async def test_an_edit_keeps_the_attachment_and_adds_no_media(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    body = {"status": "first", "text_attachment": {"plaintext": "The long part"}}
    status = made(client.post(STATUSES, headers=alice.auth, json=body))
    edited = client.put(f"{STATUSES}/{status['id']}", headers=alice.auth, json={"status": "second"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["content"] == "<p>second</p><p>The long part</p>"
    media = await ready(client, db, server, alice, photo("png"))
    response = client.put(
        f"{STATUSES}/{status['id']}",
        headers=alice.auth,
        json={"status": "third", "media_ids": [media["id"]]},
    )
    refused(response, "media_ids")
