"""Admin endpoints Weft adds: the job queue's dead letters, listed and retried."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from weft.api.auth import Credentials, user_scoped
from weft.api.schemas import answers
from weft.api.schemas.admin import Job as JobEntity
from weft.api.schemas.admin import JobStats
from weft.api.serializers.accounts import iso
from weft.errors import Forbidden, Invalid
from weft.jobs import admin as jobs_admin
from weft.models.jobs import DEAD, PENDING, RUNNING, Job
from weft.queries.accounts import parse_id
from weft.runtime import Runtime, runtime

router = APIRouter(tags=["admin"], prefix="/api/weft/v1/admin")


def require_admin(credentials: Credentials) -> None:
    if credentials.user is None or not credentials.user.is_admin:
        raise Forbidden("This action is only for administrators")


def job_entity(job: Job) -> dict[str, Any]:
    return {
        "id": str(job.id),
        "kind": job.kind,
        "state": job.state,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "payload": job.payload,
        "created_at": iso(job.created_at),
        "run_at": iso(job.run_at),
        "dead_at": iso(job.dead_at),
        "last_error": job.last_error,
    }


@router.get("/jobs", summary="Weft: the job queue's jobs, newest first", **answers(list[JobEntity]))
async def list_jobs(
    state: str | None = None,
    limit: int = 100,
    credentials: Credentials = Depends(user_scoped("admin:read")),
    rt: Runtime = Depends(runtime),
) -> list[dict[str, Any]]:
    require_admin(credentials)
    if state is not None and state not in (PENDING, RUNNING, DEAD):
        raise Invalid("state", "must be pending, running or dead")
    if not 1 <= limit <= 500:
        raise Invalid("limit", "must be between 1 and 500")
    return [job_entity(j) for j in await jobs_admin.list_jobs(rt.db, state=state, limit=limit)]


@router.get("/jobs/stats", summary="Weft: how many jobs are in each state", **answers(JobStats))
async def job_stats(
    credentials: Credentials = Depends(user_scoped("admin:read")),
    rt: Runtime = Depends(runtime),
) -> dict[str, int]:
    require_admin(credentials)
    return await jobs_admin.queue_stats(rt.db)


@router.post("/jobs/{job_id}/retry", summary="Weft: run a dead job again", **answers(JobEntity))
async def retry_job(
    job_id: str,
    credentials: Credentials = Depends(user_scoped("admin:write")),
    rt: Runtime = Depends(runtime),
) -> dict[str, Any]:
    require_admin(credentials)
    return job_entity(await jobs_admin.retry_job(rt.db, parse_id(job_id)))
