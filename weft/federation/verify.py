"""Who signed a request: the inbox's and authorized fetch's signature check.

The signature's ``keyId`` names a key; the key's owner is an account we know
(``accounts.public_key_id``) or fetch (the key document, which is the actor
itself for ``<actor>#main-key``, or a separate key whose ``owner`` the actor
must confirm). The request must verify with that key (draft-cavage or
RFC 9421, ``weft.federation.signatures*``); if it does not and the key came
from our store, the actor is fetched again once, in case its key rotated.
Every failure raises ``Unauthorized`` (401); a key on a suspended server
raises ``Forbidden`` (403) before anything is fetched.

The reason given is the request's own fault (not signed, a malformed or stale
signature, one that does not verify) or, when fetching the key failed, only
``UNVERIFIED``: what our fetch met (how a name resolved, which address
refused, what another server answered) is logged, never told to whoever
named the key, or the inbox would probe networks for them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import urldefrag

from fastapi import Request
from sqlalchemy import select

from weft.config import Settings
from weft.db.database import Database
from weft.errors import Forbidden, Unauthorized
from weft.federation import jsonld
from weft.federation.remote import (
    RemoteError,
    fetch_account,
    fetch_document,
    host_of,
    parse_actor,
    store_actor,
)
from weft.federation.signatures import (
    BadSignature,
    SignatureError,
    key_owner_matches,
    parse_signature_header,
    verify_request,
)
from weft.federation.signatures_rfc9421 import rfc9421_key_id, verify_rfc9421
from weft.models import Account
from weft.queries.domain_blocks import block_severity

log = logging.getLogger(__name__)

UNVERIFIED = "The signature could not be verified"
SIGNATURE_HEADERS = ("signature", "signature-input")


def signature_key_id(headers: Mapping[str, str]) -> str:
    """The ``keyId`` of the request's signature (RFC 9421 when ``Signature-Input`` is there)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    try:
        if "signature-input" in lowered:
            return rfc9421_key_id(lowered)
        if "signature" not in lowered:
            raise Unauthorized("Request not signed")
        return parse_signature_header(lowered["signature"]).key_id
    except SignatureError as error:
        raise Unauthorized(str(error)) from None


async def signer(
    db: Database,
    settings: Settings,
    method: str,
    path_with_query: str,
    headers: Mapping[str, str],
    body: bytes | None,
) -> Account:
    """The remote account whose key signed this request, or raise 401 (403 if blocked)."""
    key_id = signature_key_id(headers)
    if await block_severity(db, host_of(key_id)) == "suspend":
        raise Forbidden(f"{host_of(key_id)} is blocked by this server")
    if host_of(key_id) == settings.domain.lower() or not key_id.startswith(("https://", "http://")):
        raise Unauthorized(f"Cannot verify a key named {key_id!r}")
    account = await _stored_owner(db, key_id)
    fresh = account is None
    if account is None:
        account = await _fetch_owner(db, settings, key_id)
    try:
        _verify(settings, method, path_with_query, headers, body, account)
    except SignatureError as error:
        if fresh:
            raise Unauthorized(str(error)) from None
        account = await _fetch_owner(db, settings, key_id)  # the key may have rotated
        try:
            _verify(settings, method, path_with_query, headers, body, account)
        except SignatureError as again:
            raise Unauthorized(str(again)) from None
    if account.suspended_at is not None:
        raise Unauthorized(f"The actor {account.uri} is gone")
    return account


def _verify(
    settings: Settings,
    method: str,
    path_with_query: str,
    headers: Mapping[str, str],
    body: bytes | None,
    account: Account,
) -> None:
    if not account.public_key_pem:
        raise Unauthorized(f"The actor {account.uri} has no public key")
    if any(name.lower() == "signature-input" for name in headers):
        url = settings.base_url + path_with_query
        verify_rfc9421(method, url, headers, body, public_key_pem=account.public_key_pem)
    else:
        try:
            verify_request(
                method, path_with_query, headers, body, public_key_pem=account.public_key_pem
            )
        except BadSignature:
            # Behind a proxy that rewrote Host, the sender signed our public name.
            public = _with_host(headers, settings.domain)
            if public is None:
                raise
            verify_request(
                method, path_with_query, public, body, public_key_pem=account.public_key_pem
            )


def _with_host(headers: Mapping[str, str], domain: str) -> dict[str, str] | None:
    """``headers`` with ``Host`` set to our public domain, or None if it already was."""
    lowered = {name.lower(): value for name, value in headers.items()}
    if lowered.get("host", "").lower() == domain.lower():
        return None
    return {**lowered, "host": domain}


async def _stored_owner(db: Database, key_id: str) -> Account | None:
    async with db.read() as session:
        return await session.scalar(
            select(Account).where(Account.public_key_id == key_id, Account.domain.is_not(None))
        )


async def _fetch_owner(db: Database, settings: Settings, key_id: str) -> Account:
    """Fetch the key: the actor itself (``<actor>#main-key``), or a key document
    (its ``owner``) or an actor stub (GoToSocial's ``<actor>/main-key``), whose
    owner is then fetched and must list the key."""
    url = urldefrag(key_id).url
    try:
        document = await fetch_document(db, settings, url)
        if "publicKeyPem" in document:
            owner = jsonld.first_id(document.get("owner")) or jsonld.first_id(
                document.get("controller")
            )
        else:
            owner = str(document["id"])
        if owner is None:
            raise _unverified(key_id, "the key names no owner")
        if owner == url:  # the actor document itself
            profile = parse_actor(document)
            if not key_owner_matches(key_id, profile.uri, document):
                raise _unverified(key_id, f"the actor {profile.uri} does not list it")
            return await store_actor(db, profile)
        account = await fetch_account(db, settings, owner, refresh=True)
    except RemoteError as error:
        raise _unverified(key_id, error.message) from None
    if account.public_key_id != key_id:
        raise _unverified(key_id, f"its owner {owner} does not list it")
    return account


def _unverified(key_id: str, detail: str) -> Unauthorized:
    """The generic 401, with what went wrong logged instead of answered."""
    log.info("Signature with key %s not verified: %s", key_id, detail)
    return Unauthorized(UNVERIFIED)


def check_actor(account: Account, actor_id: str | None) -> None:
    """The activity's ``actor`` must be the key's owner (``key_owner_matches``)."""
    if actor_id is None or actor_id != account.uri:
        raise Unauthorized(f"The request is signed by {account.uri}, not by {actor_id}")


async def require_signature(db: Database, settings: Settings, request: Request) -> Account | None:
    """With ``WEFT_AUTHORIZED_FETCH``, a GET must be signed by a known or fetchable
    actor (401 otherwise); without it, nothing is checked and ``None`` returned."""
    if not settings.authorized_fetch:
        return None
    return await _request_signer(db, settings, request)


def is_signed(request: Request) -> bool:
    return any(name in request.headers for name in SIGNATURE_HEADERS)


async def signer_if_any(db: Database, settings: Settings, request: Request) -> Account | None:
    """The actor who signed this GET, or ``None`` if it is unsigned or its
    signature does not hold (why is logged): such a request is anonymous."""
    if not is_signed(request):
        return None
    try:
        return await _request_signer(db, settings, request)
    except (Unauthorized, Forbidden) as error:
        log.info("Signed GET of %s taken as anonymous: %s", request.url.path, error.message)
        return None


async def _request_signer(db: Database, settings: Settings, request: Request) -> Account:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return await signer(db, settings, request.method, path, request.headers, None)
