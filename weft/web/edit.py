"""Editing one's own post in the web app: ``/@acct/:id/edit``.

The form changes what Mastodon's ``PUT /api/v1/statuses/:id`` changes, through
the same action (``weft.actions.posts.edit``): the text and its spoiler
ranges (between ``||bars||``, as in the composer), the content warning, the
language, the sensitive and media-spoiler flags, and the poll. A poll's new
options, or a switch between one and several choices, start it over with no
votes (as in Mastodon); its length is kept unless a new one is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from weft.actions.media import attached_media_ids
from weft.actions.polls import PollDraft
from weft.actions.posts.compose import one_newline
from weft.actions.posts.edit import Change, edit_status
from weft.errors import Invalid, NotFound
from weft.limits import POLL_MAX_OPTIONS, POLL_MIN_EXPIRATION
from weft.models import Status, User
from weft.models.base import utcnow
from weft.models.polls import Poll
from weft.queries.accounts import lookup_account, parse_id
from weft.queries.polls import polls_of
from weft.queries.statuses import visible_status
from weft.runtime import Runtime, runtime
from weft.web.common import require_user
from weft.web.compose import FIELDS, LABELS, remaining
from weft.web.compose_form import marked, unmarked
from weft.web.errors import wants_json
from weft.web.session import form_fields
from weft.web.templating import render

router = APIRouter()
KEEP_LENGTH = ""  # the poll-length choice that keeps the poll's end


@dataclass(frozen=True)
class PollForm:
    """The edit form's poll: its options (always four boxes), whether several
    may be chosen, and a new length in seconds (``KEEP_LENGTH``: as it is)."""

    options: list[str] = field(default_factory=lambda: [""] * POLL_MAX_OPTIONS)
    multiple: bool = False
    expires_in: str = KEEP_LENGTH


@dataclass(frozen=True)
class EditForm:
    """The edit form's values: what the post holds, or what was typed. The
    text's spoiler ranges are between ``||bars||``, as in the composer."""

    text: str
    spoiler_text: str
    sensitive: bool
    language: str
    spoiler_media: bool = False
    poll: PollForm | None = None


@router.get("/@{acct}/{status_id}/edit", response_model=None)
async def edit_page(
    request: Request,
    acct: str,
    status_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    status = await _own_post(rt, user, acct, status_id)
    poll = await _poll_of(rt, status)
    values = EditForm(
        marked(status.text, status.text_entities or []),
        status.spoiler_text,
        status.sensitive,
        status.language or "",
        status.is_spoiler_media,
        None if poll is None else _poll_form(poll),
    )
    return await _edit_page(request, rt, user, status, values)


@router.post("/@{acct}/{status_id}/edit", response_model=None)
async def edit(
    request: Request,
    acct: str,
    status_id: str,
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    status = await _own_post(rt, user, acct, status_id)
    poll = await _poll_of(rt, status)
    fields = await form_fields(request)
    values = EditForm(
        text=fields.get("text", ""),
        spoiler_text=fields.get("spoiler_text", ""),
        sensitive=_checked(fields.get("sensitive", "")),
        language=fields.get("language", ""),
        spoiler_media=_checked(fields.get("spoiler_media", "")),
        poll=None
        if poll is None
        else PollForm(
            options=[fields.get(f"poll-option-{k}", "") for k in range(POLL_MAX_OPTIONS)],
            multiple=_checked(fields.get("poll_multiple", "")),
            expires_in=fields.get("poll_expires_in", KEEP_LENGTH),
        ),
    )
    text, ranges = unmarked(one_newline(values.text))
    try:
        change = Change(
            text=text,
            spoiler_text=values.spoiler_text,
            sensitive=values.sensitive,
            language=values.language or None,
            text_entities=ranges,
            is_spoiler_media=values.spoiler_media if "spoiler_media_shown" in fields else None,
            poll=_poll_change(poll, values.poll),
        )
        await edit_status(rt.db, rt.settings, user.account_id, status.id, change)
    except Invalid as error:
        errors = {_edit_field(error.field): f"{_edit_label(error.field)} {error.description}"}
        if wants_json(request):
            return JSONResponse({"error": next(iter(errors.values())), "errors": errors}, 422)
        return await _edit_page(request, rt, user, status, values, errors)
    url = f"/@{user.account.username}/{status.id}"
    if wants_json(request):
        return JSONResponse({"url": url})
    return RedirectResponse(url, status_code=303)


def _checked(value: str) -> bool:
    return value not in ("", "0", "false")


def _poll_form(poll: Poll) -> PollForm:
    options = [str(o) for o in poll.options][:POLL_MAX_OPTIONS]
    return PollForm(options + [""] * (POLL_MAX_OPTIONS - len(options)), poll.multiple)


def _poll_change(poll: Poll | None, form: PollForm | None) -> PollDraft | None:
    """The poll as the form asks for it, or None when the form leaves it as it
    is (so an edit of the text alone never touches the votes)."""
    if poll is None or form is None:
        return None
    options = tuple(o.strip() for o in form.options if o.strip())
    length = form.expires_in.strip()
    if options == tuple(poll.options) and form.multiple == poll.multiple and not length:
        return None
    if not length:
        expires_in = _seconds_left(poll.expires_at)
    elif length.isdigit() and len(length) < 10:
        expires_in = int(length)
    else:
        raise Invalid("poll[expires_in]", "is not a length this form offers")
    return PollDraft(options, expires_in, form.multiple, poll.hide_totals)


def _seconds_left(end: datetime | None) -> int:
    """The poll's length from now to its end, at least the shortest a poll may
    be (an ended poll reopened by new options runs that long)."""
    if end is None:
        return POLL_MIN_EXPIRATION
    return max(POLL_MIN_EXPIRATION, int((end - utcnow()).total_seconds()))


def _edit_field(field: str) -> str:
    """Where an edit's refusal shows: the spoiler ranges are the text's."""
    if field == "status" or field.startswith("text_entities"):
        return "text"
    if field == "is_spoiler_media":
        return "spoiler_media"
    return FIELDS.get(field, "form")


def _edit_label(field: str) -> str:
    if field == "status":
        return "Your post:"
    if field.startswith("text_entities"):
        return "The spoilers:"
    return LABELS.get(field, field)


async def _own_post(rt: Runtime, user: User, acct: str, raw_id: str) -> Status:
    """The viewer's own post at this address; anyone else's is "not found"."""
    account = await lookup_account(rt.db, acct, rt.settings.domain)
    async with rt.db.read() as session:
        status = await visible_status(session, user.account_id, parse_id(raw_id))
    if status.account_id != user.account_id or account.id != user.account_id:
        raise NotFound()
    return status


async def _poll_of(rt: Runtime, status: Status) -> Poll | None:
    async with rt.db.read() as session:
        return (await polls_of(session, [status.id])).get(status.id)


async def _media_of(rt: Runtime, status: Status) -> list[int]:
    async with rt.db.read() as session:
        return await attached_media_ids(session, status.id)


async def _edit_page(
    request: Request,
    rt: Runtime,
    user: User,
    status: Status,
    values: EditForm,
    errors: dict[str, str] | None = None,
) -> Response:
    context = {
        "status": status,
        "values": values,
        "remaining": remaining(unmarked(values.text)[0], values.spoiler_text),
        "has_media": bool(await _media_of(rt, status)),
        "edit_window": rt.settings.edit_window_minutes,
        "errors": errors or {},
        "post_path": f"/@{user.account.username}/{status.id}",
    }
    return await render(request, "edit.html", context, 422 if errors else 200)
