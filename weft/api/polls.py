"""Mastodon's polls API: a post's ``poll[...]`` parameters, ``GET /api/v1/polls/:id``
and ``POST /api/v1/polls/:id/votes`` (the rules are in weft/actions/polls.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from weft import limits
from weft.actions.polls import EXPIRES_FIELD, OPTIONS_FIELD, PollDraft
from weft.actions.polls import vote as vote_in_poll
from weft.api.auth import Credentials, scoped_if_token, user_scoped
from weft.api.params import bool_param, form, indexed_list
from weft.api.schemas import answers
from weft.api.schemas.statuses import Poll as PollEntity
from weft.api.serializers.polls import poll_core, poll_for_viewer
from weft.errors import Invalid
from weft.models import Poll
from weft.queries.accounts import parse_id
from weft.queries.polls import own_votes, visible_poll
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["polls"])


def poll_draft(raw: Any) -> PollDraft | None:
    """``poll[options][]``, ``poll[expires_in]``, ``poll[multiple]``,
    ``poll[hide_totals]`` (a form's nesting or JSON) as a draft; None if absent."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise Invalid("poll", "must be an object with options")
    values = raw.get("options")
    if isinstance(values, str | int | float):
        values = [values]
    options = indexed_list(values, OPTIONS_FIELD)
    if any(isinstance(o, bool) or not isinstance(o, str | int | float) for o in options):
        raise Invalid(OPTIONS_FIELD, "must be a list of texts")
    return PollDraft(
        options=tuple(str(o) for o in options),
        expires_in=_seconds(raw.get("expires_in")),
        multiple=_flag(raw.get("multiple"), "poll[multiple]"),
        hide_totals=_flag(raw.get("hide_totals"), "poll[hide_totals]"),
    )


def _seconds(value: Any) -> int:
    if value is None or value == "":
        return limits.POLL_DEFAULT_EXPIRATION
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value) < 20:
        return int(value)
    raise Invalid(EXPIRES_FIELD, "must be a whole number of seconds")


def _flag(value: Any, field: str) -> bool:
    try:
        return bool(bool_param(value))
    except ValueError:
        raise Invalid(field, "must be true or false") from None


class VoteParams(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    choices: Any = None  # a list, or Rails' indexed hash: checked by indices()

    def indices(self) -> list[int]:
        raw = self.choices
        if isinstance(raw, str | int):
            raw = [raw]
        items = indexed_list(raw, "choices")
        found = []
        for item in items:
            text = str(item).strip()
            if isinstance(item, bool) or not text.isdigit() or len(text) > 3:
                raise Invalid("choices", "must be option numbers, counted from 0")
            found.append(int(text))
        return found


async def _entity(rt: Runtime, viewer_id: int | None, poll: Poll) -> dict[str, Any]:
    core = poll_core(poll)
    assert core is not None
    async with rt.db.read() as session:
        own = (await own_votes(session, viewer_id, [poll.id])).get(poll.id)
    return poll_for_viewer(core, viewer_id, poll.account_id, own)


@router.get("/api/v1/polls/{poll_id}", summary="A poll", **answers(PollEntity))
async def show(
    poll_id: str,
    credentials: Credentials | None = Depends(scoped_if_token("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    viewer = credentials.account.id if credentials and credentials.account else None
    async with rt.db.read() as session:
        poll = await visible_poll(session, viewer, parse_id(poll_id))
    return await _entity(rt, viewer, poll)


@router.post("/api/v1/polls/{poll_id}/votes", summary="Vote in a poll", **answers(PollEntity))
async def vote(
    poll_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    params: VoteParams = form(VoteParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    assert credentials.account is not None  # user_scoped guarantees a person
    viewer = credentials.account.id
    poll = await vote_in_poll(
        rt.db,
        viewer,
        parse_id(poll_id),
        params.indices(),
        results_after=timedelta(seconds=rt.settings.poll_results_seconds),
    )
    return await _entity(rt, viewer, poll)
