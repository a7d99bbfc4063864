"""Per-moderator limits: requests per minute (a moving window, from the ``limits`` package) and explanations at once.

The key is the moderator's name when the server has tokens, else the client's address. Past either limit the answer
is 429 with code E605 and a ``Retry-After`` header: for the per-minute limit, the seconds until the oldest request
in the window expires; for explanations, a short wait (one of the caller's explanations has to finish first).

Example:
    >>> q = Quota(per_minute=2, explains=1)
    >>> q.hit("alice"), q.hit("alice"), q.hit("alice") is None
    (None, None, False)
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import ServiceError

__all__ = ["EXPLAIN_RETRY_AFTER_S", "Quota", "RateLimited"]

EXPLAIN_RETRY_AFTER_S = 5


class RateLimited(ServiceError):
    """429 E605, with the seconds the client should wait (sent as ``Retry-After``)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__("E605", message, http_status=429)
        self.retry_after = max(1, int(retry_after))


class Quota:
    """Requests per minute (``per_minute``; 0 is no limit) and concurrent explanations (``explains``) per key."""

    def __init__(self, per_minute: int = 0, explains: int = 0) -> None:
        self.per_minute = per_minute
        self.explains = explains
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()
        self._limiter = self._item = None
        if per_minute > 0:
            from limits import RateLimitItemPerMinute
            from limits.storage import MemoryStorage
            from limits.strategies import MovingWindowRateLimiter

            self._limiter = MovingWindowRateLimiter(MemoryStorage())
            self._item = RateLimitItemPerMinute(per_minute)

    def hit(self, key: str) -> RateLimited | None:
        """Count one request for ``key``; returns the error to answer with when it is over the limit."""
        if self._limiter is None or self._limiter.hit(self._item, key):
            return None
        reset = self._limiter.get_window_stats(self._item, key).reset_time
        wait = math.ceil(reset - time.time())
        return RateLimited(f"more than {self.per_minute} requests in a minute; retry in {max(1, wait)} s",
                           retry_after=wait)

    @contextmanager
    def explaining(self, key: str) -> Iterator[None]:
        """Hold one of ``key``'s explanation slots for the duration; raises :class:`RateLimited` when none is free."""
        with self._lock:
            n = self._running.get(key, 0)
            if self.explains and n >= self.explains:
                raise RateLimited(f"{n} explanation(s) already running for you (the limit is {self.explains}); "
                                  "wait for one to finish or cancel it", retry_after=EXPLAIN_RETRY_AFTER_S)
            self._running[key] = n + 1
        try:
            yield
        finally:
            with self._lock:
                self._running[key] -= 1
                if not self._running[key]:
                    del self._running[key]
