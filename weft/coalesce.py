"""Calls asked for in one turn of the event loop, run together at the next.

Under load, several requests reach the same read in the same loop turn (the
Redis page of their home feed, then their posts' rows); one round trip for
all of them costs less than one each (docs/decisions/0022). The first asker
starts a task; a new task first runs at the loop's next turn, by when every
request of this turn has asked. A request alone waits that one turn.

One ``Coalesced`` per owner (a database, a Redis client), kept weakly and
holding no reference back to its owner (``PerOwner``): gone with it.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Answer = TypeVar("Answer")
Owner = TypeVar("Owner")

# Runs a batch: one answer (or the exception for that item) per item, in order.
Run = Callable[[list[Item]], Awaitable[Sequence[Answer | Exception]]]


class Coalesced(Generic[Item, Answer]):
    def __init__(self) -> None:
        self._asked: list[tuple[Item, asyncio.Future[Answer]]] = []
        self._running: set[asyncio.Task[None]] = set()

    async def ask(self, item: Item, run: Run[Item, Answer]) -> Answer:
        """``item``'s answer, from ``run`` over this turn's items (the first
        asker's ``run`` runs the batch)."""
        answer: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._asked.append((item, answer))
        if len(self._asked) == 1:
            running = asyncio.ensure_future(self._run(run))
            self._running.add(running)
            running.add_done_callback(self._running.discard)
        return await answer

    async def _run(self, run: Run[Item, Answer]) -> None:
        asked, self._asked = self._asked, []
        answers: Sequence[Answer | Exception]
        try:
            answers = await run([item for item, _ in asked])
        except asyncio.CancelledError:
            for _, answer in asked:
                answer.cancel()
            raise
        except Exception as error:
            answers = [error] * len(asked)
        for (_, answer), found in zip(asked, answers, strict=True):
            if answer.done():
                continue  # its request is gone
            if isinstance(found, Exception):
                answer.set_exception(found)
            else:
                answer.set_result(found)


class PerOwner(Generic[Owner, Item, Answer]):
    """One ``Coalesced`` per owner, weakly keyed."""

    def __init__(self) -> None:
        self._by_owner: weakref.WeakKeyDictionary[Owner, Coalesced[Item, Answer]] = (
            weakref.WeakKeyDictionary()
        )

    def __call__(self, owner: Owner) -> Coalesced[Item, Answer]:
        found = self._by_owner.get(owner)
        if found is None:
            found = self._by_owner[owner] = Coalesced()
        return found
