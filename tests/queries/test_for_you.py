"""For You ranks recent public posts from people one doesn't follow, and
never what Following shows or what the policies hide."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from tests.timelines.helpers import follow, people, post
from weft.actions.graph import block_account, mute_account
from weft.actions.interactions import favourite, reblog
from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import id_at
from weft.models import Status
from weft.models.base import utcnow
from weft.queries.for_you import MAX_SEEN, WINDOW, for_you


async def _ids(db: Database, viewer_id: int, limit: int = 20) -> list[int]:
    page = (await for_you(db, viewer_id, limit=limit)).page
    return [s.id for s in page.statuses]


async def test_strangers_public_posts_are_in_and_followed_people_are_out(
    db: Database, settings: Settings
) -> None:
    me, friend, stranger = await people(db, settings, "me", "friend", "stranger")
    await follow(db, me, friend)
    mine = await post(db, settings, me, "my own")
    friends = await post(db, settings, friend, "a friend's")
    strangers = await post(db, settings, stranger, "a stranger's")
    quiet = await post(db, settings, stranger, "quiet", visibility="unlisted")
    private = await post(db, settings, stranger, "followers only", visibility="private")

    shown = await _ids(db, me.account_id)

    assert strangers in shown
    assert not {mine, friends, quiet, private} & set(shown)


async def test_what_a_followed_person_reposted_stays_in_following(
    db: Database, settings: Settings
) -> None:
    me, friend, stranger = await people(db, settings, "me", "friend", "stranger")
    await follow(db, me, friend)
    reposted = await post(db, settings, stranger, "reposted by a friend")
    other = await post(db, settings, stranger, "not reposted")
    await reblog(db, friend.account_id, reposted)

    shown = await _ids(db, me.account_id)

    assert other in shown
    assert reposted not in shown


async def test_blocked_and_muted_people_are_left_out(db: Database, settings: Settings) -> None:
    me, blocked, blocker, muted, fine = await people(
        db, settings, "me", "blocked", "blocker", "muted", "fine"
    )
    hidden = [await post(db, settings, p, f"by {p.username}") for p in (blocked, blocker, muted)]
    kept = await post(db, settings, fine, "by fine")
    await block_account(db, me.account_id, blocked.account_id)
    await block_account(db, blocker.account_id, me.account_id)
    await mute_account(db, me.account_id, muted.account_id)

    shown = await _ids(db, me.account_id)

    assert kept in shown
    assert not set(hidden) & set(shown)


async def test_engagement_ranks_and_age_decays(db: Database, settings: Settings) -> None:
    me, a, b, c, *fans = await people(db, settings, "me", "a", "b", "c", "f1", "f2", "f3")
    plain = await post(db, settings, a, "newest, nobody liked it")
    liked = await post(db, settings, b, "liked by three")
    for fan in fans:
        await favourite(db, fan.account_id, liked)
    # As many likes, but five days old: age alone should sink it below the unliked one.
    old = await _age(db, await post(db, settings, c, "liked long ago"), days=5)
    for fan in fans:
        await favourite(db, fan.account_id, old)

    shown = await _ids(db, me.account_id)

    assert shown == [liked, plain, old]


async def test_posts_older_than_the_window_are_left_out(db: Database, settings: Settings) -> None:
    me, a = await people(db, settings, "me", "a")
    await _age(db, await post(db, settings, a, "last month"), days=WINDOW.days + 1)

    assert await _ids(db, me.account_id) == []


async def test_pages_follow_on_without_repeats(db: Database, settings: Settings) -> None:
    me, a = await people(db, settings, "me", "a")
    posted = {await post(db, settings, a, f"post {n}") for n in range(5)}

    first = await for_you(db, me.account_id, limit=2)
    seen = [s.id for s in first.page.statuses]
    shown = first.next_seen
    while shown is not None:
        page = await for_you(db, me.account_id, seen=shown, limit=2)
        seen += [s.id for s in page.page.statuses]
        shown = page.next_seen

    assert sorted(seen) == sorted(posted)
    assert len(seen) == len(set(seen))


async def test_posts_that_move_up_between_pages_are_not_repeated(
    db: Database, settings: Settings
) -> None:
    me, a, *fans = await people(db, settings, "me", "a", "fan1", "fan2", "fan3")
    older = [await post(db, settings, a, f"older {n}") for n in range(2)]
    newer = [await post(db, settings, a, f"newer {n}") for n in range(2)]
    first = await for_you(db, me.account_id, limit=2)
    assert {s.id for s in first.page.statuses} == set(newer)  # equal engagement: newest first
    assert first.next_seen is not None

    # The older two get liked: they now rank above the two already shown (an
    # offset of 2 would show those two again).
    for fan in fans:
        for status_id in older:
            await favourite(db, fan.account_id, status_id)
    second = await for_you(db, me.account_id, seen=first.next_seen, limit=2)

    assert {s.id for s in second.page.statuses} == set(older)
    assert second.next_seen is None


async def test_paging_stops_after_max_seen_posts(db: Database, settings: Settings) -> None:
    me, a = await people(db, settings, "me", "a")
    posted = [await post(db, settings, a, f"post {n}") for n in range(3)]
    elsewhere = list(range(1, MAX_SEEN - 1))  # ids of posts shown before (long gone)

    page = await for_you(db, me.account_id, seen=elsewhere, limit=5)

    assert [s.id for s in page.page.statuses] == posted[:0:-1]  # room for two more
    assert page.next_seen is None  # MAX_SEEN reached although one post is left


async def _age(db: Database, status_id: int, *, days: int) -> int:
    """Give a new post (nothing refers to it yet) the id it would have had
    ``days`` ago: ids carry their time. Returns the new id."""
    new_id = id_at(utcnow() - timedelta(days=days))
    async with db.write() as session:
        await session.execute(update(Status).where(Status.id == status_id).values(id=new_id))
    return new_id
