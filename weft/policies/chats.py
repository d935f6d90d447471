"""Who may read and write what in a chat: pure predicates over rows already read.

A member reads a window of message ids: after ``joined_after_id``, up to
``left_at_id`` once they left or were removed, and past their own
``hidden_through_id``; never the messages of someone they block. Anyone else
reads nothing (the API answers 404, so a chat's existence does not leak).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

MAX_MEMBERS = 50
MAX_CHARS = 1000
MAX_MEDIA = 10
MAX_NAME = 100
MAX_EMOJI = 64
EDIT_WINDOW = timedelta(minutes=15)
CHAT_POLICIES = ("everyone", "following", "nobody")

# The spam rules (docs/api.md, "Spam"): a request scoring SPAM_SCORE or more goes to Spam.
NEW_ACCOUNT = timedelta(days=7)
BURST_WINDOW = timedelta(hours=1)
BURST_CHATS = 10  # new one-to-one chats opened by the sender within BURST_WINDOW
SPAM_SCORE = 2


class Membership(Protocol):
    @property
    def joined_after_id(self) -> int: ...
    @property
    def left_at_id(self) -> int | None: ...
    @property
    def hidden_through_id(self) -> int: ...


class Message(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def account_id(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...


def is_active(member: Membership | None) -> bool:
    """A member who has not left nor been removed."""
    return member is not None and member.left_at_id is None


def in_window(member: Membership | None, message_id: int) -> bool:
    """Whether ``member`` reads the message ``message_id`` (blocks aside)."""
    if member is None:
        return False
    if message_id <= member.joined_after_id or message_id <= member.hidden_through_id:
        return False
    return member.left_at_id is None or message_id <= member.left_at_id


def can_read(member: Membership | None, message: Message, blocked_ids: frozenset[int]) -> bool:
    """``blocked_ids``: the people the reader blocks (their group messages are hidden)."""
    return in_window(member, message.id) and message.account_id not in blocked_ids


def can_edit(message: Message, editor_id: int, now: datetime) -> str | None:
    """Why ``editor_id`` may not edit ``message`` now, or None."""
    if message.account_id != editor_id:
        return "only its author may edit a message"
    if now - message.created_at > EDIT_WINDOW:
        return "can no longer be edited: a message may be edited within 15 minutes"
    return None


@dataclass(frozen=True)
class Standing:
    """How a would-be recipient stands with the sender."""

    chat_policy: str  # the recipient's setting
    # The recipient follows the sender and does not restrict them (a chat
    # starts in their inbox).
    follows_sender: bool
    blocked_either_way: bool
    local: bool = True
    # The recipient follows the sender but restricts them: the chat starts
    # in requests, yet "following" does not refuse them (they are not told).
    restricted_follow: bool = False


def refusal(standing: Standing, username: str) -> str | None:
    """Why the sender may not message @username (a new chat or a request), or None."""
    if standing.blocked_either_way:
        return f"cannot be messaged: @{username} and you have blocked one another"
    if standing.chat_policy == "nobody":
        return f"cannot be messaged: @{username} accepts messages from nobody"
    followed = standing.follows_sender or standing.restricted_follow
    if standing.chat_policy == "following" and not followed:
        return f"cannot be messaged: @{username} accepts messages only from people they follow"
    return None


@dataclass(frozen=True)
class SpamFacts:
    """What the spam rules read of a first message from someone the recipient
    doesn't follow."""

    sender_age: timedelta
    links: int
    recent_chats: int  # one-to-one chats the sender opened within BURST_WINDOW
    hidden_words: bool = False  # matches the recipient's filters (Weft has none yet)


def spam_reasons(facts: SpamFacts) -> list[str]:
    """The rules a request breaks; it is spam when their weights reach SPAM_SCORE."""
    reasons = []
    if facts.sender_age < NEW_ACCOUNT:
        reasons.append("new_account")
    if facts.links > 0:
        reasons.append("links")
    if facts.recent_chats > BURST_CHATS:
        reasons.extend(["many_new_chats", "many_new_chats"])  # weighs two
    if facts.hidden_words:
        reasons.extend(["hidden_words", "hidden_words"])
    return reasons


def is_spam(facts: SpamFacts) -> bool:
    return len(spam_reasons(facts)) >= SPAM_SCORE


def first_folder(*, follows_sender: bool, spam: bool) -> str:
    """Where a new chat lands for a recipient."""
    if follows_sender:
        return "inbox"
    return "spam" if spam else "requests"
