"""What writing, editing and deleting a post records besides the post itself:
counters, tags, mentions and their notifications, versions.

Called inside the caller's transaction by ``create``, ``edit``, ``delete``,
``remote`` and ``weft.actions.purge``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import case, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from weft.actions.live import tell_streams
from weft.actions.media import remove_status_media
from weft.actions.notifications import notify
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.errors import NotFound
from weft.events import DELETE
from weft.jobs.kinds import REMOVE
from weft.jobs.queue import enqueue
from weft.models import Account, Block, Follow, Mention, Status, StatusEdit, StatusTag, Tag, User
from weft.models.base import utcnow
from weft.policies.mentions import may_mention
from weft.policies.statuses import PUBLIC_VISIBILITIES
from weft.queries.statuses import version_of

# --- counters -------------------------------------------------------------------


async def count_new(
    session: AsyncSession, status: Status, parent: Status | None, quoted: Status | None
) -> None:
    """Counters move in SQL (``x = x + 1``), so concurrent posts never lose a count.

    As Mastodon does, direct posts do not count towards the author's posts, and
    only public replies count towards replies_count: a count must not reveal
    replies the reader cannot see. ``quoted`` is given only for an accepted quote.
    """
    if parent is not None and counts_as_reply(status):
        await bump(session, Status, parent.id, "replies_count", 1)
    if quoted is not None:
        await bump(session, Status, quoted.id, "quotes_count", 1)
    values: dict[str, object] = {"last_status_at": status.created_at}
    if status.visibility != "direct":
        values["statuses_count"] = Account.statuses_count + 1
    await session.execute(
        update(Account)
        .where(Account.id == status.account_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def counts_as_reply(status: Status) -> bool:
    """Whether the reply counts in its parent's ``replies_count``: only one
    everyone may see does, so a count never tells of a reply awaiting
    approval (or ignored), hidden by the conversation's author, archived, or
    by someone the parent's author restricts."""
    return (
        status.visibility in PUBLIC_VISIBILITIES
        and not status.restricted
        and status.reply_state is None
        and status.hidden_by_id is None
        and status.archived_at is None
    )


async def recount_reply(session: AsyncSession, status: Status, counted_before: bool) -> None:
    """After a change of the reply's state (approved, hidden, archived...), move
    its parent's count if whether it counts changed (the caller holds the
    reply's row locked, so two changes of it can't both move the count)."""
    counted = counts_as_reply(status)
    if status.in_reply_to_id is not None and counted != counted_before:
        await bump(session, Status, status.in_reply_to_id, "replies_count", 1 if counted else -1)


async def count_removed(session: AsyncSession, status: Status) -> None:
    """Undo what posting counted (see ``count_new``), for the post and its reposts."""
    if status.in_reply_to_id is not None and counts_as_reply(status):
        await bump(session, Status, status.in_reply_to_id, "replies_count", -1)
    if status.quote_of_id is not None and status.quote_state == "accepted":
        await bump(session, Status, status.quote_of_id, "quotes_count", -1)
    if status.reblog_of_id is not None:
        await bump(session, Status, status.reblog_of_id, "reblogs_count", -1)
    if status.visibility != "direct":
        await bump(session, Account, status.account_id, "statuses_count", -1)
    # Reposts of this post disappear with it: their authors' counts go down too.
    reposters = select(Status.account_id).where(Status.reblog_of_id == status.id)
    await session.execute(
        update(Account)
        .where(Account.id.in_(reposters))
        .values(
            statuses_count=case((Account.statuses_count > 0, Account.statuses_count - 1), else_=0)
        )
        .execution_options(synchronize_session=False)
    )


async def bump(
    session: AsyncSession, model: type[Status] | type[Account], row_id: int, column: str, by: int
) -> None:
    col = getattr(model, column)
    # Never below zero, whatever order concurrent deletes arrive in.
    value = col + by if by > 0 else case((col + by > 0, col + by), else_=0)
    await session.execute(
        update(model)
        .where(model.id == row_id)
        .values({column: value})
        .execution_options(synchronize_session=False)
    )


async def forget_post(session: AsyncSession, status: Status) -> None:
    """Before a post's row is deleted: its counts, its media (and our copies of
    them), and its place in feeds (``timelines.remove``, which finds the feeds
    by the author)."""
    await count_removed(session, status)
    await remove_status_media(session, status.id)
    await tell_streams(session, DELETE, status)
    enqueue(session, REMOVE, {"status_id": status.id, "account_id": status.account_id})


# --- tags -----------------------------------------------------------------------


async def upsert_tags(session: AsyncSession, names: Sequence[str]) -> list[int]:
    """Ids of the tags, creating the missing ones; a tag keeps the case it was
    first written in. Matching is by SQL ``lower()`` on both sides, the same
    function the unique index uses."""
    if not names:
        return []
    for name in names:
        await insert_ignore(session, Tag, {"id": new_id(), "name": name, "created_at": utcnow()})
    lowered = [func.lower(Tag.name) == func.lower(name) for name in names]
    return list(await session.scalars(select(Tag.id).where(or_(*lowered))))


def link_tags(session: AsyncSession, status_id: int, tag_ids: Iterable[int]) -> None:
    session.add_all(StatusTag(status_id=status_id, tag_id=tag_id) for tag_id in set(tag_ids))


async def replace_tags(session: AsyncSession, status_id: int, tag_ids: Iterable[int]) -> None:
    await session.execute(delete(StatusTag).where(StatusTag.status_id == status_id))
    link_tags(session, status_id, tag_ids)


# --- mentions -------------------------------------------------------------------


