"""A compiled, in-memory index of the published knowledge base, one per process.

Lookups never scan every rule: rules are filed under the code they need, under
(provider, status) for status-only rules, and under their provider for the few
rules that need neither. The index is rebuilt when the knowledge base's version
(a key in the shared cache, bumped on every edit) changes.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import re2

from kb.lookup.retry import RetryPolicy

POINTS_STATUS = 1.0
POINTS_CODE = 3.0
POINTS_HEADER = 2.0
POINTS_REGEX = 2.5


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    provider: str
    code: str
    title: str
    http_status: int | None
    category: str | None
    policy: RetryPolicy


@dataclass(frozen=True, slots=True)
class Rule:
    error_id: int
    provider: str
    status: int | None
    code_key: str
    header: str
    header_value: str
    regex: object | None  # a compiled re2 pattern
    pattern: str
    weight: float
    implicit: bool = False  # the entry's own code or alias, not an editor's rule

    @property
    def points(self) -> float:
        return self.weight * (
            (POINTS_STATUS if self.status else 0)
            + (POINTS_CODE if self.code_key else 0)
            + (POINTS_HEADER if self.header else 0)
            + (POINTS_REGEX if self.regex is not None else 0)
        )


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    slug: str
    layer: str
    hosts: tuple[str, ...]
    headers: tuple[str, ...]
    patterns: tuple[str, ...]


@dataclass
class Index:
    version: str
    providers: dict[str, ProviderInfo] = field(default_factory=dict)
    standard: set[str] = field(default_factory=set)  # providers of layer "standard"
    entries: dict[int, Entry] = field(default_factory=dict)
    by_code: dict[str, list[Rule]] = field(default_factory=lambda: defaultdict(list))
    by_status: dict[tuple[str, int], list[Rule]] = field(
        default_factory=lambda: defaultdict(list)
    )
    loose: dict[str, list[Rule]] = field(default_factory=lambda: defaultdict(list))
    by_natural_key: dict[tuple[str, str], int] = field(default_factory=dict)
    # Every provider's body patterns in one RE2 set: one pass over the body.
    body_set: object | None = None
    body_set_owner: list[str] = field(default_factory=list)
    # status -> providers (not APIs) with a status-only rule for it
    status_layers: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add_rule(self, rule: Rule) -> None:
        if rule.code_key:
            self.by_code[rule.code_key].append(rule)
        elif rule.status and not rule.header and rule.regex is None:
            self.by_status[(rule.provider, rule.status)].append(rule)
            if self.providers[rule.provider].layer != "api":
                self.status_layers[rule.status].add(rule.provider)
        elif rule.status:
            self.by_status[(rule.provider, rule.status)].append(rule)
        else:
            self.loose[rule.provider].append(rule)

    def providers_for_host(self, url: str) -> list[str]:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            return []
        if not host:
            return []
        return [
            p.slug
            for p in self.providers.values()
            if any(host == h or host.endswith("." + h) for h in p.hosts)
        ]

    def providers_for_headers(self, headers: dict[str, str]) -> list[str]:
        return [
            p.slug
            for p in self.providers.values()
            if any(h in headers for h in p.headers)
        ]

    def providers_for_body(self, text: str) -> list[str]:
        if self.body_set is None or not text:
            return []
        matched = {self.body_set_owner[i] for i in self.body_set.Match(text) or ()}
        return [slug for slug in self.providers if slug in matched]

    def compile_body_set(self, patterns: list[tuple[str, str]]) -> None:
        body_set = re2.Set.SearchSet()
        for slug, pattern in patterns:
            try:
                body_set.Add(pattern)
            except re2.error:
                continue
            self.body_set_owner.append(slug)
        if self.body_set_owner:
            body_set.Compile()
            self.body_set = body_set


def compile_pattern(pattern: str, cache: dict[str, object]) -> object | None:
    if not pattern:
        return None
    if pattern not in cache:
        try:
            cache[pattern] = re2.compile(pattern)
        except re2.error:
            cache[pattern] = None  # the admin refuses these; a stale row is skipped
    return cache[pattern]


def build_index(version: str) -> Index:
    """Read the published knowledge base into a fresh index (a handful of queries)."""
    from kb.models import ErrorCode, Provider, Signature

    index = Index(version)
    patterns: dict[str, object] = {}
    for slug, layer, hosts, headers, body_patterns in Provider.objects.values_list(
        "slug", "layer", "api_hosts", "identifying_headers", "body_patterns"
    ):
        index.providers[slug] = ProviderInfo(
            slug,
            layer,
            tuple(h.lower() for h in hosts or []),
            tuple(h.lower() for h in headers or []),
            tuple(body_patterns or []),
        )
        if layer == "standard":
            index.standard.add(slug)
    index.compile_body_set(
        [(p.slug, pattern) for p in index.providers.values() for pattern in p.patterns]
    )
    rows = ErrorCode.objects.published().values_list(
        "id", "provider__slug", "code", "title", "http_status", "category__slug",
        "retryable", "fixable_by", "retry_base_delay", "retry_max_attempts",
        "retry_idempotent_only", "aliases",
    )  # fmt: skip
    for (pk, provider, code, title, status, category, retryable, fixable_by, base,
         attempts, idempotent, aliases) in rows.iterator(chunk_size=5000):  # fmt: skip
        policy = RetryPolicy(retryable, fixable_by, base, attempts, idempotent)
        index.entries[pk] = Entry(pk, provider, code, title, status, category, policy)
        index.by_natural_key[(provider, code.lower())] = pk
        for spelling in {code.lower(), *(a.lower() for a in aliases or [])}:
            index.add_rule(
                Rule(pk, provider, None, spelling, "", "", None, "", 1.0, implicit=True)
            )
    signatures = Signature.objects.filter(error__state="published").values_list(
        "error_id", "error__provider__slug", "http_status", "code_key", "header_name",
        "header_value", "body_regex", "weight",
    )  # fmt: skip
    for (
        pk,
        provider,
        status,
        code_key,
        header,
        value,
        regex,
        weight,
    ) in signatures.iterator(chunk_size=10000):
        compiled = compile_pattern(regex, patterns)
        if regex and compiled is None:
            continue
        index.add_rule(
            Rule(
                pk,
                provider,
                status,
                code_key,
                header,
                value.lower(),
                compiled,
                regex,
                weight,
            )
        )
    return index
