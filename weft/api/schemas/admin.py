"""Admin entities: Weft's job queue and Mastodon's domain blocks."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from weft.api.schemas import Entity, weft_field


class Job(Entity):
    """Weft's own: a job of the durable queue."""

    id: str
    kind: str = weft_field("what the job does (such as `federation.deliver`).")
    state: str = weft_field("pending, running or dead.")
    attempts: int
    max_attempts: int
    payload: dict[str, Any]
    created_at: str | None
    run_at: str | None
    dead_at: str | None
    last_error: str | None


class AdminDomainBlock(Entity):
    id: str
    domain: str
    digest: str
    created_at: str | None
    severity: str = Field(description="silence, suspend or noop.")
    reject_media: bool
    reject_reports: bool
    private_comment: str | None
    public_comment: str | None
    obfuscate: bool


class JobStats(Entity):
    """Weft's own: how many jobs are in each state."""

    pending: int
    running: int
    dead: int
