"""Profile pages (``/@acct`` with Posts, Replies and Reposts tabs, followers,
following) and the follow, block and mute forms (``/accounts/{id}/...``).

Pages read through the same queries as the API (``account_statuses``,
``followers``, ``relationship``), so a profile shows nothing the API would
hide; the forms call the graph actions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from weft.actions import graph as graph_actions
from weft.api.serializers.accounts import account as account_entity
from weft.api.serializers.filters import filtering_for
from weft.db.database import Database
from weft.db.paging import Page
from weft.models import Account, User
from weft.queries import graph as graph_queries
from weft.queries.accounts import get_account, moved_target, parse_id
from weft.queries.graph import Listed
from weft.queries.profiles import find_profile
from weft.queries.timelines import AccountFilter, account_statuses
from weft.runtime import Runtime, runtime, runtime_of
from weft.web.auth import safe_next
from weft.web.common import activity_id, require_user, statuses_for_page, with_alternate
from weft.web.drafts import drafts_count
from weft.web.session import current_user, form_fields
from weft.web.templating import render

router = APIRouter()

PAGE_SIZE = 20
LIST_SIZE = 40
TABS = {
    "posts": AccountFilter(exclude_replies=True, exclude_reblogs=True),
    "replies": AccountFilter(only_replies=True),
    "reposts": AccountFilter(only_reblogs=True),
}
PINNED = AccountFilter(pinned=True, exclude_reblogs=True)
FRAGMENT_HEADER = "X-Weft-Fragment"


def profile_path(account: Account) -> str:
    return f"/@{account.acct}"


def _max_id(request: Request) -> int | None:
    raw = request.query_params.get("max_id", "")
    return parse_id(raw) if raw else None


def _next_url(request: Request, cursors: list[int], size: int) -> str | None:
    """The link to the next (older) page, when this one was full."""
    if len(cursors) < size:
        return None
    return f"{request.url.path}?{urlencode({'max_id': cursors[-1]})}"


async def _profile_context(rt: Runtime, viewer: User | None, account: Account) -> dict[str, Any]:
    relationship = None
    is_self = viewer is not None and viewer.account_id == account.id
    if viewer is not None and viewer.account_id != account.id:
        relationship = await graph_queries.relationship(rt.db, viewer.account_id, account.id)
    return {
        "account": account,
        "entity": account_entity(account, rt.settings, await moved_target(rt.db, account)),
        "relationship": relationship,
        "is_self": is_self,
        "settings": rt.settings,
        "drafts": await drafts_count(rt, account.id) if is_self else 0,
    }


async def _tab(request: Request, rt: Runtime, viewer: User | None, acct: str, tab: str) -> Response:
    account = await find_profile(rt.db, acct, rt.settings.domain)
    viewer_id = viewer.account_id if viewer else None
    page = await account_statuses(
        rt.db, viewer_id, account.id, TABS[tab], Page(max_id=_max_id(request), limit=PAGE_SIZE)
    )
    filtering = await filtering_for(rt.db, viewer_id, "account")
    statuses = statuses_for_page(page, rt.settings, filtering)
    next_url = _next_url(request, page.cursors, PAGE_SIZE)
    if request.headers.get(FRAGMENT_HEADER) == "1":
        context = {"statuses": statuses, "next_url": next_url}
        return await render(request, "feed_fragment.html", context)
    context = await _profile_context(rt, viewer, account)
    object_id = activity_id(account, account.uri) if tab == "posts" else None
    context.update(tab=tab, statuses=statuses, next_url=next_url, activity_id=object_id, pinned=[])
    if tab == "posts" and request.query_params.get("max_id") is None:
        pins = await account_statuses(rt.db, viewer_id, account.id, PINNED, Page(limit=PAGE_SIZE))
        context["pinned"] = statuses_for_page(pins, rt.settings, filtering)
    response = await render(request, "profile.html", context)
    return with_alternate(response, object_id) if tab == "posts" else response


@router.get("/@{acct}", response_model=None)
async def posts_tab(
    request: Request,
    acct: str,
    viewer: User | None = Depends(current_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    return await _tab(request, rt, viewer, acct, "posts")


@router.get("/@{acct}/replies", response_model=None)
async def replies_tab(
    request: Request,
    acct: str,
    viewer: User | None = Depends(current_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    return await _tab(request, rt, viewer, acct, "replies")


@router.get("/@{acct}/reposts", response_model=None)
async def reposts_tab(
    request: Request,
    acct: str,
    viewer: User | None = Depends(current_user),
    rt: Runtime = Depends(runtime),
) -> Response:
    return await _tab(request, rt, viewer, acct, "reposts")


Lister = Callable[[Database, int | None, int, Page], Awaitable[list[Listed]]]
LISTS: dict[str, tuple[Lister, str]] = {
    "followers": (graph_queries.followers, "Followers"),
    "following": (graph_queries.following, "Following"),
}


async def _people(
    request: Request, rt: Runtime, viewer: User | None, acct: str, which: str
) -> HTMLResponse:
    account = await find_profile(rt.db, acct, rt.settings.domain)
    lister, title = LISTS[which]
    viewer_id = viewer.account_id if viewer else None
    page = Page(max_id=_max_id(request), limit=LIST_SIZE)
    listed = await lister(rt.db, viewer_id, account.id, page)
    hidden = account.hide_collections and viewer_id != account.id
    context = await _profile_context(rt, viewer, account)
    context.update(
        which=which,
        title=title,
        listed=listed,
        hidden=hidden,
        next_url=_next_url(request, [item.cursor for item in listed], LIST_SIZE),
    )
    return await render(request, "profile_people.html", context)


@router.get("/@{acct}/followers", response_class=HTMLResponse)
async def followers(
    request: Request,
    acct: str,
    viewer: User | None = Depends(current_user),
    rt: Runtime = Depends(runtime),
) -> HTMLResponse:
    return await _people(request, rt, viewer, acct, "followers")


@router.get("/@{acct}/following", response_class=HTMLResponse)
async def following(
    request: Request,
    acct: str,
    viewer: User | None = Depends(current_user),
    rt: Runtime = Depends(runtime),
) -> HTMLResponse:
    return await _people(request, rt, viewer, acct, "following")


# --- the forms ---------------------------------------------------------------------------

GraphAction = Callable[[Database, int, int], Awaitable[None]]


async def _follow(db: Database, actor_id: int, target_id: int) -> None:
    await graph_actions.follow_account(db, actor_id, target_id)


ACTIONS: dict[str, GraphAction] = {
    "follow": _follow,
    "unfollow": graph_actions.unfollow_account,
    "block": graph_actions.block_account,
    "unblock": graph_actions.unblock_account,
    "mute": graph_actions.mute_account,
    "unmute": graph_actions.unmute_account,
    # Weft: their replies to one's posts are theirs alone, silently (weft/actions/graph.py).
    "restrict": graph_actions.restrict_account,
    "unrestrict": graph_actions.unrestrict_account,
    "authorize": graph_actions.authorize_follow_request,
    "reject": graph_actions.reject_follow_request,
    "remove_follower": graph_actions.remove_from_followers,
}


async def _act(request: Request, account_id: str, action: str) -> Response:
    user = await require_user(request)
    rt = runtime_of(request)
    target = await get_account(rt.db, parse_id(account_id))
    await ACTIONS[action](rt.db, user.account_id, target.id)
    fields = await form_fields(request)
    back = safe_next(fields.get("next")) if fields.get("next") else profile_path(target)
    return RedirectResponse(back, status_code=303)


def _action_route(action: str) -> None:
    async def route(request: Request, account_id: str) -> Response:
        return await _act(request, account_id, action)

    route.__name__ = f"{action}_account"
    router.add_api_route(
        f"/accounts/{{account_id}}/{action}", route, methods=["POST"], response_model=None
    )


for _name in ACTIONS:
    _action_route(_name)


@router.get("/follow_requests", response_class=HTMLResponse)
async def follow_requests(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    page = Page(max_id=_max_id(request), limit=LIST_SIZE)
    listed = await graph_queries.follow_requests(rt.db, user.account_id, page)
    context = {
        "listed": listed,
        "next_url": _next_url(request, [item.cursor for item in listed], LIST_SIZE),
    }
    return await render(request, "profile_requests.html", context)
