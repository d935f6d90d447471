"""Reading another server's Note (or Question, Article, Page, Video, ...) into a post.

Content is sanitized (``weft.text.remote``); ``summary`` becomes the content
warning of a Note or Question; the other types (``CONVERTED_TYPES``: long
reads, videos, events) become a title, their summary (else their HTML
content) and a link to the original (docs/decisions/0025-reading-other-objects.md);
visibility comes from the addressing (Public in ``to``: public; in ``cc``:
unlisted; the author's followers: followers-only; else direct);
``inReplyTo`` and the quote (FEP-044f ``quote``, and the older ``quoteUri``,
``quoteUrl`` and ``_misskey_quote``) are fetched when unknown, a few levels
deep at most and within the activity's fetch budget
(``weft.federation.remote.FetchBudget``); ``Mention`` tags name the mentioned
accounts (the first few we do not know are fetched, within that budget too:
``weft.federation.mentions``); hashtags,
attachments (at most 20, http(s) only) and a Question's poll
(``weft.federation.questions``) complete it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from html import escape
from itertools import islice
from typing import Any

from sqlalchemy import or_, select

from weft.actions.posts.remote import MAX_MEDIA, RemoteMedia, RemoteNote, create_remote_status
from weft.config import Settings
from weft.db.database import Database
from weft.federation import jsonld, quotes
from weft.federation.emojis import read_emojis
from weft.federation.mentions import learn_actors
from weft.federation.questions import read_question
from weft.federation.remote import (
    AS_PROFILE,
    FetchBudget,
    RemoteError,
    fetch_account,
    fetch_document,
    host_of,
    local_by_url,
    own_url,
)
from weft.federation.rich_notes import read_rich
from weft.models import Account, Status
from weft.models.base import utcnow
from weft.queries.domain_blocks import block_severity
from weft.text.remote import plain_text, sanitize_remote

# Posts as Mastodon reads them; the converted types are shown as a title, a
# summary and a link to the original (Mastodon's CONVERTED_TYPES).
CONVERTED_TYPES = frozenset({"Article", "Page", "Video", "Audio", "Event", "Image"})
NOTE_TYPES = frozenset({"Note", "Question"}) | CONVERTED_TYPES
# How far up a thread (and into quotes) a new post may make us fetch.
MAX_DEPTH = 5
QUOTE_KEYS = ("quote", "quoteUri", "quoteUrl", "_misskey_quote")
# How many mentions, hashtags and local recipients of one post are read: a 1 MB
# document could name tens of thousands, more than a query may bind.
MAX_TAGS = 100
_TAG_NAME = re.compile(r"^\w{1,255}$")
MISSKEY_QUOTE = "https://misskey-hub.net/ns#_misskey_quote"


async def fetch_status(
    db: Database,
    settings: Settings,
    uri: str,
    *,
    document: Mapping[str, Any] | None = None,
    depth: int = 0,
    budget: FetchBudget | None = None,
) -> Status:
    """The post ``uri``: stored, or fetched (with its author, and up to a few
    parents and quoted posts, within ``budget``) and stored."""
    budget = budget if budget is not None else FetchBudget()
    if host_of(uri) == settings.domain.lower():
        local = await local_by_url(db, settings, uri)
        if not isinstance(local, Status):
            raise RemoteError(f"{uri} is not a post of this server")
        return local
    async with db.read() as session:
        known = await session.scalar(select(Status).where(Status.uri == uri))
    if known is not None:
        return known
    if document is None:
        document = await fetch_document(db, settings, uri, budget, alternate=True)
    return await store_note(db, settings, document, depth=depth, budget=budget)


def note_author(document: Mapping[str, Any]) -> str:
    """The author's actor id; it must be on the note's own host."""
    uri = document.get("id")
    kinds = jsonld.types(document)
    if not isinstance(uri, str) or not kinds & NOTE_TYPES:
        raise RemoteError(f"{uri} is not a post (type {document.get('type')!r})")
    author = jsonld.first_id(document.get("attributedTo"))
    if author is None:
        raise RemoteError(f"The post {uri} has no attributedTo")
    if host_of(author) != host_of(uri):
        raise RemoteError(f"The post {uri} claims an author of another host ({author})")
    return author


async def store_note(
    db: Database,
    settings: Settings,
    document: Mapping[str, Any],
    *,
    depth: int = 0,
    budget: FetchBudget | None = None,
) -> Status:
    """Store a fetched or delivered Note (its author fetched if unknown)."""
    budget = budget if budget is not None else FetchBudget()
    author = await fetch_account(db, settings, note_author(document), budget=budget)
    note = await read_note(db, settings, document, author, depth=depth, budget=budget)
    status = await create_remote_status(db, note)
    if status is None:  # a reply its parent's policy refuses: as if it could not be had
        raise RemoteError(f"{note.uri} is a reply its parent's reply policy refuses")
    return status


async def read_note(
    db: Database,
    settings: Settings,
    document: Mapping[str, Any],
    author: Account,
    *,
    depth: int = 0,
    budget: FetchBudget | None = None,
    activity_uri: str | None = None,
) -> RemoteNote:
    """``document`` as a :class:`RemoteNote` by ``author`` (checked by the caller);
    what it names that we lack is fetched within ``budget`` (else left out).
    ``activity_uri`` is the delivered Create's id: for a quote of one of ours, it
    stands for FEP-044f's request (a refusal is answered with a Reject)."""
    budget = budget if budget is not None else FetchBudget()
    uri = str(document["id"])
    policy = quotes.read_policy(document, author)
    recipients = jsonld.ids(document.get("to")) + jsonld.ids(document.get("cc"))
    mentioned = await _mentioned(db, settings, document.get("tag"), budget)
    silent = await _local_recipients(db, settings, recipients)
    visibility = visibility_of(document, author)
    if visibility == "public" and await block_severity(db, author.domain or "") == "limit":
        visibility = "unlisted"  # a limited server's posts stay out of public feeds
    content, spoiler_text = _content(document), _spoiler_text(document)
    rich = read_rich(document, spoiler_text)
    # Fetched in document order: the mentions, the parent, then the quote.
    in_reply_to_id = await _related(db, settings, document.get("inReplyTo"), depth, budget)
    quote_of_id = await _related(db, settings, _quote_uri(document), depth, budget)
    return RemoteNote(
        uri=uri,
        account_id=author.id,
        content=content if rich.content is None else rich.content,
        visibility=visibility,
        created_at=_time(document.get("published")) or utcnow(),
        url=own_url(document.get("url"), uri),
        spoiler_text=rich.spoiler_text,
        sensitive=document.get("sensitive") is True,
        language=_language(document),
        edited_at=_time(document.get("updated")),
        in_reply_to_id=in_reply_to_id,
        quote_of_id=quote_of_id,
        reply_policy=policy.reply_policy,
        quote_policy=policy.quote_policy,
        quote_manual=policy.quote_manual,
        quote_request_uri=activity_uri,
        quote_authorization_uri=await _approval(
            db, settings, document, author, quote_of_id, budget
        ),
        mentioned_ids=mentioned,
        silent_ids=[a for a in silent if a not in mentioned],
        tags=_hashtags(document.get("tag")),
        media=_media(document.get("attachment")),
        emojis=read_emojis(document.get("tag"), [content, spoiler_text]),
        poll=read_question(document),
        text_entities=rich.text_entities,
        is_spoiler_media=rich.is_spoiler_media,
        ghost=document.get("ghostPost") is True,
        text_attachment=rich.text_attachment,
        topic=rich.topic,
    )


