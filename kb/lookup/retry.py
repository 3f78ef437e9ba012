"""Retry advice: how long a response asks us to wait, and what a caller should do.

Every retry-related header, body field and message phrase is parsed here and nowhere
else. The decision is taken in one fixed order (``advise``):

1. the provider's explicit signal (``Stripe-Should-Retry``, ``x-should-retry``,
   Google's ``RetryInfo``): the provider knows best, and its own SDK obeys it;
2. the matched entry's policy, when the match is the provider's own entry;
3. the provider's class rules for codes the catalogue lacks (its SDK's throttling
   and transient lists, AWS's sender or receiver fault);
4. the family named by the code's own words;
5. cues in the message ("check your plan and billing" or "try again in 20s") and
   rate-limit headers that say the allowance is spent;
6. the status class (the generic entry for the status).

The engine hands in the candidates of steps 2–6 in that order as ``Verdict``s; the
first one present decides, unless a provider's explicit signal overrides it.
"""

import datetime
import email.utils
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import re2

from kb.lookup.types import (
    RESENDING_ACTIONS,
    Decision,
    FixableBy,
    Retryable,
    RetryAction,
    RetryAdvice,
    RetryPolicy,
)

MAX_SANE_WAIT = 7 * 24 * 3600  # a wait longer than a week is a bug, not advice
EPOCH_THRESHOLD = 1_000_000_000  # X-RateLimit-Reset above this is a Unix time
EPOCH_MS_THRESHOLD = 1_000_000_000_000  # … and above this, in milliseconds
BACKOFF_CAP = 60.0
POLL_DEFAULT = 5.0  # RFC 8628 section 3.5: the default polling interval
SLOW_DOWN_STEP = 5.0  # … and what slow_down adds to it

# Go-style durations as OpenAI sends them ("6m0s", "1ms", "20.5s") and Google's
# protobuf Duration strings ("30s", "1.5s").
DURATION_PART = re2.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|h|m|s)")
DURATION_WHOLE = re2.compile(r"^(?:[0-9]+(?:\.[0-9]+)?(?:ms|h|m|s))+$")
UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}

# A wait written in a message, only after words that mean "try again after it":
# "Please try again in 1.5s", "retry after 90 seconds", "wait 2 minutes",
# "Try again in 2h3m0s", "available again in an hour". A bare number counts only
# right after "retry after" ("Too Many Requests: retry after 5", as Telegram writes).
UNIT = (
    r"(?:ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d"
    r"|days?)\b"
)
MESSAGE_WAIT = re2.compile(
    r"(?i)\b(?:try(?:ing)? (?:it )?again|retry(?:ing)?|wait(?:ing)?|back off"
    r"|available again|resets?)(?: the request| your request| it)?"
    r"\s+(?:in|after|for)?\s*(?:about|approximately|at least|~)?\s*"
    r"((?:[0-9]+(?:\.[0-9]+)?(?:ms|h|m|s)){2,4}\b"
    r"|(?:[0-9]+(?:\.[0-9]+)?\s*" + UNIT + r"\s*){1,4}"
    r"|an? (?:second|minute|hour|day)\b)"
    r"|\bretry[ _-]after[\s:=]+([0-9]+(?:\.[0-9]+)?)\b"
)  # fmt: skip
MESSAGE_WAIT_PART = re2.compile(
    r"(?i)([0-9]+(?:\.[0-9]+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?"
    r"|minutes?|h|hrs?|hours?|d|days?)?"
)
WORD_UNITS = {"ms": 0.001, "millisecond": 0.001, "milliseconds": 0.001, "s": 1.0,
              "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0, "m": 60.0,
              "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0, "h": 3600.0,
              "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
              "d": 86400.0, "day": 86400.0, "days": 86400.0}  # fmt: skip
SHOULD_RETRY_TRUE = frozenset({"true", "1", "yes"})
SHOULD_RETRY_FALSE = frozenset({"false", "0", "no"})


@dataclass(frozen=True)
class Wait:
    seconds: float
    source: str


