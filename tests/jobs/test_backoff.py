from __future__ import annotations

import random

import pytest

from weft.jobs.worker import BACKOFF_CAP_SECONDS, backoff_seconds


class Fixed:
    """A random source that always answers the same end of the range."""

    def __init__(self, high: bool) -> None:
        self.high = high

    def uniform(self, a: float, b: float, /) -> float:
        return b if self.high else a


@pytest.mark.parametrize(
    ("attempts", "low", "high"), [(1, 1, 2), (2, 2, 4), (3, 4, 8), (10, 512, 1024)]
)
def test_backoff_doubles_with_each_attempt(attempts: int, low: float, high: float) -> None:
    assert backoff_seconds(attempts, rng=Fixed(high=False)) == low
    assert backoff_seconds(attempts, rng=Fixed(high=True)) == high


def test_backoff_is_capped_at_six_hours() -> None:
    for attempts in (15, 16, 50, 10_000):
        assert backoff_seconds(attempts, rng=Fixed(high=True)) == BACKOFF_CAP_SECONDS == 6 * 3600
        assert backoff_seconds(attempts, rng=Fixed(high=False)) == BACKOFF_CAP_SECONDS / 2


def test_backoff_jitter_stays_in_the_upper_half_of_the_step() -> None:
    rng = random.Random(42)
    for attempts in range(1, 20):
        step = min(BACKOFF_CAP_SECONDS, 2.0 * 2 ** (attempts - 1))
        delays = [backoff_seconds(attempts, rng=rng) for _ in range(200)]
        assert all(step / 2 <= delay <= step for delay in delays)
        # Jitter: retries of jobs that failed together spread out.
        assert len(set(delays)) > 150


def test_backoff_never_shrinks_from_one_attempt_to_the_next_below_the_cap() -> None:
    rng = random.Random(7)
    # From attempt 14 the step reaches the cap, and delays vary within it.
    for attempts in range(1, 14):
        assert backoff_seconds(attempts + 1, rng=rng) >= backoff_seconds(attempts, rng=rng)


def test_backoff_treats_zero_attempts_as_the_first() -> None:
    assert 1 <= backoff_seconds(0) <= 2
