"""Starting a chat: one-to-one (one per pair: asking again gives the same
chat) or a group (named, up to 50 members, its creator an admin)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.chats.access import (
    accounts_named,
    blocked_between,
    check_recipient,
    members_of,
)
from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.errors import Invalid
from weft.models import Account, Chat, ChatMember
from weft.models.base import utcnow
from weft.policies.chats import MAX_MEMBERS, MAX_NAME, first_folder


def pair_key(one: int, other: int) -> str:
    low, high = sorted((one, other))
    return f"{low}:{high}"


def clean_name(name: str | None) -> str | None:
    if name is None:
        return None
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise Invalid("name", f"is too long (at most {MAX_NAME} characters)", "ERR_TOO_LONG")
    return name or None


async def start_chat(
    db: Database, me: int, account_ids: Sequence[int], name: str | None = None
) -> Chat:
    """A chat with ``account_ids``: the existing one-to-one chat with one
    person (unnamed), or a new group chat."""
    others = list(dict.fromkeys(a for a in account_ids if a != me))
    if not others:
        raise Invalid("account_ids", "must name at least one other person", "ERR_BLANK")
    if len(others) + 1 > MAX_MEMBERS:
        raise Invalid(
            "account_ids", f"a group chat holds at most {MAX_MEMBERS} members", "ERR_TOO_MANY"
        )
    name = clean_name(name)
    async with db.write() as session:
        people = await accounts_named(session, others)
        if len(people) == 1 and name is None:
            return await _one_to_one(session, me, people[0])
        return await _group(session, me, people, name)


async def _one_to_one(session: AsyncSession, me: int, other: Account) -> Chat:
    key = pair_key(me, other.id)
    existing = await session.scalar(select(Chat).where(Chat.pair_key == key))
    if existing is not None:
        members = await members_of(session, existing.id)
        theirs = next((m for m in members if m.account_id == other.id), None)
        if theirs is None or not theirs.accepted:
            await check_recipient(session, me, other)
        elif await blocked_between(session, me, [other.id]):
            raise Invalid(
                "account_ids",
                f"cannot be messaged: @{other.acct} and you have blocked one another",
                "ERR_FORBIDDEN",
            )
        return existing
    standing = await check_recipient(session, me, other)
    now = utcnow()
    chat_id = new_id()
    fresh = await insert_ignore(
        session,
        Chat,
        {
            "id": chat_id,
            "name": None,
            "is_group": False,
            "created_by_id": me,
            "pair_key": key,
            "last_message_id": None,
            "created_at": now,
            "updated_at": now,
        },
    )
    if not fresh:  # made meanwhile by the other person
        found = await session.scalar(select(Chat).where(Chat.pair_key == key))
        assert found is not None
        return found
    _member(session, chat_id, me, role="member", folder="inbox", accepted=True)
    folder = first_folder(follows_sender=standing.follows_sender, spam=False)
    _member(session, chat_id, other.id, role="member", folder=folder, accepted=folder == "inbox")
    chat = await session.get(Chat, chat_id)
    assert chat is not None
    return chat


async def _group(session: AsyncSession, me: int, people: list[Account], name: str | None) -> Chat:
    standings = []
    for person in people:
        if person.domain is not None:
            raise Invalid(
                "account_ids",
                f"@{person.acct} is on another server: group chats stay on this server",
                "ERR_REMOTE",
            )
        standings.append(await check_recipient(session, me, person))
    now = utcnow()
    chat = Chat(
        id=new_id(), name=name, is_group=True, created_by_id=me, created_at=now, updated_at=now
    )
    session.add(chat)
    await session.flush()
    _member(session, chat.id, me, role="admin", folder="inbox", accepted=True)
    for person, found in zip(people, standings, strict=True):
        folder = first_folder(follows_sender=found.follows_sender, spam=False)
        _member(
            session, chat.id, person.id, role="member", folder=folder, accepted=folder == "inbox"
        )
    await session.flush()
    return chat


def _member(
    session: AsyncSession,
    chat_id: int,
    account_id: int,
    *,
    role: str,
    folder: str,
    accepted: bool,
    joined_after_id: int = 0,
) -> ChatMember:
    member = ChatMember(
        id=new_id(),
        chat_id=chat_id,
        account_id=account_id,
        role=role,
        joined_at=utcnow(),
        joined_after_id=joined_after_id,
        left_at_id=None,
        folder=folder,
        accepted=accepted,
        muted=False,
        last_read_id=0,
        hidden_through_id=0,
    )
    session.add(member)
    return member


add_member_row = _member
