"""Recording lookups for analytics and knowledge gaps, off the request's critical path.

Events are buffered per process and written in batches, so a lookup never waits on
an INSERT. Each event is also put in the shared cache for a while, so that feedback
sent to any process can find a lookup not yet written. In a served process
(config/wsgi.py calls ``use_writer_thread``) a background thread does both every
``KB_EVENT_SHARE_SECONDS``: a request does no I/O for its event at all, and a
burst of lookups costs one cache round trip per interval, not one per lookup.
Elsewhere (tests, management commands) the same work runs once each response has
been sent (Django's ``request_finished``).
Nothing raw is kept: the body is redacted before hashing, header values are not
kept at all, and the message is kept only as a redacted shape without numbers.

Recording is best effort but careful: an event is made storable before it is
buffered (no NUL, which PostgreSQL text and jsonb refuse; nothing longer than its
column), a row that still cannot be written loses only itself, and while the
database is unreachable the buffer is kept, up to ``KB_EVENT_BUFFER_MAX`` events,
and written later. What is lost is counted in ``dropped_counts()``.
"""

import atexit
import hashlib
import logging
import math
import os
import threading
import time
import uuid

import re2
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    transaction,
)
from django.utils import timezone

from kb.lookup.redact import redact
from kb.lookup.types import LookupResult
from kb.models import ErrorCode, LookupEvent

logger = logging.getLogger(__name__)

PENDING_TTL = 3600
ID_LIKE = re2.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|\b[A-Za-z]+_[A-Za-z0-9]{8,}\b|\b[0-9a-fA-F]{16,}\b|'[^']{1,80}'|\"[^\"]{1,80}\""
)
NUMBER = re2.compile(r"[0-9]+(?:\.[0-9]+)?")
CODES_KEPT = 10
CODE_LENGTH = 200
# The database is out of reach (retry later), as opposed to a row it refuses.
OUTAGES = (OperationalError, InterfaceError)
# psycopg refuses some values before sending them (ValueError), the server others.
REFUSED = (DatabaseError, ValueError)

_buffer: list[LookupEvent] = []
_unshared: list[LookupEvent] = []  # recorded, not yet in the shared cache
_oldest = [0.0]
_retry_at = [0.0]
_dropped = {"invalid": 0, "overflow": 0}
_lock = threading.Lock()
_write_lock = threading.Lock()
# The background writer of this process: its pid (a forked worker starts its
# own; threads do not survive a fork) and the event that wakes it early.
_writer = {"enabled": False, "pid": 0}
_wake = threading.Event()
_stop = threading.Event()


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


def clean_text(value) -> str:
    """Text PostgreSQL accepts: no NUL, no lone surrogate (psycopg cannot encode
    one, and a JSON body's escapes can make one)."""
    text = str(value).replace("\x00", "")
    return text.encode("utf-8", "replace").decode("utf-8")


def sanitise(event: LookupEvent) -> LookupEvent:
    """Make every value fit its column, so that one odd lookup cannot fail the
    batch it is written with."""
    for field in event._meta.concrete_fields:
        if field.get_internal_type() == "CharField":
            value = getattr(event, field.attname) or ""
            setattr(event, field.attname, clean_text(value)[: field.max_length])
    event.codes = [clean_text(code)[:CODE_LENGTH] for code in event.codes[:CODES_KEPT]]
    confidence = float(event.confidence or 0)
    event.confidence = (
        min(max(confidence, 0.0), 1.0) if math.isfinite(confidence) else 0.0
    )
    return event


def record(event: LookupEvent) -> None:
    sanitise(event)
    with _lock:
        if not _buffer:
            _oldest[0] = time.monotonic()
        _buffer.append(event)
        _unshared.append(event)
        trim()
        full = len(_buffer) >= getattr(settings, "KB_EVENT_BATCH_SIZE", 50)
    if _writer["enabled"]:
        ensure_writer()
        if full:
            _wake.set()


