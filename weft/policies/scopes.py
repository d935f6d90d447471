"""OAuth scopes as Mastodon defines them, and whether a grant covers a need.

``read`` covers every ``read:*``; ``follow`` covers the follow, block and mute
scopes (Mastodon's deprecated umbrella); ``admin:read`` covers
``admin:read:*``; ``profile`` covers only reading one's own account.
"""

from __future__ import annotations

from collections.abc import Iterable

READ_SCOPES = frozenset(
    f"read:{s}"
    for s in "accounts blocks bookmarks favourites filters follows lists mutes notifications "
    "search statuses".split()
)
WRITE_SCOPES = frozenset(
    f"write:{s}"
    for s in "accounts blocks bookmarks conversations favourites filters follows lists media "
    "mutes notifications reports statuses".split()
)
FOLLOW_SCOPES = frozenset(
    {"read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes", "write:mutes"}
)
ADMIN_AREAS = (
    "accounts reports domain_allows domain_blocks ip_blocks email_domain_blocks "
    "canonical_email_blocks".split()
)
ADMIN_SCOPES = frozenset(
    {"admin:read", "admin:write"}
    | {f"admin:read:{a}" for a in ADMIN_AREAS}
    | {f"admin:write:{a}" for a in ADMIN_AREAS}
)
TOP_LEVEL = frozenset({"read", "write", "follow", "push", "profile"})
ALL_SCOPES = TOP_LEVEL | READ_SCOPES | WRITE_SCOPES | ADMIN_SCOPES


def parse(scopes: str | Iterable[str] | None, default: str = "read") -> list[str]:
    """Split a scope string (spaces, or '+' from a query string), keeping order, no repeats."""
    if scopes is None:
        scopes = default
    items = scopes.replace("+", " ").split() if isinstance(scopes, str) else list(scopes)
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen or default.split()


def unknown(scopes: Iterable[str]) -> list[str]:
    return [s for s in scopes if s not in ALL_SCOPES]


def covers(granted: Iterable[str], needed: str) -> bool:
    """Whether a token with ``granted`` scopes may do what ``needed`` guards."""
    granted = set(granted)
    if needed in granted:
        return True
    parts = needed.split(":")
    if parts[0] in ("read", "write") and parts[0] in granted:
        return True
    if needed in FOLLOW_SCOPES and "follow" in granted:
        return True
    # admin:read covers admin:read:accounts and the other admin:read:* scopes.
    return parts[0] == "admin" and len(parts) == 3 and f"admin:{parts[1]}" in granted


def covers_any(granted: Iterable[str], needed: Iterable[str]) -> bool:
    granted = list(granted)
    return any(covers(granted, n) for n in needed)


def within(requested: Iterable[str], allowed: Iterable[str]) -> bool:
    """Whether every requested scope is covered by the app's registered scopes."""
    allowed = list(allowed)
    return all(covers(allowed, r) or r in allowed for r in requested)
