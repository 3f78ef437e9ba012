"""The family an error belongs to, read from the words of its code and its message.

When the catalogue has no entry for a code (an unknown provider, or a code the
provider added yesterday), the code usually still names its family:
``VersionConflictEngineException``, ``resource_already_exists``, ``LOGIN_REQUIRED``,
``tenant_rate_limit``. And messages say what the status alone cannot: "You exceeded
your current quota, please check your plan and billing details" asks for a change,
"please try again in a few seconds" for a wait. Both are tables, consulted in order:
the first row that matches decides.
"""

from dataclasses import dataclass

import re2

from kb.lookup.types import FixableBy, Retryable, RetryAction, RetryPolicy

CAMEL_BOUNDARY = re2.compile(r"([a-z0-9])([A-Z])|([A-Z]+)([A-Z][a-z])")
WORD_SPLIT = re2.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Family:
    name: str  # a catalogue category: rate_limit, quota, conflict, …
    policy: RetryPolicy


def policy(
    action: RetryAction,
    fixable_by: FixableBy,
    base_delay: float = 1.0,
    refresh: str = "",
    idempotent_only: bool = True,
) -> RetryPolicy:
    retryable = {
        RetryAction.RETRY: Retryable.ALWAYS,
        RetryAction.POLL: Retryable.ALWAYS,
        RetryAction.REFRESH_AND_RETRY: Retryable.CONDITIONAL,
    }.get(action, Retryable.NEVER)
    return RetryPolicy(retryable, fixable_by, base_delay, 3 if retryable else 0,
                       idempotent_only, action, refresh)  # fmt: skip


RATE_LIMIT = Family(
    "rate_limit",
    policy(RetryAction.RETRY, FixableBy.CALLER_CODE, 2.0, idempotent_only=False),
)
QUOTA = Family("quota", policy(RetryAction.RETRY_AFTER_FIX, FixableBy.ACCOUNT))
PAYMENT = Family("payment", policy(RetryAction.DO_NOT_RETRY, FixableBy.END_USER))
CONFLICT = Family(
    "conflict",
    policy(
        RetryAction.REFRESH_AND_RETRY,
        FixableBy.CALLER_CODE,
        refresh="re-read the resource's current state or version",
    ),  # fmt: skip
)
EXISTS = Family("conflict", policy(RetryAction.DO_NOT_RETRY, FixableBy.CALLER_CODE))
EXPIRED = Family(
    "authentication",
    policy(
        RetryAction.REFRESH_AND_RETRY,
        FixableBy.CALLER_CODE,
        refresh="obtain a fresh token, session or resource before sending again",
    ),  # fmt: skip
)
REAUTH = Family(
    "authentication",
    policy(
        RetryAction.REFRESH_AND_RETRY,
        FixableBy.END_USER,
        refresh="have the user sign in again",
    ),  # fmt: skip
)
AUTHENTICATION = Family(
    "authentication", policy(RetryAction.RETRY_AFTER_FIX, FixableBy.CALLER_CONFIG)
)
AUTHORIZATION = Family(
    "authorization", policy(RetryAction.RETRY_AFTER_FIX, FixableBy.CALLER_CONFIG)
)
VALIDATION = Family(
    "validation", policy(RetryAction.DO_NOT_RETRY, FixableBy.CALLER_CODE)
)
NOT_FOUND = Family("not_found", policy(RetryAction.DO_NOT_RETRY, FixableBy.CALLER_CODE))
PENDING = Family("poll", policy(RetryAction.POLL, FixableBy.END_USER, 5.0))
TIMEOUT = Family("timeout", policy(RetryAction.RETRY, FixableBy.PROVIDER, 1.0))
IN_PROGRESS = Family(
    "conflict",
    policy(RetryAction.RETRY, FixableBy.CALLER_CODE, 2.0, idempotent_only=False),
)
UNAVAILABLE = Family(
    "server",
    policy(RetryAction.RETRY, FixableBy.PROVIDER, 1.0, idempotent_only=False),
)
SERVER = Family("server", policy(RetryAction.RETRY, FixableBy.PROVIDER, 1.0))

