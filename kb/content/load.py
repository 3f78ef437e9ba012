"""Upsert the knowledge base from fixture files, in one transaction.

Rows are matched by natural key: providers, categories and guides by slug, errors
by (provider, code), the parts of an error by their position in the file. A row is
saved only when a value differs, so loading twice changes nothing (and writes no
history); anything a file no longer lists is removed.

The running database is the source of truth for what editors change in the admin:
each entry remembers a digest of itself as the last load left it. An entry edited
since then is neither overwritten nor deleted; the load keeps it and reports it (a
conflict when the file changed too), unless the operator chose ``prefer_files`` or
``prefer_db``. ``kb_dump`` then writes the edits back to the files for review.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.utils import timezone

from kb.content import reference, schema
from kb.content.documents import Document, read_document
from kb.content.dump import ENTRY_PARTS, entry_item, item_digest
from kb.content.schema import ContentError, ContentInvalid
from kb.lookup.types import Tier
from kb.models import (
    FAQ,
    Category,
    Cause,
    ErrorCode,
    Example,
    Fix,
    Guide,
    Note,
    Provider,
    Signature,
    Step,
)


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    # Entries changed in the admin since the last load, left as they are:
    kept: list[str] = field(default_factory=list)  # the files did not change them
    conflicts: list[str] = field(default_factory=list)  # the files changed them too

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()) +
                    sum(self.deleted.values()))  # fmt: skip

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated) | set(self.deleted) |
                       set(self.unchanged))  # fmt: skip
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, "
            f"{self.deleted[name]} deleted, {self.unchanged[name]} unchanged"
            for name in names
        ]


PREFER = ("", "files", "db")


def load_files(
    paths: list[Path], prune_providers: bool = False, prefer: str = ""
) -> LoadReport:
    """Check every file, then write them all or nothing.

    With ``prune_providers`` (loading the whole fixtures directory) a provider that
    no file names any more is removed with its errors. ``prefer`` settles entries
    edited in the admin since the last load: "" keeps them and reports them,
    "files" overwrites (or deletes) them, "db" keeps them without a word.
    """
    if prefer not in PREFER:
        raise ValueError(f"prefer must be one of {PREFER}")
    documents = [read_document(path) for path in paths]
    problems = [problem for doc in documents for problem in doc.errors]
    if problems:
        raise ContentInvalid(problems)
    by_kind: dict[str, list[Document]] = {
        "categories": [],
        "provider": [],
        "reference": [],
        "guides": [],
    }
    for doc in documents:
        by_kind[doc.kind].append(doc)
    report = LoadReport()
    with transaction.atomic():
        loader = Loader(report, prefer)
        for doc in by_kind["categories"]:
            loader.load_categories(doc)
        for doc in by_kind["provider"]:
            loader.load_provider(doc)
        if prune_providers:
            slugs = [doc.data["provider"]["slug"] for doc in by_kind["provider"]]
            loader.delete(Provider.objects.exclude(slug__in=slugs), "provider")
        for doc in by_kind["reference"]:
            loader.load_reference(doc)
        for doc in by_kind["provider"]:
            loader.link_related(doc)
        loader.link_general_entries(by_kind["categories"])
        for doc in by_kind["guides"]:
            loader.load_guides(doc)
        if loader.problems:
            raise ContentInvalid(loader.problems)
        loader.remember_loaded()
    if report.changed and connection.vendor == "postgresql":
        # Thousands of rows may have arrived at once; until autovacuum notices, the
        # planner would pick plans for the empty tables (a trigram search took
        # 200 ms instead of 30).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE kb_errorcode, kb_signature")
    return report


class Loader:
    def __init__(self, report: LoadReport, prefer: str = ""):
        self.report = report
        self.prefer = prefer
        self.loaded: dict[int, str] = {}  # entry id -> digest of its file item
        self.kept: set[tuple[str, str]] = set()  # (provider, code_key) left alone
        self.parts_changed = 0
        self.natural_keys: dict[tuple[str, str], int] | None = None  # once all are in
        self.problems: list[ContentError] = []
        self.categories = {c.slug: c for c in Category.objects.all()}

    def upsert(self, obj: models.Model, values: dict[str, Any], kind: str) -> bool:
        """Set values on obj and save it if anything differs; True if saved."""
        changed = obj._state.adding or any(
            current_value(obj, name) != comparable(value)
            for name, value in values.items()
        )
        if not changed:
            self.report.unchanged[kind] += 1
            return False
        (self.report.created if obj._state.adding else self.report.updated)[kind] += 1
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()
        return True

    def delete(self, queryset: models.QuerySet, kind: str) -> None:
        for obj in queryset:
            obj.delete()
            self.report.deleted[kind] += 1

    def load_categories(self, doc: Document) -> None:
        items = doc.data["categories"]
        for position, item in enumerate(items):
            category = self.categories.get(item["slug"]) or Category(slug=item["slug"])
            values = {
                "name": item["name"],
                "summary": item.get("summary") or "",
                "guide": item.get("guide") or "",
                "position": position,
            }
            self.upsert(category, values, "category")
            self.categories[category.slug] = category
        slugs = [item["slug"] for item in items]
        self.delete(Category.objects.exclude(slug__in=slugs), "category")
        self.categories = {s: c for s, c in self.categories.items() if s in slugs}

    def load_provider(self, doc: Document) -> None:
        data = doc.data["provider"]
        provider = Provider.objects.filter(slug=data["slug"]).first() or Provider(
            slug=data["slug"]
        )
        values = {
            "name": data["name"],
            "layer": data["layer"],
            "position": data.get("position", 100),
            "docs_url": data.get("docs_url") or "",
            "api_hosts": data.get("api_hosts") or [],
            "identifying_headers": [
                h.lower() for h in data.get("identifying_headers") or []
            ],
            "body_patterns": data.get("body_patterns") or [],
            "generic": data.get("generic", False),
            "description": data.get("description") or "",
        }
        self.upsert(provider, values, "provider")
        existing = {
            e.code_key: e
            for e in ErrorCode.objects.filter(provider=provider)
            .select_related("provider", "category")
            .prefetch_related(*ENTRY_PARTS)
        }
        items = doc.data.get("errors") or []
        for index, item in enumerate(items):
            error = existing.get(item["code"].lower()) or ErrorCode(provider=provider)
            entry = f"errors[{index}] ({item['code']})"
            file_digest = item_digest({"provider": provider.slug, **item})
            if self.keeps_admin_edit(error, file_digest):
                continue
            self.load_error(doc, entry, error, item)
            self.loaded[error.pk] = file_digest
        keep = {item["code"].lower() for item in items}
        for error in existing.values():
            if error.tier != Tier.CURATED or error.code_key in keep:
                continue
            if self.prefer == "files" or not self.edited_since_load(error):
                error.delete()
                self.report.deleted["error"] += 1
            else:
                self.kept.add((provider.slug, error.code_key))
                how = "created" if not error.loaded_hash else "edited"
                if self.prefer != "db":
                    self.report.kept.append(
                        f"{provider.slug}/{error.code}: {how} in the admin; the files "
                        "do not list it (kept; kb_dump writes it to the files)"
                    )

    def edited_since_load(self, error: ErrorCode) -> bool:
        """Whether the entry differs from what the last load left (an entry no load
        wrote, created in the admin, counts as edited)."""
        return item_digest(entry_item(error)) != error.loaded_hash

    def keeps_admin_edit(self, error: ErrorCode, file_digest: str) -> bool:
        """True when an entry edited in the admin since the last load is to be left
        as it is (reported as kept, or as a conflict when its file changed too)."""
        if error._state.adding or error.tier != Tier.CURATED:
            return False
        current = item_digest(entry_item(error))
        if current == error.loaded_hash or self.prefer == "files":
            return False
        if current == file_digest:  # edited to what the files now say: adopt it
            self.loaded[error.pk] = file_digest
            return True
        self.kept.add((error.provider.slug, error.code_key))
        name = f"{error.provider.slug}/{error.code}"
        if self.prefer == "db":
            return True
        if error.file_hash == file_digest:
            self.report.kept.append(
                f"{name}: edited in the admin since the last load (kept; the files "
                "did not change it)"
            )
        else:
            self.report.conflicts.append(
                f"{name}: edited in the admin and changed in the files since the "
                "last load (kept the admin's; rerun with --prefer-files to take the "
                "files', or kb_dump to write the admin's to the files)"
            )
        return True

    def remember_loaded(self) -> None:
        """Keep, on each entry this load wrote or adopted, the digests of its file
        item and of the entry as the load left it, and record a version of those
        that changed."""
        from kb.revisions import record  # kb.revisions builds on this module

        entries = (
            ErrorCode.objects.filter(pk__in=list(self.loaded))
            .select_related("provider", "category")
            .prefetch_related(*ENTRY_PARTS)
        )
        for error in entries:
            item = entry_item(error)
            value = item_digest(item)
            if (error.loaded_hash, error.file_hash) != (value, self.loaded[error.pk]):
                ErrorCode.objects.filter(pk=error.pk).update(
                    loaded_hash=value, file_hash=self.loaded[error.pk]
                )
                record(error, "loaded", item=item)

    def load_error(
        self, doc: Document, entry: str, error: ErrorCode, item: dict
    ) -> None:
        category = None
        if item.get("category"):
            category = self.categories.get(item["category"])
            if category is None:
                self.problems.append(
                    ContentError(
                        doc.path.name,
                        entry,
                        f"category: no category '{item['category']}'",
                    )
                )
        retry = {**schema.RETRY_DEFAULTS, **item["retry"]}
        minutes = item.get("playbook_minutes") or [None, None]
        values = {
            "tier": Tier.CURATED,
            "code": item["code"],
            "title": item["title"],
            "summary": item["summary"],
            "http_status": item.get("http_status"),
            "category": category,
            "state": item.get("state", schema.ERROR_DEFAULTS["state"]),
            "severity": schema.SEVERITY[
                item.get("severity", schema.ERROR_DEFAULTS["severity"])
            ],
            "fixable_by": item["fixable_by"],
            "retryable": retry["policy"],
            "retry_base_delay": float(retry["base_delay"]),
            "retry_max_attempts": retry["max_attempts"],
            "retry_idempotent_only": retry["idempotent_only"],
            "retry_action": retry.get("action") or "",
            "retry_refresh": retry.get("refresh") or "",
            "retry_notes": retry.get("notes") or "",
            "meaning": item.get("meaning") or "",
            "symptoms": item.get("symptoms") or "",
            "aliases": item.get("aliases") or [],
            "sources": item.get("sources") or [],
            "verified_on": item.get("verified_on"),
            "product": item.get("product") or "",
            "playbook_minutes_min": minutes[0],
            "playbook_minutes_max": minutes[1],
        }
        self.upsert(error, values, "error")
        self.parts_changed = 0
        causes = self.sync_parts(error, "causes", Cause, [
            {"likelihood": schema.LIKELIHOOD[c["likelihood"]], "text": c["text"]}
            for c in item.get("causes") or []
        ])  # fmt: skip
        self.sync_parts(error, "fixes", Fix, [
            {"difficulty": schema.DIFFICULTY[f["difficulty"]], "text": f["text"],
             "cause": causes[f["cause"] - 1] if f.get("cause") else None}
            for f in item.get("fixes") or []
        ])  # fmt: skip
        self.sync_parts(error, "steps", Step, [
            {"title": s["title"], "body": s.get("body") or "", "tip": s.get("tip") or ""}
            for s in item.get("steps") or []
        ])  # fmt: skip
        self.sync_parts(error, "faqs", FAQ, [
            {"question": q["question"], "answer": q["answer"]} for q in item.get("faqs") or []
        ])  # fmt: skip
        self.sync_parts(error, "notes", Note, [
            {"kind": n["kind"], "text": n["text"]} for n in item.get("notes") or []
        ])  # fmt: skip
        self.sync_parts(error, "signatures", Signature, [
            {"http_status": s.get("status"), "code": s.get("code") or "",
             "header_name": (s.get("header") or "").lower(),
             "header_value": s.get("header_value") or "",
             "body_regex": s.get("body_regex") or "",
             "weight": float(s.get("weight", schema.SIGNATURE_DEFAULT_WEIGHT))}
            for s in item.get("signatures") or []
        ])  # fmt: skip
        self.sync_parts(error, "examples", Example, [
            {"title": x.get("title") or "", "http_status": x["status"],
             "headers": x.get("headers") or {}, "body": x.get("body") or "",
             "source": x["source"], "expect_action": x.get("expect_action") or "",
             "expect_after_seconds": x.get("expect_after_seconds")}
            for x in item.get("examples") or []
        ])  # fmt: skip
        if self.parts_changed:
            # The page's "last updated" covers its causes, fixes, steps and the rest.
            ErrorCode.objects.filter(pk=error.pk).update(updated_at=timezone.now())

    def load_reference(self, doc: Document) -> None:
        """Upsert a provider's reference entries in bulk (thousands of rows): only
        those whose facts changed since the last load are written, and a code a
        curated entry holds is left to it."""
        head = doc.data["reference"]
        provider = Provider.objects.filter(slug=head["provider"]).first()
        if provider is None:
            self.problems.append(ContentError(doc.path.name, "reference",
                                              f"no provider '{head['provider']}'"))  # fmt: skip
            return
        curated = set()
        for code_key, aliases in (
            ErrorCode.objects.filter(provider=provider)
            .exclude(tier=Tier.REFERENCE)
            .values_list("code_key", "aliases")
        ):
            # A code a curated entry holds, as its code or an alias, is left to it.
            curated |= {code_key, *(a.lower() for a in aliases or ())}
        known = dict(
            ErrorCode.objects.filter(
                provider=provider, tier=Tier.REFERENCE
            ).values_list("code_key", "loaded_hash")
        )
        docs_url = head.get("docs_url") or provider.docs_url
        template = head.get("link_template", "")
        wanted: dict[str, dict] = {}
        for item in doc.data.get("errors") or []:
            facts = reference.Facts.from_item(item)
            key = facts.code.lower()
            if key in curated:
                self.report.unchanged["reference (curated wins)"] += 1
                continue
            link = reference.link_for(facts, template, docs_url)
            values = reference.entry_values(facts, provider.name, head["source"], link)
            if long := too_long(ErrorCode, {"code": facts.code, **values}):
                # SQLite would store it; PostgreSQL would refuse the whole batch.
                self.problems.append(ContentError(
                    doc.path.name, f"errors[{facts.code[:40]}]",
                    f"longer than the database allows: {', '.join(long)}"))  # fmt: skip
                continue
            wanted[key] = {**values, "loaded_hash": reference.values_hash(values)}
        changed = {k: v for k, v in wanted.items() if known.get(k) != v["loaded_hash"]}
        self.report.unchanged["reference"] += len(wanted) - len(changed)
        rows = {e.code_key: e for e in ErrorCode.objects.filter(
            provider=provider, tier=Tier.REFERENCE, code_key__in=list(changed))}  # fmt: skip
        creates, updates = [], []
        for key, values in changed.items():
            error = rows.get(key) or ErrorCode(provider=provider, code_key=key)
            slug = values.pop("category_slug")
            error.category = self.categories.get(slug) if slug else None
            for name, value in values.items():
                setattr(error, name, value)
            error.render_markdown_fields()
            (updates if error.pk else creates).append(error)
        ErrorCode.objects.bulk_create(creates, batch_size=1000)
        if updates:
            fields = [*REFERENCE_FIELDS, "category", "meaning_html", "loaded_hash"]
            ErrorCode.objects.bulk_update(updates, fields, batch_size=1000)
            ErrorCode.objects.filter(pk__in=[e.pk for e in updates]).update(
                updated_at=timezone.now()
            )
        self.report.created["reference"] += len(creates)
        self.report.updated["reference"] += len(updates)
        stale = ErrorCode.objects.filter(
            provider=provider, tier=Tier.REFERENCE
        ).exclude(code_key__in=list(wanted))
        self.report.deleted["reference"] += stale.delete()[1].get("kb.ErrorCode", 0)

    def link_general_entries(self, docs: list[Document]) -> None:
        """Each category's general entry (``general_entry: http/429``)."""
        for doc in docs:
            for item in doc.data["categories"]:
                category = self.categories.get(item["slug"])
                ref = item.get("general_entry")
                targets = self.resolve_refs(doc, f"categories ({item['slug']})",
                                            [ref] if ref else [])  # fmt: skip
                pk = targets[0] if targets else None
                if category is not None and category.general_entry_id != pk:
                    category.general_entry_id = pk
                    category.save(update_fields=["general_entry"])
                    self.report.updated["category"] += 1

    def sync_parts(self, error, related_name, model, items: list[dict]) -> list:
        """Match an error's parts to the file by position; returns them in order."""
        kind = model._meta.model_name
        existing = []
        if error.pk and not error._state.adding:
            cached = getattr(error, "_prefetched_objects_cache", {}).get(related_name)
            rows = cached if cached is not None else getattr(error, related_name).all()
            existing = sorted(rows, key=lambda obj: (obj.position, obj.pk))
        result = []
        for position, values in enumerate(items):
            obj = existing[position] if position < len(existing) else model(error=error)
            self.parts_changed += self.upsert(
                obj, {**values, "position": position}, kind
            )
            result.append(obj)
        for obj in existing[len(items) :]:
            obj.delete()
            self.report.deleted[kind] += 1
            self.parts_changed += 1
        return result

    def link_related(self, doc: Document) -> None:
        provider_slug = doc.data["provider"]["slug"]
        errors = {
            e.code_key: e
            for e in ErrorCode.objects.filter(
                provider__slug=provider_slug
            ).prefetch_related("related")
        }
        for index, item in enumerate(doc.data.get("errors") or []):
            if (provider_slug, item["code"].lower()) in self.kept:
                continue
            error = errors[item["code"].lower()]
            entry = f"errors[{index}] ({item['code']})"
            targets = self.resolve_refs(doc, entry, item.get("related") or [])
            if set(targets) != {r.pk for r in error.related.all()}:
                error.related.set(targets)
                self.report.updated["related"] += 1

    def resolve_refs(
        self, doc: Document, entry: str, refs: list[str]
    ) -> list[ErrorCode]:
        if self.natural_keys is None:
            self.natural_keys = {
                (slug, key): pk
                for pk, slug, key in ErrorCode.objects.values_list(
                    "pk", "provider__slug", "code_key"
                )
            }
        targets = []
        for ref in refs:
            slug, code = ref.split("/")
            pk = self.natural_keys.get((slug, code.lower()))
            if pk is None:
                self.problems.append(
                    ContentError(doc.path.name, entry, f"no error '{ref}'")
                )
            else:
                targets.append(pk)
        return targets

    def load_guides(self, doc: Document) -> None:
        items = doc.data["guides"]
        for index, item in enumerate(items):
            entry = f"guides[{index}] ({item['slug']})"
            guide = Guide.objects.filter(slug=item["slug"]).first() or Guide(
                slug=item["slug"]
            )
            values = {
                "title": item["title"],
                "summary": item["summary"],
                "body": item["body"],
                "state": item.get("state", "published"),
                "sources": item.get("sources") or [],
                "position": index,
            }
            self.upsert(guide, values, "guide")
            categories = []
            for slug in item.get("categories") or []:
                if slug in self.categories:
                    categories.append(self.categories[slug].pk)
                else:
                    self.problems.append(
                        ContentError(doc.path.name, entry, f"no category '{slug}'")
                    )
            errors = self.resolve_refs(doc, entry, item.get("errors") or [])
            for name, targets in (("categories", categories), ("errors", errors)):
                manager = getattr(guide, name)
                if set(targets) != set(manager.values_list("pk", flat=True)):
                    manager.set(targets)
        self.delete(Guide.objects.exclude(slug__in=[i["slug"] for i in items]), "guide")


# The fields entry_values sets (but the category, given by slug).
REFERENCE_FIELDS = [
    "code", "title", "summary", "meaning", "http_status", "fixable_by", "severity",
    "retryable", "retry_action", "retry_idempotent_only", "aliases", "product",
    "sources", "tier", "state",
]  # fmt: skip


def current_value(obj: models.Model, name: str) -> Any:
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        return getattr(obj, model_field.attname)
    return getattr(obj, name)


def comparable(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def too_long(model, values: dict) -> list[str]:
    """The fields of ``values`` longer than the model's columns."""
    long = []
    for name, value in values.items():
        try:
            limit = model._meta.get_field(name).max_length
        except FieldDoesNotExist:
            continue
        if limit and isinstance(value, str) and len(value) > limit:
            long.append(f"{name} ({len(value)} > {limit})")
    return long
