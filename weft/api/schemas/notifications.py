"""Notifications, markers, push subscriptions and search, as the document shows them."""

from __future__ import annotations

from pydantic import Field

from weft.api.schemas import Entity
from weft.api.schemas.accounts import Account, Tag
from weft.api.schemas.statuses import Status


class Notification(Entity):
    id: str
    type: str = Field(
        description="mention, status, reblog, follow, follow_request, favourite, poll, "
        "update, quote, quoted_update, ... (Weft adds its own, such as pending replies)."
    )
    group_key: str
    created_at: str
    account: Account
    status: Status | None = Field(None, description="The post it is about, if any.")


class NotificationGroup(Entity):
    group_key: str
    notifications_count: int
    type: str
    most_recent_notification_id: int
    page_min_id: str | None
    page_max_id: str | None
    latest_page_notification_at: str | None
    sample_account_ids: list[str]
    status_id: str | None


class GroupedNotificationsResults(Entity):
    accounts: list[Account]
    statuses: list[Status]
    notification_groups: list[NotificationGroup]


class UnreadCount(Entity):
    count: int


class Marker(Entity):
    last_read_id: str
    version: int
    updated_at: str


class Markers(Entity):
    """The markers asked for, by timeline."""

    home: Marker | None = None
    notifications: Marker | None = None


class PushAlerts(Entity):
    mention: bool | None = None
    status: bool | None = None
    reblog: bool | None = None
    follow: bool | None = None
    follow_request: bool | None = None
    favourite: bool | None = None
    poll: bool | None = None
    update: bool | None = None
    quote: bool | None = None
    quoted_update: bool | None = None


class WebPushSubscription(Entity):
    id: str
    endpoint: str
    standard: bool
    alerts: PushAlerts
    policy: str = Field(description="all, followed, follower or none.")
    server_key: str


class Search(Entity):
    accounts: list[Account]
    statuses: list[Status]
    hashtags: list[Tag]
