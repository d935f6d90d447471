"""The guarded fetcher against a real server on loopback.

Only loopback is reachable here: every refusal of another address is checked
as refused *before* any connection (the client's ``send`` is never called).
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Any

import httpx
import pytest

from tests.net.pages import Page, PageServer
from weft.config import Settings
from weft.net import (
    BadScheme,
    BlockedAddress,
    Guard,
    HTTPStatus,
    Timeout,
    TooLarge,
    TooManyRedirects,
    UnwantedType,
    fetch,
    is_public_address,
)

OPEN = Settings(base_url="https://weft.test", allow_private_network=True)
GUARDED = Settings(base_url="https://weft.test", allow_private_network=False)


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> list[httpx.Request]:
    """Fails the test if the fetcher hands any request to httpx."""
    sent: list[httpx.Request] = []

    async def refuse(self: httpx.AsyncClient, request: httpx.Request, **kwargs: object) -> None:
        sent.append(request)
        raise AssertionError(f"a request to {request.url} was sent")

    monkeypatch.setattr(httpx.AsyncClient, "send", refuse)
    return sent


async def test_fetches_a_page(pages: PageServer) -> None:
    url = pages.add("/hello", Page(b"<p>hi</p>", content_type="text/html; charset=ISO-8859-1"))
    result = await fetch(url, settings=OPEN, max_bytes=1000, timeout=5)
    assert (result.status, result.body, result.url) == (200, b"<p>hi</p>", url)
    assert (result.content_type, result.charset) == ("text/html", "iso-8859-1")
    assert pages.hosts == [f"127.0.0.1:{pages.port}"]
    assert pages.user_agents[0].startswith("Weft/")
    assert "https://weft.test/" in pages.user_agents[0]


async def test_fetches_share_one_tls_context(
    pages: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading the CA bundle costs ~0.1 s of CPU: done once, not per fetch."""
    url = pages.add("/again", "ok")
    await fetch(url, settings=OPEN, max_bytes=100, timeout=5)
    built: list[object] = []
    real = ssl.create_default_context

    def counted(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        built.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counted)
    for _ in range(3):
        assert (await fetch(url, settings=OPEN, max_bytes=100, timeout=5)).body == b"ok"
    assert built == []


async def test_follows_redirects_and_checks_each_hop(pages: PageServer) -> None:
    pages.add("/a", Page(status=302, headers={"Location": "/b"}))
    pages.add("/b", Page(status=301, headers={"Location": f"{pages.url}/c"}))
    final = pages.add("/c", "done")
    result = await fetch(pages.url + "/a", settings=OPEN, max_bytes=100, timeout=5)
    assert (result.url, result.body) == (final, b"done")
    assert dict(pages.requests) == {"/a": 1, "/b": 1, "/c": 1}


async def test_too_many_redirects(pages: PageServer) -> None:
    for n in range(10):
        pages.add(f"/{n}", Page(status=302, headers={"Location": f"/{n + 1}"}))
    with pytest.raises(TooManyRedirects):
        await fetch(pages.url + "/0", settings=OPEN, max_bytes=100, timeout=5)
    assert pages.total_requests == 6  # the first request and five redirects


async def test_a_body_over_the_limit_is_refused(pages: PageServer) -> None:
    url = pages.add("/big", b"x" * 5000)
    with pytest.raises(TooLarge):
        await fetch(url, settings=OPEN, max_bytes=4999, timeout=5)
    assert (await fetch(url, settings=OPEN, max_bytes=5000, timeout=5)).body == b"x" * 5000