def visibility_of(document: Mapping[str, Any], author: Account) -> str:
    to, cc = jsonld.ids(document.get("to")), jsonld.ids(document.get("cc"))
    if any(jsonld.is_public(a) for a in to):
        return "public"
    if any(jsonld.is_public(a) for a in cc):
        return "unlisted"
    if author.followers_url and author.followers_url in to + cc:
        return "private"
    return "direct"


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _converted(document: Mapping[str, Any]) -> bool:
    kinds = jsonld.types(document)
    return bool(kinds & CONVERTED_TYPES) and not kinds & {"Note", "Question"}


def _spoiler_text(document: Mapping[str, Any]) -> str:
    """A Note's ``summary`` is its content warning; an Article's is its excerpt
    (shown in the text: ``_converted_content``), so it warns of nothing."""
    if _converted(document):
        return ""
    return plain_text(sanitize_remote(_localized(document, "summary")))[:1000]


def _localized(document: Mapping[str, Any], key: str) -> str:
    """``key`` (``content``, ``name``, ``summary``), or the first of its ``...Map``."""
    value = _string(document.get(key))
    language_map = document.get(f"{key}Map")
    if not value and isinstance(language_map, Mapping):
        value = next((v for v in language_map.values() if isinstance(v, str)), "")
    return value


