"""Other servers' actors and posts, fetched when we need them.

Every read goes through the guarded fetcher (``weft.net.fetch``: public
addresses only unless ``WEFT_ALLOW_PRIVATE_NETWORK``, 1 MB, 10 s), signed by
our instance actor (``/actor``) so servers with authorized fetch answer. A
document is believed only if its ``id`` is on the host it came from; an actor
must have an inbox and a public key. Anything else raises :class:`RemoteError`
and writes nothing.

One inbound activity, or one :func:`resolve`, fetches at most
:data:`FETCH_BUDGET` documents (a :class:`FetchBudget` passed down every
call): a post's parents, quotes, mentions and their authors fan out. What is
left when it is spent is not fetched (the post is stored without that parent,
quote or mention), which is never an error for the post itself.

Posts are read in ``weft.federation.remote_notes``; ``weft.federation.lookup``
resolves a search query (a handle or a URL) to either.

>>> account = await resolve_handle(db, settings, "@alice@mastodon.example")
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from html.parser import HTMLParser
from ipaddress import ip_address
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from sqlalchemy import func, select

from weft import json_input
from weft.actions.remote_accounts import RemoteProfile, mark_fetched, upsert_remote_account
from weft.config import Settings
from weft.db.database import Database
from weft.errors import WeftError
from weft.federation import jsonld
from weft.federation.emojis import read_emojis
from weft.federation.loading import instance_actor
from weft.federation.signatures import sign_request
from weft.models import Account, Status
from weft.models.base import utcnow
from weft.net.fetch import (
    ConnectFailed,
    FetchError,
    FetchResult,
    Guard,
    HTTPStatus,
    Timeout,
    check_url,
    fetch,
    is_public_address,
)
from weft.queries.domain_blocks import block_severity
from weft.text.remote import plain_text, sanitize_remote

MAX_BYTES = 1024 * 1024
TIMEOUT = 10.0
REFRESH_AFTER = timedelta(days=1)
AP_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
AP_TYPES = ("application/activity+json", "application/ld+json")
HTML_TYPES = ("text/html", "application/xhtml+xml")
AS_PROFILE = "https://www.w3.org/ns/activitystreams"
JRD_TYPES = ("application/jrd+json", "application/json")
ACTOR_TYPES = frozenset({"Person", "Service", "Application", "Group", "Organization"})
BOT_TYPES = frozenset({"Service", "Application"})
MAX_FIELDS = 16
# Remote documents (WebFinger answers included) one inbound activity or one
# resolve may fetch: a reply five levels deep, each with a quote, five mentions
# and their authors, could otherwise make us fetch well over a hundred.
FETCH_BUDGET = 20


class RemoteError(WeftError):
    """Another server's answer could not be used; ``message`` says why."""

    status = 422


class Unreachable(RemoteError):
    """The other server did not answer usably (network, timeout, 5xx): try again later."""


class OverBudget(RemoteError):
    """The activity's (or resolve's) fetch budget is spent: this is left unfetched."""


@dataclass
class FetchBudget:
    """How many more documents one inbound activity or one resolve may fetch;
    shared by every fetch it leads to (parents, quotes, mentions, authors)."""

    left: int = FETCH_BUDGET

    def spend(self, url: str) -> None:
        if self.left <= 0:
            raise OverBudget(f"Not fetching {url}: the fetch budget is spent")
        self.left -= 1


# --- fetching documents ----------------------------------------------------------------


