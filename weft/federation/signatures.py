"""HTTP signatures as Mastodon makes and checks them (draft-cavage-http-signatures-12).

Every outgoing ActivityPub request is signed with :func:`sign_request`; every
incoming one is checked with :func:`verify_request` against the public key of
the ``keyId`` it names, and :func:`key_owner_matches` then ties that key to the
actor the activity claims to come from. RFC 9421 signatures are checked in
:mod:`weft.federation.signatures_rfc9421`, with the same errors and time window.

>>> extra = sign_request("POST", "https://b.example/inbox", {}, body,
...                      key_id="https://a.example/users/alice#main-key", private_key_pem=pem)
>>> sorted(extra)
['Date', 'Digest', 'Host', 'Signature']

See docs/decisions/0009-http-signatures.md.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

Headers = Mapping[str, str]

# Mastodon's SignedRequest: a signature is valid from its creation time until
# its expiry (created + 5 minutes when it names none, never more than 12 hours),
# with one hour of clock skew allowed on either side.
EXPIRATION_WINDOW_LIMIT = timedelta(hours=12)
DEFAULT_LIFETIME = timedelta(minutes=5)
CLOCK_SKEW_MARGIN = timedelta(hours=1)

# "hs2019" names no algorithm: the verifier derives it from the key. For the RSA
# keys every fediverse actor publishes that means RSASSA-PKCS1-v1_5 with SHA-256,
# which is what Mastodon does.
SUPPORTED_ALGORITHMS = frozenset({"rsa-sha256", "hs2019"})
REQUEST_TARGET = "(request-target)"


# --- errors -------------------------------------------------------------------


class SignatureError(Exception):
    """A request signature that cannot be accepted; ``str()`` says why."""


class MissingSignature(SignatureError):
    """No ``Signature`` header (or no ``Signature-Input`` for RFC 9421)."""


class MalformedSignature(SignatureError):
    """The signature header cannot be parsed, or lacks keyId / signature."""


class UnsupportedAlgorithm(SignatureError):
    """An algorithm other than rsa-sha256 / hs2019 (HMAC is never accepted)."""


class WeakSignature(SignatureError):
    """The signature does not cover what Mastodon requires it to cover."""


class MissingSignedHeader(SignatureError):
    """A header named in the signed list is absent from the request."""


class DigestMismatch(SignatureError):
    """The Digest / Content-Digest header is missing, unreadable or not the body's."""


class InvalidDate(SignatureError):
    """The Date header or created / expires parameter is unreadable."""


class DateOutOfWindow(SignatureError):
    """The signature was made too long ago or claims to come from the future."""


class ExpiredSignature(DateOutOfWindow):
    """Created (or Date) too far in the past, or past its expiry."""


class FutureSignature(DateOutOfWindow):
    """Created (or Date) more than the clock skew margin in the future."""


class BadSignature(SignatureError):
    """The signature does not verify with the key (tampered, or the wrong key)."""


# --- the time window (shared with RFC 9421) -----------------------------------


def check_time_window(
    created: datetime | None, expires: datetime | None, now: datetime | None = None
) -> None:
    """Apply Mastodon's window: raise :class:`DateOutOfWindow` outside it."""
    now = now or datetime.now(UTC)
    if created is not None:
        if expires is None:
            expires = created + DEFAULT_LIFETIME
        expires = min(expires, created + EXPIRATION_WINDOW_LIMIT)
        if created > now + CLOCK_SKEW_MARGIN:
            raise FutureSignature(f"Signed request created in the future ({created.isoformat()})")
    if expires is not None and now > expires + CLOCK_SKEW_MARGIN:
        raise ExpiredSignature(f"Signed request expired at {expires.isoformat()}")


# --- Digest (RFC 3230) --------------------------------------------------------


