"""Posts and what they carry, as the document shows them (Mastodon's Status
with Weft's additions, each described as such)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from weft.api.schemas import Entity, weft_field
from weft.api.schemas.accounts import Account, CustomEmoji
from weft.api.schemas.filters import FilterResult


class MediaAttachment(Entity):
    id: str
    type: Literal["image", "gifv", "video", "audio", "unknown"]
    url: str | None = Field(description="Null until processing is done.")
    preview_url: str | None
    remote_url: str | None
    preview_remote_url: str | None
    text_url: str | None
    meta: dict[str, Any] | None = Field(description="Sizes, and the `focus` point of visuals.")
    description: str | None = Field(description="The alt text.")
    blurhash: str | None


class PollOption(Entity):
    title: str
    votes_count: int | None = Field(description="Null while the author hides the totals.")


class Poll(Entity):
    id: str
    expires_at: str | None
    expired: bool
    multiple: bool
    votes_count: int
    voters_count: int | None
    options: list[PollOption]
    emojis: list[CustomEmoji]
    voted: bool | None = Field(None, description="Given to a signed-in viewer.")
    own_votes: list[int] | None = Field(None, description="Given to a signed-in viewer.")


class PreviewCardAuthor(Entity):
    name: str
    url: str
    account: Account | None


class PreviewCard(Entity):
    url: str
    title: str
    description: str
    language: str | None
    type: str
    author_name: str
    author_url: str
    authors: list[PreviewCardAuthor]
    provider_name: str
    provider_url: str
    html: str
    width: int
    height: int
    image: str | None
    image_description: str
    embed_url: str
    blurhash: str | None
    published_at: str | None


class StatusMention(Entity):
    id: str
    username: str
    acct: str
    url: str


class StatusTag(Entity):
    name: str
    url: str


class StatusApplication(Entity):
    name: str
    website: str | None


class Quote(Entity):
    state: Literal["pending", "accepted", "rejected", "revoked", "deleted", "unauthorized"]
    quoted_status: Status | None = Field(
        description="The quoted post when accepted and visible; inside a quoted post, "
        "its own quote is always null."
    )


class QuoteApproval(Entity):
    automatic: list[str] = Field(description="Who may quote without asking.")
    manual: list[str] = Field(description="Who may ask to quote.")
    current_user: Literal["automatic", "manual", "denied", "unknown"]


class SpoilerEntity(Entity):
    entity_type: Literal["spoiler"]
    offset: int = Field(description="In code points of the text as written.")
    length: int


class StyledRange(Entity):
    offset: int = Field(description="In code points of `plaintext`.")
    length: int
    styling_info: list[str] = Field(
        description="bold, italic, highlight, underline, strikethrough."
    )


class TextAttachment(Entity):
    """Threads' long text attached to a post."""

    plaintext: str = Field(description="Up to 10,000 characters.")
    link_attachment_url: str | None
    text_with_styling_info: list[StyledRange]


class Status(Entity):
    """A post (Mastodon's Status); ``reblog`` holds a repost's original."""

    id: str
    uri: str
    url: str | None
    created_at: str
    edited_at: str | None
    content: str = Field(
        description="HTML; a text attachment's HTML follows the post's own (Weft)."
    )
    visibility: Literal["public", "unlisted", "private", "direct"]
    sensitive: bool
    spoiler_text: str
    language: str | None
    in_reply_to_id: str | None
    in_reply_to_account_id: str | None
    replies_count: int
    reblogs_count: int
    favourites_count: int
    quotes_count: int
    media_attachments: list[MediaAttachment]
    mentions: list[StatusMention]
    tags: list[StatusTag]
    emojis: list[CustomEmoji]
    card: PreviewCard | None
    poll: Poll | None
    filtered: list[FilterResult] = Field(
        description="The viewer's filters the post matches (warn and blur; "
        "a hide filter leaves it out of lists)."
    )
    account: Account
    reblog: Status | None
    quote: Quote | None
    quote_approval: QuoteApproval
    application: StatusApplication | None = Field(description="Shown to the post's author.")
    favourited: bool | None = Field(None, description="Given to a signed-in viewer.")
    reblogged: bool | None = Field(None, description="Given to a signed-in viewer.")
    bookmarked: bool | None = Field(None, description="Given to a signed-in viewer.")
    pinned: bool | None = Field(None, description="Given to a signed-in viewer.")
    muted: bool | None = Field(None, description="Given to a signed-in viewer.")
    text: str | None = Field(
        None, description="The text as written: given by DELETE, to post it again."
    )
    is_ghost_post: bool = weft_field(
        "a ghost post: it disappears 24 hours after it was posted.", "is_ghost_post"
    )
    ghost_post_expires_at: str | None = weft_field(
        "when a ghost post disappears.", "ghost_post_expiration_timestamp"
    )
    text_entities: list[SpoilerEntity] = weft_field(
        "the ranges of the text hidden as spoilers.", "text_entities"
    )
    is_spoiler_media: bool = weft_field(
        "the media are hidden as a spoiler until tapped.", "is_spoiler_media"
    )
    reply_policy: Literal["everyone", "following", "mentioned", "followers", "author"] = weft_field(
        "who may reply, in Weft's words."
    )
    reply_control: str = weft_field(
        "who may reply, in Threads' words (everyone, accounts_you_follow, "
        "mentioned_only, parent_post_author_only, followers_only).",
        "reply_control",
    )
    enable_reply_approvals: bool = weft_field(
        "replies wait for the author's approval.", "enable_reply_approvals"
    )
    reply_approval_status: Literal["pending", "ignored"] | None = weft_field(
        "a reply waiting for approval (pending) or set aside (ignored); shown to "
        "the replier and the replied-to.",
        "reply_approval_status",
    )
    archived: bool = weft_field("the author archived it: hidden from others until unarchived.")
    text_attachment: TextAttachment | None = weft_field(
        "the long text attached to the post.", "text_attachment"
    )
    topic_tag: str | None = weft_field("the post's topic.", "topic_tag")


class StatusEdit(Entity):
    content: str
    spoiler_text: str
    sensitive: bool
    created_at: str
    account: Account
    poll: Poll | None
    media_attachments: list[MediaAttachment]
    emojis: list[CustomEmoji]


class StatusSource(Entity):
    id: str
    text: str
    spoiler_text: str


class Context(Entity):
    ancestors: list[Status]
    descendants: list[Status]


class ScheduledStatus(Entity):
    """A post kept for later: scheduled (``scheduled_at``) or, Weft's, a draft (null)."""

    id: str
    scheduled_at: str | None = Field(description="Null for a draft (Weft).")
    params: dict[str, Any] = Field(
        description="The parameters it will be posted with (those of POST /api/v1/statuses)."
    )
    media_attachments: list[MediaAttachment]
    created_at: str | None = weft_field("when it was first saved.")
    updated_at: str | None = weft_field("when it was last saved.")
    error: str | None = weft_field("why it could not be published, if it could not.")


Quote.model_rebuild()


class Conversation(Entity):
    """A one-to-one chat as Mastodon's Conversation (direct messages)."""

    id: str = Field(description="The chat's id.")
    unread: bool
    accounts: list[Account] = Field(description="The other person.")
    last_status: Status | None = Field(description="The newest message, as a direct Status.")
