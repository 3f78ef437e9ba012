"""Rendering a lookup result, with the matched entry's causes, fixes and steps.

Those parts change only when the knowledge base does, so each process keeps them
per entry for the current knowledge-base version: a warm lookup runs no query.
"""

from functools import lru_cache

from rest_framework import serializers

from api.serializers import (
    CauseSerializer,
    FixSerializer,
    StepSerializer,
    error_api_url,
)
from kb.models import ErrorCode


@lru_cache(maxsize=4096)
def entry_details(error_id: int, version: str) -> dict:
    """Causes, fixes and steps of one entry as the API shows them (``version`` only
    keys the cache)."""
    error = ErrorCode.objects.with_details().filter(pk=error_id).first()
    if error is None:
        return {"url": None, "causes": [], "fixes": [], "steps": []}
    return {
        "url": error.get_absolute_url(),
        "causes": CauseSerializer(error.causes.all(), many=True).data,
        "fixes": FixSerializer(error.fixes.all(), many=True).data,
        "steps": StepSerializer(error.steps.all(), many=True).data,
    }


class MatchedErrorSerializer(serializers.Serializer):
    provider = serializers.CharField()
    code = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True)
    api_url = serializers.CharField(allow_null=True)


class MatchSerializer(serializers.Serializer):
    error = MatchedErrorSerializer()
    confidence = serializers.FloatField()
    matched_on = serializers.ListField(child=serializers.CharField())
    layer = serializers.ChoiceField(
        choices=["standard", "api", "edge", "proxy", "origin", "unknown"]
    )


class RetrySerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["retry", "retry_after_fix", "reschedule", "do_not_retry"]
    )
    after_seconds = serializers.FloatField(allow_null=True)
    source = serializers.CharField(allow_null=True)
    max_attempts = serializers.IntegerField()
    backoff = serializers.DictField(allow_null=True)
    idempotent_only = serializers.BooleanField()
    notes = serializers.ListField(child=serializers.CharField())


class SignalSerializer(serializers.Serializer):
    where = serializers.CharField()
    value = serializers.CharField()


class LookupOutputSerializer(serializers.Serializer):
    lookup_id = serializers.UUIDField()
    match = MatchSerializer()
    alternatives = MatchSerializer(many=True)
    retry = RetrySerializer()
    provider = serializers.CharField(allow_null=True)
    provider_source = serializers.CharField()
    codes = SignalSerializer(many=True)
    unrecognised_codes = serializers.ListField(child=serializers.CharField())
    causes = serializers.ListField(child=serializers.DictField())
    fixes = serializers.ListField(child=serializers.DictField())
    steps = serializers.ListField(child=serializers.DictField())
    notes = serializers.ListField(child=serializers.CharField())


def match_payload(match, details: dict) -> dict:
    has_entry = match.error_id is not None
    return {
        "error": {
            "provider": match.provider,
            "code": match.code,
            "title": match.title,
            "url": details.get(match.error_id, {}).get("url") if has_entry else None,
            "api_url": error_api_url(match.provider, match.code) if has_entry else None,
        },
        "confidence": match.confidence,
        "matched_on": list(match.matched_on),
        "layer": match.layer,
    }


def render_lookup(result, lookup_id, version: str) -> dict:
    """The answer in the shape LookupOutputSerializer documents. Built directly
    rather than through the serializer: it is the hot path, and the serializer's
    per-call field copies cost more than the whole lookup."""
    ids = [m.error_id for m in (result.match, *result.alternatives) if m.error_id]
    details = {pk: entry_details(pk, version) for pk in ids}
    main = details.get(result.match.error_id, {})
    advice = result.retry
    return {
        "lookup_id": str(lookup_id),
        "match": match_payload(result.match, details),
        "alternatives": [match_payload(m, details) for m in result.alternatives],
        "retry": {
            "action": advice.action,
            "after_seconds": advice.after_seconds,
            "source": advice.source,
            "max_attempts": advice.max_attempts,
            "backoff": advice.backoff,
            "idempotent_only": advice.idempotent_only,
            "notes": list(advice.notes),
        },
        "provider": result.provider,
        "provider_source": result.provider_source,
        "codes": [{"where": s.where, "value": s.value} for s in result.codes],
        "unrecognised_codes": list(result.unrecognised_codes),
        "causes": main.get("causes", []),
        "fixes": main.get("fixes", []),
        "steps": main.get("steps", []),
        "notes": list(result.notes),
    }
