"""Photos and videos in the composer: stored, processed, described and attached."""

from __future__ import annotations

import io

import httpx
from PIL import Image

from tests.live import LiveServer
from tests.web.compose_helpers import JSON, post_id, rows, send
from tests.web.helpers import sign_up


def png(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 90)).save(out, "PNG")
    return out.getvalue()


def test_a_photo_is_attached_with_its_alt_text(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    files = [
        ("media-0-0", ("sunset.png", png(), "image/png")),
        ("media-0-1", ("second.png", png(30, 30), "image/png")),
    ]
    response = send(
        client,
        "",  # a post with media may have no text
        files=files,
        alt={"alt-0-0": "A pink square at sunset", "alt-0-1": ""},
    )
    status_id = post_id(response, "alice")
    assert rows(
        server,
        "SELECT description, state, type, position FROM media_attachments"
        " WHERE status_id = :id ORDER BY position",
        id=status_id,
    ) == [("A pink square at sunset", "ready", "image", 0), (None, "ready", "image", 1)]
    assert rows(server, "SELECT count(*) FROM media_attachments WHERE status_id IS NULL") == [(0,)]


def test_each_post_of_a_thread_gets_its_own_media(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    files = [("media-1-0", ("two.png", png(), "image/png"))]
    response = send(client, "one", "two", files=files, headers=JSON, alt={"alt-1-0": "for two"})
    assert response.status_code == 200, response.text
    first, second = (int(i) for i in response.json()["ids"])
    assert rows(server, "SELECT status_id, description FROM media_attachments") == [
        (second, "for two")
    ]
    assert 'alt="for two"' in response.json()["html"]
    assert first != second


def test_an_unsupported_file_is_named_and_nothing_is_kept(
    client: httpx.Client, server: LiveServer
) -> None:
    sign_up(client, "alice")
    files = [
        ("media-0-0", ("fine.png", png(), "image/png")),
        ("media-0-1", ("notes.png", b"<html>not a picture</html>", "image/png")),
    ]
    response = send(client, "with a bad file", files=files)
    assert response.status_code == 422
    assert "notes.png is not a supported photo or video (JPEG, PNG" in response.text
    assert "Choose your photos and videos again" in response.text
    assert ">with a bad file</textarea>" in response.text
    assert rows(server, "SELECT count(*) FROM statuses") == [(0,)]
    # The photo stored before the refusal is deleted again.
    assert rows(server, "SELECT count(*) FROM media_attachments") == [(0,)]


def test_a_refused_post_deletes_the_uploads_it_made(
    client: httpx.Client, server: LiveServer
) -> None:
    sign_up(client, "alice")
    files = [("media-0-0", ("fine.png", png(), "image/png"))]
    response = send(client, "reply to nothing", files=files, in_reply_to_id="12345", headers=JSON)
    assert response.status_code == 404
    assert rows(server, "SELECT count(*) FROM media_attachments") == [(0,)]


def test_too_long_alt_text_is_refused_before_storing(
    client: httpx.Client, server: LiveServer
) -> None:
    sign_up(client, "alice")
    files = [("media-0-0", ("long.png", png(), "image/png"))]
    response = send(client, "x", files=files, headers=JSON, alt={"alt-0-0": "a" * 1501})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "media-0": "long.png alt text is too long (maximum is 1500 characters)"
    }
    assert rows(server, "SELECT count(*) FROM media_attachments") == [(0,)]


def test_more_than_twenty_files_are_refused(client: httpx.Client, server: LiveServer) -> None:
    sign_up(client, "alice")
    picture = png(8, 8)
    files = [(f"media-0-{k}", (f"p{k}.png", picture, "image/png")) for k in range(21)]
    response = send(client, "too many", files=files, headers=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "media-0": "Your post, photos and videos: can hold at most 20 attachments"
    }
    assert rows(server, "SELECT count(*) FROM media_attachments") == [(0,)]
