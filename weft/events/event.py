"""An event: what happened, for which streams (ids only; see weft/events/__init__.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

UPDATE = "update"
DELETE = "delete"
STATUS_UPDATE = "status.update"
NOTIFICATION = "notification"
# Chats (weft/actions/chats/): on the members' ``user`` streams.
CHAT_MESSAGE = "chat.message"
CHAT_UPDATE = "chat.update"
CHAT_REQUEST = "chat.request"
# Mastodon's: a one-to-one chat changed, on its members' ``direct`` streams.
CONVERSATION = "conversation"
FILTERS_CHANGED = "filters_changed"  # to the person's ``user`` stream, no payload
NAMES = frozenset(
    {
        UPDATE,
        DELETE,
        STATUS_UPDATE,
        NOTIFICATION,
        CHAT_MESSAGE,
        CHAT_UPDATE,
        CHAT_REQUEST,
        CONVERSATION,
        FILTERS_CHANGED,
    }
)


@dataclass(frozen=True, slots=True)
class Event:
    """``name`` happened, for the streams ``keys``.

    ``status_id`` names the post (update, status.update, delete),
    ``notification_id`` the notification; ``account_id`` is whose doing it is
    (the author of a deleted post), so a stream can leave out the people its
    viewer blocks even when the post itself is gone. Chat events name the
    ``chat_id``, the ``message_id`` and, for ``chat.update``, the ``change``
    (edit, delete, reaction, read, members, chat). ``payload``: a
    ``chat.message``'s ChatMessage entity (JSON) when the door that sent it
    rendered it: it is the same for every member, and its keys are the
    members who may read it (weft/actions/chats/messages.py), so a socket
    sends it as it is.
    """

    name: str
    keys: tuple[str, ...]
    status_id: int | None = None
    notification_id: int | None = None
    account_id: int | None = None
    chat_id: int | None = None
    message_id: int | None = None
    change: str | None = None
    payload: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "keys": list(self.keys),
            "status_id": self.status_id,
            "notification_id": self.notification_id,
            "account_id": self.account_id,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "change": self.change,
            "payload": self.payload,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        name = data.get("name")
        keys = data.get("keys")
        if name not in NAMES or not isinstance(keys, list):
            raise ValueError("not an event")
        return cls(
            name=str(name),
            keys=tuple(str(k) for k in keys),
            status_id=_maybe_int(data.get("status_id")),
            notification_id=_maybe_int(data.get("notification_id")),
            account_id=_maybe_int(data.get("account_id")),
            chat_id=_maybe_int(data.get("chat_id")),
            message_id=_maybe_int(data.get("message_id")),
            change=None if data.get("change") is None else str(data.get("change")),
            payload=None if data.get("payload") is None else str(data.get("payload")),
        )


def _maybe_int(value: Any) -> int | None:
    return None if value is None else int(value)
