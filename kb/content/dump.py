"""Write the knowledge base back to fixture files, in the form kb_load reads.

The output is canonical: fixed key order, defaults and empty values left out,
multi-line text as YAML block scalars. Loading a canonical file and dumping it
again gives the same bytes.
"""

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from django.db.models import F

from kb.content import schema
from kb.lookup.types import Tier
from kb.models import Category, ErrorCode, Guide, Provider


class BlockDumper(yaml.SafeDumper):
    pass


def represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


BlockDumper.add_representer(str, represent_str)


def to_yaml(data: dict) -> str:
    return yaml.dump(
        data, Dumper=BlockDumper, sort_keys=False, allow_unicode=True, width=10_000
    )


def compact(mapping: dict[str, Any], defaults: dict[str, Any] | None = None) -> dict:
    """Drop empty values and values equal to their default."""
    defaults = defaults or {}
    return {
        key: value
        for key, value in mapping.items()
        if value not in (None, "", [], {})
        and not (key in defaults and defaults[key] == value)
    }


def label(choices: dict[str, Any], value: Any) -> str:
    return next(name for name, v in choices.items() if v == value)


def sorted_headers(headers: dict) -> dict:
    # PostgreSQL's jsonb keeps no key order, so the canonical order is by name.
    return dict(sorted(headers.items(), key=lambda item: item[0].lower()))


def error_ref(error: ErrorCode) -> str:
    return f"{error.provider.slug}/{error.code}"


def dump_error(error: ErrorCode) -> dict:
    causes = sorted(error.causes.all(), key=lambda c: (c.position, c.pk))
    cause_number = {cause.pk: n for n, cause in enumerate(causes, start=1)}

    def ordered(name: str) -> list:
        return sorted(
            getattr(error, name).all(), key=lambda obj: (obj.position, obj.pk)
        )

    minutes = [error.playbook_minutes_min, error.playbook_minutes_max]
    retry = {
        "policy": error.retryable,
        "base_delay": error.retry_base_delay,
        "max_attempts": error.retry_max_attempts,
        "idempotent_only": error.retry_idempotent_only,
        "action": error.retry_action,
        "refresh": error.retry_refresh,
        "notes": error.retry_notes,
    }
    item = {
        "code": error.code,
        "http_status": error.http_status,
        "title": error.title,
        "summary": error.summary,
        "category": error.category.slug if error.category else None,
        "state": error.state,
        "severity": label(schema.SEVERITY, error.severity),
        "fixable_by": error.fixable_by,
        "retry": compact(retry, schema.RETRY_DEFAULTS),
        "meaning": error.meaning,
        "symptoms": error.symptoms,
        "aliases": error.aliases,
        "related": sorted(error_ref(r) for r in error.related.all()),
        "sources": error.sources,
        "verified_on": error.verified_on,
        "product": error.product,
        "playbook_minutes": minutes if None not in minutes else None,
        "causes": [
            {"likelihood": label(schema.LIKELIHOOD, c.likelihood), "text": c.text}
            for c in causes
        ],
        "fixes": [
            compact({"difficulty": label(schema.DIFFICULTY, f.difficulty), "text": f.text,
                     "cause": cause_number.get(f.cause_id)})
            for f in ordered("fixes")
        ],
        "steps": [compact({"title": s.title, "body": s.body, "tip": s.tip})
                  for s in ordered("steps")],
        "faqs": [{"question": q.question, "answer": q.answer} for q in ordered("faqs")],
        "notes": [{"kind": n.kind, "text": n.text} for n in ordered("notes")],
        "signatures": [
            compact({"status": s.http_status, "code": s.code, "header": s.header_name,
                     "header_value": s.header_value, "body_regex": s.body_regex,
                     "weight": s.weight}, {"weight": schema.SIGNATURE_DEFAULT_WEIGHT})
            for s in ordered("signatures")
        ],
        "examples": [
            compact({"title": x.title, "status": x.http_status, "headers": sorted_headers(x.headers),
                     "body": x.body, "source": x.source, "expect_action": x.expect_action,
                     "expect_after_seconds": x.expect_after_seconds})
            for x in ordered("examples")
        ],
    }  # fmt: skip
    return compact(item, schema.ERROR_DEFAULTS)


# What dump_error reads of an entry, to prefetch.
ENTRY_PARTS = ("causes", "fixes", "steps", "faqs", "notes", "signatures", "examples",
               "related__provider")  # fmt: skip


def entry_item(error: ErrorCode) -> dict[str, Any]:
    """One entry, fields and parts, as a plain value (its file item and provider)."""
    return {"provider": error.provider.slug, **dump_error(error)}


def item_digest(item: dict[str, Any]) -> str:
    """A digest of an entry's item that ignores key order."""
    return hashlib.sha256(
        json.dumps(item, sort_keys=True, default=str).encode()
    ).hexdigest()


def dump_provider(provider: Provider) -> str:
    errors = (
        ErrorCode.objects.filter(provider=provider, tier=Tier.CURATED)
        .select_related("provider", "category")
        .prefetch_related(
            "causes", "fixes", "steps", "faqs", "notes", "signatures", "examples",
            "related__provider",
        )
        .order_by(F("http_status").asc(nulls_first=True), "code_key")
    )  # fmt: skip
    head = compact({
        "slug": provider.slug,
        "name": provider.name,
        "layer": provider.layer,
        "position": provider.position,
        "docs_url": provider.docs_url,
        "api_hosts": provider.api_hosts,
        "identifying_headers": provider.identifying_headers,
        "body_patterns": provider.body_patterns,
        "generic": provider.generic or None,
        "description": provider.description,
    })  # fmt: skip
    return to_yaml({"provider": head, "errors": [dump_error(e) for e in errors]})


def dump_categories() -> str:
    return to_yaml({"categories": [
        compact({"slug": c.slug, "name": c.name, "summary": c.summary,
                 "general_entry": error_ref(c.general_entry) if c.general_entry else None,
                 "guide": c.guide})
        for c in Category.objects.select_related("general_entry__provider")
        .order_by("position", "slug")
    ]})  # fmt: skip


def dump_guides() -> str:
    guides = Guide.objects.prefetch_related("categories", "errors__provider")
    return to_yaml({"guides": [
        compact({
            "slug": g.slug, "title": g.title, "summary": g.summary,
            "state": g.state if g.state != "published" else None,
            "categories": sorted(c.slug for c in g.categories.all()),
            "errors": sorted(error_ref(e) for e in g.errors.all()),
            "sources": g.sources, "body": g.body,
        })
        for g in guides.order_by("position", "slug")
    ]})  # fmt: skip


def dump_all(directory: Path) -> dict[str, int]:
    """Write every file; returns how many rows of each kind were written."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {"providers": 0, "errors": 0, "categories": 0, "guides": 0}
    if Category.objects.exists():
        (directory / "categories.yaml").write_text(dump_categories(), encoding="utf-8")
        counts["categories"] = Category.objects.count()
    if Guide.objects.exists():
        (directory / "guides.yaml").write_text(dump_guides(), encoding="utf-8")
        counts["guides"] = Guide.objects.count()
    for provider in Provider.objects.all():
        (directory / f"{provider.slug}.yaml").write_text(
            dump_provider(provider), encoding="utf-8"
        )
        counts["providers"] += 1
        counts["errors"] += provider.errors.filter(tier=Tier.CURATED).count()
    return counts
