"""Reference entries: the codes a provider documents, loaded from the generated files
in fixtures/reference/ (written by ``kb_import``).

A reference file holds facts only: the code, its HTTP status, the product, who is at
fault, the retry class and the link to the provider's own page. The title, quick
answer and meaning an entry shows are written here, from those facts, by one set of
templates: never copied from the provider's text. Curated entries with the same
code always win; a reference entry edited in the admin becomes curated.
"""

import hashlib
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any

from kb.content.schema import (
    Spec,
    check_map,
    is_bool,
    is_number,
    is_status,
    is_str,
    is_url,
    list_of,
    one_of,
)
from kb.lookup import families
from kb.lookup.classes import CLASS_FAMILIES
from kb.lookup.types import FixableBy, Retryable, RetryAction, Tier

FAULTS = ("sender", "receiver")


def is_link_template(v: Any) -> str | None:
    if is_url(v) or "{code}" not in v:
        return "must be an http(s) URL with {code} in it"
    return None


HEAD: Spec = {
    "provider": (True, is_str),
    "source": (True, is_str),
    "version": (True, is_str),
    "licence": (True, is_str),
    "docs_url": (False, is_url),
    "link_template": (False, is_link_template),
}
FACT: Spec = {
    "code": (True, is_str),
    "status": (False, is_status),
    "status_derived": (False, is_bool),  # the status is inferred, not modelled
    "name": (False, is_str),  # the provider's own short name of the error
    "product": (False, is_str),
    "fault": (False, one_of(FAULTS)),
    "class": (False, one_of(sorted(CLASS_FAMILIES))),
    "aliases": (False, list_of(is_str)),
    "link": (False, is_url),
    "severity": (False, is_number(1, 4)),
}
MAX_NAME_WORDS = 12

# Client errors that may clear on their own or with a re-read.
RETRIED_CLIENT_STATUSES = frozenset({408, 409, 423, 425, 429})
# Categories by status when nothing else names the family.
STATUS_CATEGORIES = {400: "validation", 401: "authentication", 402: "payment",
                     403: "authorization", 404: "not_found", 405: "client",
                     406: "client", 408: "timeout", 409: "conflict", 410: "not_found",
                     412: "conflict", 413: "validation", 415: "validation",
                     422: "validation", 423: "conflict", 429: "rate_limit",
                     502: "upstream", 503: "server", 504: "timeout"}  # fmt: skip
CLASS_CATEGORIES = {"throttling": "rate_limit", "quota": "quota",
                    "conflict": "conflict", "transient": "server"}  # fmt: skip
CLASS_SENTENCES = {
    "throttling": "It is a throttling error: the request was not acted on, so wait "
    "for the time the response names (or back off) and send it again.",
    "transient": "It is a transient fault on the provider's side: retry with "
    "exponential backoff, and resend a write only if it is idempotent or keyed.",
    "quota": "A quota or plan limit is spent: waiting does not restore it; raise "
    "the quota or change the plan first.",
    "conflict": "The request clashes with the current state: re-read the resource "
    "and send a new request built on what you read.",
    "never": "The request itself must change before it can succeed: do not resend "
    "it as it is.",
}
FAULT_SENTENCES = {
    "sender": "The provider marks it as the caller's fault.",
    "receiver": "The provider marks it as its own fault, not the caller's.",
}


def check_reference_file(data: dict) -> list[tuple[str, str]]:
    problems = [
        ("(file)", f"{key}: unknown top-level key")
        for key in data
        if key not in ("reference", "errors")
    ]
    problems += [("reference", p) for p in check_map(data["reference"], HEAD)]
    errors = data.get("errors") or []
    if not isinstance(errors, list):
        return problems + [("errors", "must be a list")]
    seen: set[str] = set()
    for index, fact in enumerate(errors):
        code = fact.get("code") if isinstance(fact, dict) else None
        entry = f"errors[{index}] ({code})" if code else f"errors[{index}]"
        problems += [(entry, p) for p in check_map(fact, FACT)]
        name = fact.get("name") if isinstance(fact, dict) else None
        if isinstance(name, str) and len(name.split()) > MAX_NAME_WORDS:
            problems.append((entry, "name: a short name, not a description"))
        if isinstance(code, str):
            if code.lower() in seen:
                problems.append(
                    (entry, "code: appears twice (codes are case-insensitive)")
                )
            seen.add(code.lower())
    return problems


@dataclass(frozen=True)
class Facts:
    """One code as a reference file states it."""

    code: str
    status: int | None = None
    status_derived: bool = False
    name: str = ""
    product: str = ""
    fault: str = ""
    retry_class: str = ""
    aliases: tuple[str, ...] = ()
    link: str = ""
    severity: int = 2

    @classmethod
    def from_item(cls, item: dict) -> "Facts":
        return cls(
            code=item["code"], status=item.get("status"),
            status_derived=item.get("status_derived", False),
            name=item.get("name", ""), product=item.get("product", ""),
            fault=item.get("fault", ""), retry_class=item.get("class", ""),
            aliases=tuple(item.get("aliases") or ()), link=item.get("link", ""),
            severity=item.get("severity", 2),
        )  # fmt: skip


