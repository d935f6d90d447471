"""Reports, Mastodon's admin entities for moderation, warnings and appeals."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from weft.api.schemas import Entity
from weft.api.schemas.accounts import Account


class Report(Entity):
    """Mastodon's ``Report`` (as its reporter sees it)."""

    id: str
    action_taken: bool
    action_taken_at: str | None
    category: str = Field(description="spam, legal, violation or other.")
    comment: str
    forwarded: bool
    created_at: str
    status_ids: list[str] | None
    rule_ids: list[str] | None
    target_account: Account


class AdminAccount(Entity):
    """Mastodon's ``Admin::Account``."""

    id: str
    username: str
    domain: str | None
    created_at: str
    email: str | None = None
    ip: str | None = None
    ips: list[Any] = []
    locale: str | None = None
    role: dict[str, Any] | None = None
    confirmed: bool
    suspended: bool
    silenced: bool
    sensitized: bool
    disabled: bool
    approved: bool
    account: Account


class AdminReport(Entity):
    """Mastodon's ``Admin::Report``; Weft adds ``chat_id`` and ``chat_message_ids``."""

    id: str
    action_taken: bool
    action_taken_at: str | None
    category: str
    comment: str
    forwarded: bool
    created_at: str
    updated_at: str | None
    account: AdminAccount = Field(description="Who reported (a server's actor for a Flag).")
    target_account: AdminAccount
    assigned_account: AdminAccount | None
    action_taken_by_account: AdminAccount | None
    statuses: list[dict[str, Any]]
    rules: list[dict[str, Any]]
    chat_id: str | None = None
    chat_message_ids: list[str] = []


class AccountWarning(Entity):
    """Mastodon's ``AccountWarning``; Weft adds the ``appeal``."""

    id: str
    action: str
    text: str
    status_ids: list[str]
    created_at: str
    appeal: dict[str, Any] | None


class AuditEntry(Entity):
    """Weft: one line of the moderators' audit log."""

    id: str
    account_id: str | None
    username: str | None
    action: str
    target_type: str
    target_id: str
    summary: str
    created_at: str
