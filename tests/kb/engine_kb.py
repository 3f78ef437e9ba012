"""A small index for the engine's own tests, built from plain rows: no database.

``build(documents)`` takes provider documents in the shape of the fixture files
(as in ``lookup_kb.yaml``) and compiles them with ``Index.from_rows``.
"""

import json
from functools import cache
from pathlib import Path

import yaml

from kb.content import reference
from kb.content.documents import SAFE_LOADER
from kb.lookup.engine import lookup
from kb.lookup.index import EntryRow, Index, ProviderRow, SignatureRow
from kb.lookup.types import (
    FixableBy,
    LookupRequest,
    LookupResult,
    Retryable,
    RetryAction,
    RetryPolicy,
)

KB = Path(__file__).with_name("lookup_kb.yaml")


def policy(error: dict) -> RetryPolicy:
    retry = error["retry"]
    return RetryPolicy(
        retryable=Retryable(retry["policy"]),
        fixable_by=FixableBy(error["fixable_by"]),
        base_delay=retry.get("base_delay", 1.0),
        max_attempts=retry.get("max_attempts", 3),
        idempotent_only=retry.get("idempotent_only", True),
        action=RetryAction(retry["action"]) if retry.get("action") else None,
        refresh=retry.get("refresh", ""),
    )


def build(documents: list[dict], version: str = "test") -> Index:
    providers, entries, signatures = [], [], []
    for document in documents:
        p = document["provider"]
        providers.append(
            ProviderRow(p["slug"], p["layer"], tuple(p.get("api_hosts", ())),
                        tuple(p.get("identifying_headers", ())),
                        tuple(p.get("body_patterns", ())), p.get("generic", False))
        )  # fmt: skip
        for error in document.get("errors", ()):
            pk = len(entries) + 1
            entries.append(
                EntryRow(pk, p["slug"], error["code"], error["title"],
                         error.get("http_status"), error.get("category"),
                         policy(error), tuple(error.get("aliases", ())),
                         error.get("tier", "curated"))
            )  # fmt: skip
            for s in error.get("signatures", ()):
                signatures.append(
                    SignatureRow(pk, p["slug"], s.get("status"), s.get("code", ""),
                                 s.get("header", ""), s.get("header_value", ""),
                                 s.get("body_regex", ""), s.get("weight", 1.0))
                )  # fmt: skip
    return Index.from_rows(version, providers, entries, signatures)


def shipped_test_index() -> Index:
    return build(yaml.safe_load(KB.read_text(encoding="utf-8")))


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@cache
def shipped_index() -> Index:
    """The shipped catalogue (fixtures/, reference entries included) as an index,
    read once per test session straight from the files: the engine needs no
    database to be tried on it."""
    documents = {}
    for path in sorted(FIXTURES.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        if "provider" in data:
            documents[data["provider"]["slug"]] = data
    for path in sorted((FIXTURES / "reference").glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        head = data["reference"]
        document = documents[head["provider"]]
        curated = {
            spelling.lower()
            for e in document.get("errors", ())
            for spelling in (e["code"], *e.get("aliases", ()))
        }
        name = document["provider"]["name"]
        docs_url = head.get("docs_url") or document["provider"].get("docs_url", "")
        for item in data["errors"]:
            facts = reference.Facts.from_item(item)
            if facts.code.lower() in curated:
                continue
            link = reference.link_for(facts, head.get("link_template", ""), docs_url)
            values = reference.entry_values(facts, name, head["source"], link)
            document.setdefault("errors", []).append(
                {"code": values["code"], "title": values["title"],
                 "http_status": values["http_status"],
                 "category": values["category_slug"], "fixable_by": values["fixable_by"],
                 "aliases": values["aliases"], "tier": "reference",
                 "retry": {"policy": values["retryable"],
                           "action": values["retry_action"] or None,
                           "idempotent_only": values["retry_idempotent_only"]}}
            )  # fmt: skip
    return build(list(documents.values()), "shipped")


def shipped_examples() -> list[tuple[str, dict, str]]:
    """(provider, headers, body) of every example in the shipped catalogue."""
    found = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        for error in data.get("errors", ()) if "provider" in data else ():
            for example in error.get("examples", ()):
                found.append((data["provider"]["slug"], example.get("headers") or {},
                              example.get("body") or "", example["status"]))  # fmt: skip
    return found


RESPONSES = Path(__file__).resolve().parents[1] / "data" / "responses"


def recorded(case_id: str) -> dict:
    """One case of tests/data/responses/ by its id."""
    for path in sorted(RESPONSES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            if case["id"] == case_id:
                return case
    raise KeyError(case_id)


def replay(case_id: str, with_provider: bool = True) -> LookupResult:
    """A recorded response looked up in the shipped catalogue."""
    case = recorded(case_id)
    request = LookupRequest(
        status=case["status"], headers=case["headers"], body=case["body"],
        provider=case["provider"] if with_provider else None, url=case.get("url"),
    )  # fmt: skip
    return lookup(request, shipped_index())