def use_writer_thread() -> None:
    """Hand the events' I/O to a background thread in each process that records
    lookups (started on its first event, so after a server's fork)."""
    _stop.clear()
    _writer["enabled"] = True


def stop_writer_thread(timeout: float = 5.0) -> None:
    """Back to writing after each response; the thread drains once more and ends."""
    _writer["enabled"] = False
    _stop.set()
    _wake.set()
    for thread in threading.enumerate():
        if thread.name == "kb-events":
            thread.join(timeout)
    _writer["pid"] = 0


def ensure_writer() -> None:
    if _writer["pid"] == os.getpid():
        return
    with _lock:
        if _writer["pid"] == os.getpid():
            return
        _writer["pid"] = os.getpid()
    threading.Thread(target=write_in_background, name="kb-events", daemon=True).start()


def write_in_background() -> None:
    interval = getattr(settings, "KB_EVENT_SHARE_SECONDS", 0.2)
    while not _stop.is_set():
        _wake.wait(interval)
        _wake.clear()
        drain()
    from django.db import connection

    connection.close()


def drain() -> None:
    """Share the new events and write the buffer if a batch is due. Never raises:
    the writer thread must outlive a failing cache or database."""
    try:
        share_pending()
        close_old_connections()
        flush_if_due()
    except Exception:
        logger.exception("lookup events: background write failed")


def after_response(**_kwargs) -> None:
    """Without a writer thread, the events' I/O runs once the response is sent."""
    if not _writer["enabled"]:
        share_pending()
        flush_if_due()


def share_pending() -> None:
    """Put the lookups recorded since the last call in the shared cache, in one
    round trip, so that feedback sent to any process finds them."""
    with _lock:
        events = _unshared[:]
        _unshared.clear()
    if events:
        cache.set_many({pending_key(e.lookup_id): e for e in events}, PENDING_TTL)


def trim() -> None:
    """Keep the newest KB_EVENT_BUFFER_MAX events (call with _lock held): during a
    long database outage memory stays bounded, and a recent lookup is the one
    feedback may still arrive for."""
    excess = len(_buffer) - getattr(settings, "KB_EVENT_BUFFER_MAX", 10_000)
    if excess > 0:
        del _buffer[:excess]
        _dropped["overflow"] += excess


def dropped_counts() -> dict[str, int]:
    """Events lost since the process started, by reason: "invalid" (the database
    refused the row) and "overflow" (the buffer was full during an outage)."""
    with _lock:
        return dict(_dropped)


def buffered(lookup_id) -> LookupEvent | None:
    """The event of this lookup if it is waiting in this process's buffer."""
    with _lock:
        return next((e for e in _buffer if str(e.lookup_id) == str(lookup_id)), None)


def pending_key(lookup_id) -> str:
    return f"kb:lookup:{lookup_id}"


def flush() -> int:
    """Write every buffered event; returns how many were written. While the
    database is out of reach the events go back in the buffer, to be written by a
    flush KB_EVENT_RETRY_SECONDS later."""
    with _write_lock:
        with _lock:
            events = _buffer[:]
            _buffer.clear()
        if not events:
            return 0
        try:
            return write(events)
        except OUTAGES as exc:
            with _lock:
                _buffer[:0] = events
                _oldest[0] = time.monotonic()
                trim()
            _retry_at[0] = time.monotonic() + getattr(
                settings, "KB_EVENT_RETRY_SECONDS", 5.0
            )
            logger.warning(
                "database unavailable (%s): %d lookup events kept for later, "
                "%d dropped so far for want of room",
                type(exc).__name__,
                len(_buffer),
                _dropped["overflow"],
            )
            return 0