@dataclass(frozen=True)
class Verdict:
    """One rule's answer: which rule, about what, and the policy it implies."""

    decision: Decision
    detail: str
    policy: RetryPolicy

    @property
    def source(self) -> str:
        return f"{self.decision}:{self.detail}" if self.detail else str(self.decision)


def parse_number(value: str) -> float | None:
    try:
        number = float(value.strip())
    except (ValueError, AttributeError):
        return None
    return number if math.isfinite(number) else None


def parse_duration(value: str) -> float | None:
    """Seconds in "6m0s", "1ms", "30s"; None if it is not such a duration."""
    value = value.strip().strip('"')
    if not DURATION_WHOLE.match(value):
        return None
    return sum(
        float(n) * UNIT_SECONDS[unit] for n, unit in DURATION_PART.findall(value)
    )


def parse_spoken_duration(text: str) -> float | None:
    """Seconds in "1.5s", "90 seconds", "1m30s", "2 minutes", "an hour", "5"."""
    text = text.strip().lower()
    if text.startswith(("a ", "an ")):
        return WORD_UNITS.get(text.split()[-1])
    total, found = 0.0, False
    for number, unit in MESSAGE_WAIT_PART.findall(text):
        total += float(number) * WORD_UNITS.get(unit.lower() if unit else "s", 1.0)
        found = True
    return total if found else None


def parse_http_date(value: str) -> datetime.datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return parsed


def response_now(headers: dict[str, str], now: datetime.datetime) -> datetime.datetime:
    """The response's own clock (its Date header) when it has one, else ours."""
    return parse_http_date(headers.get("date", "")) or now


def is_spent(value: str | None) -> bool:
    return value is not None and value.strip() in ("0", "0.0")


