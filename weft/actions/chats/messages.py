"""Messages: send (text up to 1,000 characters counted as posts are, up to 10
photos or videos, a reply to an earlier message), edit within 15 minutes,
delete for everyone.

The send path is one short transaction (the chat with its members, the
sender's account, blocks, the message, the chat's pointer, the sender's read
position) and one event per member kind: benchmark (f) wants 200 messages a
second. A door that renders the message (``render``: the API, the web app)
puts the entity in the ``chat.message`` event, and its keys are the members
who may read it, so a socket sends it without a read of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.chats.access import (
    blocked_between,
    blockers_of,
    chat_and_members,
    find,
    listening,
    members_of,
    require_active,
    standing,
    tell,
)
from weft.actions.chats.start import add_member_row, pair_key
from weft.actions.media import NOT_READY, remove_media
from weft.actions.outbox import publish
from weft.activity_kinds import ActivityKind
from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import new_id
from weft.errors import Invalid, NotFound
from weft.events import CHAT_MESSAGE, CHAT_REQUEST, CHAT_UPDATE
from weft.models import Account, Chat, ChatMember, ChatMessage, MediaAttachment, Status
from weft.models.base import utcnow
from weft.policies.chats import (
    BURST_WINDOW,
    MAX_CHARS,
    MAX_MEDIA,
    SpamFacts,
    can_edit,
    can_read,
    is_active,
    is_spam,
    refusal,
)
from weft.policies.filters import HIDE, ViewerFilters, hides
from weft.queries.filters import list_filters, rule_of
from weft.text.length import countable_length, distinct_links
from weft.text.render import render


@dataclass(frozen=True)
class NewMessage:
    text: str = ""
    media_ids: Sequence[int] = ()
    reply_to_id: int | None = None
    # Set when the message is a direct post (a Mastodon app, another server).
    status_id: int | None = None
    uri: str | None = None


# The message's entity (JSON) as the door renders it: the same for every
# member when it is new (no reactions yet).
Render = Callable[[ChatMessage, Account, Sequence[MediaAttachment]], str]


@dataclass(frozen=True)
class Sent:
    message: ChatMessage
    payload: str | None  # ``render``'s entity, when a renderer was given


def check_new(text: str, media_count: int) -> str:
    """A new message's text and number of attachments, checked before any
    file is stored (the web form checks this before it uploads)."""
    if media_count > MAX_MEDIA:
        raise Invalid("media_ids", f"can hold at most {MAX_MEDIA} attachments", "ERR_TOO_MANY")
    return check_text(text, has_media=media_count > 0)


def check_text(text: str, *, has_media: bool) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text and not has_media:
        raise Invalid("text", "can't be blank", "ERR_BLANK")
    if countable_length(text) > MAX_CHARS:
        raise Invalid("text", f"character limit of {MAX_CHARS} exceeded", "ERR_TOO_LONG")
    return text


def html(text: str, settings: Settings) -> str:
    return render(text, base_url=settings.base_url, local_domain=settings.domain, mentions={})


async def send_message(
    db: Database, settings: Settings, me: int, chat_id: int, new: NewMessage
) -> ChatMessage:
    return (await send(db, settings, me, chat_id, new)).message


async def send(
    db: Database,
    settings: Settings,
    me: int,
    chat_id: int,
    new: NewMessage,
    render: Render | None = None,
) -> Sent:
    """Send a message; with ``render``, the entity it made too (the answer
    to the sender is the event's payload)."""
    text = check_new(new.text, len(new.media_ids))
    if len(set(new.media_ids)) != len(new.media_ids):
        raise Invalid("media_ids", "must not repeat an attachment")
    async with db.write() as session:
        chat, members, mine = await chat_and_members(session, me, chat_id)
        content = html(text, settings) if text else ""
        return await _send(session, chat, members, mine, new, text, content, render)


async def _send(
    session: AsyncSession,
    chat: Chat,
    members: list[ChatMember],
    mine: ChatMember,
    new: NewMessage,
    text: str,
    content: str,
    render: Render | None = None,
) -> Sent:
    if not is_active(mine):
        raise Invalid("chat_id", "you have left this chat: you can't send messages to it")
    me = mine.account_id
    others = [m for m in members if is_active(m) and m.account_id != me]
    # The sender (the entity's author) and, one-to-one, the other person.
    wanted = [me] + ([others[0].account_id] if others and not chat.is_group else [])
    people = {a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(wanted)))}
    if not chat.is_group:
        await _check_pair(session, me, others)
    if new.reply_to_id is not None:
        await _check_reply(session, chat.id, mine, new.reply_to_id)
    first = chat.last_message_id is None
    message = ChatMessage(
        id=new_id(),
        chat_id=chat.id,
        account_id=mine.account_id,
        text=text,
        content=content,
        reply_to_id=new.reply_to_id,
        status_id=new.status_id,
        uri=new.uri,
        created_at=utcnow(),
    )
    session.add(message)
    await session.flush()
    media = []
    if new.media_ids:
        media = await _attach(session, me, message.id, list(new.media_ids))
    chat.last_message_id = message.id
    chat.updated_at = message.created_at
    mine.last_read_id = message.id
    mine.accepted, mine.folder = True, "inbox"  # answering a request accepts it
    if first:
        await _sort_requests(session, people[me], others, message)
    if not chat.is_group and people[others[0].account_id].domain is not None:
        # To another server's person: as a direct Note.
        await publish(session, ActivityKind.MESSAGE, me, message_id=message.id)
    # Group members who block the sender never read the message: not told.
    blocking: set[int] = set()
    if chat.is_group:
        blocking = await blockers_of(session, me, [m.account_id for m in others])
    readers = [a for a in listening(members) if a not in blocking]
    payload = render(message, people[me], media) if render is not None else None
    tell(session, CHAT_MESSAGE, chat.id, readers, message=message, payload=payload)
    requests = [
        m.account_id
        for m in others
        if not m.accepted and m.folder == "requests" and m.account_id not in blocking
    ]
    tell(session, CHAT_REQUEST, chat.id, requests, message=message)
    return Sent(message, payload)


