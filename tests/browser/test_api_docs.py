"""``/docs`` renders in Chromium on the test machine's closed network: Swagger
UI comes from Weft's own files and reads Weft's OpenAPI 3.1 document."""

from __future__ import annotations

from playwright.sync_api import Request, expect

from tests.browser.conftest import NewContext, sqlite_only
from tests.live import LiveServer


@sqlite_only
def test_the_api_docs_render_from_our_own_files(
    new_context: NewContext, server: LiveServer
) -> None:
    page = new_context().new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(_origin(request)))
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Weft")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/timelines/home")).to_have_count(
        1
    )
    assert set(requested) == {server.url}


def _origin(request: Request) -> str:
    scheme, _, rest = request.url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"
