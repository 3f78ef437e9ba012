"""The values the lookup engine takes and returns, and the vocabularies they use.

Plain, frozen, no Django. Every vocabulary is a ``StrEnum`` here; the models'
choices, the content schema, the serializers, the templates and the database's check
constraints all derive from these, so a value is spelled in one place only.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

JSONValue = Any


class RetryAction(StrEnum):
    """What a caller should do next, precise enough for a program to act on."""

    RETRY = "retry"  # the same request again, after the wait or the backoff
    REFRESH_AND_RETRY = "refresh_and_retry"  # re-read or refresh first, then anew
    POLL = "poll"  # ask again at an interval until the state changes
    RETRY_AFTER_FIX = "retry_after_fix"  # change request, config or billing first
    RESCHEDULE = "reschedule"  # the wait is longer than the caller's max_wait
    DO_NOT_RETRY = "do_not_retry"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    RetryAction.RETRY: "Retry",
    RetryAction.REFRESH_AND_RETRY: "Refresh, then send a new request",
    RetryAction.POLL: "Poll until the state changes",
    RetryAction.RETRY_AFTER_FIX: "Retry after fixing the cause",
    RetryAction.RESCHEDULE: "Reschedule (the wait is too long to sleep on)",
    RetryAction.DO_NOT_RETRY: "Do not retry",
}

# Actions that send the same request again (now, after a wait, or later).
RESENDING_ACTIONS = frozenset(
    {RetryAction.RETRY, RetryAction.POLL, RetryAction.RESCHEDULE}
)
# The actions an entry can prescribe; "reschedule" only ever comes from a long wait.
ENTRY_ACTIONS = tuple(a for a in RetryAction if a is not RetryAction.RESCHEDULE)


class Retryable(StrEnum):
    """An entry's retry label as editors and readers see it."""

    ALWAYS = "always"
    CONDITIONAL = "conditional"
    NEVER = "never"


class FixableBy(StrEnum):
    CALLER_CODE = "caller_code"
    CALLER_CONFIG = "caller_config"
    ACCOUNT = "account"
    CALLER_INFRA = "caller_infra"
    PROVIDER = "provider"
    END_USER = "end_user"


class Layer(StrEnum):
    """Which layer of the path between caller and service produced a response."""

    STANDARD = "standard"
    API = "api"
    EDGE = "edge"
    PROXY = "proxy"
    ORIGIN = "origin"
    UNKNOWN = "unknown"  # only in answers: no layer could be told


class Tier(StrEnum):
    """Curated entries are written by people; reference entries are imported from
    the providers' own machine-readable lists and carry only facts."""

    CURATED = "curated"
    REFERENCE = "reference"


class Decision(StrEnum):
    """Which rule decided the retry action, in the order they are consulted."""

    PROVIDER_SIGNAL = "provider_signal"  # Stripe-Should-Retry, x-should-retry, …
    ENTRY = "entry"  # the matched entry's own policy
    PROVIDER_RULES = "provider_rules"  # the provider SDK's classes for unlisted codes
    FAMILY = "family"  # the words of the code itself (…AlreadyExists, …_rate_limit)
    MESSAGE = "message"  # cues in the message (quota and billing, "try again")
    STATUS_CLASS = "status_class"  # only the status was left


class ProviderSource(StrEnum):
    GIVEN = "given"
    GIVEN_UNKNOWN = "given, not in the catalogue"
    URL = "url"
    HEADER = "header"
    BODY = "body"
    CODE = "code"  # a body's code, status and message agree with one API's entry
    NONE = "none"


class LookupInputError(ValueError):
    """The request cannot be looked up as given; ``field`` names the culprit."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class Limits:
    """How much of a request the engine examines; the server passes its settings."""

    body_chars: int = 65_536
    max_headers: int = 200
    header_chars: int = 8_192


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
class RetryPolicy:
    """What an entry (or a class rule) prescribes; the advice is derived from it."""

    retryable: Retryable
    fixable_by: FixableBy
    base_delay: float = 1.0
    max_attempts: int = 3
    idempotent_only: bool = True
    action: RetryAction | None = None  # None: derived from retryable and fixable_by
    refresh: str = ""  # for refresh_and_retry: what to re-read or refresh

    def __post_init__(self) -> None:
        # Accept the vocabularies' plain values too ("never"), as the content does.
        object.__setattr__(self, "retryable", Retryable(self.retryable))
        object.__setattr__(self, "fixable_by", FixableBy(self.fixable_by))
        if self.action is not None:
            object.__setattr__(self, "action", RetryAction(self.action))

    def resolved_action(self) -> RetryAction:
        if self.action is not None:
            return self.action
        if self.retryable is Retryable.NEVER:
            if self.fixable_by in (FixableBy.CALLER_CONFIG, FixableBy.ACCOUNT):
                return RetryAction.RETRY_AFTER_FIX
            return RetryAction.DO_NOT_RETRY
        return RetryAction.RETRY


@dataclass(frozen=True)
class Match:
    error_id: int | None  # None only when the knowledge base lacks even a class entry
    provider: str
    code: str
    title: str
    confidence: float
    matched_on: tuple[str, ...]
    layer: Layer
    generic: bool = False  # a status or format entry, not the provider's own code


@dataclass(frozen=True)
class RetryAdvice:
    action: RetryAction
    after_seconds: float | None
    wait_source: str | None  # the header or field the wait came from, or "backoff"
    source: str  # the rule that decided: "<Decision>:<detail>"
    max_attempts: int
    backoff: dict[str, Any] | None  # {"base", "multiplier", "cap", "jitter"}
    idempotent_only: bool | None  # None unless the action resends the same request
    refresh: str | None = None  # for refresh_and_retry: what to re-read first
    fix_by: FixableBy | None = None  # for retry_after_fix: who must change something
    notes: tuple[str, ...] = ()

    @property
    def retryable(self) -> bool:
        """Whether the same request may be sent again (now, later or on a poll)."""
        return self.action in RESENDING_ACTIONS


@dataclass(frozen=True)
class ItemResult:
    """One failing item of a batch response."""

    position: int
    id: str | None
    status: int | None
    match: Match
    retry: RetryAdvice
    message: str = ""


@dataclass(frozen=True)
class BatchSummary:
    format: str  # which batch shape was read
    total: int  # items seen
    failed: int
    resend: tuple[int, ...]  # positions worth sending again
    resend_whole_batch_safe: bool
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProviderGuess:
    """Who sent the response, and how sure the inference is."""

    slug: str | None
    source: ProviderSource
    confidence: float  # 1.0 given or from the URL; less for headers and body shapes
    given_unknown: str | None = None  # a provider named by the caller we do not know


@dataclass(frozen=True)
class LookupResult:
    match: Match
    alternatives: tuple[Match, ...]
    retry: RetryAdvice
    provider: str | None  # the provider given or inferred
    provider_source: ProviderSource
    codes: tuple[Signal, ...]
    message: str  # the redacted message found in the body, if any
    unrecognised_codes: tuple[str, ...]
    notes: tuple[str, ...] = ()
    provider_confidence: float = 0.0
    unknown_provider: str | None = None  # named by the caller, not in the catalogue
    family: str | None = None  # the family the code's words or message name
    items: tuple[ItemResult, ...] = ()
    batch: BatchSummary | None = None