def digest_header(body: bytes) -> str:
    """``SHA-256=<base64>``, the form Mastodon sends."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def check_digest(value: str | None, body: bytes) -> None:
    """Check a ``Digest`` header against the body; only SHA-256 is read.

    Algorithm tokens are case-insensitive (``SHA-256=`` and ``sha-256=``), several
    may be listed with commas, and unknown ones are ignored, but SHA-256 must be
    among them.
    """
    if value is None:
        raise DigestMismatch("Digest header missing")
    offered: dict[str, str] = {}
    for part in value.split(","):
        name, _, encoded = part.strip().partition("=")
        offered[name.strip().lower()] = encoded.strip()
    if "sha-256" not in offered:
        raise DigestMismatch(f"Digest has no SHA-256 value (offered: {', '.join(offered)})")
    try:
        given = base64.b64decode(offered["sha-256"], validate=True)
    except binascii.Error as exc:
        raise DigestMismatch("Digest SHA-256 value is not valid base64") from exc
    if not hmac.compare_digest(given, hashlib.sha256(body).digest()):
        raise DigestMismatch("Digest does not match the body")


# --- parsing ------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureParams:
    """The parameters of a draft-cavage ``Signature`` header."""

    key_id: str
    algorithm: str
    headers: tuple[str, ...]
    signature: bytes
    created: int | None = None
    expires: int | None = None


# One `name=value` pair: value quoted (with backslash escapes) or a bare token.
_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))\s*(?:,|$)')


def _split_params(value: str) -> dict[str, str]:
    params: dict[str, str] = {}
    position = 0
    text = value.strip()
    while position < len(text):
        match = _PARAM.match(text, position)
        if match is None or match.end() == position:
            raise MalformedSignature(f"Cannot parse Signature header near {text[position:][:20]!r}")
        name = match.group(1)
        if name in params:
            raise MalformedSignature(f"Signature parameter {name!r} given twice")
        quoted, bare = match.group(2), match.group(3)
        params[name] = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare
        position = match.end()
    return params


def _timestamp(params: Mapping[str, str], name: str) -> int | None:
    if name not in params:
        return None
    try:
        # draft-12 makes these integers; some senders add a fraction.
        return int(float(params[name]))
    except ValueError as exc:
        raise MalformedSignature(f"Signature parameter {name!r} is not a timestamp") from exc


def parse_signature_header(value: str) -> SignatureParams:
    """Parse ``keyId="...",algorithm="...",headers="...",signature="..."``.

    Parameter order and whitespace around separators do not matter. A missing
    ``algorithm`` means ``hs2019`` and missing ``headers`` means ``(created)``
    for hs2019 and ``date`` otherwise, as in draft-12 and Mastodon.
    """
    params = _split_params(value)
    for required in ("keyId", "signature"):
        if not params.get(required):
            raise MalformedSignature(f"Signature header has no {required}")
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except binascii.Error as exc:
        raise MalformedSignature("Signature value is not valid base64") from exc
    algorithm = params.get("algorithm", "hs2019").lower()
    default_headers = "(created)" if algorithm == "hs2019" else "date"
    headers = tuple(params.get("headers", default_headers).lower().split())
    if not headers:
        raise MalformedSignature("Signature covers no headers")
    return SignatureParams(
        key_id=params["keyId"],
        algorithm=algorithm,
        headers=headers,
        signature=signature,
        created=_timestamp(params, "created"),
        expires=_timestamp(params, "expires"),
    )


# --- the signing string ---------------------------------------------------------


def _lower(headers: Headers) -> dict[str, str]:
    return {name.lower(): value.strip() for name, value in headers.items()}


def _pseudo_header(params: SignatureParams, name: str) -> str:
    if params.algorithm != "hs2019":
        raise WeakSignature(f"Pseudo-header {name} is only valid with hs2019")
    value = params.created if name == "(created)" else params.expires
    if value is None:
        raise MalformedSignature(f"Pseudo-header {name} signed but its parameter is missing")
    return f"{name}: {value}"


def signing_string(method: str, target: str, headers: Headers, params: SignatureParams) -> bytes:
    """The lines joined with ``\\n`` that the signature covers (draft-12 section 2.3)."""
    lowered = _lower(headers)
    lines = []
    for name in params.headers:
        if name == REQUEST_TARGET:
            lines.append(f"{REQUEST_TARGET}: {method.lower()} {target}")
        elif name in ("(created)", "(expires)"):
            lines.append(_pseudo_header(params, name))
        elif name in lowered:
            lines.append(f"{name}: {lowered[name]}")
        else:
            raise MissingSignedHeader(f"Signed header {name!r} is not in the request")
    return "\n".join(lines).encode()


# --- signing --------------------------------------------------------------------


def _host(url: str) -> tuple[str, str]:
    """The ``Host`` and ``(request-target)`` exactly as httpx will send them: an
    internationalised name in its IDNA form, no default port, the path
    percent-encoded (a signature over anything else fails at the receiver)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise ValueError(f"Cannot sign a request to {url!r}: {error}") from None
    if not parsed.raw_host:
        raise ValueError(f"Cannot sign a request to {url!r}: no host")
    return parsed.netloc.decode("ascii").lower(), parsed.raw_path.decode("ascii")


