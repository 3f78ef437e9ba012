"""The knowledge base's quality gate: the rules every published entry must meet.

``kb_lint`` prints the table and the violations; CI runs it on the shipped files.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Count, Q

from kb.models import ErrorCode, Provider

MIN_PROVIDERS = 30
MIN_PUBLISHED = 400
MIN_FULL = 80
MIN_EXAMPLES_PER_PROVIDER = 2
MAX_SUMMARY_SENTENCES = 3
MIN_STEPS, MIN_TIPS, MIN_FAQS = 5, 2, 3

# The entries engineers meet most: each must carry a full playbook.
MUST_BE_FULL = [
    *(("http", str(s)) for s in (400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502,
                                 503, 504)),
    *(("cloudflare", str(s)) for s in (520, 521, 522, 524)),
]  # fmt: skip

SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
# A real source names where it was published: an http(s) URL with a host.
SOURCE_URL = re.compile(r"\bhttps?://[^\s/]+\.[^\s/]+")
# A 5xx from a gateway or a timeout: the upstream may have acted on the request.
GATEWAY_CATEGORIES = {"upstream", "timeout"}
GATEWAY_STATUSES = {502, 504}
CLASS_CODES = {"1xx", "2xx", "3xx", "4xx", "5xx", "unknown"}


@dataclass
class ProviderRow:
    slug: str
    errors: int = 0
    full: int = 0
    signatures: int = 0
    sourced: int = 0
    examples: int = 0
    generic: bool = False  # a status registry or format: its examples sit elsewhere


@dataclass
class ReferenceRow:
    slug: str
    entries: int = 0
    with_status: int = 0
    with_class: int = 0  # a retry class other than "it depends"
    with_family: int = 0
    sourced: int = 0


@dataclass
class Report:
    rows: list[ProviderRow] = field(default_factory=list)
    reference: list[ReferenceRow] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    @property
    def totals(self) -> ProviderRow:
        total = ProviderRow("total")
        for row in self.rows:
            for name in ("errors", "full", "signatures", "sourced", "examples"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


def sentences(text: str) -> int:
    # Dots inside code spans or numbers ("v1.2", "`a.b`") are not sentence ends.
    text = re.sub(r"`[^`]*`", "code", text)
    return len(SENTENCE_END.findall(text.strip() + " "))


def is_full(error: ErrorCode) -> bool:
    steps = list(error.steps.all())
    return (
        len(steps) >= MIN_STEPS
        and sum(bool(step.tip.strip()) for step in steps) >= MIN_TIPS
        and error.playbook_minutes_min is not None
        and error.faqs_count >= MIN_FAQS
        and bool(error.symptoms.strip())
    )


def entry_problems(error: ErrorCode) -> list[str]:
    problems = []
    if sentences(error.summary) > MAX_SUMMARY_SENTENCES:
        problems.append(
            f"the quick answer has more than {MAX_SUMMARY_SENTENCES} sentences"
        )
    if not error.meaning.strip():
        problems.append("no 'what it means'")
    if error.category_id is None:
        problems.append("no category")
    if not error.retry_notes.strip():
        problems.append("no retry notes")
    if error.causes_count < 2:
        problems.append("fewer than 2 causes")
    if error.fixes_count < 2:
        problems.append("fewer than 2 fixes")
    is_class = error.provider.slug == "http" and error.code in CLASS_CODES
    if error.signatures_count < 1 and not is_class:
        problems.append("no signature")
    if not error.sources:
        problems.append("no source URL")
    if error.verified_on is None:
        problems.append("no verified_on date")
    problems += retry_label_problems(error)
    problems += [
        f"example {n} ({example.title or 'untitled'}): its source is not an http(s) URL"
        for n, example in enumerate(error.examples.all(), 1)
        if not SOURCE_URL.search(example.source)
    ]
    steps = list(error.steps.all())
    if steps and not is_full(error):
        problems.append(
            f"a playbook needs at least {MIN_STEPS} steps ({MIN_TIPS} with tips), an "
            f"estimated time, symptoms and at least {MIN_FAQS} FAQs"
        )
    return problems


def is_gateway_error(error: ErrorCode) -> bool:
    """A 5xx from a gateway or a timeout: the request may have reached the upstream
    and been acted on before the answer was lost."""
    status = error.http_status
    if status is None or not 500 <= status <= 599:
        return False
    return status in GATEWAY_STATUSES or (
        error.category is not None and error.category.slug in GATEWAY_CATEGORIES
    )


def retry_label_problems(error: ErrorCode) -> list[str]:
    """The retry label must not claim more than the entry's own idempotent_only:
    'always' means any request may be sent again, so it cannot be limited to
    idempotent ones; 'conditional' on a gateway or timeout 5xx is conditional
    precisely because the upstream may have acted, so it must be limited."""
    if error.retryable == "always" and error.retry_idempotent_only:
        return [
            "retry label 'always' but idempotent_only is true: label it "
            "'conditional', or set idempotent_only false if any request may be resent"
        ]
    if (
        error.retryable == "conditional"
        and not error.retry_idempotent_only
        and is_gateway_error(error)
    ):
        return [
            "retry label 'conditional' on a gateway or timeout 5xx needs "
            "idempotent_only true: the upstream may have acted on the request"
        ]
    return []


def problems_of(error: ErrorCode) -> list[str]:
    """The quality rules' verdict on one entry (a publish is refused on any)."""
    annotated = (
        ErrorCode.objects.filter(pk=error.pk)
        .select_related("provider", "category")
        .prefetch_related("steps", "examples")
        .annotate(
            causes_count=Count("causes", distinct=True),
            fixes_count=Count("fixes", distinct=True),
            faqs_count=Count("faqs", distinct=True),
            signatures_count=Count("signatures", distinct=True),
            examples_count=Count("examples", distinct=True),
        )
        .get()
    )
    return entry_problems(annotated)


