"""Django's Redis cache, made an accelerator the site can run without.

The cache only speeds things up: every value in it can be rebuilt from the
database or kept in process memory. So a Redis that is down or stalled must not
take the site with it. Its sockets time out quickly (OPTIONS ``socket_timeout`` and
``socket_connect_timeout``, 0.25 s unless set; redis-py's default of 5 s let a
paused Redis hold every worker), and a circuit breaker (``config.breaker``, one per
Redis location and process, ``breaker_seconds`` long) turns the calls that follow a
failure into misses and no-op writes without touching the network.

It also keeps one client per connection pool. Django builds a new ``redis.Redis``
object for every cache call; constructing one sets up its response callbacks and
costs about a third of a millisecond, more than the round trip to Redis itself.
The client is safe to share, so keep it.
"""

import threading
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from config.breaker import CircuitBreaker

SAFE_OPTIONS = {"socket_timeout": 0.25, "socket_connect_timeout": 0.25}
BREAKER_SECONDS = 5.0
# A refused or reset socket is an OSError before redis-py wraps it, and a
# server-side refusal (OOM, MISCONF, LOADING) a RedisError: both mean "no cache".
UNAVAILABLE = (RedisError, OSError)
MISSING = object()

_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()

# Counts and markers that must hold roughly even while the shared cache is away
# (throttles): each process keeps its own.
local_fallback = LocMemCache(
    "shared-cache-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}}
)


def breaker_for(servers: list[str], reset_after: float) -> CircuitBreaker:
    """The process's breaker for these servers, shared by every thread (Django
    gives each thread its own cache object)."""
    key = ",".join(servers)
    with _breakers_lock:
        breaker = _breakers.get(key)
        if breaker is None:
            name = f"cache at {', '.join(safe_location(s) for s in servers)}"
            breaker = _breakers[key] = CircuitBreaker(name, reset_after)
        return breaker


def safe_location(url: str) -> str:
    """host:port/db without the credentials a REDIS_URL may carry, for logs."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 6379}{parts.path}"


def cache_available(cache) -> bool:
    """False while the cache's breaker is open; other backends always answer."""
    breaker = getattr(cache, "breaker", None)
    return breaker is None or not breaker.is_open


def shared_or_local(cache):
    """``cache`` while it answers, else this process's memory: for counts and
    markers (throttles, one-vote markers) that should hold roughly through an
    outage rather than vanish or refuse everyone."""
    return cache if cache_available(cache) else local_fallback


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        options = {**SAFE_OPTIONS, **params.get("OPTIONS", {})}
        reset_after = float(options.pop("breaker_seconds", BREAKER_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusingRedisCacheClient
        self.breaker = breaker_for(self._servers, reset_after)

    def _guarded(self, fallback, method, *args):
        """``method(*args)``, or ``fallback`` when Redis is unavailable."""
        if not self.breaker.allow():
            return fallback
        started_at = self.breaker.clock()
        try:
            result = method(*args)
        except UNAVAILABLE as exc:
            self.breaker.failed(exc)
            return fallback
        self.breaker.succeeded(started_at)
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guarded(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._guarded(MISSING, super().incr, key, delta, version)
        if result is MISSING:
            # What a miss does: Django's contract for a key that is not there.
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys that were not stored: all of them when Redis is away.
        return self._guarded(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._guarded(None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded(False, super().clear)