def load_rsa_private_key(pem: str | bytes) -> rsa.RSAPrivateKey:
    """The parsed key, from a cache: parsing checks the key (~60 ms for 2048
    bits), signing with it takes ~1 ms, and each delivery signs with one of a
    few keys (its author's or the instance actor's)."""
    return _parsed_private_key(pem.encode() if isinstance(pem, str) else pem)


@functools.lru_cache(maxsize=512)
def _parsed_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("draft-cavage signatures need an RSA private key")
    return key


def sign_request(
    method: str,
    url: str,
    headers: Headers,
    body: bytes | None,
    *,
    key_id: str,
    private_key_pem: str | bytes,
    now: datetime | None = None,
) -> dict[str, str]:
    """Return the headers to add to a request so that Mastodon accepts it.

    ``Date``, ``Host``, ``Digest`` (for a body, and always for POST) and
    ``Signature`` over ``(request-target) host date [digest]``, RSA-SHA256.
    """
    host, target = _host(url)
    added = {"Host": host, "Date": format_datetime(now or datetime.now(UTC), usegmt=True)}
    signed = [REQUEST_TARGET, "host", "date"]
    if body is not None or method.upper() == "POST":
        added["Digest"] = digest_header(body or b"")
        signed.append("digest")
    params = SignatureParams(key_id, "rsa-sha256", tuple(signed), b"")
    message = signing_string(method, target, {**headers, **added}, params)
    key = load_rsa_private_key(private_key_pem)
    signature = base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
    added["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",'
        f'headers="{" ".join(signed)}",signature="{signature}"'
    )
    return added


# --- verifying ------------------------------------------------------------------


def _check_algorithm(params: SignatureParams) -> None:
    if params.algorithm not in SUPPORTED_ALGORITHMS:
        raise UnsupportedAlgorithm(
            f"Unsupported signature algorithm {params.algorithm!r} (only rsa-sha256 and hs2019)"
        )


def _check_strength(method: str, params: SignatureParams, has_body: bool) -> None:
    signed = set(params.headers)
    if not signed & {"date", "(created)"}:
        raise WeakSignature("The Date header or (created) pseudo-header must be signed")
    if not signed & {REQUEST_TARGET, "digest"}:
        raise WeakSignature("The Digest header or (request-target) pseudo-header must be signed")
    if "host" not in signed:
        raise WeakSignature("The Host header must be signed")
    if (method.upper() == "POST" or has_body) and "digest" not in signed:
        raise WeakSignature("The Digest header must be signed for a request with a body")


