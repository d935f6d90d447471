"""What the chat actions share: a chat's members, the sender's standing with
a recipient, and the live events (weft/events) they tell the members."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.errors import Invalid, NotFound
from weft.events import CHAT_UPDATE, CONVERSATION, emit, keys
from weft.models import Account, Block, Chat, ChatMember, ChatMessage, Follow, Restrict, User
from weft.policies.chats import Standing, is_active, refusal

# The changes a Mastodon app hears of as a ``conversation`` event.
CONVERSATION_CHANGES = ("edit", "delete", "read")


async def members_of(session: AsyncSession, chat_id: int) -> list[ChatMember]:
    """Every membership of the chat, those who left included."""
    return list(await session.scalars(select(ChatMember).where(ChatMember.chat_id == chat_id)))


def find(members: Sequence[ChatMember], account_id: int) -> ChatMember | None:
    return next((m for m in members if m.account_id == account_id), None)


async def chat_and_members(
    session: AsyncSession, me: int, chat_id: int
) -> tuple[Chat, list[ChatMember], ChatMember]:
    """The chat, its members and mine; 404 unless I am or was a member. One
    statement (the send path's first read)."""
    rows = (
        await session.execute(
            select(Chat, ChatMember)
            .join(ChatMember, ChatMember.chat_id == Chat.id)
            .where(Chat.id == chat_id)
        )
    ).all()
    members = [member for _, member in rows]
    mine = find(members, me)
    if not rows or mine is None:
        raise NotFound("chat not found")
    return rows[0][0], members, mine


def require_active(mine: ChatMember) -> None:
    if not is_active(mine):
        raise Invalid("chat_id", "you are no longer a member of this chat")


def require_admin(chat: Chat, mine: ChatMember) -> None:
    require_active(mine)
    if not chat.is_group:
        raise Invalid("chat_id", "is a one-to-one chat: it has no members to manage")
    if mine.role != "admin":
        raise Invalid("chat_id", "only the chat's admins may do this")


async def blocked_between(session: AsyncSession, one: int, others: Iterable[int]) -> set[int]:
    """Those of ``others`` who block ``one`` or whom ``one`` blocks."""
    others = list(others)
    if not others:
        return set()
    rows = await session.execute(
        select(Block.account_id, Block.target_account_id).where(
            or_(
                (Block.account_id == one) & Block.target_account_id.in_(others),
                (Block.target_account_id == one) & Block.account_id.in_(others),
            )
        )
    )
    return {b if a == one else a for a, b in rows}


async def blocked_by(session: AsyncSession, me: int) -> frozenset[int]:
    """Whom ``me`` blocks (their group messages are hidden from ``me``)."""
    rows = await session.scalars(select(Block.target_account_id).where(Block.account_id == me))
    return frozenset(rows)


async def standing(session: AsyncSession, sender: int, recipient: Account) -> Standing:
    user = await session.scalar(select(User).where(User.account_id == recipient.id))
    follows = await session.scalar(
        select(Follow.id).where(
            Follow.account_id == recipient.id, Follow.target_account_id == sender
        )
    )
    blocked = await blocked_between(session, sender, [recipient.id])
    restricted = await session.scalar(
        select(Restrict.id).where(
            Restrict.account_id == recipient.id, Restrict.target_account_id == sender
        )
    )
    return Standing(
        chat_policy=user.chat_policy if user is not None else "everyone",
        follows_sender=follows is not None and restricted is None,
        restricted_follow=follows is not None and restricted is not None,
        blocked_either_way=bool(blocked),
        local=recipient.domain is None,
    )


async def check_recipient(
    session: AsyncSession, sender: int, recipient: Account, field: str = "account_ids"
) -> Standing:
    """The recipient's standing; 422 naming why they may not be messaged."""
    found = await standing(session, sender, recipient)
    reason = refusal(found, recipient.acct)
    if reason is not None:
        raise Invalid(field, reason, "ERR_FORBIDDEN")
    return found


async def accounts_named(session: AsyncSession, ids: Sequence[int]) -> list[Account]:
    rows = {a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(ids)))}
    missing = [i for i in ids if i not in rows or rows[i].suspended_at is not None]
    if missing:
        raise Invalid("account_ids", f"{missing[0]} is not an account here", "ERR_NOT_FOUND")
    return [rows[i] for i in ids]


def tell(
    session: AsyncSession,
    name: str,
    chat_id: int,
    account_ids: Iterable[int],
    *,
    message: ChatMessage | None = None,
    message_id: int | None = None,
    change: str | None = None,
    payload: str | None = None,
) -> None:
    """Emit ``name`` about the chat to these members' ``user`` streams, and
    Mastodon's ``conversation`` to their ``direct`` streams when a message
    comes, changes or is read (the stream shows one-to-one chats only)."""
    account_ids = list(account_ids)
    message_id = message.id if message is not None else message_id
    author = message.account_id if message is not None else None
    emit(
        session,
        name,
        [keys.user(a) for a in account_ids],
        chat_id=chat_id,
        message_id=message_id,
        account_id=author,
        change=change,
        payload=payload,
    )
    if name != CHAT_UPDATE or change in CONVERSATION_CHANGES:
        direct = [keys.direct(a) for a in account_ids]
        emit(
            session,
            CONVERSATION,
            direct,
            chat_id=chat_id,
            message_id=message_id,
            account_id=author,
        )


def tell_conversation(session: AsyncSession, chat: Chat, me: int, change: str) -> None:
    """Mastodon's ``conversation`` to my own ``direct`` streams about a
    one-to-one chat whose request I accepted or declined (``change``; after
    a decline it has no ``last_status``). The sender is told nothing."""
    if not chat.is_group:
        emit(session, CONVERSATION, [keys.direct(me)], chat_id=chat.id, change=change)


def listening(members: Sequence[ChatMember]) -> list[int]:
    """The members told of every change: active and past the request."""
    return [m.account_id for m in members if is_active(m) and m.accepted]


async def blockers_of(session: AsyncSession, author: int, others: Iterable[int]) -> set[int]:
    """Those of ``others`` who block ``author`` (they never read the author's
    messages): the members a new message's events leave out."""
    others = list(others)
    if not others:
        return set()
    rows = await session.scalars(
        select(Block.account_id).where(
            Block.target_account_id == author, Block.account_id.in_(others)
        )
    )
    return set(rows)
