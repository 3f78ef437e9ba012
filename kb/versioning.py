"""One version for the whole knowledge base, kept in the shared cache.

Every edit bumps it (see ``kb.apps``); each process compares it with the version
its in-memory lookup index and cached pages were built from.
"""

import uuid

from django.core.cache import cache

VERSION_KEY = "kb:version"


def kb_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_kb_version(**_kwargs) -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
