"""One vote per client on each thing voted on: an error page, or one lookup.

A marker in the shared cache records that this client (kb.clients: a signed-in
user by account, anyone else by address) has voted on this subject. Its key is a
keyed hash, so the cache holds no addresses. ``cache.add`` is atomic in Redis
(SET NX) and in process memory, so two votes sent at once cannot both count.
Markers last a day: long enough to stop a stuffing run, short enough that a
reader who comes back to a page weeks later may say again whether it helped.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from config.redis_cache import shared_or_local
from kb.clients import client_key

VOTE_MEMORY_SECONDS = 24 * 3600


def first_vote(request, subject: str) -> bool:
    """True, and remembered, the first time this client votes on ``subject``;
    False for every later vote within VOTE_MEMORY_SECONDS."""
    digest = hashlib.blake2b(
        f"{client_key(request)}|{subject}".encode(),
        key=settings.SECRET_KEY.encode()[:64],
        digest_size=16,
    ).hexdigest()
    # While the shared cache is away, markers live in process memory: an outage
    # must not make every vote look like a repeat.
    return shared_or_local(cache).add(f"kb:vote:{digest}", 1, VOTE_MEMORY_SECONDS)
