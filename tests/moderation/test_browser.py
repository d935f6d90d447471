"""A moderator's day in a real browser: a report in the queue, its context
shown, an action taken, and the audit log (an admin's), at both sizes and in
both colour schemes (screenshots in tests/artifacts/browser/), audited by axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import NewContext, Screenshots, sqlite_only
from tests.browser.helpers import assert_accessible, run_async, sign_in
from tests.factories import make_person
from tests.live import LiveServer
from tests.moderation.conftest import make_staff
from weft.actions.posts.post import Draft, post_status
from weft.actions.reports import ReportForm, file_report
from weft.db.database import Database

pytestmark = pytest.mark.browser


def world(server: LiveServer, size: str) -> None:
    """Sam reports one of Tom's posts; Meg moderates, Ada administers."""

    async def make() -> None:
        db = Database(server.settings.database_url)
        try:
            sam = await make_person(db, server.settings, "sam")
            tom = await make_person(db, server.settings, "tom")
            await make_staff(db, server.settings, "meg", "moderator")
            await make_staff(db, server.settings, "ada", "admin")
            post = await post_status(
                db, server.settings, tom.account_id, Draft(f"Cheap watches here ({size})")
            )
            form = ReportForm(tom.account_id, [post.id], "Spam, again", "spam")
            await file_report(db, sam.account_id, form)
        finally:
            await db.dispose()

    run_async(make())


@sqlite_only
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_moderators_day(
    new_context: NewContext, server: LiveServer, screenshots: Screenshots, size: str, scheme: str
) -> None:
    world(server, size)
    page = new_context(size, color_scheme=scheme).new_page()
    sign_in(page, "meg")
    page.goto("/admin")
    expect(page.get_by_role("heading", name="Moderation")).to_be_visible()
    link = page.get_by_role("link", name="Report about @tom")
    expect(link).to_be_visible()
    expect(page.get_by_text("Spam, again")).to_be_visible()
    screenshots.take(page, f"{scheme}-{size}-queue")
    assert_accessible(page, "the report queue")

    link.click()
    expect(page.get_by_role("heading", name="Report about @tom")).to_be_visible()
    expect(page.get_by_text(f"Cheap watches here ({size})")).to_be_visible()
    expect(page.get_by_text("@sam")).to_be_visible()
    page.get_by_role("button", name="Take this report").click()
    expect(page.locator(".notice")).to_have_text("You took this report.")
    expect(page.get_by_text("taken by @meg")).to_be_visible()
    screenshots.take(page, f"{scheme}-{size}-report")
    assert_accessible(page, "a report")

    # Refused input comes back on the page, under the field.
    page.get_by_label("Message to the person").fill("x" * 5001)
    page.get_by_role("button", name="Apply and resolve").click()
    expect(page.get_by_role("alert")).to_have_text("Message is longer than 5000 characters")
    assert_accessible(page, "a refused action")

    page.get_by_label("Limit").check()
    page.get_by_label("Message to the person").fill("Please stop posting ads.")
    page.get_by_role("button", name="Apply and resolve").click()
    expect(page.locator(".notice")).to_contain_text("report resolved")
    expect(page.get_by_text("limited", exact=True)).to_be_visible()
    expect(page.get_by_text("Earlier warnings")).to_be_visible()
    screenshots.take(page, f"{scheme}-{size}-acted")
    assert_accessible(page, "a report after the action")

    page.get_by_role("link", name="Open reports").click()
    expect(page.get_by_text("No open reports.")).to_be_visible()
    # The audit log is the admins'.
    assert page.request.get("/admin/audit_log").status == 403

    # People who are not staff are refused.
    reporter = new_context(size, color_scheme=scheme).new_page()
    sign_in(reporter, "sam")
    expect(reporter.get_by_role("link", name="Moderation")).to_have_count(0)
    assert reporter.request.get("/admin/reports").status == 403

    admin = new_context(size, color_scheme=scheme).new_page()
    sign_in(admin, "ada")
    admin.goto("/admin/reports")
    admin.get_by_role("link", name="Audit log").click()
    entries = admin.locator(".audit-entry")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text("@meg · silence")
    expect(entries.first).to_contain_text("silence @tom (report")
    expect(entries.last).to_contain_text("@meg · assign_to_self")
    screenshots.take(admin, f"{scheme}-{size}-audit-log")
    assert_accessible(admin, "the audit log")
