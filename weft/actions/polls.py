"""Polls: made with a post, voted on (here or from another server), ended.

A poll is made by ``post.py`` with its post (``add_poll``), or read with
another server's ``Question`` (``store_remote_poll``). Votes change the
poll's tallies only while its row is locked (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite has one writer at a time), so concurrent votes never
lose a count and nobody votes twice in a one-choice poll.

Who hears of a vote: a vote on another server's poll goes to its author
(``ActivityKind.VOTE``, a ``Create`` of a ``Note`` named after the option, as
Mastodon sends it); votes on ours send the new results as an ``Update`` of
the ``Question`` (``ActivityKind.UPDATE_POLL``), batched: the first vote
queues a ``polls.send_results`` job due ``RESULTS_INTERVAL`` later (noted in
``polls.results_due_at``), and the votes until then ride along with it. When a poll ends, the
``polls.ended`` job (queued with the poll, due at its end, so it survives a
restart) tells its local voters and its author (``poll`` notifications) and
sends the final results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from weft import limits
from weft.actions.notifications import notify
from weft.actions.outbox import publish
from weft.activity_kinds import ActivityKind
from weft.db.database import Database
from weft.db.ids import new_id
from weft.db.upsert import insert_ignore
from weft.errors import Invalid, NotFound
from weft.jobs.kinds import POLL_ENDED, POLL_RESULTS
from weft.jobs.queue import enqueue
from weft.models import Account, Poll, PollVote, Status
from weft.models.base import utcnow
from weft.policies.statuses import can_view
from weft.queries.relations import access_for
from weft.queries.statuses import visible_status

OPTIONS_FIELD = "poll[options]"
EXPIRES_FIELD = "poll[expires_in]"
# Votes on our polls reach other servers at most this often, per poll (as
# Mastodon's DistributePollUpdateWorker, queued 3 minutes on and unique);
# ``WEFT_POLL_RESULTS_SECONDS`` sets it (the doors pass it in).
RESULTS_INTERVAL = timedelta(minutes=3)


@dataclass(frozen=True)
class PollDraft:
    """A new poll as its author asked for it (Mastodon's ``poll[...]`` parameters)."""

    options: tuple[str, ...]
    expires_in: int = limits.POLL_DEFAULT_EXPIRATION
    multiple: bool = False
    hide_totals: bool = False


@dataclass(frozen=True)
class RemotePoll:
    """Another server's ``Question``, read (weft/federation/questions.py)."""

    options: tuple[str, ...]
    tallies: tuple[int, ...]
    multiple: bool
    expires_at: datetime | None
    voters_count: int | None = None


def check_poll(poll: PollDraft, *, has_media: bool) -> None:
    """Threads' limits; each refusal names its field."""
    if has_media:
        raise Invalid("poll", "cannot be combined with media_ids")
    count = len(poll.options)
    if not limits.POLL_MIN_OPTIONS <= count <= limits.POLL_MAX_OPTIONS:
        raise Invalid(
            OPTIONS_FIELD,
            f"must have {limits.POLL_MIN_OPTIONS} to {limits.POLL_MAX_OPTIONS} options "
            f"(it has {count})",
        )
    for index, option in enumerate(poll.options):
        if not option.strip() or len(option) > limits.POLL_MAX_OPTION_CHARACTERS:
            raise Invalid(
                OPTIONS_FIELD,
                f"option {index + 1} must be 1 to {limits.POLL_MAX_OPTION_CHARACTERS} "
                f"characters (it has {len(option)})",
            )
    if len({o.strip().casefold() for o in poll.options}) != count:
        raise Invalid(OPTIONS_FIELD, "must not repeat an option")
    if not limits.POLL_MIN_EXPIRATION <= poll.expires_in <= limits.POLL_MAX_EXPIRATION:
        raise Invalid(
            EXPIRES_FIELD,
            f"must be {limits.POLL_MIN_EXPIRATION} to {limits.POLL_MAX_EXPIRATION} seconds "
            f"(5 minutes to 7 days), not {poll.expires_in}",
        )


async def add_poll(
    session: AsyncSession, status: Status, draft: PollDraft, *, start: datetime | None = None
) -> Poll:
    """The poll of a new local post (checked by ``check_poll``), open from
    ``start`` (the post's time; an edit adding a poll gives now)."""
    options = [o.strip() for o in draft.options]
    poll = Poll(
        id=new_id(),
        status_id=status.id,
        account_id=status.account_id,
        options=options,
        tallies=[0] * len(options),
        multiple=draft.multiple,
        hide_totals=draft.hide_totals,
        votes_count=0,
        voters_count=0,
        expires_at=(start or status.created_at) + timedelta(seconds=draft.expires_in),
        created_at=utcnow(),
    )
    session.add(poll)
    await session.flush()
    _schedule_end(session, poll)
    return poll


async def edit_poll(session: AsyncSession, status: Status, draft: PollDraft) -> bool:
    """Give a local post (being edited) the poll ``draft`` describes, as
    Mastodon's edit does: new options, or a change between one and several
    choices, drop the votes (they answered another question); the end is
    ``expires_in`` from now. Whether anything changed (checked by ``check_poll``)."""
    poll = await _locked(session, select(Poll).where(Poll.status_id == status.id))
    if poll is None:
        await add_poll(session, status, draft, start=utcnow())
        return True
    options = [o.strip() for o in draft.options]
    ends = utcnow() + timedelta(seconds=draft.expires_in)
    resets = options != list(poll.options) or draft.multiple != poll.multiple
    if resets:
        await session.execute(delete(PollVote).where(PollVote.poll_id == poll.id))
        poll.options, poll.tallies = options, [0] * len(options)
        poll.votes_count = poll.voters_count = 0
        poll.multiple = draft.multiple
    elif draft.hide_totals == poll.hide_totals and _same_end(poll.expires_at, ends):
        return False
    poll.hide_totals = draft.hide_totals
    if not _same_end(poll.expires_at, ends):
        poll.expires_at = ends
        _schedule_end(session, poll)
    return True


def _same_end(current: datetime | None, wanted: datetime) -> bool:
    # A client re-sends the ``expires_in`` it was shown; a minute's drift is no change.
    return current is not None and abs((current - wanted).total_seconds()) < 60


def _schedule_end(session: AsyncSession, poll: Poll) -> None:
    if poll.expires_at is not None:
        enqueue(session, POLL_ENDED, {"poll_id": poll.id}, run_at=poll.expires_at)


def expired(poll: Poll) -> bool:
    return poll.expires_at is not None and poll.expires_at <= utcnow()


# --- votes -------------------------------------------------------------------------


async def vote(
    db: Database,
    voter_id: int,
    poll_id: int,
    choices: Sequence[int],
    *,
    results_after: timedelta = RESULTS_INTERVAL,
) -> Poll:
    """``voter_id`` chooses ``choices`` (indices) in the poll; 404 if they may
    not see its post, 422 (naming ``choices``) for a vote Mastodon refuses."""
    async with db.write() as session:
        poll = await _locked(session, select(Poll).where(Poll.id == poll_id))
        if poll is None:
            raise NotFound()
        await visible_status(session, voter_id, poll.status_id)
        _check_vote(poll, voter_id, choices)
        if await _has_voted(session, poll.id, voter_id):
            raise Invalid("choices", "you have already voted on this poll")
        votes = []
        for choice in dict.fromkeys(choices):
            row = PollVote(
                id=new_id(),
                poll_id=poll.id,
                account_id=voter_id,
                choice=choice,
                created_at=utcnow(),
            )
            session.add(row)
            votes.append(row)
        await session.flush()
        _count(poll, [v.choice for v in votes], new_voter=True)
        if await _is_local(session, poll.account_id):
            _results_soon(session, poll, results_after)
        else:
            for row in votes:
                await publish(session, ActivityKind.VOTE, voter_id, vote_id=row.id)
        return poll


def _check_vote(poll: Poll, voter_id: int, choices: Sequence[int]) -> None:
    if expired(poll):
        raise Invalid("choices", "cannot be given: the poll has already ended")
    if poll.account_id == voter_id:
        raise Invalid("choices", "cannot be given in your own poll")
    if not choices:
        raise Invalid("choices", "must name at least one option")
    if any(not 0 <= c < len(poll.options) for c in choices):
        raise Invalid("choices", f"must be option numbers from 0 to {len(poll.options) - 1}")
    if not poll.multiple and len(set(choices)) > 1:
        raise Invalid("choices", "can hold one option only: this poll is single-choice")


async def record_remote_vote(
    db: Database,
    voter_id: int,
    status_id: int,
    name: str,
    uri: str,
    *,
    results_after: timedelta = RESULTS_INTERVAL,
) -> str | None:
    """Another server's vote (a Note named after an option, in reply to our
    poll's post); ``None`` when it is no vote on a poll of ours, else what
    became of it."""
    async with db.write() as session:
        poll = await _locked(session, select(Poll).where(Poll.status_id == status_id))
        if poll is None or name not in poll.options:
            return None
        status = await session.get(Status, status_id)
        if status is None or not await _is_local(session, poll.account_id):
            return None
        if expired(poll):
            return "ignored: a vote after the poll ended"
        if not can_view((await access_for(session, voter_id, [status]))[status.id]):
            return "ignored: a vote by someone who may not see the poll"
        choice = poll.options.index(name)
        voted = await _has_voted(session, poll.id, voter_id)
        if voted and not poll.multiple:
            return "ignored: already voted"
        values = {
            "id": new_id(),
            "poll_id": poll.id,
            "account_id": voter_id,
            "choice": choice,
            "uri": uri,
            "created_at": utcnow(),
        }
        if not await insert_ignore(session, PollVote, values):
            return "ignored: already counted"
        _count(poll, [choice], new_voter=not voted)
        _results_soon(session, poll, results_after)
        return f"counted a vote on poll {poll.id}"


def _count(poll: Poll, choices: list[int], *, new_voter: bool) -> None:
    """Add the votes to the poll's row (locked by the caller)."""
    tallies = list(poll.tallies)
    for choice in choices:
        tallies[choice] = int(tallies[choice]) + 1
    poll.tallies = tallies
    poll.votes_count += len(choices)
    if new_voter:
        poll.voters_count += 1


def _results_soon(session: AsyncSession, poll: Poll, after: timedelta) -> None:
    """Send our poll's results to other servers ``after`` from now: one job
    per interval, whatever the number of votes (the row is locked)."""
    if poll.results_due_at is None:
        poll.results_due_at = utcnow() + after
        enqueue(session, POLL_RESULTS, {"poll_id": poll.id}, run_at=poll.results_due_at)


async def send_results(db: Database, poll_id: int) -> None:
    """The ``polls.send_results`` job: an ``Update`` of the ``Question`` with
    the tallies as they are now; the next vote queues the next one."""
    async with db.write() as session:
        poll = await _locked(session, select(Poll).where(Poll.id == poll_id))
        if poll is None or poll.results_due_at is None:
            return  # gone, or already sent (a job run twice)
        poll.results_due_at = None
        await publish(session, ActivityKind.UPDATE_POLL, poll.account_id, status_id=poll.status_id)


async def _locked(session: AsyncSession, query: object) -> Poll | None:
    # SQLite ignores FOR UPDATE; its writes are one at a time anyway.
    found: Poll | None = await session.scalar(query.with_for_update())  # type: ignore[attr-defined]
    return found


async def _has_voted(session: AsyncSession, poll_id: int, account_id: int) -> bool:
    found = await session.scalar(
        select(PollVote.id)
        .where(PollVote.poll_id == poll_id, PollVote.account_id == account_id)
        .limit(1)
    )
    return found is not None


async def _is_local(session: AsyncSession, account_id: int) -> bool:
    domain = await session.scalar(select(Account.domain).where(Account.id == account_id))
    return domain is None


# --- other servers' polls ----------------------------------------------------------


async def store_remote_poll(session: AsyncSession, status: Status, remote: RemotePoll) -> None:
    """Keep another server's poll with its post, or bring a stored one up to
    date (its tallies are theirs; new options drop the votes, as Mastodon)."""
    poll = await _locked(session, select(Poll).where(Poll.status_id == status.id))
    tallies = list(remote.tallies)
    voters = remote.voters_count if remote.voters_count is not None else None
    if poll is None:
        poll = Poll(
            id=new_id(),
            status_id=status.id,
            account_id=status.account_id,
            options=list(remote.options),
            tallies=tallies,
            multiple=remote.multiple,
            hide_totals=False,
            votes_count=sum(tallies),
            voters_count=voters if voters is not None else sum(tallies),
            expires_at=remote.expires_at,
            created_at=utcnow(),
        )
        session.add(poll)
        await session.flush()
        _schedule_end(session, poll)
        return
    if list(remote.options) != list(poll.options):
        await session.execute(delete(PollVote).where(PollVote.poll_id == poll.id))
        poll.options = list(remote.options)
    changed_end = remote.expires_at != poll.expires_at
    poll.tallies = tallies
    poll.multiple = remote.multiple
    poll.votes_count = sum(tallies)
    poll.voters_count = voters if voters is not None else poll.votes_count
    poll.expires_at = remote.expires_at
    if changed_end:
        _schedule_end(session, poll)


# --- the end -----------------------------------------------------------------------


async def end_poll(db: Database, poll_id: int) -> None:
    """The ``polls.ended`` job: notify the voters here and the author (if ours),
    and send the final results. Run twice, it notifies nobody twice."""
    async with db.write() as session:
        poll = await session.get(Poll, poll_id)
        if poll is None or poll.expires_at is None:
            return
        if not expired(poll):  # its end was moved later (another server's edit)
            _schedule_end(session, poll)
            return
        voters = await session.scalars(
            select(PollVote.account_id)
            .join(Account, Account.id == PollVote.account_id)
            .where(PollVote.poll_id == poll.id, Account.domain.is_(None))
            .distinct()
        )
        poll.results_due_at = None  # the final results go now: a pending batch need not
        recipients = set(voters)
        author_local = await _is_local(session, poll.account_id)
        if author_local:
            recipients.add(poll.account_id)
        for recipient in sorted(recipients):
            await notify(
                session,
                recipient_id=recipient,
                from_account_id=poll.account_id,
                type="poll",
                status_id=poll.status_id,
            )
        if author_local:
            await publish(
                session, ActivityKind.UPDATE_POLL, poll.account_id, status_id=poll.status_id
            )
