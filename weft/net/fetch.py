"""The guarded fetcher: the one way Weft reads a remote URL.

Link previews, federation and remote media all call :func:`fetch`. It refuses
anything but http(s), resolves the host itself and refuses private, loopback,
link-local and other non-public addresses (unless the server allows private
networks, for tests and local trials), then connects to the very address it
checked, so a DNS answer that changes between the check and the connection
(DNS rebinding) cannot send it elsewhere. Redirects are followed here, one hop
at a time, each hop checked the same way. Bodies are read up to a size limit,
and the whole fetch (every hop, connect and read) has one time limit.

>>> result = await fetch("https://example.com/", settings=settings, max_bytes=2**20, timeout=10)
>>> result.status, result.content_type
(200, 'text/html')

See docs/decisions/0008-remote-fetches.md.
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from weft import __version__, json_input

if TYPE_CHECKING:
    from weft.config import Settings

IPAddress = IPv4Address | IPv6Address
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}
# Headers that must not follow a redirect to another origin.
_CREDENTIALS = {"authorization", "cookie", "signature", "signature-input", "proxy-authorization"}
_CGNAT = ip_network("100.64.0.0/10")
_NAT64 = ip_network("64:ff9b::/96")
_WRITE_BYTES = 1 << 20  # fetch_to_file writes to disk in pieces of this size
# One part of an IPv4 address as inet_aton reads it: hex, octal or decimal.
_IPV4_PART = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")


# --- errors -------------------------------------------------------------------


class FetchError(Exception):
    """A remote fetch that did not give a usable answer; ``str()`` says why."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class BadScheme(FetchError):
    """Not an http(s) URL, or no host."""


class BlockedAddress(FetchError):
    """The host resolves to an address Weft must not reach (private, loopback, ...)."""


class ConnectFailed(FetchError):
    """No address answered, the name did not resolve, or the connection broke."""


class Timeout(FetchError):
    """The whole fetch (every hop) took longer than its time limit."""


class TooLarge(FetchError):
    """The body is larger than the caller's limit (declared or as read)."""


class TooManyRedirects(FetchError):
    """More than ``MAX_REDIRECTS`` redirects, or a redirect without a Location."""


class UnwantedType(FetchError):
    """The answer's content type is not one the caller accepts."""


