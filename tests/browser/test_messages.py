"""Messages in a real browser: two people in two browser contexts chat live
(static/live.js and static/messages.js over the streaming socket): a message
and a photo arrive without a reload, the rail's badge counts the unread chat,
"Seen" appears when the other reads; a reaction shows on the other side; the
pages pass axe-core in light and dark, at desktop and phone sizes; the
composer works by keyboard (Enter sends).

"No reload" is checked with a mark left on ``window`` (tests/browser/test_page_script.py).
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import NewContext, Screenshots, sqlite_only
from tests.browser.helpers import assert_accessible, sign_in
from tests.browser.test_live import shoot
from tests.browser.test_page_script import assert_not_reloaded, mark, people
from tests.live import LiveServer

pytestmark = sqlite_only


def photo(directory: Path) -> Path:
    path = directory / "beach.png"
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (240, 200, 80)).save(out, "PNG")
    path.write_bytes(out.getvalue())
    return path


def opened(new_context: NewContext, size: str, username: str, path: str) -> Page:
    page = new_context(size).new_page()
    sign_in(page, username)
    page.goto(path)
    expect(page.locator("body[data-live]")).to_have_count(1)  # the socket is open
    mark(page)
    return page


def test_a_two_person_chat_live_with_a_photo(
    new_context: NewContext,
    server: LiveServer,
    size: str,
    screenshots: Screenshots,
    tmp_path: Path,
) -> None:
    ana, bo = people(server)  # ana follows bo: bo's messages land in her inbox
    writer = new_context(size).new_page()
    sign_in(writer, bo.username)
    writer.goto(f"/@{ana.username}")
    writer.get_by_role("button", name=f"Message @{ana.username}").click()
    writer.wait_for_url("**/messages/*")
    chat_path = writer.url.split(server.url, 1)[1]
    expect(writer.locator("body[data-live]")).to_have_count(1)
    mark(writer)

    home = opened(new_context, size, ana.username, "/")
    box = writer.get_by_label("Message", exact=True)
    box.fill("hi ana, look at this")
    box.press("Enter")  # Enter sends
    expect(writer.locator(".message.mine .bubble")).to_contain_text("hi ana, look at this")
    expect(box).to_have_value("")
    assert_not_reloaded(writer)
    badge = home.locator("[data-messages-badge]")
    expect(badge).to_have_text("1")
    expect(home.get_by_role("link", name="Messages, 1 unread")).to_have_count(1)
    assert_not_reloaded(home)

    reader = opened(new_context, size, ana.username, "/messages")
    expect(reader.locator(".chat-item.unread")).to_contain_text("hi ana, look at this")
    shoot(reader, screenshots, "chat-list")
    assert_accessible(reader, "the chat list")
    reader.locator(".chat-item a.chat-link").first.click()
    reader.wait_for_url(f"**{chat_path}")
    expect(reader.locator("body[data-live]")).to_have_count(1)
    mark(reader)
    expect(reader.locator("[data-messages-badge]")).to_be_hidden()
    expect(writer.locator(".seen")).to_have_text("Seen")  # ana read it: live to bo

    writer.set_input_files("#message-media", str(photo(tmp_path)))
    expect(writer.locator("[data-chosen-files]")).to_have_text("To send: beach.png")
    writer.get_by_role("button", name="Send").click()
    picture = reader.locator(".message.theirs .message-media img")
    expect(picture).to_have_count(1)
    expect(picture).to_have_attribute("alt", "Photo from bo")
    assert_not_reloaded(reader)
    assert_not_reloaded(writer)

    reader.get_by_label("Message", exact=True).fill("nice beach!")
    reader.get_by_role("button", name="Send").click()
    expect(writer.locator(".message.theirs .bubble")).to_contain_text("nice beach!")
    expect(reader.locator(".seen")).to_have_text("Seen")
    assert_not_reloaded(writer)

    # A reaction, by keyboard-reachable menu, shows on the other side.
    last = reader.locator(".message.theirs").last
    last.locator(".message-menu summary").click()
    last.get_by_role("button", name="React with ❤️").click()
    expect(writer.locator(".message.mine .reaction")).to_have_count(1)
    expect(writer.locator(".message.mine .reaction")).to_contain_text("❤️")
    assert_not_reloaded(writer)
    assert_not_reloaded(reader)

    shoot(reader, screenshots, "chat-reader")
    shoot(writer, screenshots, "chat-writer")
    assert_accessible(reader, "a chat, the reader's side")
    reader.emulate_media(color_scheme="dark")
    assert_accessible(reader, "a chat in dark")
    reader.emulate_media(color_scheme="light")
    assert_accessible(writer, "a chat, the writer's side")


def test_group_info_and_requests_pages(
    new_context: NewContext, server: LiveServer, size: str, screenshots: Screenshots
) -> None:
    ana, bo = people(server)
    page = new_context(size).new_page()
    sign_in(page, ana.username)
    page.goto("/messages/new")
    page.get_by_label("bo", exact=False).first.check()
    page.get_by_label("Group name (optional)").fill("Weekend")
    page.get_by_role("button", name="Start chat").click()
    page.wait_for_url("**/messages/*")
    page.get_by_label("Message", exact=True).fill("plans?")
    page.get_by_label("Message", exact=True).press("Enter")
    expect(page.locator(".message.mine .bubble")).to_contain_text("plans?")
    page.get_by_role("link", name="Details of this chat").click()
    expect(page.get_by_role("heading", name="Members (2)")).to_be_visible()
    shoot(page, screenshots, "group-info")
    assert_accessible(page, "a group's info page")

    other = new_context(size).new_page()
    sign_in(other, bo.username)
    other.goto("/messages?folder=requests")  # bo doesn't follow ana: a request
    expect(other.locator(".chat-item")).to_contain_text("Weekend")
    shoot(other, screenshots, "requests")
    assert_accessible(other, "the requests folder")
    other.locator(".chat-item a.chat-link").first.click()
    expect(other.get_by_role("heading", name="ana added you to Weekend")).to_be_visible()
    shoot(other, screenshots, "request")
    assert_accessible(other, "a request")
    other.get_by_role("button", name="Accept").click()
    expect(other.locator(".request-banner")).to_have_count(0)
