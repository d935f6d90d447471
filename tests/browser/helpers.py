"""Steps the browser tests share: async set-up off the browser's thread, an
accessibility audit, and signing up and in through the real forms.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from typing import Any, TypeVar

from playwright.sync_api import Page

from tests.factories import PASSWORD
from weft.web import router

T = TypeVar("T")

# axe-core as shipped inside the pinned axe-playwright-python wheel (no Node needed).
AXE_SCRIPT = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
BLOCKING_IMPACTS = ("serious", "critical")


def web_routes() -> list[tuple[str, str]]:
    """(method, path template) of every route the web router serves, sorted."""
    found: set[tuple[str, str]] = set()
    for included in router.routes:
        # FastAPI keeps an included router whole; it lists its routes with full paths.
        contexts = getattr(included, "effective_route_contexts", None)
        for route in contexts() if contexts else [included]:
            for method in getattr(route, "methods", None) or ():
                found.add((method, str(getattr(route, "path", ""))))
    return sorted(found)


def fill(template: str, values: dict[str, str]) -> str:
    """The path with each ``{name}`` or ``{name:converter}`` replaced by a real value
    (``1`` for a name ``values`` lacks)."""

    def value(match: re.Match[str]) -> str:
        return values.get(match.group(1), "1")

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, template)


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to the end in a thread of its own.

    Playwright's sync API keeps an event loop marked as running in the test's
    thread, so ``asyncio.run`` there would refuse.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (all rules, every impact).

    The script goes in through the DevTools protocol, which the page's
    Content-Security-Policy (scripts from our own files only) does not govern.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    violations: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One paragraph per rule: what it asks, where it failed, and axe's reasons."""
    lines: list[str] = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}: {' '.join(node['html'].split())[:200]}")
            checks = node.get("any", []) + node.get("all", []) + node.get("none", [])
            lines.extend(f"      {check['message']}" for check in checks)
    return "\n".join(lines)


def assert_accessible(page: Page, where: str = "") -> None:
    """Fail with a readable list when axe finds a serious or critical problem."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (
        f"axe-core found {len(blocking)} serious or critical problem(s) on {page.url}"
        f"{f' ({where})' if where else ''}:\n{describe_violations(blocking)}"
    )


def sign_up(page: Page, username: str, password: str = PASSWORD) -> None:
    """Create an account through the sign-up form and land signed in on the home page."""
    page.goto("/auth/sign_up")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password").fill(password)
    page.get_by_label("I agree to the server rules").check()
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("/")
    assert_signed_in(page)


def sign_in(page: Page, login: str, password: str = PASSWORD) -> None:
    """Sign in through the form; the browser ends up wherever the form sends it."""
    page.goto("/auth/sign_in")
    page.get_by_label("Email or username").fill(login)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert_signed_in(page)


def is_signed_in(page: Page) -> bool:
    """Whether the page offers to sign out (every page does while signed in)."""
    return page.get_by_role("button", name="Sign out").count() > 0


def assert_signed_in(page: Page) -> None:
    assert is_signed_in(page), f"not signed in on {page.url}"
