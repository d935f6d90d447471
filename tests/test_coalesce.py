"""weft/coalesce.py: calls asked for in one loop turn, run together."""

from __future__ import annotations

import asyncio

import pytest

from weft.coalesce import Coalesced


async def test_calls_of_one_turn_run_as_one_batch_and_each_gets_its_answer() -> None:
    batches: list[list[int]] = []

    async def double(items: list[int]) -> list[int | Exception]:
        batches.append(items)
        return [ValueError(f"odd {i}") if i % 2 else i * 2 for i in items]

    together: Coalesced[int, int] = Coalesced()
    answers = await asyncio.gather(
        *(together.ask(i, double) for i in (2, 3, 4)), return_exceptions=True
    )
    assert batches == [[2, 3, 4]]
    assert answers[0] == 4
    assert answers[2] == 8
    assert isinstance(answers[1], ValueError)
    assert str(answers[1]) == "odd 3"
    assert await together.ask(5 + 1, double) == 12  # a later turn, a batch of its own
    assert batches[-1] == [6]


async def test_a_failed_batch_fails_every_call_in_it() -> None:
    async def broken(items: list[int]) -> list[int | Exception]:
        raise ConnectionError("gone")

    together: Coalesced[int, int] = Coalesced()
    answers = await asyncio.gather(
        *(together.ask(i, broken) for i in range(3)), return_exceptions=True
    )
    assert [type(a) for a in answers] == [ConnectionError] * 3


async def test_a_call_given_up_on_leaves_the_others_their_answers() -> None:
    release = asyncio.Event()

    async def slow(items: list[int]) -> list[int | Exception]:
        await release.wait()
        return list(items)

    together: Coalesced[int, int] = Coalesced()
    first = asyncio.ensure_future(together.ask(1, slow))
    second = asyncio.ensure_future(together.ask(2, slow))
    await asyncio.sleep(0.01)
    first.cancel()
    release.set()
    assert await second == 2
    with pytest.raises(asyncio.CancelledError):
        await first
