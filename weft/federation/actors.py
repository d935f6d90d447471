"""ActivityStreams documents for local actors: a person, and the instance actor.

Shaped as Mastodon shapes them (``ActivityPub::ActorSerializer``), since that
is what the rest of the fediverse parses first.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from weft.config import Settings
from weft.formatting import linkify, paragraphs
from weft.models import Account

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ACTIVITY_JSON = "application/activity+json"

# The terms Mastodon's extension context defines, FEP-044f's quote terms and
# GoToSocial's interaction policies.
EXTENSIONS: dict[str, Any] = {
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "sensitive": "as:sensitive",
    "Hashtag": "as:Hashtag",
    "toot": "http://joinmastodon.org/ns#",
    "featured": {"@id": "toot:featured", "@type": "@id"},
    "discoverable": "toot:discoverable",
    "indexable": "toot:indexable",
    "suspended": "toot:suspended",
    "blurhash": "toot:blurhash",
    "votersCount": "toot:votersCount",
    "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
    "schema": "http://schema.org#",
    "PropertyValue": "schema:PropertyValue",
    "value": "schema:value",
    "quote": {"@id": "https://w3id.org/fep/044f#quote", "@type": "@id"},
    "quoteUrl": "as:quoteUrl",
    "_misskey_quote": "https://misskey-hub.net/ns#_misskey_quote",
    # FEP-044f's handshake, and GoToSocial's interaction policies it builds on.
    "quoteAuthorization": {"@id": "https://w3id.org/fep/044f#quoteAuthorization", "@type": "@id"},
    "QuoteRequest": "https://w3id.org/fep/044f#QuoteRequest",
    "QuoteAuthorization": "https://w3id.org/fep/044f#QuoteAuthorization",
    "gts": "https://gotosocial.org/ns#",
    "interactionPolicy": {"@id": "gts:interactionPolicy", "@type": "@id"},
    "canQuote": {"@id": "gts:canQuote", "@type": "@id"},
    "canReply": {"@id": "gts:canReply", "@type": "@id"},
    "canAnnounce": {"@id": "gts:canAnnounce", "@type": "@id"},
    "automaticApproval": {"@id": "gts:automaticApproval", "@type": "@id"},
    "manualApproval": {"@id": "gts:manualApproval", "@type": "@id"},
    "interactingObject": {"@id": "gts:interactingObject", "@type": "@id"},
    "interactionTarget": {"@id": "gts:interactionTarget", "@type": "@id"},
    # Weft's own terms: Threads' spoilers, text attachments and topics, which
    # other Weft servers read back (weft/federation/rich_notes.py).
    "weft": "https://w3id.org/weft/ns#",
    "textEntities": {"@id": "weft:textEntities", "@type": "@json"},
    "spoilerMedia": "weft:spoilerMedia",
    "textAttachment": {"@id": "weft:textAttachment", "@type": "@json"},
    "topic": "weft:topic",
    # A ghost post, gone 24 hours after it was published (weft/actions/posts/ghosts.py).
    "ghostPost": "weft:ghostPost",
}
CONTEXT: list[Any] = [AS_CONTEXT, SECURITY_CONTEXT, EXTENSIONS]


def actor_uri(account: Account, settings: Settings) -> str:
    return account.uri or f"{settings.base_url}/users/{account.username}"


def followers_uri(account: Account, settings: Settings) -> str:
    return account.followers_url or f"{actor_uri(account, settings)}/followers"


def iso(value: Any) -> str:
    text: str = value.isoformat(timespec="seconds")
    return text.replace("+00:00", "Z")


def person(account: Account, settings: Settings) -> dict[str, Any]:
    """The ``Person`` document of a local account (which has its key by now)."""
    uri = actor_uri(account, settings)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": uri,
        "type": account.actor_type,
        "following": f"{uri}/following",
        "followers": f"{uri}/followers",
        "inbox": f"{uri}/inbox",
        "outbox": f"{uri}/outbox",
        "featured": f"{uri}/collections/featured",
        "preferredUsername": account.username,
        "name": account.display_name,
        "summary": paragraphs(account.note),
        "url": account.url or f"{settings.base_url}/@{account.username}",
        "manuallyApprovesFollowers": account.locked,
        "discoverable": account.discoverable,
        "indexable": account.indexable,
        "published": iso(account.created_at.replace(hour=0, minute=0, second=0, microsecond=0)),
        "publicKey": public_key(account, uri),
        "attachment": [
            {
                "type": "PropertyValue",
                "name": f.get("name", ""),
                "value": linkify(f.get("value", "")),
            }
            for f in account.fields
        ],
        "endpoints": {"sharedInbox": f"{settings.base_url}/inbox"},
    }
    if account.bot:
        document["type"] = "Service"
    _add_image(document, "icon", account.avatar_url)
    _add_image(document, "image", account.header_url)
    return document


def application(account: Account, settings: Settings) -> dict[str, Any]:
    """The instance actor (Mastodon's ``/actor``): signs the server's own fetches."""
    uri = actor_uri(account, settings)
    return {
        "@context": CONTEXT,
        "id": uri,
        "type": "Application",
        "inbox": f"{uri}/inbox",
        "outbox": f"{uri}/outbox",
        "preferredUsername": account.username,
        "url": account.url,
        "manuallyApprovesFollowers": True,
        "publicKey": public_key(account, uri),
        "endpoints": {"sharedInbox": f"{settings.base_url}/inbox"},
    }


def public_key(account: Account, uri: str) -> dict[str, Any]:
    return {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": account.public_key_pem}


def _add_image(document: dict[str, Any], name: str, url: str | None) -> None:
    if not url:
        return
    image: dict[str, Any] = {"type": "Image", "url": url}
    media_type, _ = mimetypes.guess_type(url.split("?", 1)[0])
    if media_type:
        image["mediaType"] = media_type
    document[name] = image
