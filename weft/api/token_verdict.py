"""The one rule for whether a bearer token may make a call.

Two paths ask it: the full check (``weft.api.auth.scoped`` and
``scoped_if_token``, which load the token with its app and person) and the
fast path of hot read routes (``cached_viewer``, which reads one Core row and
remembers the verdict for a few seconds, weft/api/token_cache.py). Both build
:class:`TokenFacts` and ask :func:`token_verdict`, so they cannot disagree;
where the fast path does not get a plain yes, the full check answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from weft.actions.sessions import sign_in_refusal
from weft.config import Settings
from weft.errors import Forbidden, Unauthorized, WeftError
from weft.policies import scopes as scope_policy

LAST_USED_GRANULARITY = timedelta(hours=1)
INVALID = "The access token is invalid"
OUT_OF_SCOPE = "This action is outside the authorized scopes"


class UnprocessableUser(WeftError):
    """Mastodon answers 422 when an app token calls a method that needs a person."""

    status = 422


@dataclass(frozen=True)
class TokenFacts:
    """What the verdict reads: the token's row, and its person's if it has one."""

    revoked_at: datetime | None
    expires_at: datetime | None
    last_used_at: datetime | None
    scopes: frozenset[str]
    for_person: bool  # False: an app's own token (client credentials)
    person_found: bool = False  # the person's user and account rows exist
    disabled: bool = False
    suspended: bool = False
    confirmed: bool = False
    approved: bool = True


def token_verdict(
    settings: Settings,
    facts: TokenFacts,
    now: datetime,
    needed: tuple[str, ...] = (),
    *,
    person_needed: bool = False,
) -> WeftError | None:
    """Why a call with this token is refused, as the error to answer, or None
    if it may go on. In order: a revoked or expired token, or one whose person
    is gone or disabled, is invalid (401); a person who may not sign in (a
    suspended account, as Mastodon answers, or an unconfirmed email) is
    refused (403); then the scopes (403, when
    ``needed`` holds none of them), then a person (422, when ``person_needed``
    and the token is an app's own)."""
    live = facts.revoked_at is None and (facts.expires_at is None or facts.expires_at > now)
    gone = facts.for_person and (not facts.person_found or facts.disabled)
    if not live or gone:
        return Unauthorized(INVALID)
    if facts.for_person:
        refusal = sign_in_refusal(
            settings,
            disabled=facts.disabled,
            suspended=facts.suspended,
            confirmed=facts.confirmed,
            approved=facts.approved,
        )
        if refusal is not None:
            return Forbidden(refusal)
    if needed and not scope_policy.covers_any(facts.scopes, needed):
        return Forbidden(OUT_OF_SCOPE)
    if person_needed and not facts.for_person:
        return UnprocessableUser("This method requires an authenticated user")
    return None


def use_to_record(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether a use of the token now should be written (at most hourly)."""
    return last_used_at is None or now - last_used_at > LAST_USED_GRANULARITY
