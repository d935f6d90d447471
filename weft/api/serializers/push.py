"""Mastodon's WebPushSubscription entity."""

from __future__ import annotations

from typing import Any

from weft.config import Settings
from weft.models.push import PushSubscription
from weft.push.vapid import public_key


def push_subscription_entity(subscription: PushSubscription, settings: Settings) -> dict[str, Any]:
    return {
        "id": str(subscription.id),
        "endpoint": subscription.endpoint,
        "standard": subscription.standard,
        "alerts": dict(subscription.alerts),
        "policy": subscription.policy,
        "server_key": public_key(settings),
    }
