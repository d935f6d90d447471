"""Web push subscriptions and what is pushed to them.

A subscription (Mastodon's ``/api/v1/push/subscription``) belongs to one
access token, or to one signed-in browser of the web app; subscribing again
replaces it. When a notification is made (weft/actions/notifications.py),
:func:`queue_pushes` queues a ``push.send`` job per subscription that wants
its type, in the same transaction: a notification rolled back is never
pushed, one committed is pushed even if the server stops before sending.
The job (weft/jobs/handlers/push.py) judges the policy, builds the message
with :func:`push_message` and sends it (weft/push/send.py).
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.config import Settings
from weft.db.database import Database
from weft.errors import Invalid, NotFound
from weft.jobs.kinds import SEND_PUSH
from weft.jobs.queue import enqueue
from weft.models import Account, Follow, Notification, OAuthAccessToken, Status
from weft.models.base import utcnow
from weft.models.feeds import NOTIFICATION_TYPES
from weft.models.push import PushSubscription
from weft.push.vapid import b64url_decode
from weft.text.remote import plain_text

POLICIES = ("all", "followed", "follower", "none")
ALERTS = tuple(sorted(NOTIFICATION_TYPES))
MAX_ENDPOINT = 2048
BODY_CHARACTERS = 140  # the text of a post shown in a notification, as Mastodon cuts it


@dataclass(frozen=True)
class Keys:
    endpoint: str
    p256dh: str
    auth: str
    standard: bool = True


@dataclass(frozen=True)
class Data:
    """``data[alerts][...]`` and ``data[policy]``: None leaves a field as it is."""

    alerts: dict[str, bool] | None = None
    policy: str | None = None


# --- the subscription -------------------------------------------------------------


def check_keys(settings: Settings, keys: Keys) -> Keys:
    """The subscription's endpoint and keys, or ``Invalid`` naming what is wrong."""
    endpoint = keys.endpoint.strip()
    parts = urlsplit(endpoint)
    if not endpoint:
        raise Invalid("subscription[endpoint]", "can't be blank", "ERR_BLANK")
    if len(endpoint) > MAX_ENDPOINT:
        raise Invalid("subscription[endpoint]", f"is too long (at most {MAX_ENDPOINT} characters)")
    allowed = ("https", "http") if settings.allow_private_network else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise Invalid("subscription[endpoint]", "must be an https URL")
    _point(keys.p256dh)
    if len(_decoded(keys.auth, "subscription[keys][auth]")) != 16:
        raise Invalid("subscription[keys][auth]", "must be 16 bytes in base64")
    return Keys(endpoint, keys.p256dh.strip(), keys.auth.strip(), keys.standard)


def _decoded(text: str, field: str) -> bytes:
    if not text.strip():
        raise Invalid(field, "can't be blank", "ERR_BLANK")
    try:
        return b64url_decode(text)
    except (binascii.Error, ValueError):
        raise Invalid(field, "is not base64") from None


def _point(text: str) -> None:
    field = "subscription[keys][p256dh]"
    raw = _decoded(text, field)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise Invalid(field, "is not a P-256 public key (65 bytes, uncompressed)") from None


def check_data(data: Data) -> Data:
    if data.policy is not None and data.policy not in POLICIES:
        raise Invalid("data[policy]", f"must be one of {', '.join(POLICIES)}")
    if data.alerts is not None:
        unknown = sorted(set(data.alerts) - set(ALERTS))
        if unknown:
            raise Invalid(f"data[alerts][{unknown[0]}]", "is not a notification type")
    return data


async def subscribe(
    db: Database,
    settings: Settings,
    account_id: int,
    keys: Keys,
    data: Data,
    *,
    token_id: int | None = None,
    web_session_id: int | None = None,
) -> PushSubscription:
    """Replace the token's (or the browser's) subscription with a new one.
    Alerts not named are off, as Mastodon's; the policy is ``all`` unless named."""
    keys = check_keys(settings, keys)
    data = check_data(data)
    alerts = {name: bool((data.alerts or {}).get(name, False)) for name in ALERTS}
    async with db.write() as session:
        await session.execute(delete(PushSubscription).where(_owner(token_id, web_session_id)))
        subscription = PushSubscription(
            account_id=account_id,
            token_id=token_id,
            web_session_id=web_session_id,
            endpoint=keys.endpoint,
            key_p256dh=keys.p256dh,
            key_auth=keys.auth,
            alerts=alerts,
            policy=data.policy or "all",
            standard=keys.standard,
        )
        session.add(subscription)
    return subscription


async def change(
    db: Database, data: Data, *, token_id: int | None = None, web_session_id: int | None = None
) -> PushSubscription:
    """PUT: change the alerts named and the policy; 404 without a subscription."""
    data = check_data(data)
    async with db.write() as session:
        subscription = await session.scalar(
            select(PushSubscription).where(_owner(token_id, web_session_id)).with_for_update()
        )
        if subscription is None:
            raise NotFound()
        if data.alerts is not None:
            subscription.alerts = {**subscription.alerts, **data.alerts}
        if data.policy is not None:
            subscription.policy = data.policy
        subscription.updated_at = utcnow()
    return subscription


