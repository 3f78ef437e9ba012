"""One version for the whole knowledge base, kept in the shared cache.

Every edit bumps it (see ``kb.apps``); each process compares it with the version
its in-memory lookup index and cached pages were built from. A process reads the
shared value at most once every ``KB_VERSION_TTL`` seconds (default 1), so an edit
reaches every process within that time, and a lookup seldom pays a cache round trip.
"""

import time
import uuid

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "kb:version"

_local = {"value": None, "read_at": 0.0}


def kb_version() -> str:
    now = time.monotonic()
    ttl = getattr(settings, "KB_VERSION_TTL", 1.0)
    if _local["value"] is not None and now - _local["read_at"] < ttl:
        return _local["value"]
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    _local.update(value=version, read_at=now)
    return version


def bump_kb_version(**_kwargs) -> None:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, timeout=None)
    _local.update(value=version, read_at=time.monotonic())


def forget_kb_version() -> None:
    """Read the shared value next time (after the cache was cleared, say)."""
    _local.update(value=None, read_at=0.0)
