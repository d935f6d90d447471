from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from weft.db import ids


def test_ids_are_unique_and_increasing_across_threads() -> None:
    generator = ids.IdGenerator(node_id=7)
    made: list[list[int]] = [[] for _ in range(4)]

    def make(bucket: list[int]) -> None:
        bucket.extend(generator.next() for _ in range(20_000))

    threads = [threading.Thread(target=make, args=(bucket,)) for bucket in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [i for bucket in made for i in bucket]
    assert len(set(everything)) == len(everything)
    for bucket in made:
        assert bucket == sorted(bucket)
    assert all(0 < i < 2**63 for i in everything)


def test_id_carries_its_creation_time() -> None:
    before = datetime.now(UTC) - timedelta(milliseconds=2)
    made = ids.created_at(ids.new_id())
    assert before <= made <= datetime.now(UTC) + timedelta(milliseconds=2)


def test_ids_for_past_times_sort_before_new_ones() -> None:
    last_year = datetime.now(UTC) - timedelta(days=365)
    old = ids.id_at(last_year)
    assert old < ids.new_id()
    assert ids.min_id_at(last_year) <= old
    assert abs((ids.created_at(old) - last_year).total_seconds()) < 0.002


def test_node_ids_keep_ids_apart() -> None:
    a, b = ids.IdGenerator(1), ids.IdGenerator(2)
    assert {a.next() for _ in range(1000)}.isdisjoint({b.next() for _ in range(1000)})