async def test_an_undeclared_body_over_the_limit_is_refused_while_reading() -> None:
    """No Content-Length: the limit is counted as the body streams in."""
    served = []

    def serve(listener: socket.socket) -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
            )
            try:
                for _ in range(100):
                    conn.sendall(b"y" * 10_000)
                    served.append(1)
            except OSError:
                pass

    listener = socket.create_server(("127.0.0.1", 0))
    thread = threading.Thread(target=serve, args=(listener,), daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    with pytest.raises(TooLarge):
        await fetch(f"http://127.0.0.1:{port}/", settings=OPEN, max_bytes=50_000, timeout=5)
    thread.join(5)
    listener.close()


async def test_a_slow_server_times_out(pages: PageServer) -> None:
    url = pages.add("/slow", Page(b"late", delay=3))
    started = time.monotonic()
    with pytest.raises(Timeout):
        await fetch(url, settings=OPEN, max_bytes=100, timeout=0.5)
    assert time.monotonic() - started < 2


async def test_error_statuses_and_unwanted_types(pages: PageServer) -> None:
    gone = pages.add("/gone", Page(b"", status=410))
    with pytest.raises(HTTPStatus) as error:
        await fetch(gone, settings=OPEN, max_bytes=100, timeout=5)
    assert error.value.status == 410
    image = pages.add("/img", Page(b"GIF89a", content_type="image/gif"))
    with pytest.raises(UnwantedType):
        await fetch(image, settings=OPEN, max_bytes=100, timeout=5, content_types=("text/html",))


@pytest.mark.parametrize(
    "url", ["ftp://example.com/", "file:///etc/passwd", "javascript:alert(1)", "http:///x", "nope"]
)
async def test_only_http_and_https(url: str, no_connections: list[httpx.Request]) -> None:
    with pytest.raises(BadScheme):
        await fetch(url, settings=OPEN, max_bytes=100, timeout=5)


async def test_loopback_is_refused_without_connecting(pages: PageServer) -> None:
    for url in (
        f"{pages.url}/",
        f"http://localhost:{pages.port}/",
        f"http://[::1]:{pages.port}/",
        f"http://[::ffff:127.0.0.1]:{pages.port}/",
        f"http://2130706433:{pages.port}/",  # 127.0.0.1 as one number
    ):
        with pytest.raises(BlockedAddress):
            await fetch(url, settings=GUARDED, max_bytes=100, timeout=5)
    assert pages.connections == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
    ],
)
async def test_private_addresses_are_refused_before_connecting(
    url: str, no_connections: list[httpx.Request]
) -> None:
    with pytest.raises(BlockedAddress):
        await fetch(url, settings=GUARDED, max_bytes=100, timeout=5)
    assert no_connections == []


async def test_a_name_with_any_private_address_is_refused(
    no_connections: list[httpx.Request],
) -> None:
    """One private address among public ones is enough to refuse (no picking)."""

    async def resolve(host: str, port: int) -> list[IPv4Address | IPv6Address]:
        return [ip_address("93.184.215.14"), ip_address("10.0.0.1")]

    with pytest.raises(BlockedAddress):
        await fetch(
            "http://mixed.test/",
            settings=GUARDED,
            max_bytes=100,
            timeout=5,
            guard=Guard(resolve=resolve),
        )
    assert no_connections == []


async def test_a_redirect_to_loopback_is_refused() -> None:
    """An allowed first hop (127.0.0.2, the one loopback address this guard
    permits, reached by a public-looking name) redirects to 127.0.0.1: the
    second hop is refused and 127.0.0.1 never sees a connection."""
    target = PageServer("127.0.0.1").start()
    first = PageServer("127.0.0.2").start()
    try:
        target.add("/secret", "internal")
        first.add("/", Page(status=302, headers={"Location": f"{target.url}/secret"}))
        allowed = ip_address("127.0.0.2")

        async def resolve(host: str, port: int) -> list[IPv4Address | IPv6Address]:
            return [allowed] if host == "public.test" else [ip_address(host)]

        guard = Guard(lambda ip: ip == allowed or is_public_address(ip), resolve)
        with pytest.raises(BlockedAddress):
            await fetch(
                f"http://public.test:{first.port}/",
                settings=GUARDED,
                max_bytes=100,
                timeout=5,
                guard=guard,
            )
        assert first.requests["/"] == 1
        assert first.hosts == [f"public.test:{first.port}"]  # pinned IP, original Host
        assert target.connections == 0
    finally:
        first.stop()
        target.stop()


async def test_the_checked_address_is_the_one_connected_to() -> None:
    """DNS rebinding: the name is resolved once; the connection goes to that
    address, whatever a second lookup would say."""
    pages = PageServer("127.0.0.2").start()
    lookups: list[str] = []
    try:
        pages.add("/", "pinned")

        async def resolve(host: str, port: int) -> list[IPv4Address | IPv6Address]:
            lookups.append(host)
            return [ip_address("127.0.0.2")]

        guard = Guard(lambda ip: ip == ip_address("127.0.0.2"), resolve)
        result = await fetch(
            f"http://rebind.test:{pages.port}/",
            settings=GUARDED,
            max_bytes=100,
            timeout=5,
            guard=guard,
        )
        assert result.body == b"pinned"
        assert lookups == ["rebind.test"]  # rebind.test does not exist: httpx never looked it up
    finally:
        pages.stop()


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.31.255.255", False),
        ("192.168.0.1", False),
        ("169.254.1.1", False),
        ("100.100.0.1", False),
        ("0.0.0.0", False),  # noqa: S104
        ("255.255.255.255", False),
        ("240.0.0.1", False),
        ("239.1.1.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:93.184.215.14", True),
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(ip_address(address)) is public
