"""The values the lookup engine takes and returns. Plain, frozen, no Django."""

from dataclasses import dataclass, field
from typing import Any

JSONValue = Any


class LookupInputError(ValueError):
    """The request cannot be looked up as given; ``field`` names the culprit."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class LookupRequest:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str | JSONValue = ""
    provider: str | None = None
    url: str | None = None
    max_wait: float = 60.0
    code: str | None = None  # a code the caller already extracted (the GET form)


@dataclass(frozen=True)
class Signal:
    """A code value found in the response, and where (``body.error.code``)."""

    where: str
    value: str


@dataclass(frozen=True)
class Match:
    error_id: int | None  # None only when the knowledge base lacks even a class entry
    provider: str
    code: str
    title: str
    confidence: float
    matched_on: tuple[str, ...]
    layer: str


@dataclass(frozen=True)
class RetryAdvice:
    action: str  # retry | retry_after_fix | reschedule | do_not_retry
    after_seconds: float | None
    source: str | None  # the header or field the wait came from, or "backoff"
    max_attempts: int
    backoff: dict[str, float] | None  # {"base", "cap", "jitter": "full"} when no wait
    idempotent_only: bool
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class LookupResult:
    match: Match
    alternatives: tuple[Match, ...]
    retry: RetryAdvice
    provider: str | None  # the provider given or inferred
    provider_source: str  # given | url | header | body | none
    codes: tuple[Signal, ...]
    message: str  # the redacted message found in the body, if any
    unrecognised_codes: tuple[str, ...]
    notes: tuple[str, ...] = ()
