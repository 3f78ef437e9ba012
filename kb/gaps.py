"""Knowledge gaps: lookups the knowledge base answered badly, grouped, and closed
when an entry now answers them (checked on every save in the admin and every
load), or dismissed by an editor with a reason."""

from kb.indexing import lookup
from kb.lookup.types import LookupInputError, LookupRequest
from kb.models import GapState, KnowledgeGap, LookupEvent
from kb.models.events import LOW_CONFIDENCE

MAX_RECHECKED = 500
CODE_LENGTH = KnowledgeGap._meta.get_field("code").max_length


def gaps_for(days: int | None, show_closed: bool, limit: int = 200) -> list[dict]:
    """The gaps of the last ``days`` (all time when None), most frequent first,
    each with its editor's state (a row is made for a gap seen the first time)."""
    groups = list(LookupEvent.objects.knowledge_gaps(days)[:limit])
    known = KnowledgeGap.objects.select_related("resolved_by__provider").in_bulk(
        [g["fingerprint"] for g in groups], field_name="fingerprint"
    )
    missing = [
        KnowledgeGap(fingerprint=g["fingerprint"], provider_slug=g["provider_slug"] or "",
                     http_status=g["http_status"],
                     code=(g["codes"] or [""])[0][:CODE_LENGTH] if isinstance(g["codes"], list) else "")
        for g in groups if g["fingerprint"] not in known
    ]  # fmt: skip
    if missing:
        KnowledgeGap.objects.bulk_create(missing, ignore_conflicts=True)
        known.update(KnowledgeGap.objects.in_bulk([m.fingerprint for m in missing],
                                                  field_name="fingerprint"))  # fmt: skip
        close_resolved(
            KnowledgeGap.objects.filter(pk__in=[g.pk for g in known.values()])
        )
        known = KnowledgeGap.objects.select_related("resolved_by__provider").in_bulk(
            [g["fingerprint"] for g in groups], field_name="fingerprint"
        )
    rows = []
    for group in groups:
        gap = known.get(group["fingerprint"])
        if gap is not None and gap.state != GapState.OPEN and not show_closed:
            continue
        codes = group["codes"] if isinstance(group["codes"], list) else []
        rows.append({**group, "codes": codes, "gap": gap})
    return rows


def answers(gap: KnowledgeGap) -> int | None:
    """The entry that now answers a gap with confidence, if one does."""
    try:
        result = lookup(LookupRequest(status=gap.http_status, code=gap.code or None,
                                      provider=gap.provider_slug or None))  # fmt: skip
    except LookupInputError:
        return None
    best = result.match
    if best.error_id is None or best.generic or best.confidence < LOW_CONFIDENCE:
        return None
    return best.error_id


def close_resolved(gaps=None) -> int:
    """Mark open gaps that an entry now answers as resolved by it."""
    gaps = gaps if gaps is not None else KnowledgeGap.objects.all()
    closed = 0
    for gap in gaps.filter(state=GapState.OPEN).order_by("-updated_at")[:MAX_RECHECKED]:
        if (error_id := answers(gap)) is not None:
            gap.state, gap.resolved_by_id = GapState.RESOLVED, error_id
            gap.save(update_fields=["state", "resolved_by", "updated_at"])
            closed += 1
    return closed


def dismiss(fingerprint: str, reason: str) -> bool:
    updated = KnowledgeGap.objects.filter(fingerprint=fingerprint).update(
        state=GapState.DISMISSED, reason=reason[:300]
    )
    return bool(updated)
