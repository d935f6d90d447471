"""Request bodies as the document shows them. The routes read them with
their own models (weft/api/params.py: query string, form or JSON, Rails
nesting); these say what each field means."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from weft.api.schemas import weft_field


class PollForm(BaseModel):
    options: list[str] = Field(description="The choices (`poll[options][]`).")
    expires_in: int | None = Field(None, description="Seconds until it ends.")
    multiple: bool | None = None
    hide_totals: bool | None = Field(None, description="Hide the tallies until it ends.")


class SpoilerForm(BaseModel):
    entity_type: Literal["spoiler"]
    offset: int
    length: int


class StyledForm(BaseModel):
    offset: int
    length: int
    styling_info: list[str]


class TextAttachmentForm(BaseModel):
    plaintext: str
    link_attachment_url: str | None = None
    text_with_styling_info: list[StyledForm] | None = None


class StatusForm(BaseModel):
    """A post's parameters (``POST /api/v1/statuses``; a draft's too)."""

    status: str | None = Field(None, description="The text.")
    media_ids: list[str] | None = Field(None, description="Uploaded media (`media_ids[]`).")
    poll: PollForm | None = None
    in_reply_to_id: str | None = None
    quoted_status_id: str | None = Field(None, description="The post this one quotes.")
    quote_approval_policy: Literal["public", "followers", "nobody"] | None = None
    sensitive: bool | None = None
    spoiler_text: str | None = Field(None, description="A content warning.")
    visibility: Literal["public", "unlisted", "private", "direct"] | None = None
    language: str | None = Field(None, description="ISO 639 code.")
    scheduled_at: str | None = Field(
        None, description="ISO 8601: post it then (answers a ScheduledStatus)."
    )
    reply_policy: Literal["everyone", "following", "mentioned", "followers", "author"] | None = (
        weft_field("who may reply, in Weft's words.", default=None)
    )
    reply_control: str | None = weft_field(
        "who may reply, in Threads' words.", "reply_control", default=None
    )
    enable_reply_approvals: bool | None = weft_field(
        "replies wait for approval.", "enable_reply_approvals", default=None
    )
    text_entities: list[SpoilerForm] | None = weft_field(
        "spoiler ranges of the text (or the same as a JSON text).", "text_entities", default=None
    )
    is_spoiler_media: bool | None = weft_field(
        "hide the media as a spoiler.", "is_spoiler_media", default=None
    )
    is_ghost_post: bool | None = weft_field(
        "a text-only post that disappears after 24 hours.", "is_ghost_post", default=None
    )
    text_attachment: TextAttachmentForm | None = weft_field(
        "a long text attached to the post (or the same as a JSON text).",
        "text_attachment",
        default=None,
    )
    topic_tag: str | None = weft_field("the post's topic.", "topic_tag", default=None)


class EditForm(BaseModel):
    """An edit's parameters (``PUT /api/v1/statuses/:id``)."""

    status: str | None = None
    spoiler_text: str | None = None
    sensitive: bool | None = None
    language: str | None = None
    media_ids: list[str] | None = None
    media_attributes: list[dict[str, Any]] | None = Field(
        None, description="`[{id, description, focus}]`: alt text and focus of the media."
    )
    poll: PollForm | None = None


class ScheduleForm(BaseModel):
    scheduled_at: str | None = Field(None, description="ISO 8601 (without a zone: UTC).")


class QuotePolicyForm(BaseModel):
    quote_approval_policy: Literal["public", "followers", "nobody"] = Field(
        description="Who may quote the post."
    )
