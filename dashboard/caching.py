"""One bounded cache for the app's own shared caches: least recently used goes first, safe across threads.

Every session of a server process shares these caches (built maps, their styles, the standalone map pages),
so two rules hold for all of them: one eviction order (LRU: a read counts as a use), and a size limit
checked on every insert. A size may be a callable, read at each insert, so that a setting changed in the
environment applies without rebuilding the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_MISSING = object()


class BoundedCache(Generic[K, V]):
    """A mapping that keeps at most ``maxsize`` entries and drops the least recently used one first.

    ``get`` and ``get_or_create`` count as a use. ``get_or_create`` computes a missing value outside the
    lock (a slow build does not block readers of other keys); if two threads build the same key at once,
    the first value stored wins and both get it, so everyone shares one object per key.
    """

    def __init__(self, maxsize: int | Callable[[], int], name: str = "") -> None:
        self._maxsize = maxsize
        self.name = name
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def maxsize(self) -> int:
        """The current limit (at least 1)."""
        size = self._maxsize() if callable(self._maxsize) else self._maxsize
        return max(1, int(size))

    def get(self, key: K, default: V | None = None) -> V | None:
        """The value for ``key`` (now the most recently used), or ``default``."""
        with self._lock:
            value = self._entries.get(key, _MISSING)
            if value is _MISSING:
                self.misses += 1
                return default
            self._entries.move_to_end(key)
            self.hits += 1
            return value  # type: ignore[return-value]

    def put(self, key: K, value: V) -> V:
        """Store ``value`` unless ``key`` is already there; return the stored value. Evicts down to the limit."""
        with self._lock:
            found = self._entries.get(key, _MISSING)
            if found is not _MISSING:
                self._entries.move_to_end(key)
                return found  # type: ignore[return-value]
            self._entries[key] = value
            self._evict()
            return value

    def get_or_create(self, key: K, create: Callable[[], V]) -> V:
        """The value for ``key``, made with ``create()`` and stored if missing."""
        found = self.get(key, _MISSING)  # type: ignore[arg-type]
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        return self.put(key, create())

    def discard(self, key: K) -> None:
        """Forget ``key`` if it is there."""
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def keys(self) -> list[K]:
        """The keys, least recently used first (a copy)."""
        with self._lock:
            return list(self._entries)

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is held (not a use: the order does not change)."""
        with self._lock:
            return key in self._entries

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __iter__(self) -> Iterator[K]:
        return iter(self.keys())

    def _evict(self) -> None:
        limit = self.maxsize
        while len(self._entries) > limit:
            self._entries.popitem(last=False)

    def __repr__(self) -> str:
        return f"BoundedCache({self.name or '?'}: {len(self)}/{self.maxsize})"
