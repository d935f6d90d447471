"""Uploading, describing, attaching and removing media over real HTTP, on every backend."""

from __future__ import annotations

import asyncio
import io
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from PIL import Image
from sqlalchemy import update

from tests.factories import Person
from tests.live import LiveServer
from tests.media.helpers import jpeg_rotated, jpeg_with_gps, photo, png_bomb
from tests.openapi import assert_conforms, validate
from weft.actions.media import sweep_unattached
from weft.db.database import Database
from weft.jobs.worker import Worker
from weft.limits import IMAGE_SIZE_LIMIT
from weft.models import MediaAttachment
from weft.models.base import utcnow

MEDIA = "/api/v1/media"


def upload(
    client: httpx.Client,
    person: Person,
    data: bytes,
    *,
    name: str = "photo.jpg",
    mime: str = "image/jpeg",
    version: str = "v2",
    **fields: str,
) -> httpx.Response:
    return client.post(
        f"/api/{version}/media",
        headers=person.auth,
        files={"file": (name, data, mime)},
        data=fields,
    )


async def run_jobs(db: Database, server: LiveServer) -> None:
    await Worker(db, server.settings).run_until_idle()


async def ready(
    client: httpx.Client, db: Database, server: LiveServer, person: Person, data: bytes
) -> dict[str, Any]:
    response = upload(client, person, data)
    assert response.status_code == 202, response.text
    await run_jobs(db, server)
    shown = client.get(f"{MEDIA}/{response.json()['id']}", headers=person.auth)
    assert shown.status_code == 200, shown.text
    body: dict[str, Any] = assert_conforms(shown)
    return body


def fetch_image(client: httpx.Client, url: str) -> tuple[httpx.Response, Image.Image]:
    response = client.get(url)
    assert response.status_code == 200, url
    return response, Image.open(io.BytesIO(response.content))


