"""OAuth scopes in plain words, for the consent page."""

from __future__ import annotations

TOP_LEVEL = {
    "read": "Read all your account's data: posts, notifications, follows, lists and more",
    "write": "Change all your account's data: post, follow, edit your profile and more",
    "follow": "Follow, block and mute people, and see whom you follow, block and mute",
    "push": "Receive push notifications",
    "profile": "Read only your basic profile information",
    "admin:read": "Read all data on the server (moderation)",
    "admin:write": "Take moderation actions on the server",
}
AREAS = {
    "accounts": "account information",
    "blocks": "blocks",
    "bookmarks": "bookmarks",
    "conversations": "conversations",
    "favourites": "favourites",
    "filters": "filters",
    "follows": "follows",
    "lists": "lists",
    "media": "uploaded media",
    "mutes": "mutes",
    "notifications": "notifications",
    "reports": "reports",
    "search": "search",
    "statuses": "posts",
}
VERBS = {"read": "Read your {}", "write": "Change your {}"}


def describe(scope: str) -> str:
    """``read:statuses`` -> ``Read your posts``; unknown scopes are shown as they are."""
    if scope in TOP_LEVEL:
        return TOP_LEVEL[scope]
    verb, _, area = scope.partition(":")
    if verb in VERBS and area in AREAS:
        return VERBS[verb].format(AREAS[area])
    if verb == "admin":
        kind, _, what = area.partition(":")
        action = "Read" if kind == "read" else "Moderate"
        return f"{action} {what.replace('_', ' ')} on the server (moderation)"
    return scope
