"""The dead-letter queue over the API: admins list and retry dead jobs."""

from __future__ import annotations

import httpx

from tests.live import LiveServer
from weft.actions.accounts import SignUp, register_account
from weft.actions.oauth import create_application, issue_token
from weft.db.database import Database
from weft.models.base import utcnow
from weft.models.jobs import DEAD, PENDING, Job


async def _token(db: Database, server: LiveServer, name: str, role: str, scopes: str) -> str:
    user = await register_account(
        db,
        server.settings,
        SignUp(
            username=name,
            email=f"{name}@example.com",
            password="long-password-1",
            role=role,
            by_admin=True,
        ),
    )
    app, _ = await create_application(
        db, name="admin tool", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes=scopes
    )
    return (await issue_token(db, app, user.id, scopes.split())).access_token


async def _dead_job(db: Database) -> int:
    async with db.write() as session:
        job = Job(kind="test.never_registered", payload={"n": 1})
        job.state, job.dead_at, job.last_error = DEAD, utcnow(), "it broke"
        session.add(job)
    return job.id


async def test_admin_lists_and_retries_dead_jobs(
    server: LiveServer, client: httpx.Client, db: Database
) -> None:
    token = await _token(db, server, "boss", "admin", "read write admin:read admin:write")
    job_id = await _dead_job(db)
    auth = {"Authorization": f"Bearer {token}"}

    listed = client.get("/api/weft/v1/admin/jobs", params={"state": "dead"}, headers=auth)
    assert listed.status_code == 200
    assert [(j["id"], j["state"], j["last_error"]) for j in listed.json()] == [
        (str(job_id), "dead", "it broke")
    ]
    assert client.get("/api/weft/v1/admin/jobs/stats", headers=auth).json()["dead"] == 1

    retried = client.post(f"/api/weft/v1/admin/jobs/{job_id}/retry", headers=auth)
    assert retried.status_code == 200
    assert retried.json()["state"] == "pending"
    async with db.read() as session:
        job = await session.get(Job, job_id)
    assert job is not None
    assert job.state == PENDING
    assert job.attempts == 0

    again = client.post(f"/api/weft/v1/admin/jobs/{job_id}/retry", headers=auth)
    assert again.status_code == 422
    assert (
        again.json()["error"]
        == "Validation failed: state is pending; only dead jobs can be retried"
    )
    missing = client.post("/api/weft/v1/admin/jobs/123/retry", headers=auth)
    assert missing.status_code == 404
    bad_state = client.get("/api/weft/v1/admin/jobs", params={"state": "done"}, headers=auth)
    assert bad_state.status_code == 422


async def test_jobs_are_for_admins_with_admin_scopes(
    server: LiveServer, client: httpx.Client, db: Database
) -> None:
    person = await _token(db, server, "someone", "user", "read write admin:read admin:write")
    admin_without_scope = await _token(db, server, "boss", "admin", "read write")
    await _dead_job(db)

    not_admin = client.get("/api/weft/v1/admin/jobs", headers={"Authorization": f"Bearer {person}"})
    assert not_admin.status_code == 403
    assert not_admin.json() == {"error": "This action is only for administrators"}
    no_scope = client.get(
        "/api/weft/v1/admin/jobs", headers={"Authorization": f"Bearer {admin_without_scope}"}
    )
    assert no_scope.status_code == 403
    assert no_scope.json() == {"error": "This action is outside the authorized scopes"}
    assert client.get("/api/weft/v1/admin/jobs").status_code == 401
