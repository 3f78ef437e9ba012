"""Versions of a whole entry: take one, compare two, record one, apply one.

A version is the entry as fixtures/ hold it (``kb_dump``'s form): its fields and
every part, causes to examples, and its related entries. Applying a version goes
through the loader's own code, so a revert, an approved proposal and ``kb_load``
all write an entry the same way.
"""

import datetime
import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from kb.content.documents import Document, check_error
from kb.content.dump import ENTRY_PARTS, entry_item, item_digest
from kb.content.load import Loader, LoadReport
from kb.content.schema import ContentError, ContentInvalid
from kb.models import ErrorCode, Provider
from kb.models.revisions import Revision, RevisionKind, RevisionState

PART_LISTS = ("causes", "fixes", "steps", "faqs", "notes", "signatures", "examples")


def snapshot(error: ErrorCode) -> dict[str, Any]:
    """The entry now, fields and parts, as one plain value."""
    fresh = (
        ErrorCode.objects.filter(pk=error.pk)
        .select_related("provider", "category")
        .prefetch_related(*ENTRY_PARTS)
        .get()
    )
    return entry_item(fresh)


digest = item_digest


def latest(error: ErrorCode) -> Revision | None:
    return Revision.objects.live().filter(error=error).first()


def record(
    error: ErrorCode, kind: str, user=None, item: dict | None = None
) -> Revision | None:
    """Keep the entry as it is now as a live version (unless it is the last one)."""
    item = item if item is not None else snapshot(error)
    value = digest(item)
    last = latest(error)
    if last is not None and last.snapshot_hash == value:
        return None
    return Revision.objects.create(
        error=error, natural_key=f"{item['provider']}/{item['code']}", snapshot=item,
        snapshot_hash=value, kind=kind, state=RevisionState.LIVE,
        author=user if getattr(user, "is_authenticated", False) else None,
    )  # fmt: skip


def propose(error: ErrorCode, item: dict, user) -> Revision:
    """A change to a published entry that waits for a publisher."""
    return Revision.objects.create(
        error=error, natural_key=f"{item['provider']}/{item['code']}", snapshot=item,
        snapshot_hash=digest(item), kind=RevisionKind.PROPOSED,
        state=RevisionState.PENDING, base=latest(error), author=user,
    )  # fmt: skip


def apply(item: dict[str, Any], error: ErrorCode | None = None) -> ErrorCode:
    """Make the entry what ``item`` says, fields and parts (the caller holds the
    transaction). Raises ContentInvalid when the version cannot be applied."""
    data = {k: v for k, v in item.items() if k != "provider"}
    if isinstance(data.get("verified_on"), str):  # stored as JSON text
        data["verified_on"] = datetime.date.fromisoformat(data["verified_on"])
    entry = f"{item['provider']}/{item.get('code')}"
    problems = check_error(data)
    provider = Provider.objects.filter(slug=item["provider"]).first()
    if provider is None:
        problems.append(f"no provider '{item['provider']}'")
    if problems:
        raise ContentInvalid([ContentError("(version)", entry, p) for p in problems])
    if error is None:
        error = ErrorCode.objects.filter(
            provider=provider, code_key=data["code"].lower()
        ).first() or ErrorCode(provider=provider)
    doc = Document(Path("(version)"), "provider", {"provider": {"slug": provider.slug},
                                                     "errors": [data]})  # fmt: skip
    loader = Loader(LoadReport())
    loader.load_error(doc, entry, error, data)
    loader.link_related(doc)
    if loader.problems:
        raise ContentInvalid(loader.problems)
    return error


@dataclass(frozen=True)
class Change:
    where: str  # "summary", "retry", "causes[2]"
    kind: str  # changed | added | removed
    old: str
    new: str


def as_text(value: Any, like: Any = None) -> str:
    """A field or part as it reads in the files; a part's keys follow ``like``
    (a version read back from PostgreSQL's jsonb has its keys reordered)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(like, dict):
        value = {**{k: value[k] for k in like if k in value}, **value}
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=88).strip()


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[Change]:
    """What changed between two versions, field by field and part by part, with
    the full text of each side."""
    old = old or {}
    changes = []
    for key in dict.fromkeys([*new, *old]):  # the newer is usually in file order
        if key in PART_LISTS:
            changes += diff_parts(key, old.get(key) or [], new.get(key) or [])
        elif old.get(key) != new.get(key):
            kind = (
                "added"
                if key not in old
                else "removed"
                if key not in new
                else "changed"
            )
            changes.append(
                Change(key, kind, as_text(old.get(key)), as_text(new.get(key)))
            )
    return changes


def diff_parts(name: str, old: list, new: list) -> list[Change]:
    """Parts matched by content, so an insertion shows as one added part rather
    than every later part changed."""
    like = new[0] if new else None
    old_text = [as_text(p, like) for p in old]
    new_text = [as_text(p, like) for p in new]
    matcher = difflib.SequenceMatcher(
        a=[canonical(p) for p in old], b=[canonical(p) for p in new], autojunk=False
    )
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = max(i2 - i1, j2 - j1)
        for offset in range(pairs):
            i, j = i1 + offset, j1 + offset
            if i < i2 and j < j2:
                changes.append(
                    Change(f"{name}[{j + 1}]", "changed", old_text[i], new_text[j])
                )
            elif i < i2:
                changes.append(Change(f"{name}[{i + 1}]", "removed", old_text[i], ""))
            else:
                changes.append(Change(f"{name}[{j + 1}]", "added", "", new_text[j]))
    return changes


def approve(revision: Revision, reviewer, comment: str = "") -> list[str]:
    """Make a proposal the live entry, if the entry then meets the quality rules;
    returns the problems that blocked it (nothing is written then)."""
    from kb.quality import problems_of  # the quality rules read the models

    with transaction.atomic():
        error = apply(revision.snapshot, revision.error)
        if error.state == "published" and (problems := problems_of(error)):
            transaction.set_rollback(True)
            return problems
        record(error, RevisionKind.EDITED, revision.author)
        revision.state = RevisionState.APPROVED
        revision.reviewer, revision.reviewed_at = reviewer, timezone.now()
        revision.comment = comment
        revision.save(update_fields=["state", "reviewer", "reviewed_at", "comment"])
    return []


def send_back(revision: Revision, reviewer, comment: str) -> None:
    """Refuse a proposal, with the reviewer's comment for its author."""
    revision.state = RevisionState.REJECTED
    revision.reviewer, revision.reviewed_at = reviewer, timezone.now()
    revision.comment = comment
    revision.save(update_fields=["state", "reviewer", "reviewed_at", "comment"])
