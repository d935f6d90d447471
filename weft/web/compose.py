"""Writing posts in the browser: the composer (``/compose``) and editing (``/@acct/id/edit``).

Routes read the form (``compose_form.py``), store the photos and videos
(``compose_media.py``) and call the same actions as the API
(``post_thread``, ``edit_status``); the rules live there. Every form works
without JavaScript; ``static/compose.js`` adds the live counter and posts
with ``fetch`` and ``Accept: application/json``, to which these routes answer
``{"url": ..., "html": ...}`` or ``{"error": ..., "errors": {...}}``.
"""

from __future__ import annotations

import json
from contextlib import suppress
from dataclasses import dataclass, field, replace
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from weft.actions.drafts import delete_draft, own, save_draft, update_draft
from weft.actions.posts.compose import MAX_CHARS, one_newline
from weft.actions.posts.post import (
    Draft,
    InvalidThreadPost,
    check_draft,
    post_thread,
    thread_for_key,
)
from weft.api.serializers.statuses import status_entities, status_entity
from weft.errors import Invalid, NotFound
from weft.limits import POLL_DEFAULT_EXPIRATION, POLL_MAX_OPTIONS
from weft.models import Status, User
from weft.models.posts import VISIBILITIES
from weft.policies.statuses import can_quote, can_reply
from weft.queries.accounts import parse_id
from weft.queries.media import own_unattached_media
from weft.queries.status_bundle import load_bundle
from weft.queries.statuses import visible_status
from weft.runtime import Runtime, runtime
from weft.text import countable_length
from weft.web.auth import safe_next
from weft.web.common import require_user
from weft.web.compose_form import (
    Box,
    ComposeForm,
    Kept,
    drafts,
    marked,
    optional_id,
    read_form,
    rearranged,
)
from weft.web.compose_media import (
    MediaProblem,
    check_descriptions,
    describe_kept,
    discard,
    upload_all,
    with_previews,
)
from weft.web.errors import wants_json
from weft.web.session import form_fields
from weft.web.templating import render

router = APIRouter()
DRAFTS = "/drafts"

FILES_DROPPED = (
    "Choose your photos and videos again: a browser cannot keep them in a form it sends back."
)
LABELS = {
    "visibility": "Who can see it",
    "reply_policy": "Who can reply",
    "quote_approval_policy": "Who can quote",
    "language": "Language",
    "in_reply_to_id": "The post you are replying to",
    "quoted_status_id": "The post you are quoting",
    "poll": "The poll",
    "text_entities": "The spoilers",
    "is_spoiler_media": "Hiding photos and videos as a spoiler",
    "poll[options]": "The poll's options",
    "poll[expires_in]": "The poll's length",
    "text_attachment": "The long text",
    "text_attachment[plaintext]": "The long text",
    "text_attachment[link_attachment_url]": "The long text's link",
    "text_attachment[text_with_styling_info]": "The long text's styles:",
    "topic_tag": "The topic",
    "is_ghost_post": "Ghost post:",
}
# Where an error of the action shows in the form (the rest go to the top).
FIELDS = {
    "visibility": "visibility",
    "reply_policy": "reply_policy",
    "quote_approval_policy": "quote_policy",
    "language": "language",
    "poll": "poll",
    "poll[options]": "poll",
    "poll[expires_in]": "poll",
    "text_attachment": "text_attachment",
    "text_attachment[plaintext]": "text_attachment",
    "text_attachment[link_attachment_url]": "text_attachment",
    "text_attachment[text_with_styling_info]": "text_attachment",
    "topic_tag": "topic_tag",
    "is_ghost_post": "is_ghost_post",
}


def remaining(text: str, spoiler_text: str) -> int:
    """Characters left, counted as the server will count them once posted."""
    return MAX_CHARS - countable_length(one_newline(text), one_newline(spoiler_text))


@dataclass
class Targets:
    """The posts the composer replies to and quotes, as Status entities."""

    reply: dict[str, Any] | None = None
    quote: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)