async def _check_pair(session: AsyncSession, me: int, others: list[ChatMember]) -> None:
    if not others:
        raise Invalid("chat_id", "the other person is no longer in this chat")
    other = others[0]
    if await blocked_between(session, me, [other.account_id]):
        raise Invalid(
            "chat_id", "cannot be messaged: you have blocked one another", "ERR_FORBIDDEN"
        )
    if not other.accepted:  # still a request: their setting may have changed since
        account = await session.get(Account, other.account_id)
        assert account is not None
        reason = refusal(await standing(session, me, account), account.acct)
        if reason is not None:
            raise Invalid("chat_id", reason, "ERR_FORBIDDEN")


async def _check_reply(
    session: AsyncSession, chat_id: int, mine: ChatMember, reply_to: int
) -> None:
    earlier = await session.get(ChatMessage, reply_to)
    if earlier is None or earlier.chat_id != chat_id or not can_read(mine, earlier, frozenset()):
        raise Invalid("reply_to_id", "is not a message of this chat", "ERR_NOT_FOUND")


async def _sort_requests(
    session: AsyncSession, sender: Account, others: list[ChatMember], message: ChatMessage
) -> None:
    """The chat's first message: a request likely to be spam goes to Spam."""
    waiting = [m for m in others if not m.accepted and m.folder == "requests"]
    if not waiting:
        return
    since = utcnow() - BURST_WINDOW
    recent = await session.scalar(
        select(func.count())
        .select_from(Chat)
        .where(Chat.created_by_id == sender.id, Chat.is_group.is_(False), Chat.created_at > since)
    )
    facts = SpamFacts(
        sender_age=utcnow() - sender.created_at,
        links=len(distinct_links(message.text)),
        recent_chats=recent or 0,
    )
    for member in waiting:
        hidden = await _hidden_words(session, member.account_id, message)
        if is_spam(replace(facts, hidden_words=hidden)):
            member.folder = "spam"


async def _hidden_words(session: AsyncSession, recipient: int, message: ChatMessage) -> bool:
    """Whether the message matches one of the recipient's hiding filters, in
    any context (their hidden words; the shipped list of offensive words is
    not theirs)."""
    rules = [rule_of(v) for v in await list_filters(session, recipient) if v.filter.action == HIDE]
    if not rules or not message.text:
        return False
    compiled = ViewerFilters.build(recipient, rules, offensive=False)
    return hides(compiled.matches(message.id, message.account_id, message.text, None, utcnow()))


