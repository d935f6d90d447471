"""What a new post's place in a conversation decides: who may reply to it (Weft's
or Threads' names), whether it waits for approval or falls in a hidden subtree,
and whom it notifies as a reply. Asked by ``create.create_post`` for every
post, local or remote; approving and hiding are in weft/actions/replies.py.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.notifications import notify
from weft.errors import Invalid
from weft.models import Account, Restrict, Status
from weft.models.posts import REPLY_CONTROLS, REPLY_POLICIES


def reply_policy_of(reply_policy: str | None, reply_control: str | None) -> str | None:
    """Who may reply, from Weft's ``reply_policy`` or Threads' ``reply_control``
    (either accepts both sets of names); None for the default. Both given must agree."""
    names = (*REPLY_POLICIES, *REPLY_CONTROLS)
    for field, value in (("reply_policy", reply_policy), ("reply_control", reply_control)):
        if value and value not in names:
            raise Invalid(field, f"must be one of: {', '.join(names)}", "ERR_INCLUSION")
    policy = REPLY_CONTROLS.get(reply_policy or "", reply_policy or None)
    control = REPLY_CONTROLS.get(reply_control or "", reply_control or None)
    if policy and control and policy != control:
        raise Invalid("reply_control", "says otherwise than reply_policy: send one of them")
    return policy or control


def reply_columns(author_id: int, approvals: bool, parent: Status | None) -> dict[str, Any]:
    """A new post's reply columns: whether its own replies wait, whether it
    waits itself, and whether it falls in a hidden subtree."""
    pending = parent is not None and parent.reply_approvals and parent.account_id != author_id
    return {
        "reply_approvals": approvals,
        "reply_state": "pending" if pending else None,
        "hidden_by_id": parent.hidden_by_id if parent is not None else None,
    }


async def restricted_reply(session: AsyncSession, author_id: int, parent: Status | None) -> bool:
    """Whether a reply is its author's alone (weft/policies/statuses.is_withheld):
    the parent's author restricts them (weft/actions/graph.restrict_account),
    or it answers such a reply."""
    if parent is None or parent.account_id == author_id:
        return parent is not None and parent.restricted
    if parent.restricted:
        return True
    found = await session.scalar(
        select(Restrict.id).where(
            Restrict.account_id == parent.account_id, Restrict.target_account_id == author_id
        )
    )
    return found is not None


async def notify_replied(session: AsyncSession, status: Status, parent: Status | None) -> None:
    """The author of a post hears of every reply to it, named or not: a
    ``mention`` in Mastodon's API (the same event as the mention, so a reply
    that names them notifies once). Blocks and mutes are ``notify``'s."""
    if parent is None:
        return
    author = await session.get(Account, parent.account_id)
    if author is None or not author.is_local:
        return
    await notify(
        session,
        recipient_id=author.id,
        from_account_id=status.account_id,
        type="mention",
        status_id=status.id,
    )
