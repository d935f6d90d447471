"""Moderation over federation: a report forwarded as a ``Flag``, and a
suspension told to the person's followers.

- **Flag**: as Mastodon sends it, from this server's instance actor (the
  person who reported stays unnamed), to the reported account's inbox, its
  ``object`` the account and the reported posts, its ``content`` the comment.
- **Suspension**: Mastodon tells a suspended local person's followers with an
  ``Update`` of the actor carrying ``suspended: true`` (and again, without it,
  when the suspension is lifted). The publish pipeline refuses a suspended
  actor, so the Update is sent here, signed with the person's own key.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from weft.config import Settings
from weft.db.database import Database
from weft.federation import activities
from weft.federation.actors import actor_uri, person
from weft.federation.delivery import Retry, _post, inboxes_for
from weft.federation.keys import ensure_key
from weft.federation.loading import instance_actor
from weft.federation.notes import note_uri
from weft.federation.outgoing import Audience
from weft.models import Account, Report, Status

log = logging.getLogger(__name__)


async def send_flag(db: Database, settings: Settings, report_id: int) -> bool:
    """Forward the report to the reported account's server; False if there is
    nothing to send (the report or the account went away, or it is local).
    A server that is down raises ``Retry``: the job is tried again."""
    if not settings.federation:
        return False
    async with db.read() as session:
        report = await session.get(Report, report_id)
        target = None if report is None else await session.get(Account, report.target_account_id)
        if report is None or target is None or target.domain is None or target.uri is None:
            return False
        ids = [int(i) for i in report.status_ids]
        statuses = list(await session.scalars(select(Status).where(Status.id.in_(ids))))
    inbox = target.shared_inbox_url or target.inbox_url
    if not inbox:
        return False
    actor = await instance_actor(db, settings)
    objects = [target.uri] + [s.uri or note_uri(s, target, settings) for s in statuses]
    flag = activities.flag(
        f"{settings.base_url}/reports/{report.id}", actor_uri(actor, settings), objects
    )
    flag["content"] = report.comment
    if not await _post(settings, actor, inbox, flag):
        log.warning("flag of report %s to %s not delivered", report.id, inbox)
    return True


async def tell_suspension(db: Database, settings: Settings, account_id: int) -> int:
    """Send the person's followers' servers an Update of the actor, with
    ``suspended: true`` while it is suspended; how many inboxes were reached."""
    if not settings.federation:
        return 0
    async with db.read() as session:
        account = await session.get(Account, account_id)
        if account is None or not account.is_local or not account.federated:
            return 0
        inboxes = await inboxes_for(session, account, Audience(followers=True))
    account = await ensure_key(db, account)
    document = person(account, settings)
    if account.suspended_at is not None:
        document["suspended"] = True
    update = activities.update_person(document, account.suspended_at or account.updated_at)
    reached = 0
    for inbox in inboxes:
        try:
            reached += await _post(settings, account, inbox, update)
        except Retry as error:  # one try each: the next Update will carry the news too
            log.warning("suspension Update to %s failed: %s", inbox, error)
    return reached
