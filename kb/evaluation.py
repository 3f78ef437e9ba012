"""How right the lookup is on real responses: the figures ``make eval`` prints.

Three sets of cases are replayed through the lookup, each with the provider named and
without it: the catalogue's own examples (each must come back as its own entry), the
shared samples when a checkout has them, and the real responses collected in
``tests/data/responses/``. Each answer is compared with what a careful client would
do, and the same cases are scored for urllib3's status-only rule
(``Retry(status_forcelist=[429, 500, 502, 503, 504])``), which most services run.
"""

import datetime
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.lookup.retry import parse_http_date, parse_number
from kb.lookup.types import RESENDING_ACTIONS, LookupResult

URLLIB3_FORCELIST = frozenset({429, 500, 502, 503, 504})
URLLIB3_RETRY_AFTER = frozenset({413, 429, 503})


@dataclass(frozen=True)
class Case:
    id: str
    set: str  # examples | samples | responses
    provider: str | None
    status: int
    headers: dict[str, str]
    body: str
    url: str | None
    code: str | None  # the expected code, lower case
    code_any: frozenset[str]
    retryable: bool | None
    action: str | None
    wait: float | None
    batch_failed: int | None = None


@dataclass
class Outcome:
    case: Case
    given: bool  # the provider was named
    answered: bool  # no 4xx: the lookup gave an answer
    code_ok: bool | None
    action_ok: bool | None
    precise_ok: bool | None
    wait_ok: bool | None
    false_provider: bool
    batch_ok: bool | None
    got: str


@dataclass
class Tally:
    total: int = 0
    answered: int = 0
    code: list[int] = field(default_factory=lambda: [0, 0])
    action: list[int] = field(default_factory=lambda: [0, 0])
    precise: list[int] = field(default_factory=lambda: [0, 0])
    wait: list[int] = field(default_factory=lambda: [0, 0])
    batch: list[int] = field(default_factory=lambda: [0, 0])
    false_provider: int = 0

    def add(self, outcome: Outcome) -> None:
        self.total += 1
        self.answered += outcome.answered
        self.false_provider += outcome.false_provider
        for name in ("code", "action", "precise", "wait", "batch"):
            ok = getattr(outcome, f"{name}_ok")
            if ok is not None:
                counts = getattr(self, name)
                counts[0] += ok
                counts[1] += 1


def ratio(counts: list[int]) -> float | None:
    return counts[0] / counts[1] if counts[1] else None


def read_cases(path: Path, set_name: str) -> list[Case]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        raw = json.loads(line)
        expect = raw.get("expect", {})
        batch = expect.get("batch") or {}
        cases.append(
            Case(
                id=raw.get("id") or f"{path.name}:{number}",
                set=set_name,
                provider=raw.get("provider"),
                status=raw["status"],
                headers=raw.get("headers") or {},
                body=raw.get("body") or "",
                url=raw.get("url"),
                code=str(expect["code"]).lower() if expect.get("code") else None,
                code_any=frozenset(
                    str(c).lower() for c in expect.get("code_any") or ()
                ),
                retryable=expect.get("retryable"),
                action=expect.get("action"),
                wait=expect.get("retry_after_s"),
                batch_failed=batch.get("failed"),
            )
        )
    return cases


def read_case_files(paths: Iterable[Path], set_name: str) -> list[Case]:
    return [case for path in sorted(paths) for case in read_cases(path, set_name)]


def wait_close(got: float | None, expected: float) -> bool:
    return got is not None and abs(got - expected) <= max(1.0, 0.1 * expected)


def judge(
    case: Case, given: bool, result: LookupResult | None, known: set[str]
) -> Outcome:
    """Score one answer; ``result`` is None when the lookup refused the request."""
    if result is None:
        return Outcome(case, given, False, False if case.code else None,
                       False if case.retryable is not None else None,
                       False if case.action else None,
                       False if case.wait is not None else None, False,
                       False if case.batch_failed else None, "refused")  # fmt: skip
    advice = result.retry
    in_catalogue = case.provider is None or case.provider in known
    code_ok = None
    if case.set == "examples":
        code_ok = f"{result.match.provider}/{result.match.code}".lower() == case.code
    elif case.code and in_catalogue:
        code_ok = result.match.code.lower() in {case.code, *case.code_any}
    action_ok = None
    if case.retryable is not None:
        action_ok = (advice.action in RESENDING_ACTIONS) == case.retryable
    precise_ok = advice.action == case.action if case.action else None
    wait_ok = (
        wait_close(advice.after_seconds, case.wait) if case.wait is not None else None
    )
    inferred = result.provider
    expected_provider = case.provider if case.provider in known else None
    false_provider = (
        not given
        and inferred is not None
        and inferred != expected_provider
        and result.provider_source not in ("none",)
        and inferred not in STANDARD_LAYERS
    )
    batch_ok = None
    if case.batch_failed:
        batch_ok = result.batch is not None and result.batch.failed == case.batch_failed
    wrong = [
        name
        for name, ok in (
            ("code", code_ok),
            ("action", action_ok),
            ("wait", wait_ok),
            ("batch", batch_ok),
        )
        if ok is False
    ]
    if false_provider:
        wrong.append(f"provider={inferred}")
    got = (f"{result.match.provider}/{result.match.code} {advice.action}"
           f" wait={advice.after_seconds} [{advice.source}]"
           f" expected {case.code} retryable={case.retryable} wait={case.wait}"
           f" wrong: {', '.join(wrong)}")  # fmt: skip
    return Outcome(case, given, True, code_ok, action_ok, precise_ok, wait_ok,
                   false_provider, batch_ok, got)  # fmt: skip