async def mentionable(
    session: AsyncSession, author_id: int, accounts: Iterable[Account]
) -> list[Account]:
    """The unsuspended ``accounts`` not blocked either way by the author, whose
    mention setting lets the author mention them: only they are linked, given
    a mention (which lets them see a limited post) and notified; the others'
    names stay plain text."""
    found = [a for a in accounts if a.suspended_at is None]
    blocked = await blocked_either_way(session, author_id, {a.id for a in found})
    found = [a for a in found if a.id not in blocked]
    refused = await refused_mentions(session, author_id, {a.id for a in found})
    return [a for a in found if a.id not in refused]


async def refused_mentions(session: AsyncSession, author_id: int, others: set[int]) -> set[int]:
    """Those of ``others`` (our people) whose ``mention_policy`` refuses the
    author: ``following`` lets only people they follow mention them,
    ``followers`` only their followers (weft/policies/mentions.py)."""
    others = others - {author_id}
    if not others:
        return set()
    policies: dict[int, str] = {
        account_id: policy
        for account_id, policy in await session.execute(
            select(User.account_id, User.mention_policy).where(
                User.account_id.in_(others), User.mention_policy != "everyone"
            )
        )
    }
    if not policies:
        return set()
    they_follow = set(
        await session.scalars(
            select(Follow.account_id).where(
                Follow.account_id.in_(policies), Follow.target_account_id == author_id
            )
        )
    )
    followed_by = set(
        await session.scalars(
            select(Follow.target_account_id).where(
                Follow.account_id == author_id, Follow.target_account_id.in_(policies)
            )
        )
    )
    return {
        account_id
        for account_id, policy in policies.items()
        if not may_mention(
            policy,
            follows_author=account_id in they_follow,
            followed_by_author=account_id in followed_by,
        )
    }


async def blocked_either_way(session: AsyncSession, account_id: int, others: set[int]) -> set[int]:
    if not others:
        return set()
    rows = await session.execute(
        select(Block.account_id, Block.target_account_id).where(
            or_(
                (Block.account_id == account_id) & Block.target_account_id.in_(others),
                (Block.target_account_id == account_id) & Block.account_id.in_(others),
            )
        )
    )
    return {target if owner == account_id else owner for owner, target in rows}


async def add_mentions(
    session: AsyncSession, status: Status, mentioned: Sequence[Account], silent_ids: Iterable[int]
) -> None:
    """Mention rows (which also let mentioned people see a limited post), silent
    ones for ``silent_ids`` (who may see it, unnamed), and the notifications of
    the local people named."""
    named = {a.id for a in mentioned} - {status.account_id}
    for account_id in sorted(named):
        session.add(Mention(status_id=status.id, account_id=account_id))
    for account_id in sorted(set(silent_ids) - named - {status.account_id}):
        session.add(Mention(status_id=status.id, account_id=account_id, silent=True))
    await session.flush()
    await _notify_mentioned(session, status, [a for a in mentioned if a.id in named])


async def replace_mentions(
    session: AsyncSession, status: Status, mentioned: Sequence[Account]
) -> None:
    """Keep the mentions still named, drop the others (but not silent ones), and
    notify only the newly named."""
    rows = list(await session.scalars(select(Mention).where(Mention.status_id == status.id)))
    wanted = {a.id for a in mentioned} - {status.account_id}
    existing = {m.account_id for m in rows}
    for row in rows:
        if not row.silent and row.account_id not in wanted:
            await session.delete(row)
    for account_id in sorted(wanted - existing):
        session.add(Mention(status_id=status.id, account_id=account_id))
    await session.flush()
    await _notify_mentioned(session, status, [a for a in mentioned if a.id in wanted - existing])


async def _notify_mentioned(
    session: AsyncSession, status: Status, mentioned: Sequence[Account]
) -> None:
    """Only our own people read notifications here; other servers notify theirs."""
    for account_id in sorted({a.id for a in mentioned if a.is_local}):
        await notify(
            session,
            recipient_id=account_id,
            from_account_id=status.account_id,
            type="mention",
            status_id=status.id,
        )


# --- edits ----------------------------------------------------------------------


async def ensure_original_version(session: AsyncSession, status: Status) -> None:
    """Before the first edit, the post as first published becomes the first version."""
    has_versions = await session.scalar(
        select(StatusEdit.id).where(StatusEdit.status_id == status.id).limit(1)
    )
    if has_versions is None:
        session.add(await version_of(session, status, status.created_at))


async def notify_edit(session: AsyncSession, status: Status) -> None:
    """Tell those who reposted it ("update") and quoted it ("quoted_update"), as Mastodon does."""
    reposters = await session.scalars(
        select(Status.account_id).where(Status.reblog_of_id == status.id)
    )
    quoters = await session.scalars(
        select(Status.account_id).where(Status.quote_of_id == status.id)
    )
    for kind, accounts in (("update", set(reposters)), ("quoted_update", set(quoters))):
        for account_id in sorted(accounts):
            await notify(
                session,
                recipient_id=account_id,
                from_account_id=status.account_id,
                type=kind,
                status_id=status.id,
            )


# --- lookups --------------------------------------------------------------------


async def own_status(
    session: AsyncSession, account_id: int, status_id: int, *, lock: bool = False
) -> Status:
    """The post, if it is the caller's; anyone else's is "not found", as in
    Mastodon (``Status.where(account: current_account).find``). ``lock``: its
    row is held until the transaction ends (``FOR UPDATE`` on PostgreSQL)."""
    status = await session.get(Status, status_id, with_for_update=lock)
    if status is None or status.account_id != account_id:
        raise NotFound()
    return status
