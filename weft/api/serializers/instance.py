"""The Instance entities (v1 and v2): what a client learns before signing in."""

from __future__ import annotations

from typing import Any

from weft import __version__, limits
from weft.actions.accounts import (
    DISPLAY_NAME_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    NOTE_MAX,
)
from weft.config import Settings
from weft.models import ServerRule
from weft.push.vapid import public_key
from weft.queries.instance import Registration, paragraphs_html

# The Mastodon release whose entity shapes we serve (the schemas the tests
# check against, tests/reference/), for clients that parse `version` to decide what to call.
MASTODON_COMPATIBLE = "4.7.0"
# Mastodon's machine-readable API level for that release.
MASTODON_API_VERSION = 7
# Featured hashtags on profiles are not there yet (no /api/v1/featured_tags);
# the entities require the limit, and none can be featured.
NO_FEATURED_TAGS = 0


def version() -> str:
    return f"{MASTODON_COMPATIBLE} (compatible; Weft {__version__})"


def _media() -> dict[str, Any]:
    return {
        "supported_mime_types": limits.SUPPORTED_MIME_TYPES,
        "image_size_limit": limits.IMAGE_SIZE_LIMIT,
        "image_matrix_limit": limits.IMAGE_MATRIX_LIMIT,
        "video_size_limit": limits.VIDEO_SIZE_LIMIT,
        "video_frame_rate_limit": limits.VIDEO_FRAME_RATE_LIMIT,
        "video_matrix_limit": limits.VIDEO_MATRIX_LIMIT,
    }


def _statuses() -> dict[str, int]:
    return {
        "max_characters": limits.MAX_STATUS_CHARACTERS,
        "max_media_attachments": limits.MAX_MEDIA_ATTACHMENTS,
        "characters_reserved_per_url": limits.CHARACTERS_RESERVED_PER_URL,
    }


def _polls() -> dict[str, int]:
    # Threads' limits (weft/limits.py).
    return {
        "max_options": limits.POLL_MAX_OPTIONS,
        "max_characters_per_option": limits.POLL_MAX_OPTION_CHARACTERS,
        "min_expiration": limits.POLL_MIN_EXPIRATION,
        "max_expiration": limits.POLL_MAX_EXPIRATION,
    }


def _streaming(settings: Settings) -> str:
    # Where the streaming API is (weft/api/streaming/): this server, as
    # Mastodon names it (clients add /api/v1/streaming themselves).
    return settings.base_url.replace("https://", "wss://").replace("http://", "ws://")


def rule(rule: ServerRule) -> dict[str, Any]:
    return {"id": str(rule.id), "text": rule.text, "hint": rule.hint, "translations": {}}


def _urls(settings: Settings) -> dict[str, str]:
    return {
        "about": f"{settings.base_url}/about",
        "privacy_policy": f"{settings.base_url}/privacy-policy",
        "terms_of_service": f"{settings.base_url}/terms-of-service",
        "sign_up": f"{settings.base_url}/auth/sign_up",
    }


def instance_v2(
    settings: Settings,
    active_month: int,
    contact: dict[str, Any] | None,
    reg: Registration,
    rules: list[ServerRule],
    has_terms: bool,
) -> dict[str, Any]:
    urls = _urls(settings)
    return {
        "domain": settings.domain,
        "title": settings.instance_title,
        "version": version(),
        "source_url": settings.source_url,
        "description": settings.instance_description,
        "usage": {"users": {"active_month": active_month}},
        "thumbnail": {"url": f"{settings.base_url}/static/thumbnail.png"},
        "icon": [],
        "languages": ["en"],
        "api_versions": {"mastodon": MASTODON_API_VERSION},
        "configuration": {
            "urls": {
                "streaming": _streaming(settings),
                "status": None,
                "about": urls["about"],
                "privacy_policy": urls["privacy_policy"],
                "terms_of_service": urls["terms_of_service"] if has_terms else None,
            },
            "accounts": {
                "max_featured_tags": NO_FEATURED_TAGS,
                "max_pinned_statuses": limits.MAX_PINNED_STATUSES,
                "max_display_name_length": DISPLAY_NAME_MAX,
                "max_note_length": NOTE_MAX,
                "max_profile_fields": limits.MAX_PROFILE_FIELDS,
                "profile_field_name_limit": FIELD_NAME_MAX,
                "profile_field_value_limit": FIELD_VALUE_MAX,
            },
            "statuses": _statuses(),
            "media_attachments": {**_media(), "description_limit": limits.MEDIA_DESCRIPTION_LIMIT},
            "polls": _polls(),
            "translation": {"enabled": False},
            # Web push (/api/v1/push/subscription): the key clients subscribe with.
            "vapid": {"public_key": public_key(settings)},
        },
        "registrations": {
            "enabled": reg.enabled,
            "approval_required": reg.approval_required,
            "reason_required": reg.approval_required,
            "message": paragraphs_html(reg.message) or None,
            "min_age": None,
            # Where people sign up: the web form (it also takes invite links).
            "url": urls["sign_up"] if reg.mode != "closed" else None,
        },
        "contact": {"email": settings.contact_email, "account": contact},
        "rules": [rule(r) for r in rules],
    }


def instance_v1(
    settings: Settings,
    users: int,
    statuses: int,
    domains: int,
    contact: dict[str, Any] | None,
    reg: Registration,
    rules: list[ServerRule],
) -> dict[str, Any]:
    return {
        "uri": settings.domain,
        "title": settings.instance_title,
        "short_description": settings.instance_description,
        "description": settings.instance_description,
        "email": settings.contact_email,
        "version": version(),
        "urls": {"streaming_api": _streaming(settings)},
        "stats": {"user_count": users, "status_count": statuses, "domain_count": domains},
        "thumbnail": f"{settings.base_url}/static/thumbnail.png",
        "languages": ["en"],
        "registrations": reg.enabled,
        "approval_required": reg.approval_required,
        "invites_enabled": reg.mode != "closed",
        "configuration": {
            "accounts": {"max_featured_tags": NO_FEATURED_TAGS},
            "statuses": _statuses(),
            "media_attachments": _media(),
            "polls": _polls(),
        },
        "contact_account": contact,
        "rules": [rule(r) for r in rules],
    }
