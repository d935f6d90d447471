"""The one rule for a bearer token, as a table: which error each case gets."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from weft.actions.sessions import DISABLED
from weft.api.token_verdict import (
    INVALID,
    OUT_OF_SCOPE,
    TokenFacts,
    UnprocessableUser,
    token_verdict,
)
from weft.config import Settings
from weft.errors import Forbidden, Unauthorized
from weft.models.base import utcnow

NOW = utcnow()
PERSON = TokenFacts(
    revoked_at=None,
    expires_at=None,
    last_used_at=None,
    scopes=frozenset({"read", "write"}),
    for_person=True,
    person_found=True,
    confirmed=True,
)
APP = TokenFacts(None, None, None, frozenset({"read"}), for_person=False)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("facts", "needed", "person_needed", "error", "message"),
    [
        (PERSON, ("read",), True, None, ""),
        (PERSON, ("read:statuses",), True, None, ""),  # read covers read:statuses
        (replace(PERSON, expires_at=NOW + HOUR), (), False, None, ""),
        (replace(PERSON, revoked_at=NOW - HOUR), (), False, Unauthorized, INVALID),
        (replace(PERSON, expires_at=NOW - HOUR), (), False, Unauthorized, INVALID),
        (replace(PERSON, person_found=False), (), False, Unauthorized, INVALID),
        (replace(PERSON, disabled=True), (), False, Unauthorized, INVALID),
        (replace(PERSON, suspended=True), (), False, Forbidden, DISABLED),
        (replace(PERSON, confirmed=False), (), False, Forbidden, "Confirm your email"),
        (replace(PERSON, confirmed=False), ("admin:read",), False, Forbidden, "Confirm"),
        (PERSON, ("admin:read",), False, Forbidden, OUT_OF_SCOPE),
        (APP, ("read",), False, None, ""),
        (APP, ("write",), False, Forbidden, OUT_OF_SCOPE),
        (APP, ("read",), True, UnprocessableUser, "requires an authenticated user"),
        (replace(APP, revoked_at=NOW), ("read",), True, Unauthorized, INVALID),
    ],
)
def test_token_verdicts(
    facts: TokenFacts,
    needed: tuple[str, ...],
    person_needed: bool,
    error: type[Exception] | None,
    message: str,
) -> None:
    settings = Settings(database_url="sqlite:///unused.db", require_email_confirmation=True)
    verdict = token_verdict(settings, facts, NOW, needed, person_needed=person_needed)
    if error is None:
        assert verdict is None
        return
    assert type(verdict) is error
    assert message in verdict.message
