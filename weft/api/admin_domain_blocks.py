"""Mastodon's admin API for domain blocks: ``/api/v1/admin/domain_blocks``.

Listed and shown with ``admin:read:domain_blocks``, created, changed and
lifted with ``admin:write:domain_blocks`` (or the ``admin:read`` /
``admin:write`` umbrellas), by admins only. Mastodon's severity names are
``silence`` and ``suspend``; Weft stores ``silence`` as ``limit``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, field_validator

from weft.actions import domain_blocks as actions
from weft.api.admin import require_admin
from weft.api.auth import Credentials, user_scoped
from weft.api.pagination import link_header, page_of
from weft.api.params import bool_param, form
from weft.api.schemas import Empty, answers
from weft.api.schemas.admin import AdminDomainBlock
from weft.api.serializers.accounts import iso
from weft.models.federation import DomainBlock
from weft.queries.accounts import parse_id
from weft.queries.domain_blocks import get_domain_block, list_domain_blocks
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["admin"], prefix="/api/v1/admin/domain_blocks")
READ = "admin:read:domain_blocks"
WRITE = "admin:write:domain_blocks"


class BlockParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    domain: str | None = None
    severity: str | None = None
    reject_media: bool | None = None
    reject_reports: bool | None = None
    private_comment: str | None = None
    public_comment: str | None = None

    @field_validator("reject_media", "reject_reports", mode="before")
    @classmethod
    def _rails_bool(cls, value: Any) -> bool | None:
        return bool_param(value)

    def as_form(self) -> actions.DomainBlockForm:
        return actions.DomainBlockForm(
            severity=self.severity,
            reject_media=self.reject_media,
            reject_reports=self.reject_reports,
            public_comment=self.public_comment,
            private_comment=self.private_comment,
        )


def domain_block_entity(block: DomainBlock) -> dict[str, Any]:
    """Mastodon's ``Admin::DomainBlock``."""
    return {
        "id": str(block.id),
        "domain": block.domain,
        "digest": hashlib.sha256(block.domain.encode()).hexdigest(),
        "created_at": iso(block.created_at),
        "severity": "silence" if block.severity == "limit" else block.severity,
        "reject_media": block.reject_media,
        "reject_reports": block.reject_reports,
        "private_comment": block.private_comment or None,
        "public_comment": block.public_comment or None,
        "obfuscate": False,
    }


@router.get("", summary="Blocked domains", **answers(list[AdminDomainBlock]))
async def index(
    request: Request,
    credentials: Credentials = Depends(user_scoped(READ)),
    rt: Runtime = Depends(runtime),
) -> JSONResponse:
    require_admin(credentials)
    blocks = await list_domain_blocks(rt.db, page_of(request, default=100, maximum=200))
    response = JSONResponse([domain_block_entity(b) for b in blocks])
    link = link_header(request, [b.id for b in blocks])
    if link:
        response.headers["Link"] = link
    return response


@router.get("/{block_id}", summary="A blocked domain", **answers(AdminDomainBlock))
async def show(
    block_id: str,
    credentials: Credentials = Depends(user_scoped(READ)),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    require_admin(credentials)
    return domain_block_entity(await get_domain_block(rt.db, parse_id(block_id)))


@router.post("", summary="Block a domain", **answers(AdminDomainBlock))
async def create(
    params: BlockParams = form(BlockParams),
    credentials: Credentials = Depends(user_scoped(WRITE)),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    require_admin(credentials)
    block = await actions.block_domain(rt.db, rt.settings, params.domain or "", params.as_form())
    return domain_block_entity(block)


@router.put("/{block_id}", summary="Change a domain block", **answers(AdminDomainBlock))
async def change(
    block_id: str,
    params: BlockParams = form(BlockParams),
    credentials: Credentials = Depends(user_scoped(WRITE)),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    require_admin(credentials)
    block = await actions.change_domain_block(rt.db, parse_id(block_id), params.as_form())
    return domain_block_entity(block)


@router.delete("/{block_id}", summary="Lift a domain block", **answers(Empty))
async def remove(
    block_id: str,
    credentials: Credentials = Depends(user_scoped(WRITE)),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    require_admin(credentials)
    await actions.unblock_domain(rt.db, parse_id(block_id))
    return {}
