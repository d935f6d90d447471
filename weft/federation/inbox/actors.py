"""Move, Flag and the deletion of an actor."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from weft.actions import graph
from weft.actions.purge import remove_remote_account
from weft.actions.remote_accounts import record_move
from weft.actions.reports import record_report
from weft.errors import Forbidden, NotFound
from weft.federation import jsonld
from weft.federation.inbox.context import Inbound
from weft.federation.remote import fetch_account, host_of
from weft.models import Account, Follow, Status
from weft.queries.domain_blocks import reports_refused


async def on_move(inbound: Inbound) -> str:
    """The actor moved to ``target``, which must list it in ``alsoKnownAs``: our
    people who followed the old account follow the new one (as Mastodon does:
    unfollow the old, follow the new, which asks it for an Accept)."""
    origin = inbound.actor
    if inbound.object_id != origin.uri:
        return "ignored: a move of another actor"
    target_uri = jsonld.first_id(inbound.activity.get("target"))
    if target_uri is None:
        return "ignored: a move without a target"
    target = await fetch_account(
        inbound.db, inbound.settings, target_uri, refresh=True, budget=inbound.budget
    )
    if origin.uri not in (target.also_known_as or []):
        return "refused: the target does not name the old account in alsoKnownAs"
    await record_move(inbound.db, origin.id, target.id)
    moved = 0
    for follower_id in await _local_followers(inbound, origin.id):
        await graph.unfollow_account(inbound.db, follower_id, origin.id)
        try:
            await graph.follow_account(inbound.db, follower_id, target.id)
        except (NotFound, Forbidden):  # blocked either way: they just stop following
            continue
        moved += 1
    return f"moved, {moved} followers follow the new account"


async def _local_followers(inbound: Inbound, account_id: int) -> list[int]:
    async with inbound.db.read() as session:
        rows = await session.scalars(
            select(Follow.account_id)
            .join(Account, Account.id == Follow.account_id)
            .where(Follow.target_account_id == account_id, Account.domain.is_(None))
        )
        return list(rows)


async def on_flag(inbound: Inbound) -> str:
    """A report from another server about accounts (and posts) here; it joins
    the moderators' queue (unless a domain block rejects that server's reports)."""
    if inbound.actor.domain and await reports_refused(inbound.db, inbound.actor.domain):
        return "ignored: reports from this server are rejected"
    uris = jsonld.ids(inbound.activity.get("object"))
    ours = [u for u in uris if host_of(u) == inbound.settings.domain.lower()]
    targets = [a for a in [await inbound.local_account(u) for u in ours] if a is not None]
    statuses = [s for s in [await _our_status(inbound, u) for u in ours] if s is not None]
    if not targets and statuses:
        async with inbound.db.read() as session:
            target = await session.get(Account, statuses[0].account_id)
        targets = [target] if target is not None else []
    if not targets:
        return "ignored: a report about no account of ours"
    target = targets[0]
    comment = inbound.activity.get("content")
    await record_report(
        inbound.db,
        inbound.actor.id,
        target.id,
        [s.id for s in statuses if s.account_id == target.id],
        comment if isinstance(comment, str) else "",
        uri=inbound.id,
    )
    return f"report about {target.username} stored"


async def _our_status(inbound: Inbound, uri: str) -> Status | None:
    """One of our posts by its id or its page (``/@<name>/<id>``), whatever its
    visibility: the reporter's server saw it."""
    found = await inbound.status_by_uri(uri)
    parts = urlsplit(uri).path.strip("/").split("/")
    if found is not None or len(parts) != 2 or not parts[1].isdigit():
        return found
    async with inbound.db.read() as session:
        status = await session.get(Status, int(parts[1]))
        author = None if status is None else await session.get(Account, status.account_id)
    if author is None or author.domain is not None or f"@{author.username}" != parts[0]:
        return None
    return status


async def remove_actor(inbound: Inbound) -> str:
    """The actor's server deleted it: the account is suspended at once (kept as a
    tombstone so its id is not reused) and ``federation.purge_account`` ends
    its follows, takes back its likes and deletes its posts, in batches."""
    await remove_remote_account(inbound.db, inbound.actor.id)
    return "actor deleted"
