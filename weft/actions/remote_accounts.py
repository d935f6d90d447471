"""Remote accounts: another server's actor as we keep it, and what happens to it.

The federation code fetches and reads actor documents (``weft.federation.remote``);
these actions write what it found: a new or refreshed account, a move, a
removal. Remote accounts never sign in and hold no private key.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from weft.db.database import Database
from weft.db.ids import new_id
from weft.errors import NotFound
from weft.jobs.kinds import FETCH_REMOTE_PROFILE_IMAGE
from weft.jobs.queue import enqueue
from weft.models import Account
from weft.models.base import utcnow


@dataclass(frozen=True)
class RemoteProfile:
    """What an actor document says, already checked and sanitized."""

    uri: str
    username: str
    domain: str
    actor_type: str = "Person"
    display_name: str = ""
    note: str = ""  # sanitized HTML
    url: str | None = None
    avatar_url: str | None = None
    header_url: str | None = None
    locked: bool = False
    bot: bool = False
    discoverable: bool = False
    indexable: bool = False
    inbox_url: str | None = None
    shared_inbox_url: str | None = None
    outbox_url: str | None = None
    followers_url: str | None = None
    following_url: str | None = None
    featured_url: str | None = None
    public_key_pem: str | None = None
    public_key_id: str | None = None
    fields: list[dict[str, Any]] = field(default_factory=list)
    also_known_as: list[str] = field(default_factory=list)
    # The custom emoji the name, bio and fields use: [{"shortcode": ..., "url": ...}].
    emojis: list[dict[str, str]] = field(default_factory=list)


async def upsert_remote_account(db: Database, profile: RemoteProfile) -> Account:
    """Insert or refresh the account of ``profile`` (matched by actor id, then by
    ``username@domain`` for an actor whose id changed); returns the stored row."""
    async with db.write() as session:
        return await upsert_in(session, profile)


async def upsert_in(session: AsyncSession, profile: RemoteProfile) -> Account:
    values = {**asdict(profile), "fetched_at": utcnow(), "updated_at": utcnow()}
    values["actor_type"] = profile.actor_type[:16]
    pictures = {"avatar": values.pop("avatar_url"), "header": values.pop("header_url")}
    account = await session.scalar(select(Account).where(Account.uri == profile.uri))
    if account is None:
        account = await session.scalar(
            select(Account).where(
                func.lower(Account.username) == profile.username.lower(),
                func.lower(Account.domain) == profile.domain.lower(),
            )
        )
    if account is None:
        account = Account(id=new_id(), created_at=utcnow(), **values)
        session.add(account)
    else:
        if account.is_local:  # an actor document cannot overwrite one of ours
            raise NotFound()
        for name, value in values.items():
            setattr(account, name, value)
    _refresh_pictures(session, account, pictures)
    await session.flush()
    return account


def _refresh_pictures(
    session: AsyncSession, account: Account, pictures: dict[str, str | None]
) -> None:
    """A picture whose remote URL is new is served from there until the
    ``media.fetch_remote_profile_image`` job has copied it here; that job also
    deletes our copy of the picture it replaces (weft/actions/remote_media.py)."""
    for which, remote in pictures.items():
        replaced = getattr(account, f"{which}_url")
        if getattr(account, f"{which}_remote_url") == remote and (remote or not replaced):
            continue  # the same picture (or still none)
        setattr(account, f"{which}_remote_url", remote)
        setattr(account, f"{which}_url", remote)
        payload = {"account_id": account.id, "which": which, "replaced": replaced}
        enqueue(session, FETCH_REMOTE_PROFILE_IMAGE, payload)


async def mark_fetched(db: Database, account_id: int) -> None:
    """Note that a refresh was tried, so a failing server is not asked again at once."""
    async with db.write() as session:
        await session.execute(
            update(Account).where(Account.id == account_id).values(fetched_at=utcnow())
        )


async def record_move(db: Database, origin_id: int, target_id: int) -> None:
    """``origin_id`` has moved to ``target_id`` (checked by the caller against the
    target's ``alsoKnownAs``)."""
    async with db.write() as session:
        await session.execute(
            update(Account).where(Account.id == origin_id).values(moved_to_account_id=target_id)
        )