def check() -> Report:
    """Check every published entry and the catalogue's overall numbers."""
    report = Report()
    errors = (
        ErrorCode.objects.published()
        .curated()
        .select_related("provider", "category")
        .prefetch_related("steps", "examples")
        .annotate(
            causes_count=Count("causes", distinct=True),
            fixes_count=Count("fixes", distinct=True),
            faqs_count=Count("faqs", distinct=True),
            signatures_count=Count("signatures", distinct=True),
            examples_count=Count("examples", distinct=True),
        )
        .order_by("provider__position", "provider__slug", "code_key")
    )
    rows: dict[str, ProviderRow] = {}
    full_keys = set()
    for error in errors:
        row = rows.setdefault(
            error.provider.slug,
            ProviderRow(error.provider.slug, generic=error.provider.generic),
        )
        row.errors += 1
        row.signatures += error.signatures_count > 0
        row.sourced += bool(error.sources)
        row.examples += error.examples_count
        if is_full(error):
            row.full += 1
            full_keys.add((error.provider.slug, error.code))
        for problem in entry_problems(error):
            report.violations.append(f"{error.provider.slug}/{error.code}: {problem}")
    report.rows = list(rows.values())
    for provider, code in MUST_BE_FULL:
        if (provider, code) not in full_keys:
            report.violations.append(f"{provider}/{code}: must have a full playbook")
    for row in report.rows:
        if row.examples < MIN_EXAMPLES_PER_PROVIDER and not row.generic:
            report.violations.append(
                f"{row.slug}: {row.examples} example(s); every provider needs "
                f"{MIN_EXAMPLES_PER_PROVIDER}"
            )
    check_reference(report)
    providers = Provider.objects.filter(Q(errors__state="published")).distinct().count()
    totals = report.totals
    for name, value, minimum in (
        ("providers", providers, MIN_PROVIDERS),
        ("published errors", totals.errors, MIN_PUBLISHED),
        ("entries with a full playbook", totals.full, MIN_FULL),
    ):
        if value < minimum:
            report.violations.append(
                f"catalogue: {value} {name}; at least {minimum} needed"
            )
    return report


def check_reference(report: Report) -> None:
    """Reference entries have rules of their own: facts, not depth. Each needs a
    link to the provider's text, and one with a status needs a family (its
    category; the status always gives one). A code the source lists with neither
    a status nor telling words (Twilio's "93105") has no family to give: the
    table counts those with a status, a retry class and a family."""
    rows: dict[str, ReferenceRow] = {}
    entries = (
        ErrorCode.objects.published()
        .reference()
        .values_list(
            "provider__slug",
            "code",
            "http_status",
            "retryable",
            "category_id",
            "sources",
        )  # fmt: skip
        .order_by("provider__slug", "code_key")
    )
    for slug, code, status, retryable, category, sources in entries.iterator():
        row = rows.setdefault(slug, ReferenceRow(slug))
        row.entries += 1
        row.with_status += status is not None
        row.with_class += retryable != "conditional"
        row.with_family += category is not None
        row.sourced += bool(sources)
        if not sources:
            report.violations.append(f"{slug}/{code} (reference): no source link")
        if category is None and status is not None:
            report.violations.append(f"{slug}/{code} (reference): no family")
    report.reference = list(rows.values())
