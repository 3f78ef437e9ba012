"""Rendering a lookup result, with the matched entry's causes, fixes and steps.

Those parts change only when the knowledge base does, so each process keeps them
per entry for the current knowledge-base version: a warm lookup runs no query. The
serializers here document the answer's schema (OpenAPI); ``render_lookup`` builds
the same shape directly, because it is the hot path.
"""

from functools import lru_cache

from rest_framework import serializers

from api.serializers import (
    CauseSerializer,
    FixSerializer,
    StepSerializer,
    error_api_url,
)
from kb.lookup.types import (
    Decision,
    FixableBy,
    Layer,
    LookupResult,
    Match,
    ProviderSource,
    RetryAction,
    RetryAdvice,
    Tier,
)
from kb.models import ErrorCode


@lru_cache(maxsize=4096)
def entry_details(error_id: int, version: str) -> dict:
    """Causes, fixes and steps of one entry as the API shows them (``version`` only
    keys the cache)."""
    error = (
        ErrorCode.objects.select_related("category", "provider")
        .filter(pk=error_id)
        .first()
    )
    if error is None:
        return {
            "url": None,
            "api_url": None,
            "causes": [],
            "fixes": [],
            "steps": [],
            "advice_from": None,
        }
    # A reference entry has the facts only: its family's general entry speaks for
    # its causes, fixes and steps, and the answer says so.
    source = error
    if (
        error.tier == Tier.REFERENCE
        and error.category
        and error.category.general_entry_id
    ):
        source = (
            ErrorCode.objects.filter(pk=error.category.general_entry_id).first()
            or error
        )
    source = ErrorCode.objects.with_details().get(pk=source.pk)
    return {
        "url": error.get_absolute_url(),
        "api_url": error_api_url(error.provider.slug, error.code),
        "causes": CauseSerializer(source.causes.all(), many=True).data,
        "fixes": FixSerializer(source.fixes.all(), many=True).data,
        "steps": StepSerializer(source.steps.all(), many=True).data,
        "advice_from": None
        if source is error or source.pk == error.pk
        else f"{source.provider.slug}/{source.code}",
    }


def choices(enum) -> list[str]:
    return [str(member) for member in enum]


class MatchedErrorSerializer(serializers.Serializer):
    provider = serializers.CharField()
    code = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    api_url = serializers.CharField(allow_null=True)


class MatchSerializer(serializers.Serializer):
    error = MatchedErrorSerializer()
    confidence = serializers.FloatField(
        help_text="0.8–1: the provider's own code matched, well clear of the rest; "
        "0.5–0.8: a specific match with a close runner-up, or the provider's own "
        "entry for the status; at most 0.45: a generic entry (the status's or a "
        "format's) answered; 0.1: nothing matched but the status class."
    )
    matched_on = serializers.ListField(child=serializers.CharField())
    layer = serializers.ChoiceField(choices=choices(Layer))
    generic = serializers.BooleanField(
        help_text="A status-level or format-level entry answered, not the "
        "provider's own."
    )


class RetrySerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=choices(RetryAction),
        help_text="retry: the same request after after_seconds or the backoff; "
        "refresh_and_retry: re-read or refresh what `refresh` names, then send a "
        "new request; poll: ask again every after_seconds until the state changes; "
        "retry_after_fix: `fix_by` must change something first; reschedule: the wait "
        "is longer than max_wait; do_not_retry.",
    )
    retryable = serializers.BooleanField(
        help_text="Whether the same request may be sent again (retry, poll, "
        "reschedule)."
    )
    after_seconds = serializers.FloatField(allow_null=True)
    wait_source = serializers.CharField(
        allow_null=True,
        help_text="Where the wait came from: header:retry-after, "
        "body.retry_after, message, backoff, …",
    )
    source = serializers.CharField(
        help_text="The rule that decided, as <rule>:<detail>; rules in the order "
        f"they are consulted: {', '.join(choices(Decision))}."
    )
    max_attempts = serializers.IntegerField()
    backoff = serializers.DictField(allow_null=True)
    idempotent_only = serializers.BooleanField(
        allow_null=True,
        help_text="Given only when the action sends the same request again: resend "
        "a non-idempotent request only with an idempotency key.",
    )
    refresh = serializers.CharField(allow_null=True)
    fix_by = serializers.ChoiceField(choices=choices(FixableBy), allow_null=True)
    notes = serializers.ListField(child=serializers.CharField())


