"""Fixtures for sign-up modes, invites, rules and the server's texts: an
admin, and a way to call the actions (weft/actions/registrations.py) on the
live server's database, as the admin pages do."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from sqlalchemy import select, update

from tests.factories import Person, make_person
from tests.live import LiveServer
from weft.actions.registrations import RegistrationChange, set_registrations
from weft.config import Settings
from weft.db.database import Database
from weft.models import User

T = TypeVar("T")


@pytest.fixture
def people_settings(server: LiveServer) -> Settings:
    return server.settings


@pytest.fixture
def admin(server: LiveServer) -> Person:
    """Ada, the server's administrator (made without an event loop of the
    test's, so browser tests can have her too)."""

    async def work(db: Database) -> Person:
        person = await make_person(db, server.settings, "ada")
        async with db.write() as session:
            await session.execute(
                update(User).where(User.id == person.user_id).values(role="admin")
            )
        return person

    return act(server.settings.database_url, work)


def act(database_url: str, work: Callable[[Database], Awaitable[T]]) -> T:
    """Run ``work`` on the database from a synchronous test, in a thread of
    its own (Playwright's sync API keeps a loop running in the test's thread)."""

    async def run() -> T:
        db = Database(database_url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


async def user_of(db: Database, person: Person) -> User:
    async with db.read() as session:
        user = await session.scalar(select(User).where(User.id == person.user_id))
    assert user is not None
    return user


def set_mode(server: LiveServer, admin: Person, mode: str, **changes: Any) -> None:
    """What /admin/settings/registrations saves."""

    async def work(db: Database) -> None:
        change = RegistrationChange(
            mode=mode,
            message=changes.get("message", ""),
            invites_by=changes.get("invites_by", "users"),
            show_domain_blocks=changes.get("show_domain_blocks", "users"),
        )
        await set_registrations(db, await user_of(db, admin), change)

    act(server.settings.database_url, work)