def _http_date(value: str) -> datetime:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError) as exc:
        raise InvalidDate(f"Invalid Date header {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _epoch(value: int | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise InvalidDate(f"Timestamp {value} is out of range") from exc


def _signature_times(params: SignatureParams, headers: Headers) -> tuple[datetime, datetime | None]:
    """When the signature was made (Mastodon: hs2019 ``created``, else Date) and expires."""
    if params.algorithm == "hs2019" and params.created is not None:
        created = _epoch(params.created)
    else:
        date = _lower(headers).get("date")
        if date is None:
            raise InvalidDate("The request has no Date header")
        created = _http_date(date)
    assert created is not None
    return created, _epoch(params.expires)


def _load_rsa_public_key(pem: str | bytes) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    except ValueError as exc:
        raise BadSignature("The public key cannot be read") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise UnsupportedAlgorithm("rsa-sha256 and hs2019 are only accepted with an RSA key")
    return key


def _verifies(key: rsa.RSAPublicKey, signature: bytes, message: bytes) -> bool:
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def verify_request(
    method: str,
    path_with_query: str,
    headers: Headers,
    body: bytes | None,
    *,
    public_key_pem: str | bytes,
    now: datetime | None = None,
) -> None:
    """Check a draft-cavage signature; raise a :class:`SignatureError` subclass if bad.

    Checks run in Mastodon's order: parameters, algorithm, time window, what is
    covered, the body digest, then the signature itself.
    """
    value = _lower(headers).get("signature")
    if not value:
        raise MissingSignature("Request is not signed (no Signature header)")
    params = parse_signature_header(value)
    _check_algorithm(params)
    check_time_window(*_signature_times(params, headers), now=now)
    _check_strength(method, params, bool(body))
    if "digest" in params.headers:
        check_digest(_lower(headers).get("digest"), body or b"")
    key = _load_rsa_public_key(public_key_pem)
    if _verifies(key, params.signature, signing_string(method, path_with_query, headers, params)):
        return
    # Older Mastodon versions left the query string out of (request-target); it
    # still accepts such signatures, and so do we while those servers exist.
    path = path_with_query.partition("?")[0]
    if path != path_with_query and _verifies(
        key, params.signature, signing_string(method, path, headers, params)
    ):
        return
    raise BadSignature("Signature does not verify with the key")


# --- key ownership --------------------------------------------------------------


def _ids(value: Any) -> list[str]:
    """The ids in a JSON-LD value that may be a string, an object or a list of them."""
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("id"), str):
            found.append(item["id"])
    return found


def _actor_lists_key(actor: Mapping[str, Any], actor_id: str, key_id: str) -> bool:
    keys = _ids(actor.get("publicKey")) + _ids(actor.get("assertionMethod"))
    return actor.get("id") == actor_id and key_id in keys


def key_owner_matches(
    key_id: str,
    actor_id: str,
    key_document: Mapping[str, Any],
    *,
    actor_document: Mapping[str, Any] | None = None,
) -> bool:
    """Whether the key ``key_id`` belongs to the actor ``actor_id``.

    ``key_document`` is what fetching ``key_id`` returned: either the actor
    itself (Mastodon's ``<actor>#main-key``), which must list the key under
    ``publicKey`` (or FEP-521a ``assertionMethod``), or a separate key object
    whose ``owner`` / ``controller`` is the actor. A separate key object is only
    believed when the actor confirms it (``actor_document`` lists the key, as
    Mastodon's FetchRemoteKeyService requires) or, without an actor document,
    when key and actor are on the same origin.
    """
    if key_document.get("id") == actor_id:
        return _actor_lists_key(key_document, actor_id, key_id)
    if key_document.get("id") != key_id:
        return False
    if actor_id not in _ids(key_document.get("owner")) + _ids(key_document.get("controller")):
        return False
    if actor_document is not None:
        return _actor_lists_key(actor_document, actor_id, key_id)
    key_url, actor_url = urlsplit(key_id), urlsplit(actor_id)
    return (key_url.scheme, key_url.netloc) == (actor_url.scheme, actor_url.netloc)
