"""What the sockets one event reaches read together: the viewer's facts about
the post for every person's stream at once (``post_rows_for``: one statement
for all of them), instead of one read per socket. The hub makes one per
event as it routes it (weft/api/streaming/hub.py); the first socket to render
starts the read, the others wait for it (benchmark d, docs/performance.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import fields
from operator import attrgetter
from typing import Any

from weft.api.serializers.home import home_entities
from weft.config import Settings
from weft.db.database import Database
from weft.queries.home_rows import HomePost, HomeRows, post_rows, post_rows_for

VOTED = '"voted":'  # only a poll's entity has it, and it is the viewer's
# A row's every column, as a tuple: a viewer class's key. (``astuple`` made the
# same tuple by deep-copying each value: 0.8 ms a socket, benchmark d.)
_FACTS = attrgetter(*(f.name for f in fields(HomePost)))


class SharedReads:
    def __init__(self) -> None:
        self.viewers: set[int] = set()  # people whose streams this event was offered to
        self._read: asyncio.Future[dict[int, HomeRows]] | None = None
        # Payloads by viewer class: viewers with the same facts about the post
        # (follows, blocks, likes, reposts, saves, pins...) get the same entity.
        self.payloads: dict[tuple[Any, ...], str] = {}

    def payload(self, rows: HomeRows, render: Callable[[], Awaitable[str]]) -> Awaitable[str]:
        """The post's payload for a viewer whose ``rows`` these are, rendered
        once per viewer class. A payload naming the viewer's own votes in a
        poll, or showing their own post (its app), is never shared."""
        authors = {p.account_id for p in rows.posts.values()}
        if rows.viewer_id in authors:
            return render()
        key = tuple(_FACTS(p) for p in sorted(rows.posts.values(), key=lambda p: p.id))
        return self._shared(key, render)

    async def _shared(self, key: tuple[Any, ...], render: Callable[[], Awaitable[str]]) -> str:
        found = self.payloads.get(key)
        if found is not None:
            return found
        made = await render()
        if VOTED not in made:
            self.payloads[key] = made
        return made

    async def rows(
        self, db: Database, settings: Settings, status_id: int, viewer_id: int
    ) -> HomeRows:
        """``post_rows`` of ``viewer_id`` for the post, read once for every viewer."""
        if viewer_id not in self.viewers:
            return await post_rows(db, viewer_id, [status_id])
        if self._read is None:
            self._read = asyncio.ensure_future(self._read_all(db, settings, status_id))
        found = (await asyncio.shield(self._read)).get(viewer_id)
        return found if found is not None else HomeRows(viewer_id)

    async def _read_all(
        self, db: Database, settings: Settings, status_id: int
    ) -> dict[int, HomeRows]:
        found = await post_rows_for(db, status_id, sorted(self.viewers))
        # Render it once before the sockets do, so that they find the entity
        # cached (weft/api/serializers/home.py) instead of each loading it.
        seen = next((rows for rows in found.values() if rows.shown), None)
        if seen is not None:
            await home_entities(db, seen, settings)
        return found
