"""The web app: server-rendered pages calling the same actions and queries as the API."""

from fastapi import APIRouter, Depends

from weft.web import (
    about,
    activity,
    admin,
    admin_settings,
    auth,
    chat_forms,
    compose,
    drafts,
    edit,
    hidden_words,
    home,
    invites,
    media_files,
    messages,
    notifications,
    oauth,
    polls,
    posts,
    profiles,
    replies,
    robots,
    search,
    settings,
    topics,
    two_factor,
)
from weft.web.session import protect_forms

# Every POST (or other unsafe method) to a page checks the CSRF token first,
# so a new form cannot forget to.
router = APIRouter(include_in_schema=False, dependencies=[Depends(protect_forms)])
router.include_router(home.router)
router.include_router(posts.router)
router.include_router(polls.router)
router.include_router(replies.router)
router.include_router(auth.router)
router.include_router(oauth.router)
router.include_router(media_files.router)
router.include_router(compose.router)
router.include_router(edit.router)
router.include_router(drafts.router)
router.include_router(notifications.router)
router.include_router(settings.router)
router.include_router(two_factor.router)
router.include_router(hidden_words.router)
router.include_router(profiles.router)
router.include_router(activity.router)
router.include_router(search.router)
router.include_router(topics.router)
router.include_router(messages.router)
router.include_router(chat_forms.router)
router.include_router(admin.router)
router.include_router(robots.router)
router.include_router(about.router)
router.include_router(invites.router)
router.include_router(admin_settings.router)

__all__ = ["router"]
