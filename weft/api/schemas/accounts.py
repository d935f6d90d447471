"""Accounts, relationships, tags and OAuth entities, as the document shows them."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from weft.api.schemas import Entity, weft_field


class CustomEmoji(Entity):
    shortcode: str
    url: str
    static_url: str
    visible_in_picker: bool


class ProfileField(Entity):
    name: str
    value: str = Field(description="HTML (links made clickable).")
    verified_at: str | None


class Account(Entity):
    id: str
    username: str
    acct: str = Field(description="`name` for local accounts, `name@domain` for others.")
    url: str
    uri: str
    display_name: str
    note: str = Field(description="The profile's bio, as HTML.")
    avatar: str
    avatar_static: str
    header: str
    header_static: str
    locked: bool
    bot: bool
    group: bool
    discoverable: bool | None
    indexable: bool
    hide_collections: bool | None
    noindex: bool | None
    memorial: bool | None
    suspended: bool | None
    limited: bool | None
    moved: Account | None = Field(description="The account this one moved to, if it did.")
    created_at: str = Field(description="The day the account was made (midnight UTC).")
    last_status_at: str | None = Field(description="The day of its last post (YYYY-MM-DD).")
    statuses_count: int
    followers_count: int
    following_count: int
    emojis: list[CustomEmoji]
    fields: list[ProfileField]
    roles: list[dict[str, Any]]


class Source(Entity):
    privacy: str
    sensitive: bool
    language: str | None
    note: str = Field(description="The bio as written (plain text).")
    fields: list[ProfileField]
    follow_requests_count: int
    indexable: bool
    discoverable: bool | None
    hide_collections: bool | None
    attribution_domains: list[str]
    quote_policy: str
    chat_policy: str = Field(
        description="Weft's addition: who may message the person: everyone, following or nobody."
    )
    mention_policy: str = Field(
        description="Weft's addition: whose mentions link and notify: everyone, following "
        "(people the person follows) or followers."
    )


class Role(Entity):
    id: str
    name: str
    permissions: str
    color: str
    highlighted: bool


class WeftSettings(Entity):
    federated: bool = Field(description="Whether the account is seen by other servers.")
    chat_policy: str = Field(
        description="Who may message the person: everyone, following (people they follow), nobody."
    )
    mention_policy: str = Field(
        description="Whose mentions link and notify: everyone, following, followers."
    )


class CredentialAccount(Account):
    """The signed-in person's own account."""

    source: Source
    role: Role
    weft: WeftSettings = weft_field("Weft's own account settings.")


class MutedAccount(Account):
    mute_expires_at: str | None


class Relationship(Entity):
    id: str
    following: bool
    showing_reblogs: bool
    notifying: bool
    languages: list[str] | None
    followed_by: bool
    blocking: bool
    blocked_by: bool
    muting: bool
    muting_notifications: bool
    muting_expires_at: str | None
    requested: bool
    requested_by: bool
    domain_blocking: bool
    endorsed: bool
    note: str = Field(description="One's private note on the account.")
    restricting: bool = Field(
        description="Weft: one restricts the account (their replies to one's posts are "
        "seen by themselves alone, their messages land in requests)."
    )


class TagHistory(Entity):
    day: str
    uses: str
    accounts: str


class Tag(Entity):
    id: str
    name: str
    url: str
    history: list[TagHistory]
    following: bool | None = Field(None, description="Given to a signed-in viewer.")


class Topic(Tag):
    """A topic (Threads' `topic_tag`): the Tag, with its page and its posts' count."""

    url: str = weft_field("the topic's page on the web app (`/topics/:name`).")
    posts_count: int = weft_field("how many posts have this topic.")


class Application(Entity):
    id: str
    name: str
    website: str | None
    scopes: list[str]
    redirect_uri: str
    redirect_uris: list[str]
    vapid_key: str


class CredentialApplication(Application):
    client_id: str
    client_secret: str
    client_secret_expires_at: int


class Token(Entity):
    access_token: str
    token_type: str
    scope: str
    created_at: int
    refresh_token: str | None = Field(None, description="When the grant issues one.")


class UserInfo(Entity):
    """OpenID Connect claims about the signed-in person."""

    iss: str
    sub: str
    name: str
    preferred_username: str
    profile: str
    picture: str


class AuthorizationServer(Entity):
    """RFC 8414 metadata of the OAuth server."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
