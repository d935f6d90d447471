"""The Instance entities (v2 and v1), as the document shows them."""

from __future__ import annotations

from typing import Any

from pydantic import Field, RootModel

from weft.api.schemas import Entity
from weft.api.schemas.accounts import Account


class MediaLimits(Entity):
    supported_mime_types: list[str]
    image_size_limit: int
    image_matrix_limit: int
    video_size_limit: int
    video_frame_rate_limit: int
    video_matrix_limit: int
    description_limit: int | None = None


class StatusLimits(Entity):
    max_characters: int
    max_media_attachments: int
    characters_reserved_per_url: int


class PollLimits(Entity):
    max_options: int
    max_characters_per_option: int
    min_expiration: int
    max_expiration: int


class InstanceUrls(Entity):
    streaming: str = Field(description="Where the streaming API is (ws:// or wss://).")
    status: str | None
    about: str | None
    privacy_policy: str | None
    terms_of_service: str | None


class AccountLimits(Entity):
    max_featured_tags: int
    max_pinned_statuses: int
    max_display_name_length: int
    max_note_length: int
    max_profile_fields: int
    profile_field_name_limit: int
    profile_field_value_limit: int


class Configuration(Entity):
    urls: InstanceUrls
    accounts: AccountLimits
    statuses: StatusLimits
    media_attachments: MediaLimits
    polls: PollLimits
    translation: dict[str, bool]
    vapid: dict[str, str] = Field(description="`public_key`: the key web push subscribes with.")


class Registrations(Entity):
    enabled: bool
    approval_required: bool
    reason_required: bool
    message: str | None
    min_age: int | None
    url: str | None


class Rule(Entity):
    """A server rule: people accept them at sign-up and name them in reports."""

    id: str
    text: str
    hint: str
    translations: dict[str, dict[str, str]] | None = None


class ExtendedDescription(Entity):
    updated_at: str
    content: str = Field(description="HTML.")


class PrivacyPolicy(Entity):
    updated_at: str
    content: str = Field(description="HTML.")


class TermsOfService(Entity):
    effective_date: str = Field(description="The date they took effect (YYYY-MM-DD).")
    effective: bool
    content: str = Field(description="HTML.")
    succeeded_by: str | None


class DomainBlock(Entity):
    domain: str
    digest: str = Field(description="SHA-256 of the domain, hex.")
    severity: str = Field(description="`silence` or `suspend`.")
    comment: str | None = None


class WeeklyActivity(Entity):
    week: str = Field(description="The week's start, as a UNIX timestamp in a string.")
    statuses: str
    logins: str
    registrations: str


class Peers(RootModel[list[str]]):
    """The domains this server knows, as Mastodon lists them."""


class Contact(Entity):
    email: str
    account: Account | None


class Instance(Entity):
    """What a client learns of the server before signing in (v2)."""

    domain: str
    title: str
    version: str = Field(description="`4.7.0 (compatible; Weft x.y.z)`.")
    source_url: str
    description: str
    usage: dict[str, dict[str, int]]
    thumbnail: dict[str, Any]
    icon: list[dict[str, Any]]
    languages: list[str]
    api_versions: dict[str, int]
    configuration: Configuration
    registrations: Registrations
    contact: Contact
    rules: list[Rule]


class V1Configuration(Entity):
    accounts: dict[str, int]
    statuses: StatusLimits
    media_attachments: MediaLimits
    polls: PollLimits


class V1Instance(Entity):
    """The older Instance entity (v1)."""

    uri: str
    title: str
    short_description: str
    description: str
    email: str
    version: str
    urls: dict[str, str]
    stats: dict[str, int]
    thumbnail: str | None
    languages: list[str]
    registrations: bool
    approval_required: bool
    invites_enabled: bool
    configuration: V1Configuration
    contact_account: Account | None
    rules: list[Rule]
