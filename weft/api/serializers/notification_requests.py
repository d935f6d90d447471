"""NotificationPolicy (v1 and v2) and NotificationRequest entities (Mastodon 4.3+)."""

from __future__ import annotations

from typing import Any

from weft.api.serializers.accounts import account as account_entity
from weft.api.serializers.accounts import iso
from weft.api.serializers.statuses import status_entity
from weft.config import Settings
from weft.queries.notification_requests import (
    POLICY_FIELDS,
    PolicyView,
    RequestPage,
    RequestView,
    Summary,
)


def _summary(summary: Summary) -> dict[str, int]:
    return {
        "pending_requests_count": summary.pending_requests_count,
        "pending_notifications_count": summary.pending_notifications_count,
    }


def policy_entity(view: PolicyView) -> dict[str, Any]:
    entity: dict[str, Any] = {name: getattr(view.rules, name) for name in POLICY_FIELDS}
    entity["summary"] = _summary(view.summary)
    return entity


def v1_policy_entity(view: PolicyView) -> dict[str, Any]:
    """Mastodon's v1 shape: each rule as "filters" (``filter`` or ``drop``) or not."""
    rules = view.rules
    return {
        "filter_not_following": rules.for_not_following != "accept",
        "filter_not_followers": rules.for_not_followers != "accept",
        "filter_new_accounts": rules.for_new_accounts != "accept",
        "filter_private_mentions": rules.for_private_mentions != "accept",
        "summary": _summary(view.summary),
    }


def request_entity(view: RequestView, page: RequestPage, settings: Settings) -> dict[str, Any]:
    last = page.last_status(view)
    return {
        "id": str(view.request.id),
        "created_at": iso(view.request.created_at),
        "updated_at": iso(view.request.updated_at),
        "account": account_entity(view.account, settings),
        # A string, as Mastodon sends it.
        "notifications_count": str(view.count),
        "last_status": status_entity(last, page.bundle, settings) if last else None,
    }


def request_entities(page: RequestPage, settings: Settings) -> list[dict[str, Any]]:
    return [request_entity(view, page, settings) for view in page.requests]
