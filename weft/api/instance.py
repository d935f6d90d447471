"""GET /api/v1/instance and /api/v2/instance, and the server's other public
pages: rules, texts, domain blocks, peers and weekly activity."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends

from weft.api.auth import Credentials, optional_credentials
from weft.api.schemas import answers
from weft.api.schemas.instance import (
    DomainBlock,
    ExtendedDescription,
    Instance,
    Peers,
    PrivacyPolicy,
    Rule,
    TermsOfService,
    V1Instance,
    WeeklyActivity,
)
from weft.api.serializers.accounts import account as account_entity
from weft.api.serializers.accounts import iso
from weft.api.serializers.instance import instance_v1, instance_v2, rule
from weft.errors import NotFound
from weft.models.base import utcnow
from weft.queries import instance as queries
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["instance"])


@router.get("/api/v2/instance", summary="The server", **answers(Instance))
async def get_instance_v2(rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    stats = await queries.instance_stats(rt.db)
    contact = account_entity(stats.contact, rt.settings) if stats.contact else None
    reg = await queries.registration(rt.db, rt.settings)
    rules = await queries.server_rules(rt.db)
    terms = await queries.site_text(rt.db, "terms_of_service")
    return instance_v2(rt.settings, stats.active_month, contact, reg, rules, bool(terms.text))


@router.get("/api/v1/instance", summary="The server (v1)", **answers(V1Instance))
async def get_instance_v1(rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    stats = await queries.instance_stats(rt.db)
    contact = account_entity(stats.contact, rt.settings) if stats.contact else None
    reg = await queries.registration(rt.db, rt.settings)
    rules = await queries.server_rules(rt.db)
    return instance_v1(rt.settings, stats.users, stats.statuses, stats.domains, contact, reg, rules)


@router.get("/api/v1/instance/rules", summary="The server's rules", **answers(list[Rule]))
async def get_rules(rt: Runtime = Depends(runtime)) -> list[dict[str, Any]]:
    return [rule(r) for r in await queries.server_rules(rt.db)]


def _text_entity(text: queries.SiteText) -> dict[str, Any]:
    return {"updated_at": iso(text.updated_at or utcnow()), "content": text.html}


@router.get(
    "/api/v1/instance/extended_description",
    summary="The server's longer description (the about page)",
    **answers(ExtendedDescription),
)
async def get_extended_description(rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    return _text_entity(await queries.site_text(rt.db, "extended_description"))


@router.get(
    "/api/v1/instance/privacy_policy",
    summary="The server's privacy policy",
    **answers(PrivacyPolicy),
)
async def get_privacy_policy(rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    return _text_entity(await queries.site_text(rt.db, "privacy_policy"))


async def _terms(rt: Runtime) -> dict[str, Any]:
    # One version is kept: it took effect when last saved (Mastodon keeps a
    # history with future dates; Weft's admins publish the current terms only).
    text = await queries.site_text(rt.db, "terms_of_service")
    if not text.text or text.updated_at is None:
        raise NotFound("This server has no terms of service")
    return {
        "effective_date": text.updated_at.date().isoformat(),
        "effective": True,
        "content": text.html,
        "succeeded_by": None,
    }


@router.get(
    "/api/v1/instance/terms_of_service",
    summary="The server's terms of service (404 if it has none)",
    **answers(TermsOfService),
)
async def get_terms_of_service(rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    return await _terms(rt)


@router.get(
    "/api/v1/instance/terms_of_service/{day}",
    summary="The terms of service that took effect on a date",
    **answers(TermsOfService),
)
async def get_terms_of_service_on(day: str, rt: Runtime = Depends(runtime)) -> dict[str, Any]:
    try:
        date.fromisoformat(day)
    except ValueError:
        raise NotFound("No terms of service for this date") from None
    terms = await _terms(rt)
    if terms["effective_date"] != day:
        raise NotFound("No terms of service for this date")
    return terms


@router.get(
    "/api/v1/instance/domain_blocks",
    summary="The servers this one blocks (as the admin chose to show them)",
    **answers(list[DomainBlock]),
)
async def get_domain_blocks(
    credentials: Credentials | None = Depends(optional_credentials),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    shown = (await queries.registration(rt.db, rt.settings)).show_domain_blocks
    signed_in = credentials is not None and credentials.user is not None
    if shown == "disabled" or (shown == "users" and not signed_in):
        raise NotFound("This server does not show its domain blocks")
    return [
        {
            "domain": block.domain,
            "digest": hashlib.sha256(block.domain.encode()).hexdigest(),
            "severity": "suspend" if block.severity == "suspend" else "silence",
            "comment": block.public_comment or None,
        }
        for block in await queries.public_domain_blocks(rt.db)
        if block.severity in ("suspend", "silence")
    ]


@router.get(
    "/api/v1/instance/peers",
    summary="The domains this server knows",
    **answers(Peers),
)
async def get_peers(rt: Runtime = Depends(runtime)) -> list[str]:
    return await queries.peers(rt.db)


@router.get(
    "/api/v1/instance/activity",
    summary="The last 12 weeks: posts, sign-ins and sign-ups",
    **answers(list[WeeklyActivity]),
)
async def get_activity(rt: Runtime = Depends(runtime)) -> list[dict[str, str]]:
    return [
        {
            "week": str(int(week.start.timestamp())),
            "statuses": str(week.statuses),
            "logins": str(week.logins),
            "registrations": str(week.registrations),
        }
        for week in await queries.weekly_activity(rt.db)
    ]
