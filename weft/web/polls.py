"""Voting in a poll from a post's card: a plain form (``templates/_poll.html``),
answered with a 303 back to the page it was on. The rules are in
weft/actions/polls.py."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from weft.actions.polls import vote
from weft.errors import Invalid
from weft.models import User
from weft.queries.accounts import parse_id
from weft.runtime import Runtime, runtime
from weft.web.common import require_user
from weft.web.posts import back_to

router = APIRouter()


@router.post("/polls/{poll_id}/votes", response_model=None)
async def vote_in_poll(
    request: Request,
    poll_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    raw = [v for v in form.getlist("choices") if isinstance(v, str)]
    if not raw:
        raise Invalid("choices", "choose an option first")
    if any(not v.isdigit() or len(v) > 3 for v in raw):
        raise Invalid("choices", "must be option numbers")
    choices = [int(v) for v in raw]
    after = timedelta(seconds=rt.settings.poll_results_seconds)
    await vote(rt.db, user.account_id, parse_id(poll_id), choices, results_after=after)
    return RedirectResponse(back_to(request, fields), status_code=303)
