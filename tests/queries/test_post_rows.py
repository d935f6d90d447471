"""One post read for many viewers at once (``post_rows_for``, what a live
event's sockets share) judges each viewer exactly as reading it alone
(``post_rows``, the home timeline's read) does."""

from __future__ import annotations

from tests.timelines.helpers import follow, people, post
from weft.actions.graph import block_account, mute_account
from weft.actions.interactions import favourite, reblog
from weft.config import Settings
from weft.db.database import Database
from weft.queries.home_rows import HomeRows, post_rows, post_rows_for


def facts(rows: HomeRows) -> tuple[list[int], dict[int, object]]:
    return [p.id for p in rows.shown], {i: rows.posts[i] for i in sorted(rows.posts)}


async def test_every_viewer_is_judged_as_alone(db: Database, settings: Settings) -> None:
    author, fan, stranger, blocker, muter, blocked, reposter = await people(
        db, settings, "author", "fan", "stranger", "blocker", "muter", "blocked", "reposter"
    )
    for person in (fan, blocker, muter, reposter):
        await follow(db, person, author)
    public = await post(db, settings, author, "for everyone")
    private = await post(db, settings, author, "for followers", "private")
    await favourite(db, fan.account_id, public)
    await block_account(db, blocker.account_id, author.account_id)
    await block_account(db, author.account_id, blocked.account_id)
    await mute_account(db, muter.account_id, author.account_id)
    repost = await reblog(db, reposter.account_id, public)
    viewers = [p.account_id for p in (author, fan, stranger, blocker, muter, blocked, reposter)]
    for status_id in (public, private, repost):
        together = await post_rows_for(db, status_id, viewers)
        for viewer in viewers:
            alone = await post_rows(db, viewer, [status_id])
            assert facts(together[viewer]) == facts(alone), (status_id, viewer)
    shown_public = {v for v in viewers if (await post_rows_for(db, public, viewers))[v].shown}
    assert shown_public == {
        author.account_id,
        fan.account_id,
        stranger.account_id,
        reposter.account_id,
    }
