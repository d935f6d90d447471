"""A browser client served from another origin signs in and reads home through CORS.

The client is a page on a tiny static server of its own (127.0.0.1, another
port: another origin to the browser), as Phanpy or Elk are served from theirs.
Its script registers an app, gets a token with the password grant and reads
the home timeline, all with ``fetch`` across origins; Chromium lets it read
the answers only if Weft answers CORS.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.browser.conftest import NewContext, sqlite_only
from tests.browser.helpers import run_async
from tests.factories import PASSWORD, make_person
from tests.live import LiveServer
from weft.actions.posts.post import Draft, post_status
from weft.db.database import Database
from weft.jobs.worker import Worker

POSTS = ("first post, read from elsewhere", "second post, read from elsewhere")

CLIENT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Elsewhere</title></head>
<body><main><h1>Elsewhere</h1><pre id="result"></pre></main>
<script>
const WEFT = %(weft)s;
async function signInAndRead() {
  const registered = await fetch(WEFT + "/api/v1/apps", {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({
      client_name: "Elsewhere",
      redirect_uris: "urn:ietf:wg:oauth:2.0:oob",
      scopes: "read write",
    }),
  });
  const app = await registered.json();
  const granted = await fetch(WEFT + "/oauth/token", {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "password",
      client_id: app.client_id,
      client_secret: app.client_secret,
      username: %(username)s,
      password: %(password)s,
      scope: "read",
    }),
  });
  const token = await granted.json();
  const home = await fetch(WEFT + "/api/v1/timelines/home?limit=2", {
    headers: {"Authorization": "Bearer " + token.access_token},
  });
  return {
    apps: registered.status,
    token: granted.status,
    home: home.status,
    link: home.headers.get("Link"),
    posts: (await home.json()).map((status) => status.content),
  };
}
signInAndRead().then(
  (result) => { document.getElementById("result").textContent = JSON.stringify(result); },
  (error) => {
    document.getElementById("result").textContent = JSON.stringify({error: String(error)});
  },
);
</script></body></html>
"""


class ClientPage(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def client_origin(server: LiveServer) -> Iterator[str]:
    """The client's own origin: a static server on 127.0.0.1 at another port."""
    page = CLIENT_PAGE % {
        "weft": json.dumps(server.url),
        "username": json.dumps("alice"),
        "password": json.dumps(PASSWORD),
    }
    handler = type("Page", (ClientPage,), {"body": page.encode()})
    http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_address[1]}"
    finally:
        http.shutdown()
        http.server_close()


async def alice_with_posts(server: LiveServer) -> None:
    db = Database(server.settings.database_url)
    try:
        alice = await make_person(db, server.settings, "alice")
        for text in POSTS:
            await post_status(db, server.settings, alice.account_id, Draft(text))
        await Worker(db, server.settings).run_until_idle()
    finally:
        await db.dispose()


@sqlite_only
def test_a_client_on_another_origin_signs_in_and_reads_home(
    new_context: NewContext, server: LiveServer, client_origin: str
) -> None:
    run_async(alice_with_posts(server))
    assert client_origin != server.url
    page = new_context().new_page()
    page.goto(client_origin)
    page.wait_for_function("document.getElementById('result').textContent !== ''")
    result = json.loads(page.locator("#result").text_content() or "{}")
    assert "error" not in result, result
    assert (result["apps"], result["token"], result["home"]) == (200, 200, 200)
    newest_first = POSTS[::-1]
    assert len(result["posts"]) == len(newest_first)
    assert all(text in post for text, post in zip(newest_first, result["posts"], strict=True))
    assert "max_id" in result["link"]