def host_of(url: str) -> str:
    """The lower-cased ``host[:port]`` of a URL: an account's domain, a block's subject."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


async def signed_get_headers(db: Database, settings: Settings, url: str) -> dict[str, str]:
    """Headers that sign a GET of ``url`` as our instance actor."""
    actor = await instance_actor(db, settings)
    assert actor.private_key_pem is not None
    return sign_request(
        "GET",
        url,
        {},
        None,
        key_id=f"{actor.uri}#main-key",
        private_key_pem=actor.private_key_pem,
    )


async def fetch_document(
    db: Database,
    settings: Settings,
    url: str,
    budget: FetchBudget | None = None,
    *,
    alternate: bool = False,
) -> dict[str, Any]:
    """The ActivityStreams document at ``url``; its ``id`` must be on the host it
    came from. It counts against ``budget`` (:class:`OverBudget` once spent).

    With ``alternate``, ``url`` may also be a web page (a post or profile link
    pasted in search): its ``<link rel="alternate" type="application/activity+json">``
    is followed, one hop, through the same guarded fetch and budget."""
    result = await _get(db, settings, url, budget, AP_TYPES + (HTML_TYPES if alternate else ()))
    if result.content_type in HTML_TYPES:
        found = alternate_link(result.text(), result.url)
        if found is None:
            raise RemoteError(f"{url} is a web page that links to no ActivityPub document")
        result = await _get(db, settings, found, budget, AP_TYPES)
    try:
        document = json_input.parse(result.body)
    except json_input.JSONRefused as error:
        raise RemoteError(f"{url} answered unusable JSON: {error}") from None
    except ValueError:
        raise RemoteError(f"{url} did not answer JSON") from None
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        raise RemoteError(f"{url} did not answer an object with an id")
    if host_of(document["id"]) != host_of(result.url):
        raise RemoteError(f"{url} answered a document of another host ({document['id']})")
    return document


async def _get(
    db: Database,
    settings: Settings,
    url: str,
    budget: FetchBudget | None,
    content_types: tuple[str, ...],
) -> FetchResult:
    """A signed GET of ``url`` through the guarded fetcher, as one of ``content_types``."""
    await refuse_blocked(db, url)
    if budget is not None:
        budget.spend(url)
    try:
        # Refused addresses and unusable URLs before signing (which must parse the URL).
        check_url(url, Guard.for_settings(settings))
        return await fetch(
            url,
            settings=settings,
            max_bytes=MAX_BYTES,
            timeout=TIMEOUT,
            accept=AP_ACCEPT,
            headers=await signed_get_headers(db, settings, url),
            content_types=content_types,
        )
    except HTTPStatus as error:
        kind = Unreachable if error.status >= 500 or error.status == 429 else RemoteError
        raise kind(f"Could not fetch {url}: {error.reason}") from None
    except (ConnectFailed, Timeout) as error:
        raise Unreachable(f"Could not fetch {url}: {error.reason}") from None
    except FetchError as error:  # a refused address or scheme, too large, ...: final
        raise RemoteError(f"Could not fetch {url}: {error.reason}") from None


class _AlternateLinks(HTMLParser):
    """Collects the ``href`` of ``<link rel="alternate">`` elements of an
    ActivityStreams type, as Mastodon's pages carry for their post or profile."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {name: value or "" for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        media_type = values.get("type", "").lower()
        is_activity = media_type.startswith("application/activity+json") or (
            media_type.startswith("application/ld+json") and AS_PROFILE in media_type
        )
        if "alternate" in rels and is_activity and values.get("href"):
            self.found.append(values["href"])


def alternate_link(html: str, page_url: str) -> str | None:
    """The ActivityStreams alternate a web page links to (absolute), if any."""
    parser = _AlternateLinks()
    parser.feed(html)
    parser.close()
    for href in parser.found:
        found = urljoin(page_url, href.strip())
        if found.lower().startswith(("https://", "http://")):
            return found
    return None


async def refuse_blocked(db: Database, url: str) -> None:
    """Raise if ``url``'s server (or a parent domain) is suspended by a domain block."""
    if await block_severity(db, host_of(url)) == "suspend":
        raise RemoteError(f"{host_of(url)} is blocked by this server")


# --- actors ----------------------------------------------------------------------------


async def fetch_account(
    db: Database,
    settings: Settings,
    actor_uri: str,
    *,
    refresh: bool = False,
    budget: FetchBudget | None = None,
) -> Account:
    """The account of ``actor_uri``: stored, refreshed when older than a day (or
    when ``refresh``), fetched when unknown. A known account whose refresh fails
    is returned as it was (and not retried for a day; over budget, not tried)."""
    budget = budget if budget is not None else FetchBudget()
    local = await _local_account(db, settings, actor_uri)
    if local is not None:
        return local
    async with db.read() as session:
        account = await session.scalar(select(Account).where(Account.uri == actor_uri))
    if account is not None and not refresh and not _stale(account):
        return account
    try:
        document = await fetch_document(db, settings, actor_uri, budget)
        profile = await _profile_with_key(db, settings, document, budget)
    except RemoteError as error:
        if account is None or refresh:
            raise
        if not isinstance(error, OverBudget):
            await mark_fetched(db, account.id)
        return account
    return await store_actor(db, profile)


def _stale(account: Account) -> bool:
    return account.fetched_at is None or utcnow() - account.fetched_at > REFRESH_AFTER


async def store_actor(db: Database, profile: RemoteProfile) -> Account:
    await refuse_blocked(db, profile.uri)
    return await upsert_remote_account(db, profile)


async def _profile_with_key(
    db: Database, settings: Settings, document: Mapping[str, Any], budget: FetchBudget
) -> RemoteProfile:
    """``parse_actor``, fetching a key kept in a separate document (GoToSocial)."""
    profile = parse_actor(document)
    if profile.public_key_pem is None and profile.public_key_id:
        key = await fetch_document(db, settings, profile.public_key_id, budget)
        pem = key.get("publicKeyPem")
        owner = jsonld.ids(key.get("owner")) + jsonld.ids(key.get("controller"))
        if not isinstance(pem, str) or profile.uri not in owner:
            raise RemoteError(f"The key {profile.public_key_id} is not {profile.uri}'s")
        profile = replace(profile, public_key_pem=pem)
    return profile


