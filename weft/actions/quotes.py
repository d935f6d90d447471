"""FEP-044f's quote handshake: answering requests, hearing answers, revoking.

A quote's state lives on the quoting post (``statuses.quote_state``);
``weft.actions.posts.create`` sets the first one (``accepted``, ``rejected``
or ``pending``). What changes it afterwards is here, each in one transaction
with what it must tell other servers:

- ``answer_quote_request``: another server asks (``QuoteRequest``) whether its
  stored quote of one of ours may stand; our policy's verdict, already the
  quote's state, is sent back (``Accept`` with our ``QuoteAuthorization``, or
  ``Reject``).
- ``settle_our_quote``: the quoted author's server answered our request: the
  quote becomes ``accepted`` (keeping their authorization's id, counted on
  the quoted post) or ``rejected``, and our Note is sent again (``Update``).
- ``revoke_quote``: our person detaches another's quote of their post
  (Mastodon's ``POST /api/v1/statuses/:id/quotes/:quoting_status_id/revoke``):
  ``revoked``, and the authorization is deleted (``Delete``).
- ``revoke_authorization``: the quoted author's server deleted the
  authorization of a quote we hold: ``revoked``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.outbox import publish
from weft.actions.posts.bookkeeping import bump, own_status
from weft.activity_kinds import ActivityKind
from weft.db.database import Database
from weft.errors import Invalid, NotFound
from weft.models import Account, Notification, Status
from weft.models.posts import QUOTE_POLICIES
from weft.policies.statuses import PUBLIC_VISIBILITIES


async def answer_quote_request(db: Database, status_id: int, request_uri: str) -> str:
    """Answer the request ``request_uri`` for the stored quote ``status_id`` of one
    of our posts by its state; returns the state answered (``accepted`` or not)."""
    async with db.write() as session:
        status = await session.get(Status, status_id)
        quoted = await session.get(Status, status.quote_of_id or 0) if status else None
        if status is None or quoted is None:
            raise NotFound()
        status.quote_request_uri = request_uri
        accepted = status.quote_state == "accepted"
        kind = ActivityKind.ACCEPT_QUOTE if accepted else ActivityKind.REJECT_QUOTE
        await publish(session, kind, quoted.account_id, status_id=status.id)
        return status.quote_state or "rejected"


async def settle_our_quote(
    db: Database, quoted_author_id: int, status_id: int, authorization_uri: str | None
) -> bool:
    """The author of the post our quote ``status_id`` quotes answered: approved
    with ``authorization_uri``, or refused (``None``). False if there was no such
    request of ours waiting (answered already, or not theirs to answer)."""
    async with db.write() as session:
        status = await session.get(Status, status_id)
        if status is None or status.quote_state != "pending" or status.quote_of_id is None:
            return False
        if not await _quoted_by(session, status, quoted_author_id):
            return False
        if authorization_uri is None:
            status.quote_state = "rejected"
        else:
            status.quote_state = "accepted"
            status.quote_authorization_uri = authorization_uri
            await bump(session, Status, status.quote_of_id, "quotes_count", 1)
        await publish(session, ActivityKind.UPDATE_QUOTE, status.account_id, status_id=status.id)
        return True


async def revoke_quote(db: Database, author_id: int, quoted_id: int, quote_id: int) -> Status:
    """``author_id`` detaches the quote ``quote_id`` from their post ``quoted_id``
    (404 unless it is an accepted quote of their post)."""
    async with db.write() as session:
        quoted = await session.get(Status, quoted_id)
        status = await session.get(Status, quote_id)
        if quoted is None or quoted.account_id != author_id:
            raise NotFound()
        if status is None or status.quote_of_id != quoted.id:
            raise NotFound()
        if status.quote_state == "accepted":
            await _revoke(session, status)
            if await _is_local(session, status.account_id):
                await publish(
                    session, ActivityKind.UPDATE_QUOTE, status.account_id, status_id=status.id
                )
            else:
                await publish(session, ActivityKind.REVOKE_QUOTE, author_id, status_id=status.id)
        return status


async def revoke_authorization(db: Database, actor_id: int, authorization_uri: str) -> int:
    """``actor_id``'s server deleted ``authorization_uri``: the quotes it approved
    (of ``actor_id``'s posts) are revoked; ours are sent again without it. How many."""
    async with db.write() as session:
        found = list(
            await session.scalars(
                select(Status).where(
                    Status.quote_authorization_uri == authorization_uri,
                    Status.quote_state == "accepted",
                )
            )
        )
        revoked = 0
        for status in found:
            if not await _quoted_by(session, status, actor_id):
                continue
            await _revoke(session, status)
            await publish(
                session, ActivityKind.UPDATE_QUOTE, status.account_id, status_id=status.id
            )
            revoked += 1
        return revoked


async def _revoke(session: AsyncSession, status: Status) -> None:
    status.quote_state = "revoked"
    if status.quote_of_id is not None:
        await bump(session, Status, status.quote_of_id, "quotes_count", -1)
    # The quoted author no longer hears of it (Mastodon drops the notification too).
    notification = await session.scalar(
        select(Notification).where(
            Notification.status_id == status.id, Notification.type == "quote"
        )
    )
    if notification is not None:
        await session.delete(notification)


async def _quoted_by(session: AsyncSession, status: Status, account_id: int) -> bool:
    quoted_author = await session.scalar(
        select(Status.account_id).where(Status.id == status.quote_of_id)
    )
    return quoted_author == account_id


async def _is_local(session: AsyncSession, account_id: int) -> bool:
    account = await session.get(Account, account_id)
    return account is not None and account.is_local


async def set_quote_policy(db: Database, author_id: int, status_id: int, policy: str) -> Status:
    """Change who may quote one's post (Mastodon 4.5's ``PUT
    /api/v1/statuses/:id/interaction_policy``); other servers hear it as an
    ``Update`` carrying the new ``interactionPolicy``. A followers-only or
    direct post stays quotable by nobody, as when it was written."""
    if policy not in QUOTE_POLICIES:
        choices = ", ".join(QUOTE_POLICIES)
        raise Invalid("quote_approval_policy", f"must be one of: {choices}", "ERR_INCLUSION")
    async with db.write() as session:
        status = await own_status(session, author_id, status_id)
        if status.reblog_of_id is not None:
            raise NotFound()
        wanted = policy if status.visibility in PUBLIC_VISIBILITIES else "nobody"
        if status.quote_policy != wanted:
            status.quote_policy = wanted
            await session.flush()
            await publish(session, ActivityKind.UPDATE, author_id, status_id=status.id)
        return status
