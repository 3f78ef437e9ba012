"""Provider class rules: how each provider's SDK classifies codes the catalogue lacks.

The rules are data (``data/provider_rules.yaml``); this module reads them once and
answers "what class is this code, status or fault of this provider?".
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from kb.lookup import families
from kb.lookup.families import Family
from kb.lookup.types import FixableBy, RetryAction

RULES_FILE = Path(__file__).with_name("data") / "provider_rules.yaml"

NEVER = Family(
    "validation", families.policy(RetryAction.DO_NOT_RETRY, FixableBy.CALLER_CODE)
)
CLASS_FAMILIES: dict[str, Family] = {
    "throttling": families.RATE_LIMIT,
    "transient": families.SERVER,
    "quota": families.QUOTA,
    "conflict": families.CONFLICT,
    "never": NEVER,
}


@dataclass(frozen=True)
class ProviderRules:
    slug: str
    sdk: str
    sources: tuple[str, ...]
    codes: dict[str, str] = field(default_factory=dict)  # lower-case code -> class
    statuses: dict[int, str] = field(default_factory=dict)
    faults: dict[str, str] = field(default_factory=dict)  # "sender" -> class


@dataclass(frozen=True)
class RuleSet:
    providers: dict[str, ProviderRules]
    signal_headers: tuple[str, ...]
    signal_fields: tuple[str, ...] = ()

    def classify(
        self,
        providers: Iterable[str],
        codes: Iterable[str],
        status: int,
        fault: str | None,
    ) -> tuple[str, str, str] | None:
        """(provider, class, what decided it) by the first provider in play whose
        rules know a code, the status or the fault; None if none does."""
        codes = [c.lower() for c in codes]
        for slug in providers:
            rules = self.providers.get(slug)
            if rules is None:
                continue
            for code in codes:
                if code in rules.codes:
                    return slug, rules.codes[code], f"code={code}"
            if status in rules.statuses:
                return slug, rules.statuses[status], f"status={status}"
            if fault and fault.lower() in rules.faults:
                return slug, rules.faults[fault.lower()], f"fault={fault}"
        return None

    def class_of(self, provider: str, code: str, status: int | None) -> str | None:
        """The class a provider's SDK gives one code (the reference importers')."""
        found = self.classify([provider], [code], status or 0, None)
        return found[1] if found else None


def parse(data: dict) -> RuleSet:
    providers = {}
    for slug, raw in (data.get("providers") or {}).items():
        codes: dict[str, str] = {}
        statuses: dict[int, str] = {}
        for name, members in (raw.get("classes") or {}).items():
            if name not in CLASS_FAMILIES:
                raise ValueError(f"{slug}: unknown class {name!r}")
            for code in members.get("codes") or ():
                codes.setdefault(str(code).lower(), name)
            for status in members.get("statuses") or ():
                statuses.setdefault(int(status), name)
        faults = {str(k).lower(): v for k, v in (raw.get("faults") or {}).items()}
        if unknown := set(faults.values()) - set(CLASS_FAMILIES):
            raise ValueError(f"{slug}: unknown fault classes {sorted(unknown)}")
        providers[slug] = ProviderRules(
            slug, raw.get("sdk", ""), tuple(raw.get("sources") or ()), codes,
            statuses, faults,
        )  # fmt: skip
    headers = tuple(str(h).lower() for h in data.get("signal_headers") or ())
    fields = tuple(str(f) for f in data.get("signal_fields") or ())
    return RuleSet(providers, headers, fields)


@cache
def rules() -> RuleSet:
    """The shipped rules, read once per process."""
    return parse(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")))
