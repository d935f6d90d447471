"""Rows of one statement by id, for one number per call (the viewer):
``Database.rows_by_id``, in the shape each database reads best.

- SQLite, where a read in the event loop costs tens of microseconds: the ids
  fill a fixed number of slots (unused ones hold 0, never an id), so the
  statement keeps one shape and is prepared once (weft/db/inline.py); a
  longer list takes one statement per ``SLOTS`` ids.
- PostgreSQL, where the round trip costs more than the read: the calls asked
  for in one turn of the event loop go as one statement (weft/coalesce.py),
  their (call, key, id) triples unnested from three arrays; each row ends
  with its call's number (docs/decisions/0022-coalesced-hot-reads.md).

>>> posts = RowsById(lambda viewer: select(Status.id, ...), Status.id)
>>> await db.rows_by_id(posts, viewer_id, [3, 5, 8])  # the rows of 3, 5 and 8 that exist
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, Protocol

from sqlalchemy import (
    ARRAY,
    BigInteger,
    ColumnElement,
    Executable,
    Integer,
    Select,
    bindparam,
    column,
    func,
)
from sqlalchemy.orm import InstrumentedAttribute

from weft.coalesce import Coalesced

SLOTS = 40
KEY = "key"

Row = Sequence[Any]
Rows = Callable[[Executable, dict[str, Any]], Awaitable[Sequence[Row]]]


def _no_parameters() -> dict[str, Any]:
    return {}


class RowsById:
    """A read of rows by id. ``build(key)`` selects the rows, the id first,
    for a key given as a column expression (a bound parameter named ``KEY``,
    or a column of the unnested arrays); ``id_column`` is what the ids match.
    ``shared()`` gives the statement's other parameters, the same for every
    call (computed when the statement runs). Built once, as a module constant:
    its statements are prepared by identity (weft/db/prepared.py)."""

    def __init__(
        self,
        build: Callable[[ColumnElement[int]], Select[Any]],
        id_column: ColumnElement[int] | InstrumentedAttribute[int],
        shared: Callable[[], dict[str, Any]] = _no_parameters,
    ) -> None:
        self.build = build
        self.id_column = id_column
        self.shared = shared
        self.in_slots = build(bindparam(KEY)).where(
            id_column.in_([bindparam(f"id{n}") for n in range(SLOTS)])
        )
        wanted = (
            func.unnest(
                bindparam("asks", type_=ARRAY(Integer)),
                bindparam("keys", type_=ARRAY(BigInteger)),
                bindparam("ids", type_=ARRAY(BigInteger)),
            )
            .table_valued(
                column("ask", Integer), column("key", BigInteger), column("id", BigInteger)
            )
            .render_derived()
        )
        self.together = (
            build(wanted.c.key).add_columns(wanted.c.ask).join(wanted, id_column == wanted.c.id)
        )


class ByIdReader(Protocol):
    async def __call__(self, rows: Rows, read: RowsById, key: int, ids: list[int]) -> list[Row]: ...


async def in_slots(rows: Rows, read: RowsById, key: int, ids: list[int]) -> list[Row]:
    """SQLite: one prepared statement per ``SLOTS`` ids."""
    params = read.shared() | {KEY: key}
    found: list[Row] = []
    for start in range(0, len(ids), SLOTS):
        chunk = ids[start : start + SLOTS]
        slots = {f"id{n}": chunk[n] if n < len(chunk) else 0 for n in range(SLOTS)}
        found.extend(await rows(read.in_slots, params | slots))
    return found


class Together:
    """PostgreSQL: the reads of one loop turn, per ``RowsById``, in one statement.
    One per database; it holds nothing of the database (``rows`` is passed
    with each call), so it keeps no database alive."""

    def __init__(self) -> None:
        self._batches: dict[RowsById, Coalesced[tuple[int, list[int]], list[Row]]] = {}

    async def __call__(self, rows: Rows, read: RowsById, key: int, ids: list[int]) -> list[Row]:
        batch = self._batches.get(read)
        if batch is None:
            batch = self._batches[read] = Coalesced()
        return await batch.ask((key, ids), partial(_read_together, rows, read))


async def _read_together(
    rows: Rows, read: RowsById, asked: list[tuple[int, list[int]]]
) -> list[list[Row]]:
    """Each (key, ids) pair's rows, from one statement."""
    found: list[list[Row]] = [[] for _ in asked]
    params = read.shared() | {
        "asks": [n for n, (_, ids) in enumerate(asked) for _ in ids],
        "keys": [key for key, ids in asked for _ in ids],
        "ids": [i for _, ids in asked for i in ids],
    }
    for row in await rows(read.together, params):
        found[row[-1]].append(row[:-1])
    return found
