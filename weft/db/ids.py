"""64-bit, time-ordered ids (Snowflake style).

Layout, from the high bit down: 41 bits of milliseconds since ``EPOCH``, 10 bits
of node id (one per process; ``WEFT_NODE_ID``), 12 bits of sequence. An id sorts
by creation time, so ``max_id`` / ``since_id`` pagination is an index range, and
ids made on different nodes never collide. 41 bits of milliseconds last until
2094.

>>> new_id() > 0
True
"""

from __future__ import annotations

import secrets
import threading
import time
from datetime import UTC, datetime

EPOCH_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z
NODE_BITS = 10
SEQUENCE_BITS = 12
MAX_NODE = (1 << NODE_BITS) - 1
MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1


class IdGenerator:
    def __init__(self, node_id: int = 0) -> None:
        if not 0 <= node_id <= MAX_NODE:
            raise ValueError(f"node id must be between 0 and {MAX_NODE}")
        self.node_id = node_id
        self._lock = threading.Lock()
        self._last_ms = -1
        self._sequence = 0

    def next(self) -> int:
        with self._lock:
            now = _now_ms()
            if now < self._last_ms:
                # The clock stepped back: keep counting from where we were.
                now = self._last_ms
            if now == self._last_ms:
                self._sequence = (self._sequence + 1) & MAX_SEQUENCE
                if self._sequence == 0:
                    # 4,096 ids in one millisecond: borrow the next one.
                    now += 1
            else:
                self._sequence = 0
            self._last_ms = now
            return _compose(now, self.node_id, self._sequence)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000 - EPOCH_MS


def _compose(ms: int, node: int, sequence: int) -> int:
    return (ms << (NODE_BITS + SEQUENCE_BITS)) | (node << SEQUENCE_BITS) | sequence


_generator = IdGenerator()


def configure(node_id: int) -> None:
    """Set this process's node id (called once at start-up)."""
    global _generator
    _generator = IdGenerator(node_id % (MAX_NODE + 1))


def new_id() -> int:
    return _generator.next()


def id_at(when: datetime) -> int:
    """An id for something made at ``when`` (a remote post's published time).

    The low 22 bits are random, so two such ids for one instant rarely collide;
    callers insert with a unique primary key and retry on conflict.
    """
    ms = max(0, int(when.timestamp() * 1000) - EPOCH_MS)
    return (ms << (NODE_BITS + SEQUENCE_BITS)) | secrets.randbits(NODE_BITS + SEQUENCE_BITS)


def min_id_at(when: datetime) -> int:
    """The smallest id made at or after ``when``: a lower bound for range queries."""
    ms = max(0, int(when.timestamp() * 1000) - EPOCH_MS)
    return ms << (NODE_BITS + SEQUENCE_BITS)


def created_at(snowflake: int) -> datetime:
    ms = (snowflake >> (NODE_BITS + SEQUENCE_BITS)) + EPOCH_MS
    return datetime.fromtimestamp(ms / 1000, UTC)