async def test_v2_upload_is_processed_by_a_job(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    response = upload(
        client, alice, photo("png", size=(2000, 1000)), description="A flag", focus="0.5,-0.25"
    )
    assert response.status_code == 202, response.text
    pending = assert_conforms(response)
    assert pending["url"] is None
    assert pending["type"] == "image"
    processing = client.get(f"{MEDIA}/{pending['id']}", headers=alice.auth)
    assert processing.status_code == 206
    validate(processing.json(), {"$ref": "#/components/schemas/MediaAttachment"})
    await run_jobs(db, server)
    body = assert_conforms(client.get(f"{MEDIA}/{pending['id']}", headers=alice.auth))
    assert body["description"] == "A flag"
    assert body["meta"]["original"]["width"] == 1440
    assert body["meta"]["small"]["width"] == 480
    assert body["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    assert body["blurhash"]
    served, image = fetch_image(client, body["url"])
    assert served.headers["content-type"] == "image/jpeg"
    assert "immutable" in served.headers["cache-control"]
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"] == "inline"
    assert image.size == (1440, 720)
    _, small = fetch_image(client, body["preview_url"])
    assert small.size == (480, 240)


async def test_v1_upload_answers_processed(client: httpx.Client, alice: Person) -> None:
    response = upload(
        client, alice, photo("heic"), version="v1", name="IMG.HEIC", mime="image/heic"
    )
    assert response.status_code == 200, response.text
    body = assert_conforms(response)
    assert body["url"]
    assert body["preview_url"]
    assert body["blurhash"]


async def test_gps_exif_is_not_served(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    body = await ready(client, db, server, alice, jpeg_with_gps())
    served, image = fetch_image(client, body["url"])
    assert b"Exif" not in served.content
    assert b"PhoneMaker" not in served.content
    assert not image.getexif()


async def test_rotated_photo_is_served_upright(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    body = await ready(client, db, server, alice, jpeg_rotated())
    _, image = fetch_image(client, body["url"])
    assert image.size == (32, 64)
    assert body["meta"]["original"]["size"] == "32x64"


@pytest.mark.parametrize("data", [b"not a picture at all, just text", bytes(range(256)) * 40])
def test_a_png_name_on_other_bytes_is_refused(
    client: httpx.Client, alice: Person, data: bytes
) -> None:
    response = upload(client, alice, data, name="photo.png", mime="image/png")
    assert response.status_code == 422, response.text
    assert "file" in response.json()["details"]
    assert_conforms(response)


async def test_a_png_declared_as_jpeg_is_handled_as_png(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    transparent = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(transparent, "PNG")
    body = await ready(client, db, server, alice, transparent.getvalue())
    served, image = fetch_image(client, body["url"])
    assert served.headers["content-type"] == "image/png"
    assert image.mode == "RGBA"


def test_a_decompression_bomb_is_refused_within_a_second(
    client: httpx.Client, alice: Person
) -> None:
    started = time.monotonic()
    response = upload(client, alice, png_bomb(), name="tiny.png", mime="image/png")
    assert time.monotonic() - started < 1.0  # a guard only
    assert response.status_code == 422
    assert "too many pixels" in response.json()["error"]


def test_an_oversized_photo_is_refused(client: httpx.Client, alice: Person) -> None:
    data = photo("jpeg") + b"\x00" * (IMAGE_SIZE_LIMIT + 1)
    response = upload(client, alice, data)
    assert response.status_code == 422
    assert response.json()["details"]["file"][0]["error"] == "ERR_TOO_LARGE"


def test_description_and_focus_are_checked(client: httpx.Client, alice: Person) -> None:
    too_long = upload(client, alice, photo(), description="x" * 1501)
    assert too_long.status_code == 422
    assert "description" in too_long.json()["details"]
    bad_focus = upload(client, alice, photo(), focus="2,0")
    assert bad_focus.status_code == 422
    assert "focus" in bad_focus.json()["details"]
    assert upload(client, alice, photo(), description="x" * 1500).status_code == 202


def test_only_the_uploader_sees_and_edits_an_upload(
    client: httpx.Client, alice: Person, bob: Person
) -> None:
    media_id = upload(client, alice, photo()).json()["id"]
    assert client.get(f"{MEDIA}/{media_id}", headers=bob.auth).status_code == 404
    changed = client.put(f"{MEDIA}/{media_id}", headers=bob.auth, data={"description": "mine"})
    assert changed.status_code == 404
    mine = client.put(f"{MEDIA}/{media_id}", headers=alice.auth, data={"description": "A cat"})
    assert mine.status_code == 206
    assert mine.json()["description"] == "A cat"
    too_long = client.put(
        f"{MEDIA}/{media_id}", headers=alice.auth, data={"description": "x" * 1501}
    )
    assert too_long.status_code == 422
    assert client.delete(f"{MEDIA}/{media_id}", headers=bob.auth).status_code == 404
    assert client.delete(f"{MEDIA}/{media_id}", headers=alice.auth).status_code == 200
    assert client.get(f"{MEDIA}/{media_id}", headers=alice.auth).status_code == 404


async def test_post_with_a_carousel_and_read_it_back(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person, bob: Person
) -> None:
    ids = [
        (await ready(client, db, server, alice, photo(f)))["id"] for f in ("webp", "avif", "gif")
    ]
    response = client.post("/api/v1/statuses", headers=alice.auth, data={"media_ids[]": ids})
    assert response.status_code == 200, response.text
    posted = assert_conforms(response)
    assert [m["id"] for m in posted["media_attachments"]] == ids
    shown = client.get(f"/api/v1/statuses/{posted['id']}", headers=bob.auth)
    body = assert_conforms(shown)
    assert [m["id"] for m in body["media_attachments"]] == ids
    assert all(m["url"] and m["blurhash"] for m in body["media_attachments"])
    # Attached: no longer an upload anyone can fetch or edit, nor attach again.
    assert client.get(f"{MEDIA}/{ids[0]}", headers=alice.auth).status_code == 404
    again = client.post("/api/v1/statuses", headers=alice.auth, data={"media_ids[]": ids[:1]})
    assert again.status_code == 422


async def test_media_rules_when_posting(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person, bob: Person
) -> None:
    pending = upload(client, alice, photo()).json()["id"]
    not_ready = client.post("/api/v1/statuses", headers=alice.auth, data={"media_ids[]": [pending]})
    assert not_ready.status_code == 422
    assert "finished processing" in not_ready.json()["error"]
    await run_jobs(db, server)
    others = client.post("/api/v1/statuses", headers=bob.auth, data={"media_ids[]": [pending]})
    assert others.status_code == 422
    assert "media_ids" in others.json()["details"]
    too_many = [str(i) for i in range(1, 22)]
    refused = client.post(
        "/api/v1/statuses", headers=alice.auth, data={"status": "hi", "media_ids[]": too_many}
    )
    assert refused.status_code == 422
    assert "media_ids" in refused.json()["details"]


async def test_editing_changes_the_attachments(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    first, second = [(await ready(client, db, server, alice, photo()))["id"] for _ in range(2)]
    posted = client.post(
        "/api/v1/statuses", headers=alice.auth, data={"media_ids[]": [first]}
    ).json()
    edited = client.put(
        f"/api/v1/statuses/{posted['id']}",
        headers=alice.auth,
        json={"status": "now two", "media_ids": [second, first]},
    )
    assert edited.status_code == 200, edited.text
    assert [m["id"] for m in edited.json()["media_attachments"]] == [second, first]


async def test_history_shows_each_versions_media_and_keeps_dropped_files(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    first, second = [(await ready(client, db, server, alice, photo()))["id"] for _ in range(2)]
    client.put(f"{MEDIA}/{first}", headers=alice.auth, data={"description": "a red square"})
    posted = client.post(
        "/api/v1/statuses", headers=alice.auth, data={"status": "one", "media_ids[]": [first]}
    ).json()
    edited = client.put(
        f"/api/v1/statuses/{posted['id']}",
        headers=alice.auth,
        json={"status": "swapped", "media_ids": [second]},
    )
    assert edited.status_code == 200, edited.text
    versions = assert_conforms(client.get(f"/api/v1/statuses/{posted['id']}/history"))
    assert [[m["id"] for m in v["media_attachments"]] for v in versions] == [[first], [second]]
    assert versions[0]["media_attachments"][0]["description"] == "a red square"
    # The web app's history shows each version's photos too.
    page = client.get(f"/@alice/{posted['id']}/history").text
    for version in versions:
        assert version["media_attachments"][0]["url"] in page
    assert 'alt="a red square"' in page
    # The dropped photo is gone from the post but its file stays for the history.
    assert [m["id"] for m in edited.json()["media_attachments"]] == [second]
    await run_jobs(db, server)
    assert client.get(versions[0]["media_attachments"][0]["url"]).status_code == 200
    # Nobody can take it for another post, nor change or delete it as an upload.
    taken = client.post("/api/v1/statuses", headers=alice.auth, data={"media_ids[]": [first]})
    assert taken.status_code == 422, taken.text
    assert client.delete(f"{MEDIA}/{first}", headers=alice.auth).status_code == 404
    # The sweep of unattached uploads spares it; deleting the post removes it.
    async with db.write() as session:
        await session.execute(
            update(MediaAttachment).values(created_at=utcnow() - timedelta(hours=25))
        )
    assert await sweep_unattached(db) == 0
    dropped_url = versions[0]["media_attachments"][0]["url"]
    assert client.delete(f"/api/v1/statuses/{posted['id']}", headers=alice.auth).status_code == 200
    await run_jobs(db, server)
    assert client.get(dropped_url).status_code == 404


async def test_an_edit_fixes_alt_text_with_media_attributes(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    first, second = [(await ready(client, db, server, alice, photo()))["id"] for _ in range(2)]
    posted = client.post(
        "/api/v1/statuses", headers=alice.auth, data={"media_ids[]": [first, second]}
    ).json()
    # Rails-style form, as Mastodon apps send it: a repeated key starts the next object.
    form = [("status", ""), ("media_ids[]", first), ("media_ids[]", second)]
    for media_id, description in ((first, "a cat"), (second, "a dog")):
        form += [
            ("media_attributes[][id]", media_id),
            ("media_attributes[][description]", description),
        ]
    edited = client.put(
        f"/api/v1/statuses/{posted['id']}",
        headers=alice.auth | {"Content-Type": "application/x-www-form-urlencoded"},
        content=urlencode(form),
    )
    assert edited.status_code == 200, edited.text
    assert [m["description"] for m in edited.json()["media_attachments"]] == ["a cat", "a dog"]
    focus = client.put(
        f"/api/v1/statuses/{posted['id']}",
        headers=alice.auth,
        json={"media_attributes": [{"id": second, "focus": "0.5,-0.5"}]},
    )
    assert focus.status_code == 200, focus.text
    assert focus.json()["media_attachments"][1]["meta"]["focus"] == {"x": 0.5, "y": -0.5}
    versions = assert_conforms(client.get(f"/api/v1/statuses/{posted['id']}/history"))
    assert [[m["description"] for m in v["media_attachments"]] for v in versions] == [
        [None, None],
        ["a cat", "a dog"],
        ["a cat", "a dog"],
    ]
    # The same alt text again is no edit at all.
    same = client.put(
        f"/api/v1/statuses/{posted['id']}",
        headers=alice.auth,
        json={"media_attributes": [{"id": first, "description": "a cat"}]},
    )
    assert same.status_code == 200
    assert len(client.get(f"/api/v1/statuses/{posted['id']}/history").json()) == 3


async def test_media_attributes_are_checked(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person, bob: Person
) -> None:
    mine = (await ready(client, db, server, alice, photo()))["id"]
    other = (await ready(client, db, server, alice, photo()))["id"]
    posted = client.post("/api/v1/statuses", headers=alice.auth, data={"media_ids[]": [mine]})
    url = f"/api/v1/statuses/{posted.json()['id']}"
    for attributes, expected in (
        ([{"id": other, "description": "x"}], "is not one of the post's media"),
        ([{"id": mine, "description": "x" * 1501}], "too long"),
        ([{"id": mine, "focus": "2,0"}], "x,y"),
        ([{"description": "no id"}], "with an id"),
        ([{"id": mine, "description": 5}], "must be text"),
        ("nonsense", "must be a list"),
        ([{"id": mine}, {"id": mine}], "named twice"),
    ):
        response = client.put(url, headers=alice.auth, json={"media_attributes": attributes})
        assert response.status_code == 422, (attributes, response.text)
        assert expected in response.text, (attributes, response.text)
    assert client.get(f"{url}/history").json()[0]["media_attachments"][0]["description"] is None


async def test_deleting_the_post_removes_its_files(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    body = await ready(client, db, server, alice, photo())
    posted = client.post(
        "/api/v1/statuses", headers=alice.auth, data={"media_ids[]": [body["id"]]}
    ).json()
    assert client.get(body["url"]).status_code == 200
    assert client.delete(f"/api/v1/statuses/{posted['id']}", headers=alice.auth).status_code == 200
    await run_jobs(db, server)
    assert client.get(body["url"]).status_code == 404
    assert client.get(body["preview_url"]).status_code == 404
    folder = Path(server.settings.data_dir, "media", "attachments", body["id"])
    assert not await asyncio.to_thread(lambda: list(folder.glob("*")))


async def test_the_sweep_removes_day_old_unattached_uploads(
    client: httpx.Client, db: Database, server: LiveServer, alice: Person
) -> None:
    old = await ready(client, db, server, alice, photo())
    fresh = await ready(client, db, server, alice, photo())
    async with db.write() as session:
        await session.execute(
            update(MediaAttachment)
            .where(MediaAttachment.id == int(old["id"]))
            .values(created_at=utcnow() - timedelta(hours=25))
        )
    assert await sweep_unattached(db) == 1
    await run_jobs(db, server)
    assert client.get(f"{MEDIA}/{old['id']}", headers=alice.auth).status_code == 404
    assert client.get(old["url"]).status_code == 404
    assert client.get(f"{MEDIA}/{fresh['id']}", headers=alice.auth).status_code == 200
    assert client.get(fresh["url"]).status_code == 200


def test_uploads_are_not_served_and_keys_are_checked(client: httpx.Client) -> None:
    for path in ("uploads/1/x-abc.bin", "../secret_key", "attachments/1/%2e%2e/x.jpg", "a/b.html"):
        assert client.get(f"/system/media/{path}").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/media"),
        ("POST", "/api/v2/media"),
        ("POST", "/api/v1/statuses"),
        ("PATCH", "/api/v1/accounts/update_credentials"),
    ],
)
def test_a_malformed_multipart_header_is_a_400_on_every_form_route(
    client: httpx.Client, alice: Person, method: str, path: str
) -> None:
    response = client.request(
        method,
        path,
        content=b"--BB\r\n\xc3\x80\xc3\x95C--BB--\r\n",
        headers={**alice.auth, "Content-Type": "multipart/form-data; boundary=BB"},
    )
    assert response.status_code == 400
    # Starlette words it "Invalid multipart data."; the streamed uploads say which byte.
    assert response.json()["error"].startswith("The form data could not be read: ")