# --- the composer ------------------------------------------------------------------


@router.get("/compose", response_model=None)
async def compose_page(
    request: Request,
    in_reply_to: str = "",
    quote: str = "",
    next: str = "",
    draft: str = "",
    user: User = Depends(require_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    if draft:
        return await _page(request, rt, user, await _draft_form(rt, user, draft))
    form = ComposeForm(
        visibility=user.default_privacy,
        sensitive=user.default_sensitive,
        language=user.default_language or "",
        in_reply_to_id=in_reply_to,
        quoted_status_id=quote,
        next=safe_next(next) if next else "",
    )
    targets = await _targets(rt, user, form)
    if targets.reply is not None:
        form.boxes[0].text = _reply_mentions(targets.reply, user)
        form.visibility = _narrower(form.visibility, targets.reply["visibility"])
    return await _page(request, rt, user, form, targets=targets)


@router.post("/compose", response_model=None)
async def compose(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    # The form's spooled files are closed with the request (session.protect_forms).
    return await _compose(request, rt, user, read_form(await request.form()))


async def _compose(request: Request, rt: Runtime, user: User, form: ComposeForm) -> Response:
    fields = await form_fields(request)
    changed = rearranged(form, fields)
    if changed is not None:
        notices = [FILES_DROPPED] if form.file_count else []
        return await _page(request, rt, user, changed, notices=notices)
    try:
        if "save_draft" in fields:
            await _save_draft(rt, user.account_id, form)
            if wants_json(request):
                return JSONResponse({"url": DRAFTS, "location": DRAFTS})
            return RedirectResponse(DRAFTS, status_code=303)
        posted = await _publish(rt, user.account_id, form)
    except InvalidThreadPost as error:
        return await _refused(request, rt, user, form, _thread_error(error, len(form.boxes)))
    except MediaProblem as error:
        return await _refused(request, rt, user, form, {f"media-{error.index}": error.message})
    if form.draft_id:
        await _forget_draft(rt, user.account_id, form.draft_id)
    url = f"/@{user.account.username}/{posted[0].id}"
    location = safe_next(form.next) if form.next else url
    if wants_json(request):
        return JSONResponse(
            {
                "url": url,
                "location": location,
                "ids": [str(s.id) for s in posted],
                "html": await _cards(request, rt, user, posted),
            }
        )
    return RedirectResponse(location, status_code=303)


async def _publish(rt: Runtime, account_id: int, form: ComposeForm) -> list[Status]:
    """Check every post, then store the files, then write the whole thread.

    The checks run before any file is stored (stand-in ids count the files),
    and the uploads are deleted again if the thread is refused after all.
    """
    if form.idempotency_key:
        # The same form sent again (a retry after the answer was lost): its thread, unchanged.
        sent = await thread_for_key(rt.db, account_id, form.idempotency_key, len(form.boxes))
        if sent:
            return sent
    _check(form)
    uploaded = await upload_all(rt, account_id, form)
    try:
        await describe_kept(rt, account_id, form.kept)
        posts = _drafts(form, uploaded)
        if form.draft_id:  # the draft's own uploads, held for it, go with it
            posts[0] = replace(posts[0], held_by=optional_id(form.draft_id))
        return await post_thread(rt.db, rt.settings, account_id, posts)
    except BaseException:
        await discard(rt, account_id, [m for ids in uploaded for m in ids])
        raise


def _check(form: ComposeForm) -> None:
    """Every post and every alt text checked before any file is stored
    (stand-in ids count the files)."""
    stand_ins = [tuple(range(1, len(box.attachments) + 1)) for box in form.boxes]
    for index, draft in enumerate(_drafts(form, stand_ins)):
        try:
            check_draft(draft)
        except Invalid as error:
            raise InvalidThreadPost(index, error) from None
    check_descriptions(form)


def _drafts(form: ComposeForm, uploaded: list[tuple[int, ...]]) -> list[Draft]:
    """The form's posts; the first keeps the draft's uploads, before its new ones."""
    media_ids = [(*form.kept_ids, *uploaded[0]), *uploaded[1:]]
    try:
        return drafts(form, media_ids)
    except Invalid as error:  # the long text's styles, read with the form
        raise InvalidThreadPost(0, error) from None


async def _save_draft(rt: Runtime, account_id: int, form: ComposeForm) -> None:
    """Keep the composer's one post as a draft (a new one, or the one it was
    opened from), with its files; a thread is refused, naming the problem."""
    if len(form.boxes) > 1:
        problem = Invalid("draft", "a draft holds one post; remove the others, or post the thread")
        raise InvalidThreadPost(0, problem)
    _check(form)
    media_ids = await upload_all(rt, account_id, form)
    draft = _drafts(form, media_ids)[0]
    try:
        await describe_kept(rt, account_id, form.kept)
        if form.draft_id:
            await update_draft(rt.db, account_id, optional_id(form.draft_id) or 0, draft)
        else:
            await save_draft(rt.db, account_id, draft)
    except Invalid as error:
        await discard(rt, account_id, list(media_ids[0]))
        raise InvalidThreadPost(0, error) from None
    except BaseException:
        await discard(rt, account_id, list(media_ids[0]))
        raise


async def _forget_draft(rt: Runtime, account_id: int, raw_id: str) -> None:
    """The draft the composer was opened from, now posted, goes (if still there)."""
    with suppress(NotFound):
        await delete_draft(rt.db, account_id, optional_id(raw_id) or 0, scheduled=False)


async def _draft_form(rt: Runtime, user: User, raw_id: str) -> ComposeForm:
    """The composer as the draft ``raw_id`` left it (404 if it is not the viewer's)."""
    async with rt.db.read() as session:
        row = await own(session, user.account_id, parse_id(raw_id), scheduled=False)
    params = row.params
    poll = params.get("poll") or {}
    options = list(poll.get("options") or ())
    attachment = params.get("text_attachment") or {}
    return ComposeForm(
        boxes=[Box(text=marked(params.get("text") or "", params.get("text_entities") or []))],
        spoiler_text=params.get("spoiler_text") or "",
        visibility=params.get("visibility") or user.default_privacy,
        reply_policy=params.get("reply_policy") or "everyone",
        reply_approvals=bool(params.get("enable_reply_approvals")),
        quote_policy=params.get("quote_approval_policy") or "public",
        language=params.get("language") or "",
        sensitive=bool(params.get("sensitive")),
        in_reply_to_id=params.get("in_reply_to_id") or "",
        quoted_status_id=params.get("quoted_status_id") or "",
        poll_options=(options + [""] * POLL_MAX_OPTIONS)[:POLL_MAX_OPTIONS],
        poll_expires_in=str(poll.get("expires_in") or POLL_DEFAULT_EXPIRATION),
        poll_multiple=bool(poll.get("multiple")),
        spoiler_media=bool(params.get("is_spoiler_media")),
        text_attachment=attachment.get("plaintext") or "",
        link_attachment_url=attachment.get("link_attachment_url") or "",
        topic_tag=params.get("topic_tag") or "",
        ghost=bool(params.get("is_ghost_post")),
        draft_id=str(row.id),
        text_attachment_styling=_styling(attachment),
        kept=await _kept_media(rt, user, params.get("media_ids") or []),
    )


def _styling(attachment: dict[str, Any]) -> str:
    styling = attachment.get("text_with_styling_info") or []
    return json.dumps(styling, separators=(",", ":")) if styling else ""


async def _kept_media(rt: Runtime, user: User, media_ids: list[str]) -> list[Kept]:
    """A draft's uploads, with the alt text they hold."""
    kept = []
    for media_id in media_ids:
        with suppress(NotFound):
            async with rt.db.read() as session:
                media = await own_unattached_media(session, user.account_id, int(media_id))
            kept.append(Kept(str(media.id), media.description or ""))
    return kept


def _thread_error(error: InvalidThreadPost, count: int) -> dict[str, str]:
    post = f"Post {error.index + 1}" if count > 1 else "Your post"
    if error.field == "draft":
        return {"form": f"Not saved: {error.description}"}
    if error.field == "status":
        return {f"text-{error.index}": f"{post}: {error.description}"}
    if error.field in ("media_ids", "file", "description"):
        return {f"media-{error.index}": f"{post}, photos and videos: {error.description}"}
    label = LABELS.get(error.field, error.field.replace("_", " ").capitalize())
    return {FIELDS.get(error.field, "form"): f"{label} {error.description}"}


async def _refused(
    request: Request, rt: Runtime, user: User, form: ComposeForm, errors: dict[str, str]
) -> Response:
    if wants_json(request):
        return JSONResponse({"error": next(iter(errors.values())), "errors": errors}, 422)
    notices = [FILES_DROPPED] if form.file_count else []
    return await _page(request, rt, user, form, errors=errors, notices=notices, status=422)


async def _page(
    request: Request,
    rt: Runtime,
    user: User,
    form: ComposeForm,
    *,
    targets: Targets | None = None,
    errors: dict[str, str] | None = None,
    notices: list[str] | None = None,
    status: int = 200,
) -> Response:
    if targets is None:
        targets = await _targets(rt, user, form)
    if form.kept:
        form = replace(form, kept=await with_previews(rt, user.account_id, form.kept))
    context = {
        "form": form,
        "remaining": [remaining(b.text, form.spoiler_text) for b in form.boxes],
        "errors": errors or {},
        "notices": [*targets.problems, *(notices or [])],
        "replying_to": targets.reply,
        "quoting": targets.quote,
    }
    return await render(request, "compose.html", context, status)


async def _targets(rt: Runtime, user: User, form: ComposeForm) -> Targets:
    """The replied-to and quoted posts (404 if the viewer may not see them),
    and what the policies say the viewer may do with them."""
    wanted = [optional_id(form.in_reply_to_id), optional_id(form.quoted_status_id)]
    async with rt.db.read() as session:
        found = [await visible_status(session, user.account_id, i) if i else None for i in wanted]
        bundle = await load_bundle(session, user.account_id, [s for s in found if s])
    targets = Targets()
    reply, quoted = found
    if reply is not None:
        targets.reply = status_entity(reply, bundle, rt.settings)
        if not can_reply(bundle.access[reply.id]):
            targets.problems.append("Its author doesn't let you reply to this post.")
    if quoted is not None:
        targets.quote = status_entity(quoted, bundle, rt.settings, nested=True)
        if not can_quote(bundle.access[quoted.id]):
            targets.problems.append("Its author doesn't let you quote this post.")
    return targets


def _reply_mentions(parent: dict[str, Any], user: User) -> str:
    """``@author @others `` as Mastodon prefills a reply: the author, then the
    people the post mentions, never oneself, each once."""
    names = [parent["account"]["acct"], *(m["acct"] for m in parent["mentions"])]
    own = user.account.username.lower()
    unique = [n for n in dict.fromkeys(names) if n.lower() != own]
    return "".join(f"@{name} " for name in unique)


def _narrower(chosen: str, parent: str) -> str:
    """A reply starts no wider than its parent (the action narrows it anyway)."""
    return max(chosen, parent, key=VISIBILITIES.index)


async def _cards(request: Request, rt: Runtime, user: User, posted: list[Status]) -> str:
    """The new posts as the feed shows them, newest first, for the page's script."""
    async with rt.db.read() as session:
        bundle = await load_bundle(session, user.account_id, posted)
    entities = status_entities(list(reversed(posted)), bundle, rt.settings)
    page = await render(request, "compose_posted.html", {"statuses": entities})
    return bytes(page.body).decode()