class WaitParser:
    """Reads every wait hint of one response, keeping notes on what it ignored."""

    def __init__(
        self,
        headers: dict[str, str],
        body: Any,
        now: datetime.datetime,
        message: str = "",
        throttled: bool = False,
    ):
        self.headers = headers
        self.body = body
        self.message = message
        # A 429: the response itself says a limit refused the request.
        self.throttled = throttled
        self.now = response_now(headers, now)
        self.notes: list[str] = []

    def accept(self, seconds: float | None, source: str, raw: str) -> Wait | None:
        if seconds is None:
            self.notes.append(f"{source}: could not read {raw[:40]!r}; ignored")
            return None
        if seconds < 0:
            self.notes.append(f"{source}: negative wait {raw[:40]!r}; ignored")
            return None
        if seconds > MAX_SANE_WAIT:
            self.notes.append(f"{source}: implausible wait of {seconds:.0f}s; ignored")
            return None
        return Wait(round(seconds, 3), source)

    def retry_after(self) -> Wait | None:
        raw = self.headers.get("retry-after")
        if raw is None:
            return None
        seconds = parse_number(raw)
        if seconds is None and (when := parse_http_date(raw)):
            seconds = max(0.0, (when - self.now).total_seconds())
        return self.accept(seconds, "header:retry-after", raw)

    def milliseconds(self, name: str) -> Wait | None:
        raw = self.headers.get(name)
        if raw is None:
            return None
        ms = parse_number(raw)
        return self.accept(ms / 1000 if ms is not None else None, f"header:{name}", raw)

    def delta(self, name: str) -> Wait | None:
        raw = self.headers.get(name)
        if raw is None:
            return None
        return self.accept(parse_number(raw), f"header:{name}", raw)

    def reset(self, name: str, remaining: str) -> Wait | None:
        """X-RateLimit-Reset style: epoch seconds (or milliseconds) or a delta, used
        once the matching Remaining header says the allowance is spent (or is
        absent), and for a delta on a 429."""
        raw = self.headers.get(name)
        if raw is None:
            return None
        left = self.headers.get(remaining, "0").strip() not in ("0", "0.0")
        value = parse_number(raw)
        # Allowance left means this limit did not refuse the request: GitHub sends
        # its limits on every answer, GitLab its general limit (an epoch) beside
        # the per-endpoint one that answered 429. The exception is a 429 whose
        # reset is a number of seconds: Datadog counts the refused request after
        # answering, and its clients wait that long whatever Remaining says.
        is_delta = value is not None and value <= EPOCH_THRESHOLD
        if left and not (self.throttled and is_delta):
            return None
        if value is None and (when := parse_http_date(raw)):
            value = (when - self.now).total_seconds()
        elif value is not None and value > EPOCH_THRESHOLD:
            if value > EPOCH_MS_THRESHOLD:
                value /= 1000
            value = value - self.now.timestamp()
            if value < 0:
                self.notes.append(f"header:{name}: the reset time has passed; ignored")
                return None
        return self.accept(value, f"header:{name}", raw)

    def openai_resets(self) -> Wait | None:
        waits = []
        for kind in ("requests", "tokens"):
            raw = self.headers.get(f"x-ratelimit-reset-{kind}")
            spent = is_spent(self.headers.get(f"x-ratelimit-remaining-{kind}"))
            if raw is not None and spent:
                wait = self.accept(
                    parse_duration(raw), f"header:x-ratelimit-reset-{kind}", raw
                )
                if wait:
                    waits.append(wait)
        return max(waits, key=lambda w: w.seconds) if waits else None

    def body_field(self) -> Wait | None:
        """A wait in a body field: ``retry_after`` (Discord, Telegram under
        ``parameters``), ``retry_in_seconds``, Kubernetes'
        ``details.retryAfterSeconds``, GraphQL ``extensions``, and Google's
        ``RetryInfo.retryDelay``."""
        if not isinstance(self.body, dict):
            return None
        for holder, path in body_holders(self.body):
            for key, raw in holder.items():
                unit = BODY_WAIT_FIELDS.get(str(key).lower())
                if unit is None or isinstance(raw, (bool, dict, list)):
                    continue
                seconds = parse_number(str(raw))
                if seconds is None and isinstance(raw, str):
                    seconds = parse_duration(raw)
                elif seconds is not None:
                    seconds = seconds * unit
                    if unit == 1.0:
                        seconds = math.ceil(seconds)  # Discord: 64.57 → wait 65 s
                return self.accept(seconds, f"{path}.{key}", str(raw))
        if (delay := retry_info_delay(self.body)) is not None:
            return self.accept(
                parse_duration(delay), "body.error.details[].retryDelay", delay
            )
        return None

    def query_cost(self) -> Wait | None:
        """Shopify's GraphQL cost bucket: (requested - available) / restore rate."""
        holders = [h for h, _ in body_holders(self.body)] if isinstance(
            self.body, dict) else []  # fmt: skip
        for holder in holders:
            cost = holder.get("cost") if isinstance(holder, dict) else None
            if not isinstance(cost, dict) and isinstance(
                holder.get("extensions"), dict
            ):
                cost = holder["extensions"].get("cost")
            status = cost.get("throttleStatus") if isinstance(cost, dict) else None
            if not isinstance(status, dict):
                continue
            requested = cost.get("requestedQueryCost")
            available = status.get("currentlyAvailable")
            rate = status.get("restoreRate")
            if all(isinstance(v, (int, float)) and not isinstance(v, bool)
                   for v in (requested, available, rate)) and rate > 0:  # fmt: skip
                seconds = max(0.0, (requested - available) / rate)
                return self.accept(seconds, "body.extensions.cost.throttleStatus",
                                   f"{requested}-{available}/{rate}")  # fmt: skip
        return None

    def in_message(self) -> Wait | None:
        """A wait written in the message: the last source before the backoff."""
        if not self.message:
            return None
        found = MESSAGE_WAIT.search(self.message[:2000])
        if not found:
            return None
        raw = found.group(1) or found.group(2)
        wait = self.accept(parse_spoken_duration(raw), "message", raw)
        if wait:
            self.notes.append(f"the wait was read from the message ({raw.strip()!r})")
        return wait

    def first(self) -> Wait | None:
        """The most authoritative hint present, in a fixed order of precedence."""
        for read in (
            self.retry_after,
            lambda: self.milliseconds("retry-after-ms"),
            lambda: self.milliseconds("x-ms-retry-after-ms"),
            lambda: self.milliseconds("x-amz-retry-after"),
            lambda: self.reset("ratelimit-reset", "ratelimit-remaining"),
            lambda: self.delta("x-ratelimit-reset-after"),
            lambda: self.reset("x-ratelimit-reset", "x-ratelimit-remaining"),
            lambda: self.reset("x-rate-limit-reset", "x-rate-limit-remaining"),
            self.openai_resets,
            self.body_field,
            self.query_cost,
            self.in_message,
        ):
            if wait := read():
                return wait
        return None