def _content(document: Mapping[str, Any]) -> str:
    if _converted(document):
        return sanitize_remote(_converted_content(document))
    content = _localized(document, "content")
    return sanitize_remote(content)


def _converted_content(document: Mapping[str, Any]) -> str:
    """An Article, Page, Video, Audio, Event or Image as Mastodon shows one: its
    title, its summary, and a link to the original; where there is no summary,
    its content when that is HTML (a Lemmy post's body, an event's description;
    PeerTube's Markdown is left out, as Mastodon leaves out every content)."""
    parts: list[str] = []
    name = _localized(document, "name")
    if name:
        parts.append(f"<p><strong>{escape(name)}</strong></p>")
    summary = _localized(document, "summary")
    content = _localized(document, "content")
    media_type = _string(document.get("mediaType")).lower()
    if summary:
        parts.append(summary if summary.lstrip().startswith("<") else f"<p>{escape(summary)}</p>")
    elif content and media_type in ("", "text/html"):
        parts.append(content)
    links = [own_url(document.get("url"), str(document["id"]))]
    links += [
        _string(item.get("href"))
        for item in jsonld.objects(document.get("attachment"))
        if "Link" in jsonld.types(item) and _link(item.get("href"))
    ]
    for link in dict.fromkeys(links):
        parts.append(f'<p><a href="{escape(link)}">{escape(link)}</a></p>')
    return "".join(parts)


