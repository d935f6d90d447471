"""Mastodon client API: posting, reading, editing and deleting statuses.

Routes parse parameters, call one action or query (weft/actions/posts/,
weft/queries/statuses.py), and render with the status serializer; the rules
(limits, reply controls, quote policies, visibility) live in the action.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel, ConfigDict, field_validator

from weft.actions.drafts import save_draft
from weft.actions.posts.create import QUOTE_NOT_FOUND, REPLY_NOT_FOUND
from weft.actions.posts.delete import delete_status
from weft.actions.posts.edit import Change, MediaAttributes, edit_status
from weft.actions.posts.post import MAX_IDEMPOTENCY_KEY, Draft, post_status
from weft.actions.posts.replying import reply_policy_of
from weft.actions.quotes import revoke_quote
from weft.api import rich_posts
from weft.api.auth import Credentials, scoped_if_token, user_scoped
from weft.api.conversations import (
    deleted_message,
    edited_message,
    message_as_status,
    message_context,
    posted_direct,
)
from weft.api.params import bool_param, form, indexed_list
from weft.api.polls import poll_draft
from weft.api.schemas import answers, inputs, query
from weft.api.schemas import statuses as entities
from weft.api.schemas.forms import EditForm, StatusForm
from weft.api.serializers.drafts import scheduled_entity
from weft.api.serializers.filters import filtering_for
from weft.api.serializers.statuses import (
    status_edit_entity,
    status_entities,
    status_entity,
    status_source_entity,
)
from weft.errors import Invalid, NotFound
from weft.models import Account, Status
from weft.queries import statuses as queries
from weft.queries.accounts import parse_id
from weft.queries.status_bundle import load_bundle
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["statuses"])
MAX_BATCH = 20  # GET /api/v1/statuses?id[]=...


class _Params(BaseModel):
    # JSON clients send ids as numbers and booleans as strings; accept both.
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    status: str | None = None
    spoiler_text: str | None = None
    sensitive: bool | None = None
    language: str | None = None
    media_ids: list[str] | str | None = None
    poll: dict[str, Any] | None = None

    @field_validator("sensitive", mode="before")
    @classmethod
    def _rails_bool(cls, value: Any) -> bool | None:
        return bool_param(value)

    def media(self) -> tuple[int, ...] | None:
        """The ids in order; None when the parameter was not sent."""
        if self.media_ids is None:
            return None
        raw = [self.media_ids] if isinstance(self.media_ids, str) else self.media_ids
        try:
            return tuple(parse_id(i) for i in raw if i != "")
        except NotFound:
            raise Invalid("media_ids", "must be ids of uploaded media") from None


class EditParams(_Params):
    # Mastodon's media_attributes[]: [{id, description, focus}], alt text fixed by an edit.
    media_attributes: Any = None  # a list, or Rails' indexed hash: checked by attributes()

    def attributes(self) -> tuple[MediaAttributes, ...]:
        items = indexed_list(self.media_attributes, "media_attributes")
        parsed = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str | int):
                raise Invalid("media_attributes", "each must be an object with an id")
            description, focus = item.get("description"), item.get("focus")
            if not isinstance(description, str | None) or not isinstance(focus, str | None):
                raise Invalid("media_attributes", "description and focus must be text")
            try:
                media_id = parse_id(str(item["id"]))
            except NotFound:
                raise Invalid("media_attributes", "must name ids of the post's media") from None
            parsed.append(MediaAttributes(media_id, description, focus))
        return tuple(parsed)


class StatusParams(_Params):
    in_reply_to_id: str | None = None
    quoted_status_id: str | None = None
    quote_approval_policy: str | None = None
    visibility: str | None = None
    reply_policy: str | None = None  # Weft: who may reply (everyone, following, ...)
    scheduled_at: str | None = None
    text_entities: Any = None  # Threads' spoilers (weft/api/rich_posts.py)
    is_spoiler_media: Any = None
    # Threads' names (weft/api/replies.py): who may reply, and replies wait for approval.
    reply_control: str | None = None
    enable_reply_approvals: bool | None = None

    @field_validator("enable_reply_approvals", mode="before")
    @classmethod
    def _rails_bool_approvals(cls, value: Any) -> bool | None:
        return bool_param(value)

    is_ghost_post: bool | None = None  # Threads': gone 24 hours after posting
    text_attachment: Any = None  # Threads' long text (weft/api/rich_posts.py)
    topic_tag: str | None = None  # Threads' topic (weft/actions/topics.py)

    @field_validator("is_ghost_post", mode="before")
    @classmethod
    def _rails_flag(cls, value: Any) -> bool | None:
        return bool_param(value)

    def schedule(self) -> datetime | None:
        return scheduled_time(self.scheduled_at)


def scheduled_time(raw: str | None) -> datetime | None:
    """``scheduled_at`` (ISO 8601; without a zone, UTC); None if not sent."""
    if not raw:
        return None
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise Invalid("scheduled_at", "must be an ISO 8601 date and time") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def status_draft(
    params: StatusParams, credentials: Credentials, idempotency_key: str | None = None
) -> Draft:
    """The post ``POST /api/v1/statuses`` asks for (a draft takes the same)."""
    if idempotency_key is not None and len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
        raise Invalid("Idempotency-Key", f"is too long (maximum is {MAX_IDEMPOTENCY_KEY})")
    return Draft(
        text=params.status or "",
        visibility=params.visibility or None,
        in_reply_to_id=_target_id(params.in_reply_to_id, REPLY_NOT_FOUND),
        quoted_status_id=_target_id(params.quoted_status_id, QUOTE_NOT_FOUND),
        quote_policy=params.quote_approval_policy or None,
        reply_policy=reply_policy_of(params.reply_policy, params.reply_control),
        reply_approvals=bool(params.enable_reply_approvals),
        spoiler_text=params.spoiler_text or "",
        sensitive=params.sensitive,
        language=params.language,
        application_id=credentials.application.id if credentials.application else None,
        idempotency_key=idempotency_key or None,
        media_ids=params.media() or (),
        poll=poll_draft(params.poll),
        text_entities=rich_posts.text_entities(params.text_entities),
        is_spoiler_media=rich_posts.flag(params.is_spoiler_media, "is_spoiler_media"),
        text_attachment=rich_posts.text_attachment(params.text_attachment),
        topic_tag=params.topic_tag,
        ghost=bool(params.is_ghost_post),
    )


def _target_id(raw: str | None, message: str) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        return parse_id(raw)
    except NotFound:
        raise NotFound(message) from None


def _maybe_id(raw: str) -> int | None:
    try:
        return parse_id(raw)
    except NotFound:
        return None  # a batch skips what is not there, as Mastodon does


async def _render(
    rt: Runtime, viewer_id: int | None, statuses: list[Status]
) -> list[dict[str, Any]]:
    async with rt.db.read() as session:
        bundle = await load_bundle(session, viewer_id, statuses)
    # A post asked for by itself: ``filtered`` names the viewer's filters it
    # matches in any context; none removes it (weft/policies/filters.py).
    filtering = await filtering_for(rt.db, viewer_id, None)
    return status_entities(statuses, bundle, rt.settings, filtering)


def _viewer(credentials: Credentials | None) -> int | None:
    return credentials.account.id if credentials and credentials.account else None


def _me(credentials: Credentials) -> int:
    assert credentials.account is not None  # user_scoped guarantees a person
    return credentials.account.id


@router.post(
    "/api/v1/statuses",
    summary="Post",
    **answers(
        entities.Status | entities.ScheduledStatus,
        description="The post, or a ScheduledStatus with scheduled_at",
    ),
    **inputs(form=StatusForm),
)
async def create(
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    params: StatusParams = form(StatusParams),
    idempotency_key: str | None = Header(default=None),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    draft = status_draft(params, credentials, idempotency_key)
    scheduled_at = params.schedule()
    if scheduled_at is not None:  # Mastodon answers the ScheduledStatus
        row = await save_draft(rt.db, _me(credentials), draft, scheduled_at)
        return await scheduled_entity(rt, row)
    if draft.visibility == "direct" and draft.poll is None and draft.quoted_status_id is None:
        # A direct post to one person is a message of their chat (weft/api/conversations.py).
        message = await posted_direct(
            rt, _me(credentials), draft.text, draft.in_reply_to_id, tuple(draft.media_ids)
        )
        if message is not None:
            return message
    status = await post_status(rt.db, rt.settings, _me(credentials), draft)
    return (await _render(rt, _me(credentials), [status]))[0]


class BatchParams(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    id: list[str] | str = []


@router.get(
    "/api/v1/statuses",
    summary="Several posts by id",
    **answers(list[entities.Status]),
    **inputs(query("id[]", {"type": "array", "items": {"type": "string"}}, "Up to 20 ids.")),
)
async def index(
    credentials: Credentials | None = Depends(scoped_if_token("read:statuses")),
    params: BatchParams = form(BatchParams),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    ids = [params.id] if isinstance(params.id, str) else params.id
    if len(ids) > MAX_BATCH:
        raise Invalid("id", f"can hold at most {MAX_BATCH} ids")
    wanted = [i for i in map(_maybe_id, ids) if i is not None]
    async with rt.db.read() as session:
        statuses = await queries.visible_statuses(session, _viewer(credentials), wanted)
    return await _render(rt, _viewer(credentials), statuses)


@router.get("/api/v1/statuses/{status_id}", summary="A post", **answers(entities.Status))
async def show(
    status_id: str,
    credentials: Credentials | None = Depends(scoped_if_token("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    wanted = parse_id(status_id)
    try:
        async with rt.db.read() as session:
            status = await queries.visible_status(session, _viewer(credentials), wanted)
    except NotFound:  # a chat's message, as its members' Mastodon apps see it
        return await message_as_status(rt.db, rt.settings, _viewer(credentials), wanted)
    return (await _render(rt, _viewer(credentials), [status]))[0]


@router.put(
    "/api/v1/statuses/{status_id}",
    summary="Edit a post",
    **answers(entities.Status),
    **inputs(form=EditForm),
)
async def edit(
    status_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    params: EditParams = form(EditParams),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    change = Change(
        text=params.status or "",
        spoiler_text=params.spoiler_text,
        sensitive=params.sensitive,
        language=params.language,
        media_ids=params.media(),
        media_attributes=params.attributes(),
        poll=poll_draft(params.poll),
    )
    edited = await edited_message(rt, _me(credentials), parse_id(status_id), change.text)
    if edited is not None:  # a chat's message
        return edited
    status = await edit_status(rt.db, rt.settings, _me(credentials), parse_id(status_id), change)
    return (await _render(rt, _me(credentials), [status]))[0]


@router.delete(
    "/api/v1/statuses/{status_id}",
    summary="Delete a post",
    **answers(entities.Status, description="The deleted post, with its source text"),
)
async def destroy(
    status_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """The deleted post with its ``text``, for "delete and redraft" (as Mastodon)."""
    viewer = _me(credentials)
    deleted_chat_message = await deleted_message(rt, viewer, parse_id(status_id))
    if deleted_chat_message is not None:
        return deleted_chat_message
    # Rendered before deleting: its mentions and tags go with it.
    async with rt.db.read() as session:
        status = await queries.visible_status(session, viewer, parse_id(status_id))
        bundle = await load_bundle(session, viewer, [status])
    entity = status_entity(status, bundle, rt.settings)
    deleted = await delete_status(rt.db, viewer, status.id)
    entity.update(text=deleted.text, spoiler_text=deleted.spoiler_text)
    return entity


@router.post(
    "/api/v1/statuses/{status_id}/quotes/{quoting_status_id}/revoke",
    summary="Detach one's post from a quote of it",
    **answers(entities.Status),
)
async def revoke(
    status_id: str,
    quoting_status_id: str,
    credentials: Credentials = Depends(user_scoped("write:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    """Mastodon 4.5: the quoted post's author detaches a quote of it; answers the
    quoting post (its quote now ``revoked``). 404 unless it quotes one of yours."""
    viewer = _me(credentials)
    await revoke_quote(rt.db, viewer, parse_id(status_id), parse_id(quoting_status_id))
    async with rt.db.read() as session:
        status = await queries.visible_status(session, viewer, parse_id(quoting_status_id))
    return (await _render(rt, viewer, [status]))[0]


@router.get(
    "/api/v1/statuses/{status_id}/context",
    summary="A post's conversation",
    **answers(entities.Context),
)
async def context(
    status_id: str,
    credentials: Credentials | None = Depends(scoped_if_token("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    viewer, wanted = _viewer(credentials), parse_id(status_id)
    try:
        async with rt.db.read() as session:
            status = await queries.visible_status(session, viewer, wanted)
    except NotFound:  # a chat's message: the messages it answers, and its answers
        return await message_context(rt.db, rt.settings, viewer, wanted)
    async with rt.db.read() as session:
        thread = await queries.context(session, viewer, status)
        bundle = await load_bundle(session, viewer, [*thread.ancestors, *thread.descendants])
    filtering = await filtering_for(rt.db, viewer, "thread")
    return {
        "ancestors": status_entities(thread.ancestors, bundle, rt.settings, filtering),
        "descendants": status_entities(thread.descendants, bundle, rt.settings, filtering),
    }


@router.get(
    "/api/v1/statuses/{status_id}/history",
    summary="A post's versions",
    **answers(list[entities.StatusEdit]),
)
async def history(
    status_id: str,
    credentials: Credentials | None = Depends(scoped_if_token("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    async with rt.db.read() as session:
        versions = await queries.history(session, _viewer(credentials), parse_id(status_id))
        author = await session.get(Account, versions[0].account_id)
        media = await queries.version_media(session, versions)
    assert author is not None
    return [status_edit_entity(v, author, media, rt.settings) for v in versions]


@router.get(
    "/api/v1/statuses/{status_id}/source",
    summary="A post's text as written",
    **answers(entities.StatusSource),
)
async def source(
    status_id: str,
    credentials: Credentials = Depends(user_scoped("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    async with rt.db.read() as session:
        status = await queries.visible_status(session, _me(credentials), parse_id(status_id))
    return status_source_entity(status)
