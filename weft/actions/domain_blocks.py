"""Server-wide domain blocks: adding, changing and lifting them (admins only).

Enforced where the rules already live: deliveries (``weft.federation.delivery``
skips suspended domains), public and hashtag timelines and the Fediverse feed
(``weft.queries.timelines.without_blocked_servers``), and the inbox. A
suspension also queues ``federation.suspend_domain`` (``weft.actions.purge``),
which ends the follows between our people and that server's, both ways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from weft.config import Settings
from weft.db.database import Database
from weft.db.ids import new_id
from weft.errors import Invalid, NotFound
from weft.jobs.kinds import SUSPEND_DOMAIN
from weft.jobs.queue import enqueue
from weft.models.base import utcnow
from weft.models.federation import DOMAIN_BLOCK_SEVERITIES, DomainBlock

# Mastodon's API calls "limit" "silence"; both are accepted.
SEVERITY_NAMES = {"limit": "limit", "silence": "limit", "suspend": "suspend"}
COMMENT_MAX = 1000
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*(?::[0-9]{{1,5}})?")


@dataclass(frozen=True)
class DomainBlockForm:
    """A block's settings; ``None`` keeps the current value when changing one."""

    severity: str | None = None
    reject_media: bool | None = None
    reject_reports: bool | None = None
    public_comment: str | None = None
    private_comment: str | None = None


def clean_domain(raw: str, settings: Settings) -> str:
    """``raw`` as stored: lower case, IDNA (punycode), no scheme, path or trailing dot."""
    domain = raw.strip().lower()
    domain = re.sub(r"^[a-z][a-z0-9+.-]*://", "", domain).split("/", 1)[0].rstrip(".")
    if not domain:
        raise Invalid("domain", "can't be blank", "ERR_BLANK")
    host, colon, port = domain.partition(":")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise Invalid("domain", "is not a valid domain name") from None
    domain = f"{host}{colon}{port}"
    if len(domain) > 255 or not _DOMAIN.fullmatch(domain):
        raise Invalid("domain", "is not a valid domain name")
    if domain == settings.domain.lower():
        raise Invalid("domain", "is this server's own domain")
    return domain


def _severity(value: str) -> str:
    severity = SEVERITY_NAMES.get(value.strip().lower())
    if severity is None or severity not in DOMAIN_BLOCK_SEVERITIES:
        raise Invalid("severity", "must be silence (limit) or suspend", "ERR_INCLUSION")
    return severity


def _check_comments(form: DomainBlockForm) -> None:
    for name in ("public_comment", "private_comment"):
        value = getattr(form, name)
        if value is not None and len(value) > COMMENT_MAX:
            raise Invalid(
                name, f"is too long (maximum is {COMMENT_MAX} characters)", "ERR_TOO_LONG"
            )


async def block_domain(
    db: Database, settings: Settings, raw_domain: str, form: DomainBlockForm
) -> DomainBlock:
    """Block a domain (suspend unless told otherwise); 422 if it is already blocked."""
    domain = clean_domain(raw_domain, settings)
    severity = _severity(form.severity or "suspend")
    _check_comments(form)
    async with db.write() as session:
        taken = await session.scalar(
            select(DomainBlock.id).where(func.lower(DomainBlock.domain) == domain)
        )
        if taken is not None:
            raise Invalid("domain", "is already blocked", "ERR_TAKEN")
        block = DomainBlock(
            id=new_id(),
            domain=domain,
            severity=severity,
            reject_media=bool(form.reject_media),
            reject_reports=bool(form.reject_reports),
            public_comment=form.public_comment or "",
            private_comment=form.private_comment or "",
            created_at=utcnow(),
        )
        session.add(block)
        if severity == "suspend":
            enqueue(session, SUSPEND_DOMAIN, {"domain": domain})
        return block


async def change_domain_block(db: Database, block_id: int, form: DomainBlockForm) -> DomainBlock:
    _check_comments(form)
    severity = _severity(form.severity) if form.severity is not None else None
    async with db.write() as session:
        block = await session.get(DomainBlock, block_id)
        if block is None:
            raise NotFound()
        if severity == "suspend" and block.severity != "suspend":
            enqueue(session, SUSPEND_DOMAIN, {"domain": block.domain})
        if severity is not None:
            block.severity = severity
        for name in ("reject_media", "reject_reports", "public_comment", "private_comment"):
            value = getattr(form, name)
            if value is not None:
                setattr(block, name, value)
        return block


async def unblock_domain(db: Database, block_id: int) -> DomainBlock:
    """Lift a block; returns it as it was. 404 if there is none."""
    async with db.write() as session:
        block = await session.get(DomainBlock, block_id)
        if block is None:
            raise NotFound()
        await session.execute(delete(DomainBlock).where(DomainBlock.id == block_id))
        return block


async def unblock_domain_named(db: Database, settings: Settings, raw_domain: str) -> DomainBlock:
    """Lift the block on a domain given by name (the CLI)."""
    domain = clean_domain(raw_domain, settings)
    async with db.read() as session:
        block_id = await session.scalar(
            select(DomainBlock.id).where(func.lower(DomainBlock.domain) == domain)
        )
    if block_id is None:
        raise NotFound(f"{domain} is not blocked")
    return await unblock_domain(db, block_id)
