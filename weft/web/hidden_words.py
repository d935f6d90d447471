"""Settings > Hidden words: a person's own words, phrases and emoji (the
keywords of their hidden-words filter, weft/actions/filters.py), and the
shipped offensive-word list on or off. Mastodon apps see the same words as
the filter "Hidden words"; filters made in apps are listed here too."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from weft.actions import filters as actions
from weft.errors import Invalid
from weft.models import User
from weft.queries.accounts import parse_id
from weft.queries.filters import hidden_words, list_filters
from weft.runtime import Runtime, runtime
from weft.web.common import require_user
from weft.web.session import form_fields
from weft.web.templating import render

router = APIRouter(prefix="/settings/hidden_words")
DONE = {
    "added": "The word is hidden.",
    "removed": "The word is no longer hidden.",
    "saved": "Saved.",
}


async def _page(
    request: Request,
    rt: Runtime,
    user: User,
    error: str | None = None,
    word: str = "",
    whole_word: bool = True,
) -> HTMLResponse:
    words, offensive = await hidden_words(rt.db, user.account_id)
    async with rt.db.read() as session:
        others = [
            v for v in await list_filters(session, user.account_id) if not v.filter.hidden_words
        ]
    context = {
        "section": "hidden_words",
        "words": words,
        "offensive": offensive,
        "others": others,
        "error": error,
        "word": word,
        "whole_word": whole_word,
        "done": DONE.get(request.query_params.get("done", "")),
    }
    return await render(request, "settings/hidden_words.html", context, 422 if error else 200)


@router.get("", response_class=HTMLResponse)
async def page(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> HTMLResponse:
    return await _page(request, rt, user)


@router.post("", response_model=None)
async def add(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    fields = await form_fields(request)
    word = fields.get("word", "")
    whole_word = fields.get("whole_word") == "1"
    try:
        await actions.add_hidden_word(rt.db, user.account_id, word, whole_word)
    except Invalid as error:
        return await _page(request, rt, user, f"Word {error.description}", word, whole_word)
    return RedirectResponse("/settings/hidden_words?done=added", status_code=303)


@router.post("/offensive", response_model=None)
async def offensive(
    request: Request, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    fields = await form_fields(request)
    await actions.set_offensive_words(rt.db, user.account_id, fields.get("offensive_words") == "1")
    return RedirectResponse("/settings/hidden_words?done=saved", status_code=303)


@router.post("/{keyword_id}/remove", response_model=None)
async def remove(
    keyword_id: str, user: User = Depends(require_user), rt: Runtime = Depends(runtime)
) -> Response:
    await actions.remove_hidden_word(rt.db, user.account_id, parse_id(keyword_id))
    return RedirectResponse("/settings/hidden_words?done=removed", status_code=303)