# Body fields that carry a wait, and their unit in seconds.
BODY_WAIT_FIELDS = {"retry_after": 1.0, "retryafter": 1.0, "retry_after_seconds": 1.0,
                    "retryafterseconds": 1.0, "retry_in_seconds": 1.0,
                    "retry_in": 1.0, "wait_seconds": 1.0, "retry_after_ms": 0.001,
                    "estimated_time": 1.0,
                    "retryafterms": 0.001}  # fmt: skip
BODY_WAIT_HOLDERS = ("parameters", "error", "errors", "details", "extensions", "data")


def body_holders(body: dict) -> list[tuple[dict, str]]:
    """The body and the objects in it where providers put a wait."""
    holders = [(body, "body")]
    for key in BODY_WAIT_HOLDERS:
        inner = body.get(key)
        if isinstance(inner, dict):
            holders.append((inner, f"body.{key}"))
        elif isinstance(inner, list) and inner and isinstance(inner[0], dict):
            holders.append((inner[0], f"body.{key}[]"))
            extensions = inner[0].get("extensions")
            if isinstance(extensions, dict):
                holders.append((extensions, f"body.{key}[].extensions"))
    return holders


def retry_info_delay(body: Any) -> str | None:
    """Google's ``google.rpc.RetryInfo`` delay, if the body carries one."""
    error = body.get("error") if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    for detail in details[:10] if isinstance(details, list) else []:
        if isinstance(detail, dict) and isinstance(detail.get("retryDelay"), str):
            return detail["retryDelay"]
    return None


def explicit_signal(
    headers: dict[str, str],
    body: Any,
    signal_headers: Iterable[str],
    signal_fields: Iterable[str] = (),
    status: int = 0,
) -> tuple[bool, str] | None:
    """The provider's own instruction, (retry?, where), if it gave one."""
    if status == 413 and "retry-after" in headers:
        # RFC 9110 section 15.5.14: a 413 with Retry-After says the condition is
        # temporary and when the client may try again.
        return True, "header:retry-after on a 413"
    for name in signal_headers:
        raw = headers.get(name)
        if raw is None:
            continue
        value = raw.strip().lower()
        if value in SHOULD_RETRY_TRUE:
            return True, f"header:{name}"
        if value in SHOULD_RETRY_FALSE:
            return False, f"header:{name}"
    for name in signal_fields:
        for holder, path in body_holders(body) if isinstance(body, dict) else ():
            if isinstance(holder.get(name), bool):
                return holder[name], f"{path}.{name}"
    if retry_info_delay(body) is not None:
        return True, "body.error.details[].RetryInfo"
    return None


def rate_limit_spent(headers: dict[str, str]) -> str | None:
    """The name of a header that says the caller's allowance is spent, if any."""
    for name in (
        "x-ratelimit-remaining",
        "ratelimit-remaining",
        "x-rate-limit-remaining",
        "x-ratelimit-remaining-requests",
        "x-ratelimit-remaining-tokens",
    ):
        if is_spent(headers.get(name)):
            return name
    return None


SIGNAL_RETRY = RetryPolicy(Retryable.ALWAYS, FixableBy.PROVIDER, 1.0, 3, False)


