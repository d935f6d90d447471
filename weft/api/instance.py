"""GET /api/v1/instance and /api/v2/instance."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from weft.api.schemas import answers
from weft.api.schemas.instance import Instance, V1Instance
from weft.api.serializers.accounts import account as account_entity
from weft.api.serializers.instance import instance_v1, instance_v2
from weft.queries.instance import instance_stats
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["instance"])


@router.get("/api/v2/instance", summary="The server", **answers(Instance))
async def get_instance_v2(rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    stats = await instance_stats(rt.db)
    contact = account_entity(stats.contact, rt.settings) if stats.contact else None
    return instance_v2(rt.settings, stats.active_month, contact)


@router.get("/api/v1/instance", summary="The server (v1)", **answers(V1Instance))
async def get_instance_v1(rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    stats = await instance_stats(rt.db)
    contact = account_entity(stats.contact, rt.settings) if stats.contact else None
    return instance_v1(rt.settings, stats.users, stats.statuses, stats.domains, contact)