class SignalSerializer(serializers.Serializer):
    where = serializers.CharField()
    value = serializers.CharField()


class ItemSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    id = serializers.CharField(allow_null=True)
    status = serializers.IntegerField(allow_null=True)
    match = MatchSerializer()
    retry = RetrySerializer()
    message = serializers.CharField()


class BatchSerializer(serializers.Serializer):
    format = serializers.CharField()
    total = serializers.IntegerField()
    failed = serializers.IntegerField()
    resend = serializers.ListField(child=serializers.IntegerField())
    resend_whole_batch_safe = serializers.BooleanField()
    notes = serializers.ListField(child=serializers.CharField())


class LookupOutputSerializer(serializers.Serializer):
    lookup_id = serializers.UUIDField()
    match = MatchSerializer()
    alternatives = MatchSerializer(many=True)
    retry = RetrySerializer()
    provider = serializers.CharField(allow_null=True)
    provider_source = serializers.ChoiceField(choices=choices(ProviderSource))
    provider_confidence = serializers.FloatField()
    family = serializers.CharField(allow_null=True)
    codes = SignalSerializer(many=True)
    unrecognised_codes = serializers.ListField(child=serializers.CharField())
    items = ItemSerializer(many=True)
    batch = BatchSerializer(allow_null=True)
    causes = serializers.ListField(child=serializers.DictField())
    fixes = serializers.ListField(child=serializers.DictField())
    steps = serializers.ListField(child=serializers.DictField())
    advice_from = serializers.CharField(
        allow_null=True,
        help_text="When the match is a reference entry (facts only), the curated "
        "entry of its family whose causes, fixes and steps are given as general "
        "advice.",
    )
    notes = serializers.ListField(child=serializers.CharField())


def match_payload(match: Match, details: dict) -> dict:
    entry = details.get(match.error_id, {}) if match.error_id is not None else {}
    return {
        "error": {
            "provider": match.provider,
            "code": match.code,
            "title": match.title,
            "url": entry.get("url"),
            "api_url": entry.get("api_url"),
        },
        "confidence": match.confidence,
        "matched_on": list(match.matched_on),
        "layer": str(match.layer),
        "generic": match.generic,
    }


def retry_payload(advice: RetryAdvice) -> dict:
    return {
        "action": str(advice.action),
        "retryable": advice.retryable,
        "after_seconds": advice.after_seconds,
        "wait_source": advice.wait_source,
        "source": advice.source,
        "max_attempts": advice.max_attempts,
        "backoff": advice.backoff,
        "idempotent_only": advice.idempotent_only,
        "refresh": advice.refresh,
        "fix_by": str(advice.fix_by) if advice.fix_by else None,
        "notes": list(advice.notes),
    }


def render_lookup(result: LookupResult, lookup_id, version: str) -> dict:
    """The answer in the shape LookupOutputSerializer documents. Built directly
    rather than through the serializer: it is the hot path, and the serializer's
    per-call field copies cost more than the whole lookup."""
    shown = (result.match, *result.alternatives, *(i.match for i in result.items))
    details = {
        m.error_id: entry_details(m.error_id, version) for m in shown if m.error_id
    }
    main = details.get(result.match.error_id, {})
    batch = result.batch
    return {
        "lookup_id": str(lookup_id),
        "match": match_payload(result.match, details),
        "alternatives": [match_payload(m, details) for m in result.alternatives],
        "retry": retry_payload(result.retry),
        "provider": result.provider,
        "provider_source": str(result.provider_source),
        "provider_confidence": result.provider_confidence,
        "family": result.family,
        "codes": [{"where": s.where, "value": s.value} for s in result.codes],
        "unrecognised_codes": list(result.unrecognised_codes),
        "items": [
            {
                "position": i.position,
                "id": i.id,
                "status": i.status,
                "match": match_payload(i.match, details),
                "retry": retry_payload(i.retry),
                "message": i.message,
            }
            for i in result.items
        ],  # fmt: skip
        "batch": None
        if batch is None
        else {
            "format": batch.format,
            "total": batch.total,
            "failed": batch.failed,
            "resend": list(batch.resend),
            "resend_whole_batch_safe": batch.resend_whole_batch_safe,
            "notes": list(batch.notes),
        },
        "causes": main.get("causes", []),
        "fixes": main.get("fixes", []),
        "steps": main.get("steps", []),
        "advice_from": main.get("advice_from"),
        "notes": list(result.notes),
    }
