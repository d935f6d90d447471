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


class PolicySummary(Entity):
    pending_requests_count: int = Field(description="Senders with notifications kept aside.")
    pending_notifications_count: int = Field(description="The notifications kept aside.")


_ACTION = "accept, filter (kept aside under a notification request) or drop (never made)"


class NotificationPolicy(Entity):
    for_not_following: str = Field(description=f"People one does not follow: {_ACTION}.")
    for_not_followers: str = Field(
        description=f"People who don't follow one (or for under 3 days): {_ACTION}."
    )
    for_new_accounts: str = Field(description=f"Accounts made in the last 30 days: {_ACTION}.")
    for_private_mentions: str = Field(
        description=f"Direct posts from people one does not follow, not answering one: {_ACTION}."
    )
    for_limited_accounts: str = Field(
        description=f"Accounts on servers a moderator limited: {_ACTION}."
    )
    summary: PolicySummary


class V1NotificationPolicy(Entity):
    filter_not_following: bool
    filter_not_followers: bool
    filter_new_accounts: bool
    filter_private_mentions: bool
    summary: PolicySummary


class NotificationRequest(Entity):
    id: str
    created_at: str
    updated_at: str
    account: Account
    notifications_count: str = Field(description="How many were kept aside (a string).")
    last_status: Status | None = None


class Merged(Entity):
    merged: bool = Field(description="Always true: requests are accepted at once.")