def parse_actor(document: Mapping[str, Any]) -> RemoteProfile:
    """Read an actor document into a profile, or raise :class:`RemoteError`."""
    uri = document.get("id")
    kinds = jsonld.types(document)
    if not isinstance(uri, str) or not kinds & ACTOR_TYPES:
        raise RemoteError(f"{uri} is not an actor (type {document.get('type')!r})")
    username = document.get("preferredUsername")
    inbox = _url(document.get("inbox"))
    if not isinstance(username, str) or not username.strip() or not inbox:
        raise RemoteError(f"The actor {uri} has no preferredUsername or inbox")
    key_id, pem = _public_key(document)
    if key_id is None:
        raise RemoteError(f"The actor {uri} has no public key")
    if host_of(key_id) != host_of(uri):  # else another server's key could speak for it
        raise RemoteError(f"The actor {uri} names a key on another host ({key_id})")
    endpoints = document.get("endpoints")
    endpoints = endpoints if isinstance(endpoints, Mapping) else {}
    kind = next(iter(sorted(kinds & ACTOR_TYPES)))
    display_name = _text(document.get("name"))[:255]
    note = sanitize_remote(_text(document.get("summary")))
    fields = _fields(document.get("attachment"))
    texts = [display_name, note, *(f"{f['name']} {f['value']}" for f in fields)]
    return RemoteProfile(
        uri=uri,
        username=username.strip()[:255],
        domain=host_of(uri),
        actor_type=kind,
        display_name=display_name,
        note=note,
        url=own_url(document.get("url"), uri),
        avatar_url=_image_url(document.get("icon")),
        header_url=_image_url(document.get("image")),
        locked=document.get("manuallyApprovesFollowers") is True,
        bot=bool(kinds & BOT_TYPES),
        discoverable=document.get("discoverable") is True,
        indexable=document.get("indexable") is True,
        inbox_url=inbox,
        shared_inbox_url=_url(endpoints.get("sharedInbox")),
        outbox_url=_url(document.get("outbox")),
        followers_url=_url(document.get("followers")),
        following_url=_url(document.get("following")),
        featured_url=_url(document.get("featured")),
        public_key_pem=pem,
        public_key_id=key_id,
        fields=fields,
        also_known_as=[u for u in jsonld.ids(document.get("alsoKnownAs")) if _url(u)],
        emojis=read_emojis(document.get("tag"), texts),
    )