def advise(
    verdicts: Sequence[Verdict],
    headers: dict[str, str],
    body: Any,
    max_wait: float,
    now: datetime.datetime | None = None,
    message: str = "",
    signal_headers: Iterable[str] = (),
    signal_fields: Iterable[str] = (),
    status: int = 0,
) -> RetryAdvice:
    """What to do about a response, from the candidate verdicts in decision order
    (the first decides) and the provider's explicit signal, which overrides them."""
    parser = WaitParser(
        headers,
        body,
        now or datetime.datetime.now(datetime.UTC),
        message,
        throttled=status == 429,
    )
    notes: list[str] = []
    verdict = verdicts[0]
    policy = verdict.policy
    action = policy.resolved_action()
    source = verdict.source
    signal = explicit_signal(headers, body, signal_headers, signal_fields, status)
    if signal is not None:
        should_retry, where = signal
        resends = action in RESENDING_ACTIONS
        if should_retry:
            # The provider says this very request may be sent again.
            if not resends:
                notes.append(f"{where} asks for a retry; it overrides {verdict.source}")
                action = RetryAction.RETRY
                policy = SIGNAL_RETRY
            else:
                policy = replace(policy, idempotent_only=False)
        elif not should_retry and resends:
            notes.append(f"{where} says not to retry; it overrides {verdict.source}")
            action = RetryAction.DO_NOT_RETRY
        source = f"{Decision.PROVIDER_SIGNAL}:{where}"
    wait = parser.first()
    notes = parser.notes + notes
    if action not in RESENDING_ACTIONS:
        if wait is not None:
            notes.append(f"{wait.source} is ignored: waiting does not fix this error")
        return RetryAdvice(
            action=action,
            after_seconds=None,
            wait_source=None,
            source=source,
            max_attempts=0,
            backoff=None,
            idempotent_only=None,
            refresh=(policy.refresh or "the state this request depends on")
            if action is RetryAction.REFRESH_AND_RETRY
            else None,
            fix_by=policy.fixable_by if action is RetryAction.RETRY_AFTER_FIX else None,
            notes=tuple(notes),
        )
    if action is RetryAction.POLL and wait is None:
        wait = poll_interval(body, policy)
    backoff = None
    if wait is None:
        backoff = {"base": policy.base_delay, "multiplier": 2.0,
                   "cap": min(BACKOFF_CAP, max_wait), "jitter": "full"}  # fmt: skip
    if wait is not None and wait.seconds > max_wait:
        action = RetryAction.RESCHEDULE
        notes.append(
            f"the wait of {wait.seconds:g}s is longer than max_wait ({max_wait:g}s)"
        )
    return RetryAdvice(
        action=action,
        after_seconds=wait.seconds if wait else None,
        wait_source=wait.source if wait else "backoff",
        source=source,
        max_attempts=max(policy.max_attempts, 1),
        backoff=backoff,
        idempotent_only=policy.idempotent_only,
        notes=tuple(notes),
    )


def poll_interval(body: Any, policy: RetryPolicy) -> Wait:
    """RFC 8628's ``interval`` as the server sent it (it is already the increased
    one after ``slow_down``), else the default, plus 5 s after ``slow_down``."""
    raw = body.get("interval") if isinstance(body, dict) else None
    interval = parse_number(str(raw)) if isinstance(raw, (int, float, str)) else None
    if interval is not None and not 0 < interval <= 3600:
        interval = None
    seconds = interval or max(policy.base_delay, POLL_DEFAULT)
    error = body.get("error") if isinstance(body, dict) else None
    if error == "slow_down" and not interval:
        seconds += SLOW_DOWN_STEP
    return Wait(seconds, "body.interval" if interval else "poll_interval")


def entry_advice(
    policy: RetryPolicy, entry: str, max_wait: float = 60.0
) -> RetryAdvice:
    """The advice an entry gives on its own, for a response that names no wait:
    what the error page shows in its retry box."""
    return advise([Verdict(Decision.ENTRY, entry, policy)], {}, None, max_wait)
