"""Notification, NotificationGroup, GroupedNotificationsResults and Marker entities."""

from __future__ import annotations

from typing import Any

from weft.api.serializers.accounts import account as account_entity
from weft.api.serializers.accounts import iso
from weft.api.serializers.filters import Filtering
from weft.api.serializers.statuses import BundleView, status_entity
from weft.config import Settings
from weft.models import Marker, Notification
from weft.queries.notifications import Group, GroupPage, NotificationPage


def notification_entity(
    n: Notification,
    page: NotificationPage | GroupPage,
    settings: Settings,
    filtering: Filtering | None = None,
) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "id": str(n.id),
        "type": n.type,
        "group_key": n.group_key,
        "created_at": iso(n.created_at),
        "account": account_entity(page.accounts[n.from_account_id], settings),
    }
    status = page.bundle.statuses.get(n.status_id) if n.status_id else None
    if status is not None:
        entity["status"] = status_entity(status, page.bundle, settings, filtering=filtering)
    return entity


def filtered_out(
    n: Notification,
    page: NotificationPage | GroupPage,
    settings: Settings,
    filtering: Filtering | None,
) -> bool:
    """Whether the viewer's filters hide the notification's post (and so the
    notification: Mastodon's ``notifications`` context)."""
    status = page.bundle.statuses.get(n.status_id) if n.status_id else None
    if filtering is None or status is None:
        return False
    return filtering.hidden(status, BundleView(page.bundle, settings, filtering))


def notification_entities(
    page: NotificationPage, settings: Settings, filtering: Filtering | None = None
) -> list[dict[str, Any]]:
    return [
        notification_entity(n, page, settings, filtering)
        for n in page.notifications
        if not filtered_out(n, page, settings, filtering)
    ]


def group_entity(group: Group) -> dict[str, Any]:
    head = group.latest
    return {
        "group_key": group.key,
        "notifications_count": group.count,
        "type": head.type,
        "most_recent_notification_id": group.page_max_id,
        "page_min_id": str(group.page_min_id),
        "page_max_id": str(group.page_max_id),
        "latest_page_notification_at": iso(head.created_at),
        "sample_account_ids": [str(a) for a in group.sample_account_ids],
        "status_id": str(head.status_id) if head.status_id else None,
    }


def grouped_results(
    page: GroupPage, settings: Settings, filtering: Filtering | None = None
) -> dict[str, Any]:
    groups = [g for g in page.groups if not filtered_out(g.latest, page, settings, filtering)]
    shown_accounts = {a for g in groups for a in g.sample_account_ids}
    shown_statuses = {g.latest.status_id for g in groups if g.latest.status_id}
    statuses = [page.bundle.statuses[i] for i in sorted(shown_statuses, reverse=True)]
    return {
        "accounts": [account_entity(page.accounts[a], settings) for a in sorted(shown_accounts)],
        "statuses": [
            status_entity(s, page.bundle, settings, filtering=filtering) for s in statuses
        ],
        "notification_groups": [group_entity(g) for g in groups],
    }


def markers_entity(markers: list[Marker]) -> dict[str, Any]:
    return {
        m.timeline: {
            "last_read_id": str(m.last_read_id),
            "version": m.version,
            "updated_at": iso(m.updated_at),
        }
        for m in markers
    }