async def current(
    db: Database, *, token_id: int | None = None, web_session_id: int | None = None
) -> PushSubscription:
    async with db.read() as session:
        subscription = await session.scalar(
            select(PushSubscription).where(_owner(token_id, web_session_id))
        )
    if subscription is None:
        raise NotFound()
    return subscription


async def unsubscribe(
    db: Database, *, token_id: int | None = None, web_session_id: int | None = None
) -> None:
    """DELETE: none left (nothing to remove is not an error, as Mastodon)."""
    async with db.write() as session:
        await session.execute(delete(PushSubscription).where(_owner(token_id, web_session_id)))


async def remove_gone(db: Database, subscription_id: int) -> None:
    """The push service said the subscription is gone (404, 410)."""
    async with db.write() as session:
        await session.execute(
            delete(PushSubscription).where(PushSubscription.id == subscription_id)
        )


def _owner(token_id: int | None, web_session_id: int | None) -> Any:
    if token_id is not None:
        return PushSubscription.token_id == token_id
    if web_session_id is not None:
        return PushSubscription.web_session_id == web_session_id
    raise ValueError("a subscription belongs to a token or a web session")


# --- pushing ---------------------------------------------------------------------


async def queue_pushes(
    session: AsyncSession, recipient_id: int, notification_id: int, type: str
) -> None:
    """Queue a push of the new notification to each subscription wanting its type."""
    rows = await session.execute(
        select(PushSubscription.id, PushSubscription.alerts, PushSubscription.policy).where(
            PushSubscription.account_id == recipient_id
        )
    )
    for subscription_id, alerts, policy in rows:
        if policy != "none" and alerts.get(type):
            payload = {"subscription_id": subscription_id, "notification_id": notification_id}
            enqueue(session, SEND_PUSH, payload)


@dataclass(frozen=True)
class Message:
    subscription: PushSubscription
    payload: bytes


async def push_message(
    db: Database, settings: Settings, subscription_id: int, notification_id: int
) -> Message | None:
    """What to push, or None when nothing is to be (the subscription or the
    notification gone, the alert turned off, the token revoked, the policy)."""
    async with db.read() as session:
        subscription = await session.get(PushSubscription, subscription_id)
        notification = await session.get(Notification, notification_id)
        if subscription is None or notification is None:
            return None
        if notification.account_id != subscription.account_id:
            return None
        if not subscription.alerts.get(notification.type) or subscription.policy == "none":
            return None
        if not await _token_holds(session, subscription):
            return None
        sender = await session.get(Account, notification.from_account_id)
        if sender is None or not await _policy_allows(session, subscription, sender.id):
            return None
        status = (
            await session.get(Status, notification.status_id)
            if notification.status_id is not None
            else None
        )
    body = _body(notification.type, status, sender)
    message = {
        "notification_id": str(notification.id),
        "notification_type": notification.type,
        "preferred_locale": "en",
        "icon": sender.avatar_url or f"{settings.base_url}/static/avatars/original/missing.png",
        "title": _title(notification.type, sender),
        "body": body,
        # Where the web app's service worker opens on a click (Weft's own field).
        "url": f"{settings.base_url}/activity",
    }
    return Message(subscription, orjson.dumps(message))


async def _token_holds(session: AsyncSession, subscription: PushSubscription) -> bool:
    if subscription.token_id is None:
        return True
    token = await session.get(OAuthAccessToken, subscription.token_id)
    if token is None or token.revoked_at is not None:
        return False
    return token.expires_at is None or token.expires_at > utcnow()


async def _policy_allows(
    session: AsyncSession, subscription: PushSubscription, sender_id: int
) -> bool:
    me = subscription.account_id
    if subscription.policy == "all":
        return True
    if subscription.policy == "followed":  # people I follow
        condition = (Follow.account_id == me) & (Follow.target_account_id == sender_id)
    elif subscription.policy == "follower":  # people who follow me
        condition = (Follow.account_id == sender_id) & (Follow.target_account_id == me)
    else:
        return False
    return (await session.scalar(select(Follow.id).where(condition))) is not None


_TITLES = {
    "mention": "{name} mentioned you",
    "status": "{name} just posted",
    "reblog": "{name} reposted your post",
    "follow": "{name} followed you",
    "follow_request": "{name} asked to follow you",
    "favourite": "{name} liked your post",
    "poll": "A poll has ended",
    "update": "{name} edited a post",
    "quote": "{name} quoted your post",
    "quoted_update": "{name} edited a post you quoted",
    "admin.sign_up": "{name} signed up",
    "admin.report": "{name} filed a report",
}


def _title(type: str, sender: Account) -> str:
    name = sender.display_name or sender.username
    return _TITLES.get(type, "New notification").format(name=name)


def _body(type: str, status: Status | None, sender: Account) -> str:
    if status is None:
        return f"@{sender.acct}"
    text = status.spoiler_text or plain_text(status.content) or status.text
    if len(text) > BODY_CHARACTERS:
        text = text[: BODY_CHARACTERS - 1].rstrip() + "…"
    return text
