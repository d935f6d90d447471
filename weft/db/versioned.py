"""Values computed from a row, kept while the row's ``version`` stays the same.

``statuses.version`` and ``accounts.version`` are kept by database triggers
(migration 0008): any change to what a post or account shows moves them. A
value cached under a version is therefore right for as long as a reader sees
that version, in any process, with no invalidation messages: a reader that
sees a newer version misses and recomputes. The API keeps the
viewer-independent part of status and account entities here
(weft/api/serializers/statuses.py); see docs/decisions/0020-entity-cache.md.

One cache per ``Database`` (so two databases in one process never share
entries), reached from its sessions' ``info``. Bounded: past ``limit``
entries the oldest tenth goes (first in, first out: cheaper than LRU
bookkeeping on every hit, and a hot post that falls out costs one rebuild).
"""

from __future__ import annotations

from typing import Any

INFO_KEY = "weft.versioned_cache"
DEFAULT_LIMIT = 50_000


class VersionedCache:
    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self._entries: dict[tuple[str, int], tuple[int, Any]] = {}
        self.hits = 0
        self.misses = 0

    def get(self, kind: str, row_id: int, version: int) -> Any | None:
        """The value kept for this row at this version, or None."""
        entry = self._entries.get((kind, row_id))
        if entry is not None and entry[0] == version:
            self.hits += 1
            return entry[1]
        self.misses += 1
        return None

    def put(self, kind: str, row_id: int, version: int, value: Any) -> None:
        key = (kind, row_id)
        current = self._entries.get(key)
        if current is not None and current[0] > version:
            return  # a reader with an older snapshot never replaces newer work
        if current is None and len(self._entries) >= self.limit:
            self._evict()
        self._entries[key] = (version, value)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _evict(self) -> None:
        oldest = list(self._entries)[: max(1, self.limit // 10)]
        for key in oldest:
            del self._entries[key]
