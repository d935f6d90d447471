"""The authorization-code flow through the pages: sign in, consent, code, token."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from tests.live import LiveServer
from tests.web.helpers import csrf_of, inputs, sign_in_form, sign_up

CALLBACK = "https://client.example/callback?from=weft"
OOB = "urn:ietf:wg:oauth:2.0:oob"


@dataclass(frozen=True)
class App:
    client_id: str
    client_secret: str


def register_app(
    client: httpx.Client, redirect_uris: str = CALLBACK, scopes: str = "read write follow"
) -> App:
    response = client.post(
        "/api/v1/apps",
        data={
            "client_name": "Tusky <test>",
            "redirect_uris": redirect_uris,
            "scopes": scopes,
            "website": "https://tusky.example",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    return App(body["client_id"], body["client_secret"])


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_url(app: App, **params: str) -> str:
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": CALLBACK,
        "scope": "read write",
        "state": "xyz 123",
        **params,
    }
    return "/oauth/authorize?" + urlencode(query)


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def consent(browser: httpx.Client, url: str) -> httpx.Response:
    page = browser.get(url)
    assert page.status_code == 200, page.text
    assert '<h1 id="authorize-title">Authorize Tusky &lt;test&gt;?</h1>' in page.text
    return page


def decide(browser: httpx.Client, page: httpx.Response, decision: str) -> httpx.Response:
    fields = inputs(page.text)
    fields["decision"] = decision
    return browser.post("/oauth/authorize", data=fields)


def exchange(client: httpx.Client, app: App, code: str, verifier: str) -> httpx.Response:
    return client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
    )


@pytest.fixture
def app(client: httpx.Client) -> App:
    return register_app(client)


@pytest.fixture
def web_alice(server: LiveServer) -> str:
    """Alice, signed up through the web form; her username."""
    with server.client() as browser:
        sign_up(browser, "alice")
    return "alice"


def test_the_full_flow_with_pkce(server: LiveServer, app: App, web_alice: str) -> None:
    verifier, challenge = pkce()
    url = authorize_url(app, code_challenge=challenge, code_challenge_method="S256")
    with server.client() as browser:
        response = browser.get(url)
        assert response.status_code == 302
        location = response.headers["location"]
        assert location == "/auth/sign_in?" + urlencode({"next": url})

        response = sign_in_form(browser, web_alice, next=query_of(location)["next"])
        assert response.status_code == 303
        assert response.headers["location"] == url

        page = consent(browser, url)
        assert "@alice@" in page.text
        assert "https://tusky.example" in page.text
        assert "Read all your account&#39;s data" in page.text
        assert "Change all your account&#39;s data" in page.text
        assert "Follow, block and mute" not in page.text  # not requested
        assert page.headers["x-frame-options"] == "DENY"

        response = decide(browser, page, "approve")
        assert response.status_code == 303
        location = response.headers["location"]
        assert location.startswith("https://client.example/callback?")
        params = query_of(location)
        assert params["from"] == "weft"
        assert params["state"] == "xyz 123"
        code = params["code"]

    with server.client() as client:
        wrong = exchange(client, app, code, pkce()[0])
        assert wrong.status_code == 400
        assert wrong.json()["error"] == "invalid_grant"

        token = exchange(client, app, code, verifier)
        assert token.status_code == 200, token.text
        body = token.json()
        assert body["scope"] == "read write"
        me = client.get(
            "/api/v1/accounts/verify_credentials",
            headers={"Authorization": f"Bearer {body['access_token']}"},
        )
        assert me.status_code == 200
        assert me.json()["username"] == "alice"

        again = exchange(client, app, code, verifier)
        assert again.status_code == 400
        assert again.json()["error"] == "invalid_grant"


def test_deny_sends_access_denied_with_the_state(
    server: LiveServer, app: App, web_alice: str
) -> None:
    with server.client() as browser:
        sign_in_form(browser, web_alice)
        page = consent(browser, authorize_url(app))
        response = decide(browser, page, "deny")
        assert response.status_code == 303
        params = query_of(response.headers["location"])
        assert response.headers["location"].startswith("https://client.example/callback?")
        assert params["error"] == "access_denied"
        assert params["state"] == "xyz 123"
        assert "code" not in params


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"redirect_uri": "https://evil.example/steal"}, "The redirect_uri does not match"),
        ({"client_id": "unknown"}, "unknown client_id"),
        ({"client_id": ""}, "unknown client_id"),
    ],
)
def test_a_bad_client_or_redirect_uri_gets_a_page_not_a_redirect(
    server: LiveServer, app: App, web_alice: str, changes: dict[str, str], message: str
) -> None:
    url = authorize_url(app, **changes, scope="nonsense", response_type="token")
    for signed_in in (False, True):
        with server.client() as browser:
            if signed_in:
                sign_in_form(browser, web_alice)
            response = browser.get(url)
            assert response.status_code == 400
            assert "location" not in response.headers
            assert message in response.text


def test_other_errors_redirect_with_the_state(server: LiveServer, app: App, web_alice: str) -> None:
    with server.client() as browser:
        sign_in_form(browser, web_alice)
        for changes, error in (
            ({"scope": "admin:write"}, "invalid_scope"),
            ({"scope": "nonsense"}, "invalid_scope"),
            ({"response_type": "token"}, "unsupported_response_type"),
        ):
            response = browser.get(authorize_url(app, **changes))
            assert response.status_code == 302
            params = query_of(response.headers["location"])
            assert params["error"] == error
            assert params["state"] == "xyz 123"


def test_a_bad_code_challenge_is_refused_before_consent(
    server: LiveServer, app: App, web_alice: str
) -> None:
    with server.client() as browser:
        sign_in_form(browser, web_alice)
        for challenge, method in (("x" * 43, "MD5"), ("short", "S256")):
            url = authorize_url(app, code_challenge=challenge, code_challenge_method=method)
            response = browser.get(url)
            assert response.status_code == 302
            params = query_of(response.headers["location"])
            assert params["error"] == "invalid_request"
            assert params["state"] == "xyz 123"


def test_the_post_is_checked_again(server: LiveServer, app: App, web_alice: str) -> None:
    with server.client() as browser:
        sign_in_form(browser, web_alice)
        page = consent(browser, authorize_url(app))
        fields = inputs(page.text)
        tampered = {**fields, "redirect_uri": "https://evil.example/steal"}
        response = browser.post("/oauth/authorize", data=tampered)
        assert response.status_code == 400
        assert "location" not in response.headers
        response = browser.post("/oauth/authorize", data={**fields, "scope": "admin:read"})
        assert response.status_code == 303
        assert query_of(response.headers["location"])["error"] == "invalid_scope"


def test_approval_needs_the_csrf_token(server: LiveServer, app: App, web_alice: str) -> None:
    with server.client() as browser:
        sign_in_form(browser, web_alice)
        fields = inputs(consent(browser, authorize_url(app)).text)
        for token in (None, "wrong"):
            data = {k: v for k, v in fields.items() if k != "csrf_token"}
            if token is not None:
                data["csrf_token"] = token
            response = browser.post("/oauth/authorize", data=data)
            assert response.status_code == 403
            assert "location" not in response.headers


def test_force_login_asks_to_sign_in_again(server: LiveServer, app: App, web_alice: str) -> None:
    url = authorize_url(app)
    with server.client() as browser:
        sign_in_form(browser, web_alice)
        response = browser.get(url + "&force_login=true")
        assert response.status_code == 302
        assert response.headers["location"] == "/auth/sign_in?" + urlencode({"next": url})
        page = browser.get(response.headers["location"])
        assert "You are signed in as @alice" in page.text
        assert inputs(page.text)["next"] == url


def test_out_of_band_shows_the_code(server: LiveServer, web_alice: str) -> None:
    with server.client() as browser:
        app = register_app(browser, redirect_uris=OOB)
        sign_in_form(browser, web_alice)
        url = authorize_url(app, redirect_uri=OOB)
        response = decide(browser, consent(browser, url), "approve")
        assert response.status_code == 200
        assert "location" not in response.headers
        assert "Copy this code and paste it into Tusky &lt;test&gt;" in response.text
        found = re.search(
            r'<input id="code" type="text" class="code" value="([^"]+)"', response.text
        )
        assert found is not None
        code = found.group(1)
        token = browser.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "code": code,
                "redirect_uri": OOB,
            },
        )
        assert token.status_code == 200, token.text


def test_signed_out_posts_go_to_sign_in(server: LiveServer, app: App) -> None:
    with server.client() as browser:
        token = csrf_of(browser.get("/auth/sign_in"))
        response = browser.post(
            "/oauth/authorize",
            data={
                "csrf_token": token,
                "client_id": app.client_id,
                "redirect_uri": CALLBACK,
                "response_type": "code",
                "scope": "read",
            },
        )
        assert response.status_code == 302
        assert response.headers["location"].startswith("/auth/sign_in?next=")


def test_out_of_band_deny_says_so(server: LiveServer, web_alice: str) -> None:
    with server.client() as browser:
        app = register_app(browser, redirect_uris=OOB)
        sign_in_form(browser, web_alice)
        response = decide(browser, consent(browser, authorize_url(app, redirect_uri=OOB)), "deny")
        assert response.status_code == 200
        assert "Tusky &lt;test&gt; was not given access to your account." in response.text
        assert 'class="code"' not in response.text


@pytest.mark.parametrize("name", ["state", "code_challenge", "client_id"])
def test_a_nul_character_is_a_400_page(
    server: LiveServer, app: App, web_alice: str, name: str
) -> None:
    with server.client() as browser:
        sign_in_form(browser, web_alice)
        response = browser.get(authorize_url(app, **{name: "x" * 43 + "\x00"}))
        assert response.status_code == 400
        assert "location" not in response.headers
        assert "The request contains a NUL character" in response.text
