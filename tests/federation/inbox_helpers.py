"""Shared steps of the inbox tests: a Weft server that may reach 127.0.0.1, a
remote server, fixtures with placeholders, counting rows, running the queue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from tests.live import LiveServer
from weft.db.database import Database
from weft.jobs.worker import Worker
from weft.models import Base

FIXTURES = Path(__file__).parent / "fixtures" / "inbound"


def fixture(name: str, **values: str) -> dict[str, Any]:
    """A stored payload with ``$NAME`` placeholders replaced (longest names first)."""
    text = (FIXTURES / f"{name}.json").read_text()
    for key in sorted(values, key=len, reverse=True):
        text = text.replace(f"${key}", values[key])
    document: dict[str, Any] = json.loads(text)
    return document


async def count(db: Database, model: type[Base]) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def run_jobs(db: Database, server: LiveServer) -> None:
    await Worker(db, server.settings).run_until_idle()
