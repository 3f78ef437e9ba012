"""Recording lookups for analytics and knowledge gaps, off the request's critical path.

Events are buffered per process and written in batches once the response has been
sent (Django's ``request_finished`` fires after the server has written it), so a
lookup never waits on an INSERT. Each event is also put in the shared cache for a
while, so that feedback sent to any process can find a lookup not yet written.
Nothing raw is kept: the body is redacted before hashing, header values are not
kept at all, and the message is kept only as a redacted shape without numbers.
"""

import atexit
import hashlib
import logging
import threading
import time
import uuid

import re2
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import DatabaseError
from django.utils import timezone

from kb.lookup.redact import redact
from kb.lookup.types import LookupResult
from kb.models import LookupEvent

logger = logging.getLogger(__name__)

PENDING_TTL = 3600
ID_LIKE = re2.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|\b[A-Za-z]+_[A-Za-z0-9]{8,}\b|\b[0-9a-fA-F]{16,}\b|'[^']{1,80}'|\"[^\"]{1,80}\""
)
NUMBER = re2.compile(r"[0-9]+(?:\.[0-9]+)?")

_buffer: list[LookupEvent] = []
_oldest = [0.0]
_lock = threading.Lock()


def message_shape(message: str) -> str:
    """The message with secrets, ids, quoted values and numbers taken out, so that
    the same error with different details groups together."""
    shaped = NUMBER.sub("#", ID_LIKE.sub("<id>", redact(message)))
    return " ".join(shaped.lower().split())[:200]


def fingerprint(provider: str, status: int, code: str, shape: str) -> str:
    """What makes two badly answered lookups one gap: the provider, the status and
    the code; the message's shape only when there is no code."""
    key = f"{provider}|{status}|{code}" if code else f"{provider}|{status}||{shape}"
    return hashlib.sha256(key.encode()).hexdigest()


def body_sha256(text: str) -> str:
    return (
        hashlib.sha256(redact(text).encode("utf-8", "replace")).hexdigest()
        if text
        else ""
    )


def make_event(result: LookupResult, status: int, body_text: str) -> LookupEvent:
    shape = message_shape(result.message)
    # The code that made it a gap: the first the catalogue does not know, else the
    # first found.
    first_code = (result.unrecognised_codes[:1] or [s.value for s in result.codes[:1]]
                  or [""])[0]  # fmt: skip
    provider = result.unknown_provider or result.provider or result.match.provider
    return LookupEvent(
        lookup_id=uuid.uuid4(),
        provider_slug=provider[:50],
        provider_known=result.unknown_provider is None,
        http_status=status,
        codes=[s.value for s in result.codes[:10]],
        matched_id=result.match.error_id,
        confidence=result.match.confidence,
        body_sha256=body_sha256(body_text),
        fingerprint=fingerprint(provider, status, first_code.lower(), shape),
        message_shape=shape,
        layer=result.match.layer,
        action=result.retry.action,
        looked_up_at=timezone.now(),
    )


def record(event: LookupEvent) -> None:
    cache.set(pending_key(event.lookup_id), event, PENDING_TTL)
    with _lock:
        if not _buffer:
            _oldest[0] = time.monotonic()
        _buffer.append(event)


def pending_key(lookup_id) -> str:
    return f"kb:lookup:{lookup_id}"


def flush() -> int:
    """Write every buffered event; returns how many."""
    with _lock:
        events = _buffer[:]
        _buffer.clear()
    if not events:
        return 0
    try:
        LookupEvent.objects.bulk_create(events, ignore_conflicts=True)
    except DatabaseError:
        logger.exception("could not record %d lookup events", len(events))
        return 0
    return len(events)


def discard() -> None:
    """Drop buffered events unwritten (a test's rows are rolled back under them)."""
    with _lock:
        _buffer.clear()


def flush_if_due(**_kwargs) -> None:
    batch = getattr(settings, "KB_EVENT_BATCH_SIZE", 50)
    age = getattr(settings, "KB_EVENT_BATCH_SECONDS", 2.0)
    if len(_buffer) >= batch or (_buffer and time.monotonic() - _oldest[0] >= age):
        flush()


def find_event(lookup_id) -> LookupEvent | None:
    """The recorded lookup, written now if it is still waiting in some buffer."""
    event = LookupEvent.objects.filter(lookup_id=lookup_id).first()
    if event is not None:
        return event
    pending = cache.get(pending_key(lookup_id))
    if pending is None:
        return None
    LookupEvent.objects.bulk_create([pending], ignore_conflicts=True)
    return LookupEvent.objects.filter(lookup_id=lookup_id).first()


request_finished.connect(flush_if_due, dispatch_uid="kb-events-flush")
atexit.register(flush)
