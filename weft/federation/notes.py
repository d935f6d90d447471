"""ActivityStreams ``Note`` for a local post, as Mastodon writes one.

Addressing follows Mastodon's ``ActivityPub::TagManager``: public posts go
to Public with the followers in cc; unlisted ones to the followers with
Public in cc; followers-only to the followers; direct to the mentioned only.
Mentioned accounts are in cc (or in ``to`` for direct posts).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from weft.actions.posts.topic import hashtag_name
from weft.config import Settings
from weft.federation.actors import CONTEXT, PUBLIC, actor_uri, followers_uri, iso
from weft.federation.loading import NoteSources
from weft.federation.questions import question_fields
from weft.federation.rich_notes import rich_fields
from weft.media.storage import content_type_for, storage_for
from weft.models import Account, MediaAttachment, Status


def note_uri(status: Status, author: Account, settings: Settings) -> str:
    return status.uri or f"{actor_uri(author, settings)}/statuses/{status.id}"


def addressing(
    status: Status, author: Account, mentioned: list[str], settings: Settings
) -> tuple[list[str], list[str]]:
    """``(to, cc)`` for a post of this visibility."""
    followers = followers_uri(author, settings)
    if status.visibility == "public":
        return [PUBLIC], [followers, *mentioned]
    if status.visibility == "unlisted":
        return [followers], [PUBLIC, *mentioned]
    if status.visibility == "private":
        return [followers], mentioned
    return mentioned, []


def note(
    status: Status, sources: NoteSources, settings: Settings, *, context: bool = False
) -> dict[str, Any]:
    """The Note of ``status`` (loaded in ``sources``); with ``@context`` if it stands alone."""
    bundle = sources.bundle
    author = bundle.author(status)
    mentioned = [actor_uri(a, settings) for a in bundle.mentions.get(status.id, [])]
    to, cc = addressing(status, author, mentioned, settings)
    uri = note_uri(status, author, settings)
    document: dict[str, Any] = {"@context": CONTEXT} if context else {}
    document.update(
        {
            "id": uri,
            "type": "Note",
            "summary": status.spoiler_text or None,
            "inReplyTo": sources.parent_uris.get(status.in_reply_to_id or 0),
            "published": iso(status.created_at),
            "url": status.url or f"{settings.base_url}/@{author.username}/{status.id}",
            "attributedTo": actor_uri(author, settings),
            "to": to,
            "cc": cc,
            "sensitive": status.sensitive,
            "content": status.content,
            "attachment": [
                _attachment(m, settings)
                for m in bundle.media.get(status.id, [])
                if m.state == "ready"
            ],
            "tag": _tags(status, sources, settings),
            "likes": counted(f"{uri}/likes", status.favourites_count),
            "shares": counted(f"{uri}/shares", status.reblogs_count),
        }
    )
    if status.language:
        document["contentMap"] = {status.language: status.content}
    if status.edited_at is not None:
        document["updated"] = iso(status.edited_at)
    document.update(_quote(status, sources, settings))
    document["interactionPolicy"] = interaction_policy(status, author, mentioned, settings)
    document.update(rich_fields(status, bundle.tags.get(status.id, [])))  # rich_notes.py
    if status.ghost_expires_at is not None:  # weft/actions/posts/ghosts.py
        document["ghostPost"] = True
        document["interactionPolicy"]["canAnnounce"] = {
            "automaticApproval": [actor_uri(author, settings)],
            "manualApproval": [],
        }
    poll = bundle.polls.get(status.id)
    if poll is not None:  # a Question (weft/federation/questions.py)
        document.update(question_fields(poll))
    return document


def counted(uri: str, total: int) -> dict[str, Any]:
    """A post's ``likes`` or ``shares``: its size only, as Mastodon serves them
    (who liked or reposted is not published)."""
    return {"id": uri, "type": "Collection", "totalItems": total}


def interaction_policy(
    status: Status, author: Account, mentioned: list[str], settings: Settings
) -> dict[str, Any]:
    """GoToSocial's ``interactionPolicy`` with FEP-044f's ``canQuote``: who our
    policies (``weft.policies.statuses``) let reply and quote, said so that
    other servers can tell their people before they try. The author is always
    listed (a policy of nobody else is the author alone, as FEP-044f asks: an
    empty list would read as a missing one); so are the mentioned, whom both
    policies let in (but the reply policy "author", and quotes of a post that
    is not public).
    """
    me = actor_uri(author, settings)
    audiences = {
        "public": PUBLIC,
        "everyone": PUBLIC,
        "followers": followers_uri(author, settings),
        "following": f"{me}/following",
    }
    quoters = [audiences[status.quote_policy]] if status.quote_policy in audiences else []
    if status.visibility in ("public", "unlisted"):
        quoters += mentioned
    repliers = [audiences[status.reply_policy]] if status.reply_policy in audiences else []
    if status.reply_policy != "author":
        repliers += mentioned
    replying = {"automaticApproval": _unique([*repliers, me]), "manualApproval": []}
    if status.reply_approvals:  # others' replies wait for the author (weft.actions.replies)
        replying = {"automaticApproval": [me], "manualApproval": _unique(repliers)}
    return {
        "canQuote": {"automaticApproval": _unique([*quoters, me]), "manualApproval": []},
        "canReply": replying,
    }


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def authorization_uri(
    quoted: Status, quoted_author: Account, quote_id: int, settings: Settings
) -> str:
    """The id of the ``QuoteAuthorization`` we serve for a quote of our post
    (``weft.federation.routes``)."""
    return f"{actor_uri(quoted_author, settings)}/statuses/{quoted.id}/quotes/{quote_id}"


def _tags(status: Status, sources: NoteSources, settings: Settings) -> list[dict[str, Any]]:
    bundle = sources.bundle
    tags: list[dict[str, Any]] = [
        {
            "type": "Mention",
            "href": actor_uri(account, settings),
            "name": f"@{account.username}@{account.domain or settings.domain}",
        }
        for account in bundle.mentions.get(status.id, [])
    ]
    tags.extend(
        {
            "type": "Hashtag",
            # A topic may hold spaces; other servers get it as a hashtag they take.
            "href": f"{settings.base_url}/tags/{quote(tag.name.lower())}",
            "name": f"#{hashtag_name(tag.name) if tag.id == status.topic_tag_id else tag.name}",
        }
        for tag in bundle.tags.get(status.id, [])
    )
    return tags


def _quote(status: Status, sources: NoteSources, settings: Settings) -> dict[str, str]:
    """FEP-044f ``quote`` (and ``quoteAuthorization`` once approved), and the
    older forms Misskey and Fedibird read. A quote still waiting for its
    approval names its post too: FEP-044f's servers show it only once the
    ``Update`` with the authorization comes."""
    if status.quote_of_id is None or status.quote_state not in (None, "accepted", "pending"):
        return {}
    quoted = sources.bundle.statuses.get(status.quote_of_id)
    if quoted is None:
        return {}
    quoted_author = sources.bundle.author(quoted)
    uri = note_uri(quoted, quoted_author, settings)
    found = {"quote": uri, "quoteUrl": uri, "_misskey_quote": uri}
    if status.quote_state == "accepted":
        if status.quote_authorization_uri:
            found["quoteAuthorization"] = status.quote_authorization_uri
        elif quoted_author.is_local:
            found["quoteAuthorization"] = authorization_uri(
                quoted, quoted_author, status.id, settings
            )
    return found


def _attachment(media: MediaAttachment, settings: Settings) -> dict[str, Any]:
    storage = storage_for(settings)
    document: dict[str, Any] = {
        "type": "Document",
        "mediaType": content_type_for(media.file_key) if media.file_key else media.content_type,
        "url": storage.url(media.file_key) if media.file_key else media.remote_url,
        "name": media.description,
        "blurhash": media.blurhash,
    }
    original = (media.meta or {}).get("original") or {}
    if "width" in original and "height" in original:
        document["width"] = original["width"]
        document["height"] = original["height"]
    if media.type in ("image", "gifv", "video"):
        document["focalPoint"] = [media.focus_x, media.focus_y]
    return document
