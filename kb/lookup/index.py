"""A compiled, in-memory index of the published knowledge base.

Lookups never scan every rule: rules are filed under the code they need, under
(provider, status) for status-only rules, and under their provider for the few
rules that need neither. ``Index.from_rows`` builds one from plain rows, so the
engine's tests need no database; ``kb.indexing`` builds it from the database and
keeps it current.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

import re2

from kb.lookup.families import COMMON_WORDS, code_words
from kb.lookup.types import Layer, RetryPolicy, Tier

POINTS_STATUS = 1.0
POINTS_CODE = 3.0
POINTS_HEADER = 2.0
POINTS_REGEX = 2.5


class ProviderRow(NamedTuple):
    slug: str
    layer: Layer
    hosts: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()  # identifying response headers, lower case
    patterns: tuple[str, ...] = ()  # RE2 patterns of its error bodies
    generic: bool = False  # entries describe statuses or formats, not one API


class EntryRow(NamedTuple):
    id: int
    provider: str
    code: str
    title: str
    http_status: int | None
    category: str | None
    policy: RetryPolicy
    aliases: tuple[str, ...] = ()
    tier: Tier = Tier.CURATED


class SignatureRow(NamedTuple):
    error_id: int
    provider: str
    status: int | None = None
    code: str = ""
    header: str = ""
    header_value: str = ""
    regex: str = ""
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    provider: str
    code: str
    title: str
    http_status: int | None
    category: str | None
    policy: RetryPolicy
    generic: bool = False
    tier: Tier = Tier.CURATED


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
    layer: Layer
    hosts: tuple[str, ...]
    headers: tuple[str, ...]
    patterns: tuple[str, ...]
    generic: bool = False


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
    # host -> providers, for exact hosts; parent domains are tried suffix by suffix
    hosts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # (header, value) -> rules of gateways and proxies that a header value names
    # ("server: awselb/2.0"), tried whoever else is in play
    by_header_value: dict[tuple[str, str], list[Rule]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # identifying header -> providers that send it
    header_owners: dict[str, list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # codes that name one API on their own ("ThrottlingException", "card_declined"),
    # as opposed to words any API uses ("Conflict", "NotFound", "invalid")
    distinctive: set[str] = field(default_factory=set)
    common: set[str] = field(default_factory=set)  # bare numbers, common words

    @classmethod
    def from_rows(
        cls,
        version: str,
        providers: Iterable[ProviderRow],
        entries: Iterable[EntryRow],
        signatures: Iterable[SignatureRow],
    ) -> "Index":
        """Compile plain rows (published entries only) into an index."""
        index = cls(version)
        for row in providers:
            index.add_provider(row)
        index.compile_body_set(
            [
                (p.slug, pattern)
                for p in index.providers.values()
                for pattern in p.patterns
            ]
        )
        for row in entries:
            index.add_entry(row)
        patterns: dict[str, object] = {}
        for row in signatures:
            if row.error_id not in index.entries:
                continue
            compiled = compile_pattern(row.regex, patterns)
            if row.regex and compiled is None:
                continue
            index.add_rule(
                Rule(
                    row.error_id,
                    row.provider,
                    row.status,
                    row.code.lower(),
                    row.header.lower(),
                    row.header_value.lower(),
                    compiled,
                    row.regex,
                    row.weight,
                )  # fmt: skip
            )
        index.find_distinctive()
        return index

    def find_distinctive(self) -> None:
        for code_key, rules in self.by_code.items():
            if is_common_code(code_key):
                self.common.add(code_key)
                continue
            apis = {r.provider for r in rules if r.provider not in self.standard}
            if len(apis) == 1:
                self.distinctive.add(code_key)

    def add_provider(self, row: ProviderRow) -> None:
        info = ProviderInfo(
            row.slug,
            Layer(row.layer),
            tuple(h.lower().strip(".") for h in row.hosts),
            tuple(h.lower() for h in row.headers),
            tuple(row.patterns),
            row.generic,
        )
        self.providers[row.slug] = info
        if info.layer is Layer.STANDARD:
            self.standard.add(row.slug)
        for host in info.hosts:
            self.hosts[host].append(row.slug)
        for header in dict.fromkeys(info.headers):
            self.header_owners[header].append(row.slug)

    def add_entry(self, row: EntryRow) -> None:
        provider = self.providers[row.provider]
        self.entries[row.id] = Entry(
            row.id, row.provider, row.code, row.title, row.http_status, row.category,
            row.policy, provider.generic, row.tier,
        )  # fmt: skip
        key = (row.provider, row.code.lower())
        # A curated entry wins over a reference entry with the same code.
        if key not in self.by_natural_key or row.tier == Tier.CURATED:
            self.by_natural_key[key] = row.id
        for spelling in {row.code.lower(), *(a.lower() for a in row.aliases)}:
            self.add_rule(
                Rule(
                    row.id,
                    row.provider,
                    None,
                    spelling,
                    "",
                    "",
                    None,
                    "",
                    1.0,
                    implicit=True,
                )  # fmt: skip
            )

    def add_rule(self, rule: Rule) -> None:
        if (
            rule.header
            and rule.header_value
            and self.providers[rule.provider].layer not in (Layer.API, Layer.STANDARD)
        ):
            self.by_header_value[(rule.header, rule.header_value)].append(rule)
        if rule.code_key:
            self.by_code[rule.code_key].append(rule)
        elif rule.status and not rule.header and rule.regex is None:
            self.by_status[(rule.provider, rule.status)].append(rule)
            if self.providers[rule.provider].layer is not Layer.API:
                self.status_layers[rule.status].add(rule.provider)
        elif rule.status:
            self.by_status[(rule.provider, rule.status)].append(rule)
        else:
            self.loose[rule.provider].append(rule)

    def providers_for_host(self, url: str) -> list[str]:
        try:
            host = (urlsplit(url).hostname or "").lower().strip(".")
        except ValueError:
            return []
        found: list[str] = []
        parts = host.split(".") if host else []
        for start in range(len(parts)):
            found += self.hosts.get(".".join(parts[start:]), [])
        return list(dict.fromkeys(found))

    def providers_for_headers(self, headers: dict[str, str]) -> list[str]:
        """Providers that send one of these headers, in the providers' order."""
        owners = {slug for name in headers for slug in self.header_owners.get(name, ())}
        return [slug for slug in self.providers if slug in owners] if owners else []

    def providers_for_body(self, text: str) -> list[str]:
        if self.body_set is None or not text:
            return []
        matched = {self.body_set_owner[i] for i in self.body_set.Match(text) or ()}
        return [slug for slug in self.providers if slug in matched]

    def provider_for_code(
        self, codes: Iterable[tuple[str, str]], status: int, message: str
    ) -> str | None:
        """The one API whose entry has a body's numeric code, the response's
        status and a title sharing a distinctive word with the message.

        A bare number names no API on its own (``10003``), but Discord's
        ``10003`` at 404 with "Unknown Channel" does: the three agree only
        there. Words are not asked: an API that copies another's format
        (``rate_limit_exceeded``, ``conflict``) would be named for it. Two APIs
        that agree leave the provider unknown."""
        said = distinctive_words(message)
        if not said:
            return None
        found: set[str] = set()
        for where, value in codes:
            if not (where.startswith("body.") and value.isdigit()):
                continue
            if value == str(status):
                continue
            for rule in self.by_code.get(value.lower(), ()):
                entry = self.entries[rule.error_id]
                if (
                    rule.implicit
                    and entry.http_status == status
                    and self.providers[rule.provider].layer is Layer.API
                    and not entry.generic
                    and said & distinctive_words(entry.title)
                ):
                    found.add(rule.provider)
        return found.pop() if len(found) == 1 else None

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

    def class_entry(self, code: str) -> Entry | None:
        """The generic entry of the http registry for a status or class code."""
        pk = self.by_natural_key.get(("http", code))
        return self.entries.get(pk) if pk else None


def is_common_code(code: str) -> bool:
    """A bare number or a single word that many APIs use as a code ("Conflict",
    "invalid", "10003"): it names no provider, however few use it today."""
    words = code_words(code)
    return (
        not words
        or all(w.isdigit() for w in words)
        or (len(words) == 1 and words[0] in COMMON_WORDS)
    )


# Words that say nothing about which error it is, on top of COMMON_WORDS.
FILLER_WORDS = frozenset({
    "and", "are", "but", "can", "cannot", "could", "for", "from", "has", "have",
    "into", "its", "may", "must", "one", "only", "please", "provided", "that",
    "the", "this", "was", "were", "with", "you", "your",
})  # fmt: skip
WORD = re2.compile(r"[a-z]{3,}")


def distinctive_words(text: str) -> set[str]:
    return {
        w for w in WORD.findall(text[:500].lower())
        if w not in COMMON_WORDS and w not in FILLER_WORDS
    }  # fmt: skip


def compile_pattern(pattern: str, cache: dict[str, object]) -> object | None:
    if not pattern:
        return None
    if pattern not in cache:
        try:
            cache[pattern] = re2.compile(pattern)
        except re2.error:
            cache[pattern] = None  # the admin refuses these; a stale row is skipped
    return cache[pattern]
