"""Which granted scopes cover which needed scope: a permit/deny table."""

from __future__ import annotations

import pytest

from weft.policies.scopes import ALL_SCOPES, covers, covers_any, parse, unknown, within

PERMIT = [
    ("read", "read"),
    ("read", "read:accounts"),
    ("read", "read:statuses"),
    ("read", "read:follows"),
    ("write", "write:accounts"),
    ("write", "write:media"),
    ("read:accounts", "read:accounts"),
    ("write:accounts", "write:accounts"),
    ("follow", "read:follows"),
    ("follow", "write:follows"),
    ("follow", "read:blocks"),
    ("follow", "write:blocks"),
    ("follow", "read:mutes"),
    ("follow", "write:mutes"),
    ("admin:read", "admin:read:accounts"),
    ("admin:read", "admin:read:reports"),
    ("admin:write", "admin:write:accounts"),
    ("admin:read:accounts", "admin:read:accounts"),
    ("profile", "profile"),
    ("push", "push"),
]

DENY = [
    ("write", "read"),
    ("write", "read:accounts"),
    ("read", "write"),
    ("read", "write:accounts"),
    ("read:accounts", "read"),
    ("read:accounts", "read:statuses"),
    ("write:accounts", "read:accounts"),
    ("write:statuses", "write:accounts"),
    ("follow", "read:accounts"),
    ("follow", "write:statuses"),
    ("follow", "read:lists"),
    ("profile", "read"),
    ("profile", "read:accounts"),
    ("profile", "write:accounts"),
    ("read", "profile"),
    ("write", "profile"),
    ("read", "push"),
    ("read", "admin:read"),
    ("read", "admin:read:accounts"),
    ("admin:read", "admin:write:accounts"),
    ("admin:read", "read:accounts"),
    ("admin:read:accounts", "admin:read"),
    ("admin:read:accounts", "admin:read:reports"),
    ("admin:write", "admin:read:accounts"),
    ("read:follows", "write:follows"),
]


@pytest.mark.parametrize(("granted", "needed"), PERMIT)
def test_permit(granted: str, needed: str) -> None:
    assert covers([granted], needed)


@pytest.mark.parametrize(("granted", "needed"), DENY)
def test_deny(granted: str, needed: str) -> None:
    assert not covers([granted], needed)


def test_nothing_granted_covers_nothing() -> None:
    assert not any(covers([], needed) for needed in ALL_SCOPES)


def test_covers_any() -> None:
    assert covers_any(["profile"], ["read:accounts", "profile"])
    assert not covers_any(["write"], ["read:accounts", "profile"])
    assert not covers_any(["read"], [])


def test_parse_keeps_order_and_drops_repeats() -> None:
    assert parse("read write read") == ["read", "write"]
    assert parse("read+write:accounts") == ["read", "write:accounts"]
    assert parse(None) == ["read"]
    assert parse("   ") == ["read"]
    assert parse(["follow", "push"]) == ["follow", "push"]


def test_unknown_scopes() -> None:
    assert unknown(["read", "write:nothing", "admin", "read:accounts"]) == [
        "write:nothing",
        "admin",
    ]


@pytest.mark.parametrize(
    ("requested", "registered", "ok"),
    [
        (["read:accounts"], ["read"], True),
        (["read", "write"], ["read", "write", "follow"], True),
        (["read:blocks"], ["follow"], True),
        (["write"], ["read"], False),
        (["read"], ["read:accounts"], False),
        (["profile"], ["read"], False),
        (["admin:read:accounts"], ["admin:read"], True),
    ],
)
def test_within(requested: list[str], registered: list[str], ok: bool) -> None:
    assert within(requested, registered) is ok
