"""Cookie flags that the loopback HTTP server cannot show: Secure behind HTTPS."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi import Request, Response

from weft.config import Settings
from weft.web.session import clear_session_cookie, remember_csrf, set_session_cookie


def _request(base_url: str) -> Request:
    app = SimpleNamespace(
        state=SimpleNamespace(runtime=SimpleNamespace(settings=Settings(base_url=base_url)))
    )
    return Request({"type": "http", "app": app, "headers": [], "state": {}})


@pytest.mark.parametrize(
    ("base_url", "secure"), [("https://weft.example", True), ("http://127.0.0.1:8000", False)]
)
def test_cookies_are_secure_exactly_when_the_site_is_https(base_url: str, secure: bool) -> None:
    request = _request(base_url)
    request.state.new_csrf = "token"
    response = Response()
    set_session_cookie(request, response, "secret")
    remember_csrf(request, response)
    clear_response = Response()
    clear_session_cookie(request, clear_response)
    for header in [
        *response.headers.getlist("set-cookie"),
        *clear_response.headers.getlist("set-cookie"),
    ]:
        assert ("; Secure" in header) is secure, header
        assert "HttpOnly" in header
        assert "SameSite=lax" in header
        assert "Path=/" in header
