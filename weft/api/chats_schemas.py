"""The chat API's response shapes, for the OpenAPI document at /docs
(``responses={200: {"model": ...}}`` on the routes of weft/api/chats.py).
The entities themselves are made by weft/api/serializers/chats.py."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ChatReactionSchema(BaseModel):
    emoji: str
    count: int
    me: bool = Field(description="whether the viewer reacted with this emoji")


class ChatMessageSchema(BaseModel):
    """A message of a chat."""

    id: str
    chat_id: str
    account: dict[str, Any] | None = Field(description="the author, a Mastodon Account")
    text: str = Field(description="as written (up to 1,000 characters, counted as posts are)")
    content: str = Field(description="sanitized HTML")
    media_attachments: list[dict[str, Any]] = Field(description="Mastodon MediaAttachments")
    reply_to_id: str | None
    reactions: list[ChatReactionSchema]
    edited_at: str | None
    created_at: str


class ChatSchema(BaseModel):
    """A chat as one member sees it."""

    id: str
    name: str | None
    group: bool
    members: list[dict[str, Any]] = Field(description="present members, Mastodon Accounts")
    admins: list[str] = Field(description="the admins' account ids")
    created_by: str | None = Field(description="the account id of who started the chat")
    folder: str = Field(description="inbox, requests or spam")
    accepted: bool = Field(description="false while the chat is a request")
    muted: bool
    left: bool = Field(description="the viewer left or was removed")
    unread_count: int
    last_read_id: str | None
    read_positions: dict[str, str] = Field(description="each member's last read message id")
    last_message: ChatMessageSchema | None
    created_at: str
    updated_at: str


class ChatUpdateSchema(BaseModel):
    """The payload of a ``chat.update`` streaming event."""

    change: str = Field(description="edit, delete, reaction, read, members or chat")
    chat: ChatSchema
    message: ChatMessageSchema | None
    message_id: str | None
