"""Every kind of job Weft queues, with how long it is retried.

A kind is declared here once, as a constant that ``enqueue`` takes and a
handler (``weft/jobs/handlers/``) registers against. Registering a handler
for an undeclared kind fails at import time, and the worker refuses to start
while a declared kind has no handler. This module imports nothing from Weft,
so every layer may name a kind.

To add a kind: declare it below, queue it with ``enqueue(session, KIND, ...)``
from an action, and write its handler with ``@job(KIND)``.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_ATTEMPTS = 10
DEFAULT_MAX_AGE_SECONDS = 7 * 24 * 3600
DAY = 24 * 3600


@dataclass(frozen=True)
class JobKind:
    """A kind of job: its name (stored in ``jobs.kind``) and its retry limits.

    Past ``max_attempts`` runs, or ``max_age_seconds`` after it was queued, a
    failing job is dead. Between attempts the worker backs off exponentially.
    """

    name: str
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    max_age_seconds: int = DEFAULT_MAX_AGE_SECONDS


DECLARED: dict[str, JobKind] = {}


def declare(
    name: str,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    max_age_seconds: int = DEFAULT_MAX_AGE_SECONDS,
) -> JobKind:
    """Declare the kind ``name`` (once: a second declaration is a mistake)."""
    if name in DECLARED:
        raise ValueError(f"job kind {name!r} is declared twice")
    kind = DECLARED[name] = JobKind(name, max_attempts, max_age_seconds)
    return kind


def is_declared(kind: JobKind) -> bool:
    return DECLARED.get(kind.name) is kind


# --- mail --------------------------------------------------------------------------

SEND_MAIL = declare("mail.send", max_attempts=12, max_age_seconds=2 * DAY)

# --- timelines ---------------------------------------------------------------------

FAN_OUT = declare("timelines.fan_out")
MERGE = declare("timelines.merge")
UNMERGE = declare("timelines.unmerge")
REMOVE = declare("timelines.remove")

# --- notifications -----------------------------------------------------------------

NOTIFY_SUBSCRIBERS = declare("notifications.new_status")
# Queued with the poll, due when it ends (up to 7 days later): its age counts
# from then, so a failure near the end still has days of retries.
POLL_ENDED = declare("polls.ended", max_age_seconds=9 * DAY)
# A poll's results to other servers, at most one per poll per interval
# (weft.actions.polls.RESULTS_INTERVAL): stale after a day, the end sends them anyway.
POLL_RESULTS = declare("polls.send_results", max_age_seconds=DAY)

# --- posts -------------------------------------------------------------------------

# Queued before they are due (a ghost post's end, 24 hours on; a scheduled
# post's time, up to a year ahead: weft.limits.SCHEDULE_MAX_AHEAD_DAYS), and a
# job's age counts from its queueing: each keeps two days of retries past its time.
GHOST_EXPIRED = declare("statuses.ghost_expired", max_age_seconds=3 * DAY)
PUBLISH_SCHEDULED = declare("statuses.publish_scheduled", max_age_seconds=367 * DAY)

# A web push (weft/actions/push.py): a push service away is tried again for a
# day; a notification older than that is no longer news.
SEND_PUSH = declare("push.send", max_attempts=12, max_age_seconds=DAY)

# --- media and cards ---------------------------------------------------------------

PROCESS_MEDIA = declare("media.process", max_attempts=5, max_age_seconds=DAY)
DELETE_FILES = declare("media.delete_files", max_attempts=12)
SWEEP_MEDIA = declare("media.sweep")

# An unreachable server is asked again with the queue's backoff (2 s, 4 s, ...
# doubling up to its 6-hour cap, each a random point in the upper half of its
# step): 19 attempts span 16 to 33 hours, about a day, then it is given up on and
# the remote URL keeps being served. The age limit is past that span, so the
# last attempt (which records the reason) is always the nineteenth.
FETCH_REMOTE_MEDIA = declare("media.fetch_remote", max_attempts=19, max_age_seconds=2 * DAY)
FETCH_REMOTE_PROFILE_IMAGE = declare(
    "media.fetch_remote_profile_image", max_attempts=19, max_age_seconds=2 * DAY
)

# A site that is down now may answer later; a day of retries is plenty for a preview.
FETCH_CARD = declare("cards.fetch", max_attempts=5, max_age_seconds=DAY)

# --- federation --------------------------------------------------------------------

# Retries of a delivery are scheduled by weft/federation/delivery.py itself (new
# jobs, for 8 days); the queue retries only an unexpected error (a bug, the
# database away).
PUBLISH = declare("federation.publish", max_attempts=5)
DELIVER = declare("federation.deliver", max_attempts=5)
# An object we could not fetch raises ``Unreachable`` and is retried later.
PROCESS_INBOUND = declare("federation.inbound", max_attempts=8, max_age_seconds=2 * DAY)
PURGE_ACCOUNT = declare("federation.purge_account", max_attempts=10)
SUSPEND_DOMAIN = declare("federation.suspend_domain", max_attempts=10)
# Moderation (weft/federation/moderation.py): a report forwarded to the reported
# account's server, and the followers of a suspended (or unsuspended) person told.
SEND_FLAG = declare("federation.send_flag", max_attempts=8, max_age_seconds=2 * DAY)
TELL_SUSPENSION = declare("federation.tell_suspension", max_attempts=5)