# Providers that are protocols or formats, not vendors: naming them is not a guess.
STANDARD_LAYERS = frozenset({"http", "oauth", "grpc", "rfc9457"})


def urllib3_outcome(case: Case) -> tuple[bool | None, bool | None]:
    """(action right, wait right) for urllib3's status list, on the same case."""
    action_ok = None
    if case.retryable is not None:
        action_ok = (case.status in URLLIB3_FORCELIST) == case.retryable
    wait_ok = None
    if case.wait is not None:
        headers = {k.lower(): v for k, v in case.headers.items()}
        got = None
        raw = headers.get("retry-after")
        if raw is not None and case.status in URLLIB3_RETRY_AFTER:
            got = parse_number(raw)
            if got is None and (when := parse_http_date(raw)):
                now = parse_http_date(headers.get("date", "")) or datetime.datetime.now(
                    datetime.UTC
                )
                got = max(0.0, (when - now).total_seconds())
        wait_ok = wait_close(got, case.wait)
    return action_ok, wait_ok


@dataclass
class Report:
    tallies: dict[tuple[str, bool], Tally]
    baseline: dict[str, Tally]
    misses: list[Outcome]


Lookup = Callable[[Case, bool], LookupResult | None]


def evaluate(cases: list[Case], run: Lookup, known: set[str]) -> Report:
    tallies: dict[tuple[str, bool], Tally] = {}
    baseline: dict[str, Tally] = {}
    misses = []
    for case in cases:
        for given in (True, False):
            if given and not case.provider:
                continue
            outcome = judge(case, given, run(case, given), known)
            tallies.setdefault((case.set, given), Tally()).add(outcome)
            if (
                any(
                    ok is False
                    for ok in (
                        outcome.code_ok,
                        outcome.action_ok,
                        outcome.wait_ok,
                        outcome.batch_ok,
                    )  # fmt: skip
                )
                or outcome.false_provider
                or not outcome.answered
            ):
                misses.append(outcome)
        action_ok, wait_ok = urllib3_outcome(case)
        tally = baseline.setdefault(case.set, Tally())
        tally.total += 1
        for counts, ok in ((tally.action, action_ok), (tally.wait, wait_ok)):
            if ok is not None:
                counts[0] += ok
                counts[1] += 1
    return Report(tallies, baseline, misses)


def percent(counts: list[int]) -> str:
    value = ratio(counts)
    return "   -  " if value is None else f"{value * 100:5.1f}%"


def table(report: Report) -> list[str]:
    lines = [
        f"{'set':<11}{'provider':<10}{'cases':>6}{'answered':>10}{'code':>9}"
        f"{'action':>9}{'precise':>9}{'wait':>9}{'batch':>9}{'false guess':>13}"
    ]
    for (set_name, given), tally in sorted(report.tallies.items()):
        lines.append(
            f"{set_name:<11}{'named' if given else 'inferred':<10}{tally.total:>6}"
            f"{tally.answered:>10}{percent(tally.code):>9}{percent(tally.action):>9}"
            f"{percent(tally.precise):>9}{percent(tally.wait):>9}"
            f"{percent(tally.batch):>9}{tally.false_provider:>13}"
        )
    for set_name, tally in sorted(report.baseline.items()):
        lines.append(
            f"{set_name:<11}{'urllib3':<10}{tally.total:>6}{'':>10}{'':>9}"
            f"{percent(tally.action):>9}{'':>9}{percent(tally.wait):>9}"
        )
    return lines


def summary(report: Report, sets: Iterable[str]) -> dict[str, float | None]:
    """Code, action and wait accuracy over ``sets``, both ways together."""
    merged = Tally()
    for (set_name, _given), tally in report.tallies.items():
        if set_name in sets:
            for name in ("code", "action", "wait"):
                counts = getattr(merged, name)
                counts[0] += getattr(tally, name)[0]
                counts[1] += getattr(tally, name)[1]
    return {name: ratio(getattr(merged, name)) for name in ("code", "action", "wait")}


def case_from_example(example: Any) -> Case:
    """A catalogue example as a case: it must come back as its own entry."""
    return Case(
        id=f"{example.error.provider.slug}/{example.error.code}#{example.position}",
        set="examples",
        provider=example.error.provider.slug,
        status=example.http_status,
        headers=example.headers or {},
        body=example.body,
        url=None,
        code=f"{example.error.provider.slug}/{example.error.code}".lower(),
        code_any=frozenset(),
        retryable=(example.expect_action in RESENDING_ACTIONS)
        if example.expect_action
        else None,
        action=example.expect_action or None,
        wait=example.expect_after_seconds,
    )