async def _attach(
    session: AsyncSession, me: int, message_id: int, media_ids: list[int]
) -> list[MediaAttachment]:
    rows = {
        m.id: m
        for m in await session.scalars(
            select(MediaAttachment).where(MediaAttachment.id.in_(media_ids))
        )
    }
    for position, media_id in enumerate(media_ids):
        media = rows.get(media_id)
        if media is None or media.account_id != me:
            raise Invalid("media_ids", f"{media_id} is not an upload of yours", "ERR_NOT_FOUND")
        if media.state != "ready":
            raise Invalid("media_ids", NOT_READY, "ERR_NOT_READY")
        taken = await session.execute(
            update(MediaAttachment)
            .where(
                MediaAttachment.id == media_id,
                MediaAttachment.status_id.is_(None),
                MediaAttachment.former_status_id.is_(None),
                MediaAttachment.scheduled_status_id.is_(None),
                MediaAttachment.chat_message_id.is_(None),
            )
            .values(chat_message_id=message_id, position=position)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(taken, CursorResult)
        if taken.rowcount != 1:
            raise Invalid("media_ids", f"{media_id} is attached to something else", "ERR_TAKEN")
    return [rows[i] for i in media_ids]


async def _own_message(
    session: AsyncSession, me: int, chat_id: int, message_id: int
) -> tuple[Chat, list[ChatMember], ChatMember, ChatMessage]:
    chat, members, mine = await chat_and_members(session, me, chat_id)
    message = await session.get(ChatMessage, message_id)
    if message is None or message.chat_id != chat.id or not can_read(mine, message, frozenset()):
        raise NotFound("message not found")
    if message.account_id != me:
        raise Invalid("message_id", "is not yours: only its author may change it", "ERR_FORBIDDEN")
    return chat, members, mine, message


async def edit_message(
    db: Database, settings: Settings, me: int, chat_id: int, message_id: int, text: str
) -> ChatMessage:
    """New text (its media stay), within 15 minutes of sending; shown as edited."""
    async with db.write() as session:
        chat, members, mine, message = await _own_message(session, me, chat_id, message_id)
        require_active(mine)
        reason = can_edit(message, me, utcnow())
        if reason is not None:
            raise Invalid("message_id", reason, "ERR_TOO_LATE")
        has_media = (
            await session.scalar(
                select(MediaAttachment.id).where(MediaAttachment.chat_message_id == message.id)
            )
            is not None
        )
        message.text = check_text(text, has_media=has_media)
        message.content = html(message.text, settings) if message.text else ""
        message.edited_at = utcnow()
        if not chat.is_group:
            await publish(session, ActivityKind.UPDATE_MESSAGE, me, message_id=message.id)
        tell(session, CHAT_UPDATE, chat.id, listening(members), message=message, change="edit")
        return message


async def delete_message(db: Database, me: int, chat_id: int, message_id: int) -> None:
    """Delete for everyone: the message, its reactions and its media."""
    async with db.write() as session:
        chat, members, _, message = await _own_message(session, me, chat_id, message_id)
        media = await session.scalars(
            select(MediaAttachment.id).where(MediaAttachment.chat_message_id == message.id)
        )
        await remove_media(session, list(media))
        if not chat.is_group:  # read before the row goes
            await publish(session, ActivityKind.DELETE_MESSAGE, me, message_id=message.id)
        await session.execute(delete(ChatMessage).where(ChatMessage.id == message.id))
        if chat.last_message_id == message.id:
            chat.last_message_id = await session.scalar(
                select(func.max(ChatMessage.id)).where(ChatMessage.chat_id == chat.id)
            )
        tell(
            session,
            CHAT_UPDATE,
            chat.id,
            listening(members),
            message_id=message_id,
            change="delete",
        )


async def message_ghost_author(
    session: AsyncSession, reply: Status, ghost_author: Account
) -> ChatMessage | None:
    """A reply to a ghost post becomes a message to its author, in their
    one-to-one chat (made if need be; a request when they don't follow the
    replier). The reply, a direct post, stays as the Mastodon door's view of
    it (``status_id``). None when the author may not be messaged."""
    sender = reply.account_id
    recipient = await session.get(Account, ghost_author.id)
    if recipient is None or sender == recipient.id:
        return None
    found = await standing(session, sender, recipient)
    key = pair_key(sender, recipient.id)
    chat = await session.scalar(select(Chat).where(Chat.pair_key == key))
    if chat is None:
        if refusal(found, recipient.acct) is not None:
            return None
        now = utcnow()
        chat = Chat(id=new_id(), is_group=False, created_by_id=sender, pair_key=key)
        chat.created_at = chat.updated_at = now
        session.add(chat)
        await session.flush()
        add_member_row(session, chat.id, sender, role="member", folder="inbox", accepted=True)
        folder = "inbox" if found.follows_sender else "requests"
        add_member_row(
            session, chat.id, recipient.id, role="member", folder=folder, accepted=folder == "inbox"
        )
        await session.flush()
    members = await members_of(session, chat.id)
    mine = find(members, sender)
    if mine is None or not is_active(mine):
        return None
    try:
        text = check_text(reply.text, has_media=False)
    except Invalid:
        return None
    try:
        new = NewMessage(status_id=reply.id)
        return (await _send(session, chat, members, mine, new, text, reply.content)).message
    except Invalid:  # a block came between them: the direct post stays
        return None
