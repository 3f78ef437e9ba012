"""The shape of the files in fixtures/, checked before anything is written.

A file is one of three kinds, told by its top-level key: ``provider`` (with its
``errors``), ``categories`` or ``guides``. ``fixtures/README.md`` documents every field.
Defaults here are shared by the loader (to fill in) and the dumper (to leave out).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import re2

from kb.choices import (
    Difficulty,
    FixableBy,
    Layer,
    Likelihood,
    NoteKind,
    Retryable,
    RetryAction,
    Severity,
    State,
    choice_values,
)
from kb.lookup.types import RetryAction as Action
from kb.safe_urls import is_safe_url, leading_url, names_a_scheme


@dataclass(frozen=True)
class ContentError:
    file: str
    entry: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.reason}"


class ContentInvalid(Exception):
    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def labels(choices) -> dict[str, Any]:
    """YAML uses the label ("high") of integer choices and the value of text ones."""
    if issubclass(choices, int):
        return {str(label): value for value, label in choices.choices}
    return {value: value for value in choice_values(choices)}


LIKELIHOOD = labels(Likelihood)
DIFFICULTY = labels(Difficulty)
SEVERITY = labels(Severity)

RETRY_DEFAULTS = {"base_delay": 1.0, "max_attempts": 3, "idempotent_only": True}
ERROR_DEFAULTS = {"severity": "medium", "state": "published"}
SIGNATURE_DEFAULT_WEIGHT = 1.0


Check = Callable[[Any], str | None]


def is_str(v: Any) -> str | None:
    return None if isinstance(v, str) and v.strip() else "must be a non-empty string"


def is_text(v: Any) -> str | None:
    return None if isinstance(v, str) else "must be a string"


def is_status(v: Any) -> str | None:
    ok = isinstance(v, int) and not isinstance(v, bool) and 100 <= v <= 999
    return None if ok else "must be an HTTP status from 100 to 999"


def is_number(lo: float, hi: float) -> Check:
    def check(v: Any) -> str | None:
        ok = isinstance(v, (int, float)) and not isinstance(v, bool) and lo <= v <= hi
        return None if ok else f"must be a number from {lo} to {hi}"

    return check


def is_bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "must be true or false"


def is_date(v: Any) -> str | None:
    return None if isinstance(v, datetime.date) else "must be a date (YYYY-MM-DD)"


def one_of(options) -> Check:
    allowed = list(options)
    return lambda v: None if v in allowed else f"must be one of {', '.join(allowed)}"


def list_of(check: Check) -> Check:
    def inner(v: Any) -> str | None:
        if not isinstance(v, list):
            return "must be a list"
        for item in v:
            if problem := check(item):
                return f"item {item!r} {problem}"
        return None

    return inner


def is_url(v: Any) -> str | None:
    # Pages render these as links: any other scheme (javascript:, data:) is refused.
    return None if is_safe_url(v) else "must be an http(s) URL"


def is_source(v: Any) -> str | None:
    """Where an example was published: text, or an http(s) URL and a comment."""
    if problem := is_str(v):
        return problem
    if names_a_scheme(v) and not leading_url(v):
        return "must start with an http(s) URL when it starts with a URL"
    return None


def is_regex(v: Any) -> str | None:
    if problem := is_str(v):
        return problem
    try:
        re2.compile(v)
    except re2.error as exc:
        return f"is not a valid RE2 pattern ({exc})"
    return None


def is_headers(v: Any) -> str | None:
    ok = isinstance(v, dict) and all(
        isinstance(k, str) and isinstance(x, str) for k, x in v.items()
    )
    return None if ok else "must be a map of header names to string values"


def is_minutes(v: Any) -> str | None:
    ok = (
        isinstance(v, list)
        and len(v) == 2
        and all(isinstance(x, int) and not isinstance(x, bool) and x > 0 for x in v)
        and v[0] <= v[1]
    )
    return None if ok else "must be [min, max] whole minutes with min <= max"


def is_error_ref(v: Any) -> str | None:
    ok = isinstance(v, str) and v.count("/") == 1 and all(v.split("/"))
    return None if ok else "must be 'provider/code'"


# field name -> (required, check)
Spec = dict[str, tuple[bool, Check]]

PROVIDER: Spec = {
    "slug": (True, is_str),
    "name": (True, is_str),
    "layer": (True, one_of(choice_values(Layer))),
    "position": (False, is_number(0, 32767)),
    "docs_url": (False, is_url),
    "api_hosts": (False, list_of(is_str)),
    "identifying_headers": (False, list_of(is_str)),
    "body_patterns": (False, list_of(is_regex)),
    "generic": (False, is_bool),
    "description": (False, is_text),
}
RETRY: Spec = {
    "policy": (True, one_of(choice_values(Retryable))),
    "base_delay": (False, is_number(0, 3600)),
    "max_attempts": (False, is_number(0, 20)),
    "idempotent_only": (False, is_bool),
    "action": (False, one_of(choice_values(RetryAction))),
    "refresh": (False, is_str),
    "notes": (False, is_text),
}
CAUSE: Spec = {"likelihood": (True, one_of(LIKELIHOOD)), "text": (True, is_str)}
FIX: Spec = {
    "difficulty": (True, one_of(DIFFICULTY)),
    "text": (True, is_str),
    "cause": (False, is_number(1, 1000)),
}
STEP: Spec = {
    "title": (True, is_str),
    "body": (False, is_text),
    "tip": (False, is_text),
}
FAQ: Spec = {"question": (True, is_str), "answer": (True, is_str)}
NOTE: Spec = {"kind": (True, one_of(choice_values(NoteKind))), "text": (True, is_str)}
SIGNATURE: Spec = {
    "status": (False, is_status),
    "code": (False, is_str),
    "header": (False, is_str),
    "header_value": (False, is_str),
    "body_regex": (False, is_regex),
    "weight": (False, is_number(0.1, 10)),
}
EXAMPLE: Spec = {
    "title": (False, is_text),
    "status": (True, is_status),
    "headers": (False, is_headers),
    "body": (False, is_text),
    "source": (True, is_source),
    "expect_action": (
        False,
        one_of([str(a) for a in Action]),
    ),
    "expect_after_seconds": (False, is_number(0, 10**7)),
}
PARTS: dict[str, Spec] = {
    "causes": CAUSE,
    "fixes": FIX,
    "steps": STEP,
    "faqs": FAQ,
    "notes": NOTE,
    "signatures": SIGNATURE,
    "examples": EXAMPLE,
}
ERROR: Spec = {
    "code": (True, is_str),
    "title": (True, is_str),
    "summary": (True, is_str),
    "http_status": (False, is_status),
    "category": (False, is_str),
    "state": (False, one_of(choice_values(State))),
    "severity": (False, one_of(SEVERITY)),
    "fixable_by": (True, one_of(choice_values(FixableBy))),
    "retry": (True, lambda v: None if isinstance(v, dict) else "must be a map"),
    "meaning": (False, is_text),
    "symptoms": (False, is_text),
    "aliases": (False, list_of(is_str)),
    "related": (False, list_of(is_error_ref)),
    "sources": (False, list_of(is_url)),
    "verified_on": (False, is_date),
    "product": (False, is_str),
    "playbook_minutes": (False, is_minutes),
    **{name: (False, lambda v: None if isinstance(v, list) else "must be a list")
       for name in PARTS},
}  # fmt: skip
CATEGORY: Spec = {
    "slug": (True, is_str),
    "name": (True, is_str),
    "summary": (False, is_text),
    "general_entry": (False, is_error_ref),
    "guide": (False, is_text),
}
GUIDE: Spec = {
    "slug": (True, is_str),
    "title": (True, is_str),
    "summary": (True, is_str),
    "state": (False, one_of(choice_values(State))),
    "categories": (False, list_of(is_str)),
    "errors": (False, list_of(is_error_ref)),
    "sources": (False, list_of(is_url)),
    "body": (True, is_str),
}


def check_map(value: Any, spec: Spec) -> list[str]:
    """Problems with one map against its spec, each as 'field: reason'."""
    if not isinstance(value, dict):
        return ["must be a map"]
    problems = [f"{key}: unknown field" for key in value if key not in spec]
    for key, (required, check) in spec.items():
        if key not in value or value[key] is None:
            if required:
                problems.append(f"{key}: is required")
            continue
        if problem := check(value[key]):
            problems.append(f"{key}: {problem}")
    return problems