def phrase_of(code: str) -> str:
    """ "FileSystemAlreadyExists" → "File system already exists"."""
    words = families.code_words(code)
    if not words or all(w.isdigit() for w in words):
        return ""
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def family_of(facts: Facts) -> tuple[str, str | None]:
    """(retry class, category) from the class the source gives, else the code's
    own words, else the status."""
    if facts.retry_class:
        category = CLASS_CATEGORIES.get(facts.retry_class)
        if category is None:  # "never": the words or the status say which family
            family = families.family_of_code(facts.code)
            category = family.name if family and family.name != "poll" else None
        return facts.retry_class, category or status_category(facts.status)
    status = facts.status or 0
    family = families.family_of_code(facts.name or facts.code)
    if (
        family is not None
        and not facts.status_derived
        and 400 <= status < 500
        and status not in RETRIED_CLIENT_STATUSES
        and family.policy.retryable is Retryable.ALWAYS
    ):
        # The provider documents a client error: words that sound transient
        # ("…AmountExceeded", "…Temporarily…") do not make it one.
        return "never", status_category(status)
    if family is not None:
        retry_class = {RetryAction.RETRY: "transient", RetryAction.REFRESH_AND_RETRY:
                       "conflict", RetryAction.RETRY_AFTER_FIX: "never",
                       RetryAction.DO_NOT_RETRY: "never", RetryAction.POLL: "transient",
                       }[family.policy.resolved_action()]  # fmt: skip
        if family.name == "rate_limit":
            retry_class = "throttling"
        elif family.name == "quota":
            retry_class = "quota"
        category = family.name if family.name != "poll" else None
        return retry_class, category or status_category(facts.status)
    if status in (429,):
        return "throttling", "rate_limit"
    if status in (500, 502, 503, 504):
        return "transient", status_category(status)
    if 400 <= status < 500:
        return "never", status_category(status)
    return "", status_category(facts.status)


def status_category(status: int | None) -> str | None:
    if status is None:
        return None
    return STATUS_CATEGORIES.get(status) or ("server" if status >= 500 else "client")


def fixable_by(facts: Facts, retry_class: str, category: str | None) -> FixableBy:
    if facts.fault == "receiver" or retry_class == "transient":
        return FixableBy.PROVIDER
    if retry_class == "quota" or category == "payment":
        return FixableBy.ACCOUNT
    if category in ("authentication", "authorization", "configuration"):
        return FixableBy.CALLER_CONFIG
    return FixableBy.CALLER_CODE


def retry_values(retry_class: str, fixable: FixableBy) -> dict[str, Any]:
    family = CLASS_FAMILIES.get(retry_class)
    if family is None:
        return {"retryable": Retryable.CONDITIONAL, "retry_action": "",
                "retry_idempotent_only": True}  # fmt: skip
    policy = family.policy
    action = policy.resolved_action()
    if policy.retryable is Retryable.NEVER:
        # Who can fix it says which: configuration or account (fix, then retry),
        # or the request itself (do not retry).
        action = None
    elif action == RetryAction.RETRY:
        action = None  # the label "always" says it
    return {
        "retryable": policy.retryable,
        "retry_action": str(action) if action else "",
        "retry_idempotent_only": policy.idempotent_only,
    }


def link_for(facts: Facts, link_template: str, docs_url: str) -> str:
    if facts.link:
        return facts.link
    if link_template:
        return link_template.replace("{code}", urllib.parse.quote(facts.code, safe=""))
    return docs_url


def entry_values(
    facts: Facts, provider_name: str, source: str, link: str
) -> dict[str, Any]:
    """The ErrorCode fields of a reference entry, written from its facts."""
    retry_class, category = family_of(facts)
    fixable = fixable_by(facts, retry_class, category)
    phrase = facts.name or phrase_of(facts.code)
    title = (
        f"{facts.code} — {phrase}"
        if phrase
        else f"{facts.code} — {provider_name} error"
    )
    status = f" with HTTP {facts.status}" if facts.status else ""
    product = f" ({facts.product})" if facts.product else ""
    summary = " ".join(
        part
        for part in (
            f"{provider_name}{product} answers `{facts.code}`{status}.",
            CLASS_SENTENCES.get(retry_class, ""),
            FAULT_SENTENCES.get(facts.fault, ""),
        )
        if part
    )
    meaning_parts = [
        f"A reference entry: {provider_name} documents this code, and the facts here "
        f"(status, product, who is at fault, retry class) come from {source}. Follow "
        "the link to the provider's own description; the causes and fixes shown are "
        "the general advice of the family."
    ]
    if facts.status_derived:
        meaning_parts.append(
            "The provider's model gives no status for it; the one shown is inferred "
            "from who is at fault and the protocol."
        )
    return {
        "code": facts.code,
        "title": title[:200],
        "summary": summary,
        "meaning": " ".join(meaning_parts),
        "http_status": facts.status,
        "category_slug": category,
        "fixable_by": fixable,
        "severity": facts.severity,
        **retry_values(retry_class, fixable),
        "aliases": list(facts.aliases),
        "product": facts.product[:200],
        "sources": [link] if link else [],
        "tier": Tier.REFERENCE,
        "state": "published",
    }


def values_hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(values, sort_keys=True, default=str).encode()
    ).hexdigest()