def write(events: list[LookupEvent]) -> int:
    """Insert the events in one statement, the usual case. If the database refuses
    it, one by one, so that a bad row loses only itself: a lookup whose entry was
    deleted meanwhile is kept unlinked, one already stored (by a feedback, or
    before an outage cut a write short) is skipped, any other is dropped and
    counted. Raises OUTAGES when the database cannot be reached at all."""
    try:
        insert(events)
        return len(events)
    except OUTAGES:
        raise
    except REFUSED:
        pass
    events = unwritten(events)
    unlink_deleted_matches(events)
    written = 0
    for event in events:
        try:
            insert([event])
        except OUTAGES:
            raise
        except REFUSED as exc:
            if unwritten([event]):  # not stored by a feedback meanwhile
                with _lock:
                    _dropped["invalid"] += 1
                logger.warning("dropped a lookup event the database refused (%s)",
                               type(exc).__name__)  # fmt: skip
        else:
            written += 1
    return written


def insert(events: list[LookupEvent]) -> None:
    # Not ignore_conflicts: SQLite's INSERT OR IGNORE would also skip, unseen and
    # uncounted, a row that fails a CHECK. A transaction of its own (a savepoint
    # inside another), so that a refused row leaves the connection usable and
    # deferred foreign keys are checked here.
    for event in events:
        event.pk = None  # an id from a rolled-back attempt is not the row's
    with transaction.atomic():
        LookupEvent.objects.bulk_create(events)


def unwritten(events: list[LookupEvent]) -> list[LookupEvent]:
    """The events not stored yet: feedback writes its lookup's event at once
    (find_event), and a write interrupted by an outage is tried again whole."""
    ids = [event.lookup_id for event in events]
    rows = LookupEvent.objects.filter(lookup_id__in=ids)
    written = {str(value) for value in rows.values_list("lookup_id", flat=True)}
    return [event for event in events if str(event.lookup_id) not in written]


def unlink_deleted_matches(events: list[LookupEvent]) -> None:
    """An entry deleted while a lookup that matched it waited in the buffer: keep
    the lookup, without the link (as the foreign key's SET_NULL would have)."""
    matched = {e.matched_id for e in events if e.matched_id is not None}
    if not matched:
        return
    existing = set(
        ErrorCode.objects.filter(pk__in=matched).values_list("pk", flat=True)
    )
    for event in events:
        if event.matched_id is not None and event.matched_id not in existing:
            event.matched_id = None


def discard() -> None:
    """Drop buffered events unwritten (a test's rows are rolled back under them)."""
    with _lock:
        _buffer.clear()
        _unshared.clear()
    _retry_at[0] = 0.0


def flush_if_due() -> None:
    batch = getattr(settings, "KB_EVENT_BATCH_SIZE", 50)
    age = getattr(settings, "KB_EVENT_BATCH_SECONDS", 2.0)
    now = time.monotonic()
    if now < _retry_at[0]:
        return
    if len(_buffer) >= batch or (_buffer and now - _oldest[0] >= age):
        flush()


def find_event(lookup_id) -> LookupEvent | None:
    """The recorded lookup, written now if it is still waiting in a buffer (this
    process's, or another's through the shared cache). None when no lookup has
    that id, or its event could not be stored."""
    event = LookupEvent.objects.filter(lookup_id=lookup_id).first()
    if event is not None:
        return event
    pending = buffered(lookup_id) or shared(lookup_id)
    if pending is None:
        return None
    write([pending])
    return LookupEvent.objects.filter(lookup_id=lookup_id).first()


def shared(lookup_id) -> LookupEvent | None:
    """The event another process put in the shared cache. With writer threads an
    event is shared up to one interval after its lookup, so a miss is asked again
    once that long later (feedback sent the moment an answer arrives)."""
    pending = cache.get(pending_key(lookup_id))
    if pending is None and _writer["enabled"]:
        time.sleep(getattr(settings, "KB_EVENT_SHARE_SECONDS", 0.2) * 1.5)
        pending = cache.get(pending_key(lookup_id))
    return pending


request_finished.connect(after_response, dispatch_uid="kb-events-after-response")
atexit.register(flush)