# Words of a code, after splitting camelCase, snake_case, dots and dashes. A row
# matches when all the words of one of its phrases appear in the code, in order.
# Phrases that would be read into other families come first ("quota" before
# "exceeded", "already exists" before "exists").
CODE_WORDS: tuple[tuple[tuple[str, ...], Family], ...] = (
    (("do", "not", "try"), PAYMENT),  # Stripe's do_not_try_again: a final decline
    (("do", "not", "retry"), VALIDATION),
    (("retryable",), UNAVAILABLE),  # "RetryableConflictException" says so itself
    (("in", "progress"), IN_PROGRESS),
    (("key", "in", "use"), IN_PROGRESS),
    (("already", "exists"), EXISTS),
    (("already", "exist"), EXISTS),
    (("duplicate",), EXISTS),
    (("conflict",), CONFLICT),
    (("version", "mismatch"), CONFLICT),
    (("precondition",), CONFLICT),
    (("concurrent", "modification"), CONFLICT),
    (("optimistic", "lock"), CONFLICT),
    (("locked",), CONFLICT),
    (("insufficient", "funds"), PAYMENT),
    (("card", "declined"), PAYMENT),
    (("declined",), PAYMENT),
    (("expired", "card"), PAYMENT),
    (("card", "expired"), PAYMENT),
    (("card",), PAYMENT),  # card_velocity_exceeded is a decline, not a rate limit
    (("insufficient", "quota"), QUOTA),
    (("insufficient", "balance"), QUOTA),
    (("insufficient", "credits"), QUOTA),
    (("quota",), QUOTA),
    (("billing", "address"), VALIDATION),
    (("not", "supported"), VALIDATION),
    (("billing",), QUOTA),
    (("payment", "required"), QUOTA),
    (("daily", "limit"), QUOTA),
    (("monthly", "limit"), QUOTA),
    (("usage", "limit"), QUOTA),
    (("plan", "limit"), QUOTA),
    (("rate", "limit"), RATE_LIMIT),
    (("ratelimit",), RATE_LIMIT),
    (("ratelimited",), RATE_LIMIT),
    (("rate", "limited"), RATE_LIMIT),
    (("throttl",), RATE_LIMIT),  # prefix: throttled, throttling
    (("too", "many", "requests"), RATE_LIMIT),
    (("too", "many", "calls"), RATE_LIMIT),
    (("slow", "down"), RATE_LIMIT),
    (("rejected", "execution"), RATE_LIMIT),
    (("authorization", "pending"), PENDING),
    (("login", "required"), REAUTH),
    (("reauth",), REAUTH),
    (("interaction", "required"), REAUTH),
    (("consent", "required"), REAUTH),
    (("expired",), EXPIRED),
    (("expire",), EXPIRED),
    (("unauthenticated",), AUTHENTICATION),
    (("unrecognized", "client"), AUTHENTICATION),
    (("signature",), AUTHENTICATION),
    (("unauthorized",), AUTHENTICATION),
    (("authentication",), AUTHENTICATION),
    (("invalid", "token"), AUTHENTICATION),
    (("invalid", "credentials"), AUTHENTICATION),
    (("invalid", "api", "key"), AUTHENTICATION),
    (("invalid", "client"), AUTHENTICATION),
    (("invalid", "grant"), AUTHENTICATION),
    (("bad", "credentials"), AUTHENTICATION),
    (("permission",), AUTHORIZATION),
    (("forbidden",), AUTHORIZATION),
    (("denied",), AUTHORIZATION),
    (("scope",), AUTHORIZATION),
    (("not", "authorized"), AUTHORIZATION),
    (("unauthorised",), AUTHENTICATION),
    (("not", "found"), NOT_FOUND),
    (("notfound",), NOT_FOUND),
    (("no", "such"), NOT_FOUND),
    (("missing", "resource"), NOT_FOUND),
    (("does", "not", "exist"), NOT_FOUND),
    (("timeout",), TIMEOUT),
    (("timed", "out"), TIMEOUT),
    (("deadline",), TIMEOUT),
    (("unavailable",), UNAVAILABLE),
    (("overloaded",), UNAVAILABLE),
    (("capacity",), UNAVAILABLE),
    (("temporarily",), UNAVAILABLE),
    (("try", "again"), UNAVAILABLE),
    (("internal",), SERVER),
    (("server", "error"), SERVER),
    (("backend", "error"), SERVER),
    (("size", "exceeded"), VALIDATION),
    (("length", "exceeded"), VALIDATION),
    (("amount", "exceeded"), VALIDATION),
    (("limit", "exceeded"), RATE_LIMIT),  # a resource's own limit: see resource_limit
    (("invalid",), VALIDATION),
    (("malformed",), VALIDATION),
    (("required",), VALIDATION),
    (("missing",), VALIDATION),
    (("validation",), VALIDATION),
    (("unprocessable",), VALIDATION),
    (("bad", "request"), VALIDATION),
    (("parse",), VALIDATION),
    (("too", "large"), VALIDATION),
    (("too", "long"), VALIDATION),
    (("unsupported",), VALIDATION),
)