def _public_key(document: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The actor's key id and PEM (the PEM may live in a separate key document)."""
    for key in jsonld.objects(document.get("publicKey")):
        pem = key.get("publicKeyPem")
        if isinstance(key.get("id"), str):
            return key["id"], pem if isinstance(pem, str) else None
    key_id = jsonld.first_id(document.get("publicKey"))
    return key_id, None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _url(value: Any) -> str | None:
    """An http(s) URL from a string, a Link object or a list of them."""
    for item in value if isinstance(value, list) else [value]:
        candidate = item.get("href") if isinstance(item, Mapping) else item
        if isinstance(candidate, str) and candidate.lower().startswith(("https://", "http://")):
            return candidate
    return None


def own_url(value: Any, uri: str) -> str:
    """The first http(s) link in ``value`` on ``uri``'s own server, else ``uri``: a
    document may not give another server's page as its own (search finds by ``url``,
    and an actor claiming someone else's profile page would be found for it)."""
    items = value if isinstance(value, list) else [value]
    # A web page first (PeerTube lists its watch page among the video files).
    pages = [i for i in items if isinstance(i, Mapping) and i.get("mediaType") == "text/html"]
    for item in pages + items:
        candidate = _url(item)
        if candidate is not None and host_of(candidate) == host_of(uri):
            return candidate
    return uri


def _image_url(value: Any) -> str | None:
    for image in jsonld.objects(value):
        found = _url(image.get("url"))
        if found:
            return found
    return _url(value)


def _fields(value: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for item in jsonld.objects(value):
        if "PropertyValue" not in jsonld.types(item):
            continue
        name, field_value = _text(item.get("name")), _text(item.get("value"))
        found.append(
            {"name": plain_text(sanitize_remote(name))[:255], "value": sanitize_remote(field_value)}
        )
    return found[:MAX_FIELDS]


# --- WebFinger and resolving ------------------------------------------------------------


def _scheme(host: str, settings: Settings) -> str:
    """https, except for a loopback or private address when private networks are
    allowed (tests and local trials run servers on http://127.0.0.1:PORT)."""
    name = host.rpartition(":")[0] if host.count(":") == 1 else host
    if not settings.allow_private_network:
        return "https"
    if name == "localhost":
        return "http"
    try:
        return "http" if not is_public_address(ip_address(name.strip("[]"))) else "https"
    except ValueError:
        return "https"


async def webfinger(
    db: Database, settings: Settings, username: str, domain: str, budget: FetchBudget | None = None
) -> str:
    """The actor id WebFinger gives for ``username@domain``."""
    resource = f"acct:{username}@{domain}"
    url = f"{_scheme(domain, settings)}://{domain}/.well-known/webfinger?resource={quote(resource)}"
    await refuse_blocked(db, url)
    if budget is not None:
        budget.spend(url)
    try:
        result = await fetch(
            url,
            settings=settings,
            max_bytes=MAX_BYTES,
            timeout=TIMEOUT,
            accept="application/jrd+json, application/json",
            content_types=JRD_TYPES,
        )
        document = json_input.parse(result.body)
    except FetchError as error:
        raise RemoteError(f"WebFinger for {username}@{domain} failed: {error.reason}") from None
    except ValueError:
        raise RemoteError(f"WebFinger for {username}@{domain} did not answer JSON") from None
    links = document.get("links") if isinstance(document, dict) else None
    for link in links if isinstance(links, list) else []:
        if (
            isinstance(link, dict)
            and link.get("rel") == "self"
            and str(link.get("type", "")).split(";")[0].strip() in AP_TYPES
            and _url(link.get("href"))
        ):
            return str(link["href"])
    raise RemoteError(f"WebFinger for {username}@{domain} names no ActivityPub actor")


async def resolve_handle(
    db: Database, settings: Settings, query: str, budget: FetchBudget | None = None
) -> Account | None:
    """The account ``@user@domain`` (or ``user@domain``, ``acct:user@domain``)
    names: ours read from the database, others found by WebFinger, fetched and
    stored. ``None`` if ``query`` is no handle, or names nobody here."""
    username, at, domain = query.strip().removeprefix("@").removeprefix("acct:").rpartition("@")
    if not at or not username or not domain or "/" in domain or " " in query.strip():
        return None
    if domain.lower() == settings.domain.lower():
        return await _local_by_name(db, username)
    known = await _known_remote(db, username, domain)
    if known is not None and not _stale(known):
        return known
    actor_uri = await webfinger(db, settings, username, domain, budget)
    return await fetch_account(db, settings, actor_uri, refresh=known is not None, budget=budget)


async def known_by_url(db: Database, url: str) -> Account | Status | None:
    """A stored post, or a stored account not due for a refresh, found by its id or page."""
    async with db.read() as session:
        status = await session.scalar(
            select(Status).where((Status.uri == url) | (Status.url == url))
        )
        account = await session.scalar(
            select(Account).where((Account.uri == url) | (Account.url == url))
        )
    if status is not None:
        return status
    if account is not None and not _stale(account):
        return account
    return None


async def store_actor_document(
    db: Database, settings: Settings, document: Mapping[str, Any], budget: FetchBudget
) -> Account:
    """Store the actor ``document`` (fetched already), with its key."""
    return await store_actor(db, await _profile_with_key(db, settings, document, budget))


async def _known_remote(db: Database, username: str, domain: str) -> Account | None:
    async with db.read() as session:
        return await session.scalar(
            select(Account).where(
                func.lower(Account.username) == username.lower(),
                func.lower(Account.domain) == domain.lower(),
            )
        )


async def _local_by_name(db: Database, username: str) -> Account | None:
    async with db.read() as session:
        account = await session.scalar(
            select(Account).where(
                func.lower(Account.username) == username.lower(),
                Account.domain.is_(None),
                Account.actor_type != "Application",
            )
        )
    return account if account is not None and account.suspended_at is None else None


async def _local_account(db: Database, settings: Settings, url: str) -> Account | None:
    if host_of(url) != settings.domain.lower():
        return None
    found = await local_by_url(db, settings, url)
    if not isinstance(found, Account):
        raise RemoteError(f"{url} is not an actor of this server")
    return found


async def local_by_url(db: Database, settings: Settings, url: str) -> Account | Status | None:
    """One of our own actors (``/users/u``, ``/@u``) or posts (``.../statuses/1``, ``/@u/1``)."""
    parts = urlsplit(url).path.strip("/").split("/")
    if (len(parts) == 2 and parts[0] == "users") or (len(parts) == 1 and parts[0][:1] == "@"):
        return await _local_by_name(db, parts[-1].removeprefix("@"))
    status_id = None
    if len(parts) == 4 and parts[0] == "users" and parts[2] == "statuses":
        status_id = parts[3]
    elif len(parts) == 2 and parts[0].startswith("@"):
        status_id = parts[1]
    if status_id is None or not status_id.isdigit():
        return None
    async with db.read() as session:
        status = await session.get(Status, int(status_id))
    # Only what anyone may see: search must not reveal a private post by its URL.
    if status is None or status.visibility not in ("public", "unlisted"):
        return None
    return status
