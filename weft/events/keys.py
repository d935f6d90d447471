"""The keys events are routed by: one per stream a change may reach.

``user:<account id>``: a home timeline (update, status.update, delete);
``notification:<account id>``: a person's notifications;
``public``, ``public:local``, ``public:remote``: public posts (no reposts, no
replies to others), by where their author lives;
``hashtag:<tag>`` and ``hashtag:local:<tag>``: the same, per tag (lower case);
``direct:<account id>``: a person's conversations (one-to-one chats, Mastodon's
``direct`` stream);
``thread:<conversation id>``: the replies in a conversation (the web app's
post page; each is judged for the viewer as any post is).
"""

from __future__ import annotations

PUBLIC = "public"
PUBLIC_LOCAL = "public:local"
PUBLIC_REMOTE = "public:remote"


def user(account_id: int) -> str:
    return f"user:{account_id}"


def direct(account_id: int) -> str:
    return f"direct:{account_id}"


def notifications(account_id: int) -> str:
    return f"notification:{account_id}"


def hashtag(name: str, *, local: bool = False) -> str:
    tag = name.lower().lstrip("#")
    return f"hashtag:local:{tag}" if local else f"hashtag:{tag}"


def thread(conversation_id: int) -> str:
    return f"thread:{conversation_id}"