# Words any API may use in its codes: a code made only of these ("Conflict",
# "NotFound", "InvalidRequest", "TooManyRequestsException") does not name its
# provider, however often one provider uses it.
COMMON_WORDS = frozenset({
    "a", "access", "account", "already", "api", "argument", "auth", "authentication",
    "authorization", "bad", "busy", "conflict", "content", "denied", "entity", "error",
    "errors", "exceeded", "exception", "exists", "expired", "failed", "failure",
    "forbidden", "found", "gateway", "gone", "input", "internal", "invalid", "large",
    "length", "limit", "many", "method", "missing", "not", "object", "operation",
    "parameter", "payload", "permission", "precondition", "quota", "rate", "request",
    "requests", "required", "resource", "server", "service", "timeout", "too", "type",
    "unauthorized", "unavailable", "unknown", "unprocessable", "unsupported",
    "validation", "value",
})  # fmt: skip

# Cues in a message, as RE2 patterns over its lower-case text. Quota and billing
# come before the words that also appear in rate-limit messages ("exceeded").
MESSAGE_CUES: tuple[tuple[str, Family], ...] = (
    (r"\b(?:check your plan|billing details|billing account|add (?:a )?payment"
     r"|insufficient (?:balance|funds|credits?|quota)|credit balance|out of credits"
     r"|upgrade your (?:plan|account|subscription)|payment required"
     r"|exceeded your (?:current )?quota|quota (?:has been |was )?exhausted"
     r"|quota exceeded|exceeded (?:the |your )?(?:daily|monthly) (?:limit|quota)"
     r"|(?:daily|monthly) (?:limit|quota) (?:has been |was )?(?:reached|exceeded))",
     QUOTA),
    (r"\b(?:rate.?limit|too many requests|slow down|throttl|requests? per "
     r"(?:second|minute|hour)|try again (?:in|after|later)|retry (?:in|after|later)"
     r"|please wait)", RATE_LIMIT),
    (r"\b(?:already|still|currently) (?:being processed|in progress)"
     r"|\bis in progress", IN_PROGRESS),
    (r"\balready (?:been )?(?:paid|refunded|cancell?ed|captured|voided|processed"
     r"|completed|exists?|taken|used|registered)", EXISTS),
    (r"\b(?:access[ _-]?token|oauth2? token|auth(?:entication)? token|bearer token"
     r"|token|jwt|session)s?\b[^.]{0,40}?\b(?:has |have |is |was )?expired\b"
     r"|\bexpired (?:access[ _-]?token|oauth2? token|token|jwt|session)", EXPIRED),
    (r"\b(?:invalid|incorrect|wrong|missing|expired|revoked|unknown) (?:api[ _-]?key"
     r"|access[ _-]?token|auth(?:entication)? token|token|credentials|secret key)"
     r"|\bauthentication (?:failed|required)", AUTHENTICATION),
    (r"\b(?:overloaded|temporarily unavailable|service unavailable|at capacity"
     r"|high demand|please try again|busy)\b", UNAVAILABLE),
)  # fmt: skip
MESSAGE_CUE_PATTERNS = tuple((re2.compile(p), f) for p, f in MESSAGE_CUES)


def code_words(code: str) -> list[str]:
    """ "VersionConflictEngineException" → ["version", "conflict", "engine", …]."""
    spaced = CAMEL_BOUNDARY.sub(r"\1\3 \2\4", code)
    return [w for w in WORD_SPLIT.split(spaced.lower()) if w]


def contains_in_order(words: list[str], phrase: tuple[str, ...]) -> bool:
    """Whether the phrase's words appear in order; only its last word may be a
    prefix ("throttl" matches "throttled")."""
    position = 0
    for word in words:
        if position == len(phrase):
            break
        wanted = phrase[position]
        last = position == len(phrase) - 1
        if word == wanted or (last and word.startswith(wanted)):
            position += 1
    return position == len(phrase)


# Words before "limit" that make it a rate ("RequestLimitExceeded") rather than a
# count of resources ("VpcLimitExceeded", "AddressLimitExceeded"): a quota.
RATE_NOUNS = frozenset({"rate", "request", "requests", "api", "call", "calls",
                        "throughput", "bandwidth", "concurrent", "concurrency",
                        "throttle", "throttling", "burst", "limit"})  # fmt: skip


def resource_limit(words: list[str]) -> bool:
    """ "VpcLimitExceeded": a limit on how many of something exist, not a rate."""
    if "limit" not in words or "exceeded" not in words:
        return False
    at = words.index("limit")
    before = words[at - 1] if at else ""
    return bool(before) and before not in RATE_NOUNS and not before.isdigit()


def family_of_code(code: str) -> Family | None:
    """The family a code's own words name, or None if they name none."""
    words = code_words(code)
    if not words or all(w.isdigit() for w in words):
        return None
    if resource_limit(words):
        return QUOTA
    for phrase, family in CODE_WORDS:
        if contains_in_order(words, phrase):
            return family
    return None


def family_of_message(message: str) -> tuple[Family, str] | None:
    """The family a message's cues name, with the cue found."""
    text = message[:2000].lower()
    for pattern, family in MESSAGE_CUE_PATTERNS:
        if found := pattern.search(text):
            return family, found.group(0)
    return None