class HTTPStatus(FetchError):
    """The server answered 4xx or 5xx; ``status`` says which (410 means gone)."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(url, f"answered HTTP {status}")
        self.status = status


# --- results ------------------------------------------------------------------


@dataclass(frozen=True)
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    headers: httpx.Headers
    body: bytes
    content_type: str  # the media type alone, lower case ("text/html")
    charset: str | None = None

    def text(self, fallback: str = "utf-8") -> str:
        try:
            return self.body.decode(self.charset or fallback, errors="replace")
        except LookupError:  # a charset Python does not know
            return self.body.decode(fallback, errors="replace")


# --- addresses ----------------------------------------------------------------


def is_public_address(ip: IPAddress) -> bool:
    """Whether ``ip`` is a public unicast address (what a remote fetch may reach).

    Addresses that embed an IPv4 address (IPv4-mapped, 6to4, Teredo, NAT64)
    are judged by the address they carry: ``::ffff:127.0.0.1`` is loopback.
    """
    if isinstance(ip, IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_public_address(ip.ipv4_mapped)
        embedded = [ip.sixtofour, ip.teredo[1] if ip.teredo else None]
        if ip in _NAT64:
            embedded.append(IPv4Address(int(ip) & 0xFFFFFFFF))
        if any(e is not None and not is_public_address(e) for e in embedded):
            return False
        if ip.is_site_local:
            return False
    if isinstance(ip, IPv4Address) and ip in _CGNAT:
        return False
    refused = (
        ip.is_private,
        ip.is_loopback,
        ip.is_link_local,
        ip.is_multicast,
        ip.is_unspecified,
        ip.is_reserved,
    )
    return ip.is_global and not any(refused)


def legacy_ipv4(host: str) -> IPv4Address | None:
    """``host`` read as the C resolver reads a number (``0177.0.0.1``,
    ``127.000.000.001``, ``0x7f.1``, ``2130706433`` are all 127.0.0.1), or None
    when it is not one. httpx refuses some of these forms and passes others to
    getaddrinfo, so the address is decided here, before anything is signed or
    sent for such a URL.

    >>> legacy_ipv4("0177.0.0.1"), legacy_ipv4("127.1"), legacy_ipv4("example.com")
    (IPv4Address('127.0.0.1'), IPv4Address('127.0.0.1'), None)
    """
    parts = host.removesuffix(".").split(".")
    if not 1 <= len(parts) <= 4 or not all(_IPV4_PART.fullmatch(p) for p in parts):
        return None
    numbers = [
        int(p[2:] or "0", 16) if p[:2].lower() == "0x" else int(p, 8 if p[0] == "0" else 10)
        for p in parts
    ]
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    return IPv4Address(sum(n << (8 * (3 - i)) for i, n in enumerate(head)) + last)


def check_url(url: str, guard: Guard) -> httpx.URL:
    """``url`` as the fetcher reads it, or a :class:`FetchError` before any work
    is done for it (signing included): not a URL, not http(s), no host, or a host
    that is a number ``guard`` does not permit, however it is written."""
    try:
        host = urlsplit(url).hostname or ""
        address = legacy_ipv4(host)
        if address is not None and not guard.permits(address):
            raise BlockedAddress(url, f"{host} is {address}, a non-public address")
        target = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise BadScheme(url, f"is not a valid URL ({error})") from None
    if target.scheme not in ("http", "https") or not target.raw_host:
        raise BadScheme(url, "only http and https URLs with a host can be fetched")
    return target


async def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (an IP literal is itself), off the event loop."""
    try:
        return [ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: dict[IPAddress, None] = {}
    for *_, sockaddr in infos:
        found[ip_address(str(sockaddr[0]).split("%", 1)[0])] = None
    return list(found)


def _any_address(_: IPAddress) -> bool:
    return True


@dataclass(frozen=True)
class Guard:
    """Which addresses a fetch may reach, and how names become addresses.

    ``Guard.for_settings`` is what production uses; tests may build one with
    their own resolver or a narrower exception (one loopback address).
    """

    permits: Callable[[IPAddress], bool] = is_public_address
    resolve: Resolver = field(default=resolve_host)

    @classmethod
    def for_settings(cls, settings: Settings) -> Guard:
        return cls(_any_address if settings.allow_private_network else is_public_address)

    async def addresses(self, url: httpx.URL) -> list[IPAddress]:
        """The addresses to connect to; refused if ANY of them is not permitted,
        so a name cannot smuggle a private address in among public ones."""
        host = url.raw_host.decode("ascii")
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            found = await self.resolve(host, port)
        except (OSError, UnicodeError) as error:
            raise ConnectFailed(str(url), f"{host} does not resolve ({error})") from None
        if not found:
            raise ConnectFailed(str(url), f"{host} does not resolve")
        for address in found:
            if not self.permits(address):
                raise BlockedAddress(str(url), f"{host} is {address}, a non-public address")
        return found


# --- fetching -----------------------------------------------------------------


@dataclass(frozen=True)
class _Hop:
    method: str
    url: httpx.URL
    headers: dict[str, str]
    content: bytes | None


@dataclass(frozen=True)
class _Limits:
    max_bytes: int
    content_types: tuple[str, ...] | None
    follow_redirects: bool = True
    sink: Path | None = None  # stream the body into this file instead of memory


@dataclass(frozen=True)
class _Request:
    """What the caller asks to send (the URL apart)."""

    method: str
    headers: dict[str, str]
    content: bytes | None
    accept: str


def user_agent(settings: Settings) -> str:
    return f"Weft/{__version__} (+{settings.base_url}/)"


async def fetch(
    url: str,
    *,
    settings: Settings,
    max_bytes: int,
    timeout: float,  # noqa: ASYNC109 (the whole fetch's limit, applied with asyncio.timeout)
    accept: str = "*/*",
    method: str = "GET",
    headers: dict[str, str] | None = None,
    content: bytes | None = None,
    content_types: tuple[str, ...] | None = None,
    guard: Guard | None = None,
    follow_redirects: bool = True,
) -> FetchResult:
    """Fetch ``url`` within ``max_bytes`` and ``timeout`` seconds (all hops together).

    ``content_types`` (media types, lower case) refuses any other answer before
    its body is read. Raises a :class:`FetchError` subclass on any failure.
    With ``follow_redirects=False`` a redirect is returned as the answer (a
    signed delivery must not be replayed to another URL).
    """
    limits = _Limits(max_bytes, content_types, follow_redirects)
    request = _Request(method.upper(), {**(headers or {})}, content, accept)
    return await _fetch(url, settings, limits, request, timeout, guard)


async def fetch_to_file(
    url: str,
    path: Path,
    *,
    settings: Settings,
    max_bytes: int,
    timeout: float,  # noqa: ASYNC109 (the whole fetch's limit, applied with asyncio.timeout)
    accept: str = "*/*",
    guard: Guard | None = None,
) -> FetchResult:
    """GET ``url`` as :func:`fetch` does (same checks and limits), writing the
    body to ``path`` as it arrives rather than holding it in memory.

    The result's ``body`` is empty. On any error ``path`` may hold part of the
    body: the caller removes it (it lives in the caller's temporary folder).
    """
    limits = _Limits(max_bytes, None, sink=path)
    return await _fetch(url, settings, limits, _Request("GET", {}, None, accept), timeout, guard)


async def _fetch(
    url: str,
    settings: Settings,
    limits: _Limits,
    request: _Request,
    timeout: float,  # noqa: ASYNC109 (as fetch's)
    guard: Guard | None,
) -> FetchResult:
    """What :func:`fetch` and :func:`fetch_to_file` share."""
    guard = guard or Guard.for_settings(settings)
    sent = {
        "User-Agent": user_agent(settings),
        "Accept": request.accept,
        # Compressed bodies would be inflated past the limit before we could count.
        "Accept-Encoding": "identity",
        **request.headers,
    }
    target = check_url(url, guard)
    hop = _Hop(request.method, target, sent, request.content)
    try:
        async with asyncio.timeout(timeout):
            return await _follow(hop, guard, limits, timeout)
    except TimeoutError:
        raise Timeout(url, f"no complete answer within {timeout:g} s") from None


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every fetch: building one loads the whole CA bundle,
    ~0.1 s of CPU that each new client would otherwise spend again."""
    return httpx.create_ssl_context(trust_env=False)


async def _follow(hop: _Hop, guard: Guard, limits: _Limits, seconds: float) -> FetchResult:
    # trust_env=False: a proxy from the environment would resolve names itself,
    # past our checks. One client per fetch: its connections are to checked IPs.
    async with httpx.AsyncClient(
        trust_env=False, verify=_tls(), follow_redirects=False, timeout=httpx.Timeout(seconds)
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            outcome = await _one_hop(client, hop, guard, limits)
            if isinstance(outcome, FetchResult):
                return outcome
            hop = outcome
    raise TooManyRedirects(str(hop.url), f"more than {MAX_REDIRECTS} redirects")


async def _one_hop(
    client: httpx.AsyncClient, hop: _Hop, guard: Guard, limits: _Limits
) -> FetchResult | _Hop:
    url = str(hop.url)
    if hop.url.scheme not in ("http", "https") or not hop.url.raw_host:
        raise BadScheme(url, "only http and https URLs with a host can be fetched")
    addresses = await guard.addresses(hop.url)
    response = await _connect(client, hop, addresses)
    try:
        if response.status_code in _REDIRECTS and limits.follow_redirects:
            return _redirect(hop, response)
        if response.status_code >= 400:
            raise HTTPStatus(url, response.status_code)
        media_type, charset = _content_type(response.headers.get("content-type", ""))
        if limits.content_types is not None and media_type not in limits.content_types:
            raise UnwantedType(url, f"is {media_type or 'of no declared type'}")
        if limits.sink is not None:
            await _read_to_file(response, url, limits.max_bytes, limits.sink)
            body = b""
        else:
            body = await _read(response, url, limits.max_bytes)
        return FetchResult(url, response.status_code, response.headers, body, media_type, charset)
    except httpx.TimeoutException:
        raise Timeout(url, "the server stopped answering") from None
    except httpx.HTTPError as error:
        raise ConnectFailed(url, f"the answer broke off ({error})") from None
    finally:
        await response.aclose()


async def _connect(
    client: httpx.AsyncClient, hop: _Hop, addresses: list[IPAddress]
) -> httpx.Response:
    """Send ``hop`` to the first checked address that accepts a connection.

    The request goes to the IP itself (pinned: no second DNS lookup can
    happen), with the original Host header, and for https the original name
    as SNI, which is also the name the certificate is verified against.
    """
    host = hop.url.raw_host.decode("ascii")
    headers = {**hop.headers, "Host": hop.url.netloc.decode("ascii")}
    extensions = {"sni_hostname": host} if hop.url.scheme == "https" else {}
    failure: Exception | None = None
    for address in addresses:
        request = client.build_request(
            hop.method,
            hop.url.copy_with(host=str(address)),
            headers=headers,
            content=hop.content,
            extensions=extensions,
        )
        try:
            return await client.send(request, stream=True)
        except httpx.ConnectError as error:
            failure = error
        except httpx.TimeoutException:
            raise Timeout(str(hop.url), "the server did not answer in time") from None
        except httpx.HTTPError as error:
            raise ConnectFailed(str(hop.url), str(error) or type(error).__name__) from None
    raise ConnectFailed(str(hop.url), f"no address of {host} accepted a connection ({failure})")


def _redirect(hop: _Hop, response: httpx.Response) -> _Hop:
    location = response.headers.get("location")
    if not location:
        raise TooManyRedirects(str(hop.url), f"HTTP {response.status_code} without a Location")
    try:
        target = hop.url.join(location)
    except httpx.InvalidURL as error:
        raise BadScheme(location, f"is not a valid redirect target ({error})") from None
    method, content = hop.method, hop.content
    # What browsers do: 303 always, and 301/302 after a POST, become a GET.
    if (response.status_code == 303 and method != "HEAD") or (
        response.status_code in (301, 302) and method == "POST"
    ):
        method, content = "GET", None
    headers = hop.headers
    if (target.scheme, target.raw_host, target.port) != (
        hop.url.scheme,
        hop.url.raw_host,
        hop.url.port,
    ):
        headers = {k: v for k, v in headers.items() if k.lower() not in _CREDENTIALS}
    return _Hop(method, target, headers, content)


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


async def _read(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(url, f"declares {declared} bytes, more than {max_bytes}")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise TooLarge(url, f"is larger than {max_bytes} bytes")
    return bytes(body)


async def _read_to_file(response: httpx.Response, url: str, max_bytes: int, path: Path) -> None:
    """Stream the body into ``path``, counting as :func:`_read` does; the
    writes (1 MB at a time) happen in a worker thread, off the event loop."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(url, f"declares {declared} bytes, more than {max_bytes}")
    size = 0
    pending = bytearray()
    with path.open("wb") as out:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(url, f"is larger than {max_bytes} bytes")
            pending += chunk
            if len(pending) >= _WRITE_BYTES:
                await asyncio.to_thread(out.write, bytes(pending))
                pending.clear()
        await asyncio.to_thread(out.write, bytes(pending))


def json_body(result: FetchResult) -> Any:
    """The body as JSON, within :mod:`weft.json_input`'s bounds (callers catch
    ``ValueError`` for a malformed, too large or too deep one)."""
    return json_input.parse(result.body)
