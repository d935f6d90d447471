"""Everything needed to show a page of posts, loaded in a fixed number of queries.

Posts, the originals of reposts, quoted posts, their authors, mentions, tags,
media, cards, apps, and the viewer's own marks (liked, reposted, saved,
pinned) and relations: at most about ten queries whether the page has one post
or forty, and three for a page of plain posts (``load_page``). Both the API and
the web app render from a bundle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.versioned import INFO_KEY as VERSIONED_INFO_KEY
from weft.db.versioned import VersionedCache
from weft.models import (
    Account,
    MediaAttachment,
    Mention,
    OAuthApplication,
    Poll,
    PreviewCard,
    Status,
    StatusCard,
    StatusTag,
    Tag,
)
from weft.policies.statuses import PostAccess
from weft.queries.accounts import moved_targets
from weft.queries.polls import own_votes, polls_of
from weft.queries.relations import accesses_from, viewer_facts


@dataclass
class StatusBundle:
    viewer_id: int | None
    statuses: dict[int, Status] = field(default_factory=dict)
    accounts: dict[int, Account] = field(default_factory=dict)
    mentions: dict[int, list[Account]] = field(default_factory=lambda: defaultdict(list))
    tags: dict[int, list[Tag]] = field(default_factory=lambda: defaultdict(list))
    media: dict[int, list[MediaAttachment]] = field(default_factory=lambda: defaultdict(list))
    applications: dict[int, OAuthApplication] = field(default_factory=dict)
    access: dict[int, PostAccess] = field(default_factory=dict)
    favourited: set[int] = field(default_factory=set)
    reblogged: set[int] = field(default_factory=set)
    bookmarked: set[int] = field(default_factory=set)
    pinned: set[int] = field(default_factory=set)
    cards: dict[int, PreviewCard] = field(default_factory=dict)  # by status id (ready only)
    # The accounts that authors who moved went to, by the author's id.
    moved: dict[int, Account] = field(default_factory=dict)
    # Polls by post id, and the viewer's choices in them (by poll id).
    polls: dict[int, Poll] = field(default_factory=dict)
    own_votes: dict[int, list[int]] = field(default_factory=dict)
    # Rendered entities by row version, when the bundle was read in a read
    # session (weft/db/versioned.py); None renders everything afresh.
    cache: VersionedCache | None = None

    def author(self, status: Status) -> Account:
        return self.accounts[status.account_id]


# Which of a post's parts exist, asked in the query that loads it (each an
# indexed probe), so a page skips the queries for parts none of its posts has.
PARTS = ("mentions", "tags", "media", "card", "poll")
_HAS = (
    exists().where(Mention.status_id == Status.id).label("has_mentions"),
    exists().where(StatusTag.status_id == Status.id).label("has_tags"),
    exists().where(MediaAttachment.status_id == Status.id).label("has_media"),
    exists().where(StatusCard.status_id == Status.id).label("has_card"),
    exists().where(Poll.status_id == Status.id).label("has_poll"),
)
Parts = dict[str, set[int]]  # part -> ids of the posts that have it


async def load_bundle(
    session: AsyncSession, viewer_id: int | None, statuses: Iterable[Status]
) -> StatusBundle:
    """A bundle for posts already loaded."""
    bundle = StatusBundle(viewer_id)
    for status in statuses:
        bundle.statuses[status.id] = status
    await _load_related_statuses(session, bundle)
    await _load_accounts(session, bundle)
    await _complete(session, bundle, None)
    return bundle


async def load_page(
    session: AsyncSession, viewer_id: int | None, ids: Sequence[int] | Select[int]
) -> tuple[list[Status], StatusBundle]:
    """The posts ``ids`` that exist (in that order; newest first when ``ids``
    is a query, which saves reading the ids first) and their bundle.

    Posts come with their authors and which parts they have in one query, so a
    page of plain posts costs two: posts and the viewer's facts (and one more
    for the originals of reposts and quoted posts).
    """
    bundle = StatusBundle(viewer_id, cache=session.info.get(VERSIONED_INFO_KEY))
    parts: Parts = defaultdict(set)
    if isinstance(ids, Select):
        await _load_by_id(session, bundle, ids, parts)
        ordered = sorted(bundle.statuses.values(), key=lambda s: s.id, reverse=True)
    else:
        await _load_by_id(session, bundle, set(ids), parts)
        ordered = [bundle.statuses[i] for i in ids if i in bundle.statuses]
    for attribute in ("reblog_of_id", "quote_of_id"):
        await _load_by_id(session, bundle, _wanted(bundle, attribute), parts)
    await _complete(session, bundle, parts)
    return ordered, bundle


async def _load_by_id(
    session: AsyncSession, bundle: StatusBundle, ids: set[int] | Select[int], parts: Parts
) -> None:
    if isinstance(ids, set) and not ids:
        return
    rows = await session.execute(
        select(Status, Account, *_HAS)
        .join(Account, Account.id == Status.account_id)
        .where(Status.id.in_(ids))
    )
    for status, account, *has in rows:
        bundle.statuses[status.id] = status
        bundle.accounts[account.id] = account
        for part, present in zip(PARTS, has, strict=True):
            if present:
                parts[part].add(status.id)


async def _complete(session: AsyncSession, bundle: StatusBundle, parts: Parts | None) -> None:
    """Mentions, tags, media, cards, apps and the viewer's facts for the bundle's
    posts; with ``parts``, only for the posts that have each."""
    ids = set(bundle.statuses)

    def having(part: str) -> set[int]:
        return ids if parts is None else parts.get(part, set())

    await _load_mentions(session, bundle, having("mentions"))
    await _load_tags(session, bundle, having("tags"))
    await _load_media(session, bundle, having("media"))
    await _load_cards(session, bundle, having("card"))
    bundle.polls = await polls_of(session, having("poll"))
    bundle.own_votes = await own_votes(
        session, bundle.viewer_id, [p.id for p in bundle.polls.values()]
    )
    bundle.moved = await moved_targets(session, bundle.accounts.values())
    # An app is shown only to the post's author (serializers/statuses.py).
    app_ids = {
        s.application_id
        for s in bundle.statuses.values()
        if s.application_id and s.account_id == bundle.viewer_id
    }
    if app_ids:
        apps = await session.scalars(
            select(OAuthApplication).where(OAuthApplication.id.in_(app_ids))
        )
        bundle.applications = {a.id: a for a in apps}
    facts = await viewer_facts(
        session,
        bundle.viewer_id,
        {s.account_id for s in bundle.statuses.values()},
        ids,
        marks=True,
    )
    bundle.access = accesses_from(bundle.viewer_id, bundle.statuses.values(), facts)
    bundle.favourited = facts["favourited"]
    bundle.reblogged = facts["reblogged"]
    bundle.bookmarked = facts["bookmarked"]
    bundle.pinned = facts["pinned"]


def _wanted(bundle: StatusBundle, attribute: str) -> set[int]:
    found = {getattr(s, attribute) for s in bundle.statuses.values() if getattr(s, attribute)}
    return found - set(bundle.statuses)


async def _load_related_statuses(session: AsyncSession, bundle: StatusBundle) -> None:
    """Originals of reposts, then quoted posts of everything so far (one level deep)."""
    for attribute in ("reblog_of_id", "quote_of_id"):
        wanted = _wanted(bundle, attribute)
        if wanted:
            for status in await session.scalars(select(Status).where(Status.id.in_(wanted))):
                bundle.statuses[status.id] = status


async def _load_accounts(session: AsyncSession, bundle: StatusBundle) -> None:
    ids = {s.account_id for s in bundle.statuses.values()} - set(bundle.accounts)
    if ids:
        accounts = await session.scalars(select(Account).where(Account.id.in_(ids)))
        bundle.accounts.update({a.id: a for a in accounts})


async def _load_mentions(session: AsyncSession, bundle: StatusBundle, ids: set[int]) -> None:
    if not ids:
        return
    rows = await session.execute(
        select(Mention.status_id, Account)
        .join(Account, Account.id == Mention.account_id)
        .where(Mention.status_id.in_(ids))
        .order_by(Mention.id)
    )
    for status_id, account in rows:
        bundle.mentions[status_id].append(account)


async def _load_tags(session: AsyncSession, bundle: StatusBundle, ids: set[int]) -> None:
    if not ids:
        return
    tag_rows = await session.execute(
        select(StatusTag.status_id, Tag)
        .join(Tag, Tag.id == StatusTag.tag_id)
        .where(StatusTag.status_id.in_(ids))
    )
    for status_id, tag in tag_rows:
        bundle.tags[status_id].append(tag)


async def _load_cards(session: AsyncSession, bundle: StatusBundle, ids: set[int]) -> None:
    """The preview cards of the page, in one query."""
    if not ids:
        return
    rows = await session.execute(
        select(StatusCard.status_id, PreviewCard)
        .join(PreviewCard, PreviewCard.id == StatusCard.card_id)
        .where(StatusCard.status_id.in_(ids), PreviewCard.state == "ready")
    )
    bundle.cards.update({status_id: card for status_id, card in rows})


async def card_of(session: AsyncSession, status_id: int) -> PreviewCard | None:
    """One post's ready card (GET /api/v1/statuses/:id/card)."""
    card: PreviewCard | None = await session.scalar(
        select(PreviewCard)
        .join(StatusCard, StatusCard.card_id == PreviewCard.id)
        .where(StatusCard.status_id == status_id, PreviewCard.state == "ready")
    )
    return card


async def _load_media(session: AsyncSession, bundle: StatusBundle, ids: set[int]) -> None:
    """Every post's attachments, in their order, in one query."""
    if not ids:
        return
    rows = await session.scalars(
        select(MediaAttachment)
        .where(MediaAttachment.status_id.in_(ids))
        .order_by(MediaAttachment.status_id, MediaAttachment.position)
    )
    for media in rows:
        assert media.status_id is not None
        bundle.media[media.status_id].append(media)
