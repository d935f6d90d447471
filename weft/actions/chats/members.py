"""A group's members: admins add and remove people and make others admins;
anyone leaves. Someone who left or was removed reads nothing sent after
(``left_at_id``); added again, they read from then on."""

from __future__ import annotations

from collections.abc import Sequence

from weft.actions.chats.access import (
    accounts_named,
    chat_and_members,
    check_recipient,
    find,
    listening,
    require_active,
    require_admin,
    tell,
)
from weft.actions.chats.start import add_member_row
from weft.db.database import Database
from weft.db.ids import new_id
from weft.errors import Invalid, NotFound
from weft.events import CHAT_UPDATE
from weft.models import ChatMember
from weft.models.base import utcnow
from weft.policies.chats import MAX_MEMBERS, first_folder, is_active

ROLES = ("admin", "member")


async def add_members(db: Database, me: int, chat_id: int, account_ids: Sequence[int]) -> None:
    wanted = list(dict.fromkeys(account_ids))
    if not wanted:
        raise Invalid("account_ids", "must name at least one person", "ERR_BLANK")
    async with db.write() as session:
        chat, members, mine = await chat_and_members(session, me, chat_id)
        require_admin(chat, mine)
        people = await accounts_named(session, wanted)
        joining = [p for p in people if not is_active(find(members, p.id))]
        active = sum(1 for m in members if is_active(m))
        if active + len(joining) > MAX_MEMBERS:
            raise Invalid(
                "account_ids", f"a group chat holds at most {MAX_MEMBERS} members", "ERR_TOO_MANY"
            )
        now_id = new_id()
        for person in joining:
            if person.domain is not None:
                raise Invalid(
                    "account_ids",
                    f"@{person.acct} is on another server: group chats stay on this server",
                    "ERR_REMOTE",
                )
            found = await check_recipient(session, me, person)
            folder = first_folder(follows_sender=found.follows_sender, spam=False)
            former = find(members, person.id)
            if former is None:
                add_member_row(
                    session,
                    chat.id,
                    person.id,
                    role="member",
                    folder=folder,
                    accepted=folder == "inbox",
                    joined_after_id=now_id,
                )
            else:  # back again: reads from now on
                former.left_at_id, former.left_at, former.removed_by_id = None, None, None
                former.joined_after_id, former.joined_at, former.role = now_id, utcnow(), "member"
                former.folder, former.accepted = folder, folder == "inbox"
        chat.updated_at = utcnow()
        await session.flush()
        told = listening(members) + [p.id for p in joining]
        tell(session, CHAT_UPDATE, chat.id, told, change="members")


async def remove_member(db: Database, me: int, chat_id: int, account_id: int) -> None:
    async with db.write() as session:
        chat, members, mine = await chat_and_members(session, me, chat_id)
        if account_id == me:
            raise Invalid("account_id", "is you: leave the chat instead")
        require_admin(chat, mine)
        gone = find(members, account_id)
        if gone is None or not is_active(gone):
            raise NotFound("not a member of this chat")
        told = listening(members)
        _leave(gone, removed_by=me)
        _keep_an_admin(members)
        chat.updated_at = utcnow()
        tell(session, CHAT_UPDATE, chat.id, told, change="members")


async def leave_chat(db: Database, me: int, chat_id: int) -> None:
    async with db.write() as session:
        chat, members, mine = await chat_and_members(session, me, chat_id)
        require_active(mine)
        if not chat.is_group:
            raise Invalid("chat_id", "is a one-to-one chat: delete it instead of leaving")
        told = listening(members)
        _leave(mine, removed_by=None)
        _keep_an_admin(members)
        chat.updated_at = utcnow()
        tell(session, CHAT_UPDATE, chat.id, told, change="members")


async def set_role(db: Database, me: int, chat_id: int, account_id: int, role: str) -> None:
    """An admin makes a member an admin (or an admin a member again)."""
    if role not in ROLES:
        raise Invalid("role", "must be admin or member")
    async with db.write() as session:
        chat, members, mine = await chat_and_members(session, me, chat_id)
        require_admin(chat, mine)
        target = find(members, account_id)
        if target is None or not is_active(target):
            raise NotFound("not a member of this chat")
        target.role = role
        _keep_an_admin(members)
        tell(session, CHAT_UPDATE, chat.id, listening(members), change="members")


def _leave(member: ChatMember, *, removed_by: int | None) -> None:
    member.left_at_id = new_id()
    member.left_at = utcnow()
    member.removed_by_id = removed_by
    member.role = "member"


def _keep_an_admin(members: Sequence[ChatMember]) -> None:
    """A group always has an admin while it has members: the longest there."""
    active = [m for m in members if is_active(m)]
    if active and not any(m.role == "admin" for m in active):
        min(active, key=lambda m: m.joined_at).role = "admin"
