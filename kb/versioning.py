"""One version for the whole knowledge base, kept in the shared cache.

Every edit bumps it (see ``kb.apps``); each process compares it with the version
its in-memory lookup index and cached pages were built from. A process reads the
shared value at most once every ``KB_VERSION_TTL`` seconds (default 1), so an edit
reaches every process within that time, and a lookup seldom pays a cache round trip.

While the shared cache is unavailable each process keeps the version it has (its
own edits still move it), so it goes on serving from its index instead of failing;
an edit made meanwhile is published when the cache answers again, so the other
processes catch up then.
"""

import time
import uuid

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "kb:version"

_local = {"value": None, "read_at": 0.0, "unpublished": False}


def kb_version() -> str:
    now = time.monotonic()
    ttl = getattr(settings, "KB_VERSION_TTL", 1.0)
    if _local["value"] is not None and now - _local["read_at"] < ttl:
        return _local["value"]
    # A fresh value, not the one bumped to: another process may have built from
    # that one before a later edit, and would not rebuild.
    if _local["unpublished"] and publish(uuid.uuid4().hex):
        _local["unpublished"] = False
    version = shared_version() or _local["value"] or uuid.uuid4().hex
    _local.update(value=version, read_at=now)
    return version


def shared_version() -> str | None:
    """The version every process agrees on, set now if there is none; None when
    the cache cannot be read."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def publish(version: str) -> bool:
    """Share ``version``; False when the cache did not keep it."""
    cache.set(VERSION_KEY, version, timeout=None)
    return cache.get(VERSION_KEY) == version


def bump_kb_version(**_kwargs) -> None:
    version = uuid.uuid4().hex
    # Reading it back costs a round trip per edit; edits are rare, and a lost
    # bump would leave the other processes serving the old content.
    published = publish(version)
    _local.update(value=version, read_at=time.monotonic(), unpublished=not published)


def forget_kb_version() -> None:
    """Read the shared value next time (after the cache was cleared, say)."""
    _local.update(value=None, read_at=0.0, unpublished=False)
