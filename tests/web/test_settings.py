"""Settings pages over real HTTP: profile and pictures, privacy, blocks, mutes, sessions, apps."""

from __future__ import annotations

import io

import httpx
from PIL import Image
from sqlalchemy import select

from tests.factories import make_person
from tests.live import LiveServer
from tests.web.helpers import csrf_of, inputs, sign_in_form, sign_up
from weft.actions.graph import block_account, mute_account
from weft.db.database import Database
from weft.limits import MAX_PROFILE_FIELDS
from weft.models import Account, Job, User


def png(width: int, height: int, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


async def account_of(db: Database, username: str) -> Account:
    async with db.read() as session:
        found = await session.scalar(select(Account).where(Account.username == username))
    assert found is not None
    return found


def post_form(client: httpx.Client, page: str, action: str, **data: str) -> httpx.Response:
    form = client.get(page)
    assert form.status_code == 200, form.text
    return client.post(action, data={"csrf_token": csrf_of(form), **data})


def test_settings_need_sign_in(client: httpx.Client) -> None:
    for page in (
        "/settings",
        "/settings/profile",
        "/settings/privacy",
        "/settings/blocks",
        "/settings/mutes",
        "/settings/sessions",
        "/settings/apps",
    ):
        response = client.get(page)
        assert response.status_code == 303, page
        assert response.headers["location"].startswith("/auth/sign_in?next=")


def test_every_settings_page_renders(client: httpx.Client) -> None:
    sign_up(client, "alice")
    for page in (
        "/settings",
        "/settings/profile",
        "/settings/privacy",
        "/settings/blocks",
        "/settings/mutes",
        "/settings/sessions",
        "/settings/apps",
    ):
        response = client.get(page)
        assert response.status_code == 200, page
        assert 'aria-label="Settings"' in response.text


async def test_edit_profile_with_avatar_and_header(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    sign_up(client, "alice")
    form = client.get("/settings/profile")
    data = {
        "csrf_token": csrf_of(form),
        "display_name": "A<script>x()</script>",
        "note": "Weaver of <b>things</b>",
        "field_name_0": "Site",
        "field_value_0": "https://alice.example",
        "locked": "1",
        "discoverable": "1",
    }
    files = {
        "avatar": ("me.png", png(800, 600), "image/png"),
        "header": ("header.png", png(300, 100, (10, 10, 200)), "image/png"),
    }
    response = client.post("/settings/profile", data=data, files=files)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/settings/profile?saved=1"
    account = await account_of(db, "alice")
    assert account.display_name == "A<script>x()</script>"
    assert account.locked is True
    assert account.fields == [
        {"name": "Site", "value": "https://alice.example", "verified_at": None}
    ]
    assert account.avatar_url is not None
    assert account.header_url is not None
    avatar = client.get(account.avatar_url.removeprefix(server.url))
    assert avatar.status_code == 200
    with Image.open(io.BytesIO(avatar.content)) as image:
        assert image.size == (400, 400)
    header = client.get(account.header_url.removeprefix(server.url))
    with Image.open(io.BytesIO(header.content)) as image:
        assert image.size == (1500, 500)
    page = client.get("/settings/profile?saved=1")
    assert "Your profile was saved." in page.text
    assert "<script>x()</script>" not in page.text
    assert "A&lt;script&gt;x()&lt;/script&gt;" in page.text

    # A new avatar replaces the old one; the old file is queued for deletion.
    old = account.avatar_url
    again = client.post(
        "/settings/profile",
        data={**data, "csrf_token": csrf_of(page)},
        files={"avatar": ("me.png", png(100, 100), "image/png")},
    )
    assert again.status_code == 303
    assert (await account_of(db, "alice")).avatar_url != old
    async with db.read() as session:
        jobs = list(await session.scalars(select(Job).where(Job.kind == "media.delete_files")))
    assert [j.payload["keys"][0] for j in jobs] == [old.split("/system/media/", 1)[1]]


async def test_bad_inputs_save_nothing(client: httpx.Client, db: Database) -> None:
    sign_up(client, "alice")
    form = client.get("/settings/profile")
    base = {"csrf_token": csrf_of(form), "display_name": "Alice", "note": ""}
    not_photo = client.post(
        "/settings/profile",
        data={**base, "display_name": "Changed"},
        files={"avatar": ("x.png", b"this is not a picture at all, only text", "image/png")},
    )
    assert not_photo.status_code == 422
    assert "Profile picture is not a supported photo or video" in not_photo.text
    assert 'id="avatar-error"' in not_photo.text
    assert 'aria-describedby="avatar-hint avatar-error"' in not_photo.text
    too_long = client.post("/settings/profile", data={**base, "display_name": "x" * 31})
    assert too_long.status_code == 422
    assert "Display name is too long (maximum is 30 characters)" in too_long.text
    account = await account_of(db, "alice")
    assert account.display_name == ""
    assert account.avatar_url is None


async def test_privacy_settings(client: httpx.Client, db: Database) -> None:
    sign_up(client, "alice")
    response = post_form(
        client,
        "/settings/privacy",
        "/settings/privacy",
        locked="1",
        indexable="1",
        default_privacy="private",
    )
    assert response.status_code == 303
    account = await account_of(db, "alice")
    assert (account.locked, account.discoverable, account.indexable) == (True, False, True)
    assert (account.hide_collections, account.federated) == (False, False)
    async with db.read() as session:
        user = await session.scalar(select(User).where(User.account_id == account.id))
    assert user is not None
    assert user.default_privacy == "private"
    page = client.get("/settings/privacy")
    assert 'name="federated" type="checkbox" value="1" aria-describedby' in page.text
    assert '<option value="private" selected>' in page.text
    bad = post_form(client, "/settings/privacy", "/settings/privacy", default_privacy="everyone")
    assert bad.status_code == 422
    assert "Default post visibility must be public, unlisted, private or direct" in bad.text


async def test_unblock_and_unmute_from_the_lists(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    bob = await make_person(db, server.settings, "bob")
    carol = await make_person(db, server.settings, "carol")
    await block_account(db, alice.account_id, bob.account_id)
    await mute_account(db, alice.account_id, carol.account_id)
    assert sign_in_form(client, "alice").status_code == 303
    blocks = client.get("/settings/blocks")
    assert "@bob" in blocks.text
    assert "@carol" not in blocks.text
    mutes = client.get("/settings/mutes")
    assert "@carol" in mutes.text
    unblock = client.post(
        f"/settings/blocks/{bob.account_id}/unblock", data={"csrf_token": csrf_of(blocks)}
    )
    assert unblock.status_code == 303
    assert "@bob" not in client.get("/settings/blocks").text
    unmute = client.post(
        f"/settings/mutes/{carol.account_id}/unmute", data={"csrf_token": csrf_of(mutes)}
    )
    assert unmute.status_code == 303
    assert "You haven't muted anyone." in client.get("/settings/mutes").text
    # Without the form's token nothing happens.
    await block_account(db, alice.account_id, bob.account_id)
    forged = client.post(f"/settings/blocks/{bob.account_id}/unblock", data={})
    assert forged.status_code == 403
    assert "@bob" in client.get("/settings/blocks").text


def test_sessions_list_and_revoke(server: LiveServer) -> None:
    with server.client() as laptop, server.client() as phone:
        sign_up(laptop, "alice")
        assert sign_in_form(phone, "alice").status_code == 303
        page = laptop.get("/settings/sessions")
        assert page.text.count('class="session-row"') == 2
        assert page.text.count("This browser") == 1
        # Revoke the other session (the phone's): the one not marked current.
        rows = page.text.split('class="session-row"')[1:]
        other = next(r for r in rows if "This browser" not in r)
        action = other.split('action="', 1)[1].split('"', 1)[0]
        response = laptop.post(action, data={"csrf_token": csrf_of(page)})
        assert response.status_code == 303
        assert phone.get("/settings/sessions").status_code == 303  # signed out
        assert laptop.get("/settings/sessions").text.count('class="session-row"') == 1
        again = laptop.post(action, data={"csrf_token": csrf_of(page)})
        assert again.status_code == 404


async def test_authorized_apps_list_and_revoke(
    client: httpx.Client, server: LiveServer, db: Database
) -> None:
    alice = await make_person(db, server.settings, "alice")
    assert client.get("/api/v1/accounts/verify_credentials", headers=alice.auth).status_code == 200
    assert sign_in_form(client, "alice").status_code == 303
    page = client.get("/settings/apps")
    assert "Tests" in page.text
    assert "read, follow, push, write" in page.text or "follow, push, read, write" in page.text
    action = page.text.split('action="/settings/apps/', 1)[1].split('"', 1)[0]
    response = client.post(f"/settings/apps/{action}", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert client.get("/api/v1/accounts/verify_credentials", headers=alice.auth).status_code == 401
    assert "No app can use your account." in client.get("/settings/apps").text


async def test_profile_form_has_a_slot_for_every_link_the_api_allows(
    client: httpx.Client, db: Database
) -> None:
    sign_up(client, "alice")
    form = client.get("/settings/profile")
    slots = [name for name in inputs(form.text) if name.startswith("field_name_")]
    assert len(slots) == MAX_PROFILE_FIELDS
    links = {
        key: f"{kind}{n}"
        for n in range(MAX_PROFILE_FIELDS)
        for key, kind in ((f"field_name_{n}", "Link "), (f"field_value_{n}", "https://x.example/"))
    }
    response = client.post("/settings/profile", data={"csrf_token": csrf_of(form), **links})
    assert response.status_code == 303, response.text
    account = await account_of(db, "alice")
    assert [f["name"] for f in account.fields] == [f"Link {n}" for n in range(MAX_PROFILE_FIELDS)]
    again = inputs(client.get("/settings/profile").text)
    assert (
        again[f"field_value_{MAX_PROFILE_FIELDS - 1}"]
        == f"https://x.example/{MAX_PROFILE_FIELDS - 1}"
    )
