"""Retry advice: how long a response asks us to wait, and what a caller should do.

Every retry-related header and body field is parsed here and nowhere else.
"""

import datetime
import email.utils
import math
from dataclasses import dataclass
from typing import Any

import re2

from kb.lookup.types import RetryAdvice

MAX_SANE_WAIT = 7 * 24 * 3600  # a wait longer than a week is a bug, not advice
EPOCH_THRESHOLD = 1_000_000_000  # X-RateLimit-Reset above this is a Unix time
BACKOFF_CAP = 60.0

# Go-style durations as OpenAI sends them ("6m0s", "1ms", "20.5s") and Google's
# protobuf Duration strings ("30s", "1.5s").
DURATION_PART = re2.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|h|m|s)")
DURATION_WHOLE = re2.compile(r"^(?:[0-9]+(?:\.[0-9]+)?(?:ms|h|m|s))+$")
UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


@dataclass(frozen=True)
class Wait:
    seconds: float
    source: str


@dataclass(frozen=True)
class RetryPolicy:
    """The parts of an entry that decide the advice."""

    retryable: str  # always | conditional | never
    fixable_by: str
    base_delay: float
    max_attempts: int
    idempotent_only: bool


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


class WaitParser:
    """Reads every wait hint of one response, keeping notes on what it ignored."""

    def __init__(self, headers: dict[str, str], body: Any, now: datetime.datetime):
        self.headers = headers
        self.body = body
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
        """X-RateLimit-Reset style: epoch seconds or a delta, used only once the
        matching Remaining header says the allowance is spent (or is absent)."""
        raw = self.headers.get(name)
        if raw is None or self.headers.get(remaining, "0").strip() not in ("0", "0.0"):
            return None
        value = parse_number(raw)
        if value is not None and value > EPOCH_THRESHOLD:
            value = value - self.now.timestamp()
            if value < 0:
                self.notes.append(f"header:{name}: the reset time has passed; ignored")
                return None
        return self.accept(value, f"header:{name}", raw)

    def openai_resets(self) -> Wait | None:
        waits = []
        for kind in ("requests", "tokens"):
            raw = self.headers.get(f"x-ratelimit-reset-{kind}")
            spent = self.headers.get(f"x-ratelimit-remaining-{kind}", "").strip() == "0"
            if raw is not None and spent:
                wait = self.accept(
                    parse_duration(raw), f"header:x-ratelimit-reset-{kind}", raw
                )
                if wait:
                    waits.append(wait)
        return max(waits, key=lambda w: w.seconds) if waits else None

    def body_field(self) -> Wait | None:
        if not isinstance(self.body, dict):
            return None
        if "retry_after" in self.body:
            raw = self.body["retry_after"]
            seconds = parse_number(str(raw)) if not isinstance(raw, bool) else None
            if seconds is not None:
                seconds = math.ceil(seconds)
            return self.accept(seconds, "body.retry_after", str(raw))
        error = self.body.get("error")
        details = error.get("details") if isinstance(error, dict) else None
        for detail in details[:10] if isinstance(details, list) else []:
            if isinstance(detail, dict) and isinstance(detail.get("retryDelay"), str):
                raw = detail["retryDelay"]
                return self.accept(
                    parse_duration(raw), "body.error.details[].retryDelay", raw
                )
        return None

    def first(self) -> Wait | None:
        """The most authoritative hint present, in a fixed order of precedence."""
        for read in (
            self.retry_after,
            lambda: self.milliseconds("x-amz-retry-after"),
            lambda: self.milliseconds("retry-after-ms"),
            lambda: self.reset("ratelimit-reset", "ratelimit-remaining"),
            lambda: self.delta("x-ratelimit-reset-after"),
            lambda: self.reset("x-ratelimit-reset", "x-ratelimit-remaining"),
            self.openai_resets,
            self.body_field,
        ):
            if wait := read():
                return wait
        return None


def advise(
    policy: RetryPolicy,
    headers: dict[str, str],
    body: Any,
    max_wait: float,
    now: datetime.datetime | None = None,
) -> RetryAdvice:
    """What to do about a response matched to an entry with ``policy``."""
    parser = WaitParser(headers, body, now or datetime.datetime.now(datetime.UTC))
    wait = parser.first()
    notes = parser.notes
    if policy.retryable == "never":
        action = (
            "retry_after_fix"
            if policy.fixable_by in ("caller_config", "account")
            else "do_not_retry"
        )
        if wait is not None:
            notes.append(f"{wait.source} is ignored: waiting does not fix this error")
        return RetryAdvice(
            action, None, None, 0, None, policy.idempotent_only, tuple(notes)
        )
    backoff = None
    if wait is None:
        backoff = {"base": policy.base_delay, "multiplier": 2.0,
                   "cap": min(BACKOFF_CAP, max_wait), "jitter": "full"}  # fmt: skip
    action = "retry"
    if wait is not None and wait.seconds > max_wait:
        action = "reschedule"
        notes.append(
            f"the wait of {wait.seconds:g}s is longer than max_wait ({max_wait:g}s)"
        )
    return RetryAdvice(
        action=action,
        after_seconds=wait.seconds if wait else None,
        source=wait.source if wait else "backoff",
        max_attempts=policy.max_attempts,
        backoff=backoff,
        idempotent_only=policy.idempotent_only,
        notes=tuple(notes),
    )
