"""Notification filtering (Mastodon 4.3+): a person's policy, and the requests
it makes of the senders whose notifications it keeps aside.

``notify`` (weft/actions/notifications.py) asks ``sort_notification`` for
every notification it makes: accepted ones are shown, streamed and pushed;
filtered ones are written with ``filtered`` set and counted under their
sender's request; dropped ones are not written. Accepting a request brings
its notifications back and lets the sender's later ones through; dismissing
it leaves them aside, uncounted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.errors import Invalid, NotFound
from weft.models import (
    Account,
    Follow,
    Notification,
    NotificationPolicy,
    NotificationRequest,
    Status,
)
from weft.models.base import utcnow
from weft.models.notification_policies import POLICY_ACTIONS
from weft.policies.notifications import SenderFacts, policy_verdict
from weft.queries.domain_blocks import blocked_domains
from weft.queries.notification_requests import POLICY_FIELDS, policy_rules

# Mastodon's v1 policy: booleans, each the v2 field's "filter" (true) or "accept" (false).
V1_FIELDS = {
    "filter_not_following": "for_not_following",
    "filter_not_followers": "for_not_followers",
    "filter_new_accounts": "for_new_accounts",
    "filter_private_mentions": "for_private_mentions",
}


def check_policy(values: Mapping[str, str]) -> None:
    """422 naming the first field that is not a policy's, or not ``accept``,
    ``filter`` or ``drop``."""
    for name, value in values.items():
        if name not in POLICY_FIELDS:
            raise Invalid(name, "is not a notification policy field")
        if value not in POLICY_ACTIONS:
            raise Invalid(name, f"must be one of: {', '.join(POLICY_ACTIONS)}", "ERR_INCLUSION")


async def update_policy(db: Database, account_id: int, values: Mapping[str, str]) -> None:
    """Change some of the policy's fields (each ``accept``, ``filter`` or ``drop``)."""
    check_policy(values)
    async with db.write() as session:
        current = await policy_rules(session, account_id)
        merged = {name: values.get(name, getattr(current, name)) for name in POLICY_FIELDS}
        await insert_ignore(session, NotificationPolicy, {"account_id": account_id, **merged})
        await session.execute(
            update(NotificationPolicy)
            .where(NotificationPolicy.account_id == account_id)
            .values(**merged)
        )


async def sort_notification(
    session: AsyncSession, recipient_id: int, sender_id: int, type: str, status_id: int | None
) -> str:
    """``accept``, ``filter`` or ``drop`` for a notification about to be made."""
    sender = await session.get(Account, sender_id)
    if sender is None:
        return "drop"
    request_state = await session.scalar(
        select(NotificationRequest.state).where(
            NotificationRequest.account_id == recipient_id,
            NotificationRequest.from_account_id == sender_id,
        )
    )
    following = await _follow_since(session, recipient_id, sender_id)
    follower_since = await _follow_since(session, sender_id, recipient_id)
    limited = False
    if sender.domain is not None:
        limited = (await blocked_domains(session, ("limit",))).matches(sender.domain)
    facts = SenderFacts(
        following=following is not None,
        follower_since=follower_since,
        created_at=sender.created_at,
        private_mention=await _private_mention(session, recipient_id, type, status_id),
        limited=limited,
        accepted=request_state == "accepted",
    )
    rules = await policy_rules(session, recipient_id)
    return policy_verdict(rules, type, facts, utcnow())


async def _follow_since(session: AsyncSession, follower: int, followed: int) -> datetime | None:
    return await session.scalar(
        select(Follow.created_at).where(
            Follow.account_id == follower, Follow.target_account_id == followed
        )
    )


async def _private_mention(
    session: AsyncSession, recipient_id: int, type: str, status_id: int | None
) -> bool:
    """A direct post naming the recipient that does not answer one of theirs."""
    if type != "mention" or status_id is None:
        return False
    status = await session.get(Status, status_id)
    return (
        status is not None
        and status.visibility == "direct"
        and status.in_reply_to_account_id != recipient_id
    )


async def note_filtered(session: AsyncSession, recipient_id: int, sender_id: int) -> None:
    """The sender's request is made, or brought up."""
    now = utcnow()
    values = {
        "id": new_id(),
        "account_id": recipient_id,
        "from_account_id": sender_id,
        "state": "pending",
        "created_at": now,
        "updated_at": now,
    }
    if not await insert_ignore(session, NotificationRequest, values):
        await session.execute(
            update(NotificationRequest)
            .where(
                NotificationRequest.account_id == recipient_id,
                NotificationRequest.from_account_id == sender_id,
            )
            .values(updated_at=now)
        )


async def _requests(
    session: AsyncSession, account_id: int, request_ids: Sequence[int]
) -> list[NotificationRequest]:
    rows = await session.scalars(
        select(NotificationRequest).where(
            NotificationRequest.account_id == account_id,
            NotificationRequest.id.in_(request_ids),
            NotificationRequest.state != "accepted",
        )
    )
    return list(rows)


async def accept_requests(db: Database, account_id: int, request_ids: Sequence[int]) -> None:
    """Bring the requests' notifications back; their senders' later ones come
    through. An unknown id alone is a 404; among several, it is skipped (Mastodon)."""
    async with db.write() as session:
        found = await _requests(session, account_id, request_ids)
        if not found and len(request_ids) == 1:
            raise NotFound()
        senders = [r.from_account_id for r in found]
        if not senders:
            return
        await session.execute(
            update(NotificationRequest)
            .where(NotificationRequest.id.in_([r.id for r in found]))
            .values(state="accepted", updated_at=utcnow())
        )
        await session.execute(
            update(Notification)
            .where(
                Notification.account_id == account_id,
                Notification.from_account_id.in_(senders),
                Notification.filtered.is_(True),
            )
            .values(filtered=False)
        )


async def dismiss_requests(db: Database, account_id: int, request_ids: Sequence[int]) -> None:
    """The requests go away, and their notifications with them; later ones from
    the same senders are still kept aside, and make a new request."""
    async with db.write() as session:
        found = await _requests(session, account_id, request_ids)
        if not found and len(request_ids) == 1:
            raise NotFound()
        if not found:
            return
        await session.execute(
            delete(Notification).where(
                Notification.account_id == account_id,
                Notification.from_account_id.in_([r.from_account_id for r in found]),
                Notification.filtered.is_(True),
            )
        )
        await session.execute(
            delete(NotificationRequest).where(NotificationRequest.id.in_([r.id for r in found]))
        )
