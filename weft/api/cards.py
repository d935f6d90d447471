"""Mastodon client API: ``GET /api/v1/statuses/:id/card``.

Mastodon deprecated this in 2.9 (the card is the ``card`` field of a Status)
and it is not in the 4.7 OpenAPI document; old clients still call it, so it
answers as it did: the PreviewCard, or ``{}`` when the post has none.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from weft.api.auth import Credentials, scoped_if_token
from weft.api.schemas import Empty, answers
from weft.api.schemas.statuses import PreviewCard
from weft.api.serializers.cards import card_entity
from weft.queries.accounts import parse_id
from weft.queries.status_bundle import card_of
from weft.queries.statuses import visible_status
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["statuses"])


@router.get(
    "/api/v1/statuses/{status_id}/card",
    summary="A post's link preview ({} if none)",
    **answers(PreviewCard | Empty),
)
async def show(
    status_id: str,
    credentials: Credentials | None = Depends(scoped_if_token("read:statuses")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    viewer = credentials.account.id if credentials and credentials.account else None
    async with rt.db.read() as session:
        status = await visible_status(session, viewer, parse_id(status_id))
        card = await card_of(session, status.id)
    return card_entity(card, rt.settings) if card is not None else {}
