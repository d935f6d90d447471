"""The web app: server-rendered pages calling the same actions and queries as the API."""

from fastapi import APIRouter

from weft.web import home

router = APIRouter(include_in_schema=False)
router.include_router(home.router)

__all__ = ["router"]