def _language(document: Mapping[str, Any]) -> str | None:
    for name in ("contentMap", "nameMap", "summaryMap"):  # Mastodon's order
        language_map = document.get(name)
        if not isinstance(language_map, Mapping):
            continue
        for key in language_map:
            if isinstance(key, str) and re.fullmatch(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?", key):
                return key.lower()
    return None


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _link(value: Any) -> str | None:
    for item in value if isinstance(value, list) else [value]:
        candidate = item.get("href") if isinstance(item, Mapping) else item
        if isinstance(candidate, str) and candidate.lower().startswith(("https://", "http://")):
            return candidate
    return None


def _quote_uri(document: Mapping[str, Any]) -> str | None:
    for key in QUOTE_KEYS:
        found = jsonld.first_id(document.get(key))
        if found:
            return found
    return _object_link_quote(document.get("tag"))


def _object_link_quote(tags: Any) -> str | None:
    """FEP-e232: a ``Link`` tag to an ActivityStreams object, marked as a quote by
    its ``name`` (``RE: <url>``, as Pleroma and Akkoma write it) or its ``rel``
    (Misskey's ``_misskey_quote``)."""
    for tag in jsonld.objects(tags)[:MAX_TAGS]:
        media_type = _string(tag.get("mediaType")).lower()
        is_object = media_type.startswith("application/activity+json") or (
            media_type.startswith("application/ld+json") and AS_PROFILE in media_type
        )
        rel = tag.get("rel")
        rels: list[Any] = rel if isinstance(rel, list) else [rel]
        marked = _string(tag.get("name")).upper().startswith("RE:") or any(
            isinstance(rel, str) and jsonld.expand(rel) == MISSKEY_QUOTE for rel in rels
        )
        href = _link(tag.get("href"))
        if "Link" in jsonld.types(tag) and is_object and marked and href:
            return href
    return None


async def _related(
    db: Database, settings: Settings, value: Any, depth: int, budget: FetchBudget
) -> int | None:
    """The id of the post ``value`` names (a parent or a quote), fetched if unknown,
    not too deep and within ``budget``; None if it cannot be had."""
    uri = jsonld.first_id(value)
    if uri is None:
        return None
    async with db.read() as session:
        known = await session.scalar(select(Status.id).where(Status.uri == uri))
    if known is not None:
        return known
    if depth >= MAX_DEPTH:
        return None
    try:
        return (await fetch_status(db, settings, uri, depth=depth + 1, budget=budget)).id
    except RemoteError:
        return None


async def _approval(
    db: Database,
    settings: Settings,
    document: Mapping[str, Any],
    author: Account,
    quote_of_id: int | None,
    budget: FetchBudget,
) -> str | None:
    """The post's ``quoteAuthorization``, when it quotes a third server's post and
    that server's author approved it (checked: ``weft.federation.quotes``). A
    quote of one of ours is judged by our own policy instead."""
    authorization = jsonld.first_id(document.get("quoteAuthorization"))
    if authorization is None or quote_of_id is None:
        return None
    async with db.read() as session:
        quoted = await session.get(Status, quote_of_id)
        quoted_author = await session.get(Account, quoted.account_id) if quoted else None
    if quoted is None or quoted_author is None or quoted_author.is_local:
        return None
    if quoted.uri is None or quoted_author.uri is None or quoted_author.id == author.id:
        return None
    checked = await quotes.authorized(
        db,
        settings,
        authorization,
        quote_uri=str(document["id"]),
        quoted_uri=quoted.uri,
        quoted_author=quoted_author.uri,
        budget=budget,
    )
    return authorization if checked else None


async def _accounts_by_uri(db: Database, settings: Settings, uris: list[str]) -> list[int]:
    """Ids of the accounts (ours or known remote ones) with these actor ids or profile URLs."""
    if not uris:
        return []
    async with db.read() as session:
        rows = await session.scalars(
            select(Account.id).where(
                or_(Account.uri.in_(uris), Account.url.in_(uris)),
                Account.suspended_at.is_(None),
            )
        )
        return list(dict.fromkeys(rows))


async def _mentioned(db: Database, settings: Settings, tags: Any, budget: FetchBudget) -> list[int]:
    found = (
        str(tag["href"])
        for tag in jsonld.objects(tags)
        if "Mention" in jsonld.types(tag) and isinstance(tag.get("href"), str)
    )
    hrefs = list(islice(dict.fromkeys(found), MAX_TAGS))
    # Ours are known; other servers' people we have not met are fetched (a few).
    theirs = [h for h in hrefs if host_of(h) != settings.domain.lower()]
    await learn_actors(db, settings, theirs, budget)
    return await _accounts_by_uri(db, settings, hrefs)


async def _local_recipients(db: Database, settings: Settings, recipients: list[str]) -> list[int]:
    ours = (r for r in recipients if host_of(r) == settings.domain.lower())
    return await _accounts_by_uri(db, settings, list(islice(dict.fromkeys(ours), MAX_TAGS)))


def _hashtags(tags: Any) -> list[str]:
    names: dict[str, None] = {}
    for tag in jsonld.objects(tags):
        name = _string(tag.get("name")).lstrip("#")
        if "Hashtag" in jsonld.types(tag) and _TAG_NAME.match(name):
            names[name] = None
            if len(names) == MAX_TAGS:
                break
    return list(names)


def _media(value: Any) -> list[RemoteMedia]:
    found: list[RemoteMedia] = []
    for item in jsonld.objects(value)[:MAX_MEDIA]:
        url = _link(item.get("url"))
        if url is None:
            continue
        content_type = _string(item.get("mediaType")).lower() or None
        found.append(
            RemoteMedia(
                url=url,
                type=_media_type(content_type, jsonld.types(item)),
                content_type=content_type,
                description=_string(item.get("name")) or None,
                blurhash=_string(item.get("blurhash"))[:100] or None,
                width=_dimension(item.get("width")),
                height=_dimension(item.get("height")),
                focus=_focus(item.get("focalPoint")),
            )
        )
    return found


def _media_type(content_type: str | None, kinds: set[str]) -> str:
    major = (content_type or "").partition("/")[0]
    if major in ("image", "video", "audio"):
        return major
    for kind, name in (("Image", "image"), ("Video", "video"), ("Audio", "audio")):
        if kind in kinds:
            return name
    return "unknown"


def _dimension(value: Any) -> int | None:
    return value if isinstance(value, int) and 0 < value < 100_000 else None


def _focus(value: Any) -> tuple[float, float]:
    if isinstance(value, list) and len(value) == 2:
        x, y = value
        if all(isinstance(v, int | float) and -1 <= v <= 1 for v in (x, y)):
            return float(x), float(y)
    return 0.0, 0.0
