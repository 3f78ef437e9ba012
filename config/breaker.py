"""A circuit breaker: after a failure, stop calling a dependency for a while.

Without one, every request pays the full timeout of a dependency that is down or
stalled, and a stalled Redis ties up every worker. With one, the first failure
costs one request a short timeout; for the next ``reset_after`` seconds callers are
told not to try (the cache answers a miss), then a single caller tries again, and
its success closes the breaker. One breaker is shared by every thread of a process.
"""

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(
        self,
        name: str,
        reset_after: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.name = name
        self.reset_after = reset_after
        self.clock = clock
        self.openings = 0
        self.last_error = ""
        self._opened_at: float | None = None
        self._lock = threading.Lock()

    def __repr__(self):
        state = "open" if self.is_open else "closed"
        return f"<CircuitBreaker {self.name} {state}>"

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None

    def allow(self) -> bool:
        """May the caller try now? Always while closed; while open, once per
        ``reset_after`` seconds (that caller's result decides what follows)."""
        if self._opened_at is None:
            return True
        with self._lock:
            if self._opened_at is None:
                return True
            now = self.clock()
            if now - self._opened_at < self.reset_after:
                return False
            # This caller is the trial; the others keep waiting a full period.
            self._opened_at = now
            return True

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            self.last_error = type(exc).__name__
            opening = self._opened_at is None
            self._opened_at = self.clock()
            if opening:
                self.openings += 1
        if opening:
            # The class name only: messages may carry addresses or credentials.
            logger.warning(
                "%s unavailable (%s); not tried again for %.1f s",
                self.name,
                self.last_error,
                self.reset_after,
            )

    def succeeded(self, started_at: float) -> None:
        """A call that began at ``started_at`` worked. A call already under way
        when the breaker opened says nothing about now, so it does not close it."""
        if self._opened_at is None:
            return
        with self._lock:
            if self._opened_at is None or started_at < self._opened_at:
                return
            self._opened_at = None
        logger.info("%s answers again", self.name)
