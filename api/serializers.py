from collections.abc import Mapping

from django.http import QueryDict
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kb.models import (
    FAQ,
    Category,
    Cause,
    ErrorCode,
    Feedback,
    Fix,
    Note,
    Provider,
    Signature,
    Step,
)
from kb.nul_guard import MESSAGE as NUL_MESSAGE
from kb.nul_guard import has_nul


class NulFreeModelSerializer(serializers.ModelSerializer):
    """Refuses a field whose value holds NUL (0x00) anywhere, a JSON list's item or
    a map's key included: PostgreSQL text and jsonb cannot store it, and a slug
    holding one fails the lookup of its row in the database, as a 500."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            pairs = data.lists() if isinstance(data, QueryDict) else data.items()
            errors = {
                name: [NUL_MESSAGE]
                for name, value in pairs
                if name in self.fields and has_nul(value)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def error_api_url(provider_slug: str, code: str) -> str:
    return reverse("api:error-detail", kwargs={"provider": provider_slug, "code": code})


class ProviderSerializer(NulFreeModelSerializer):
    error_count = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Provider
        fields = ["slug", "name", "layer", "docs_url", "api_hosts", "identifying_headers",
                  "description", "description_html", "error_count", "url"]  # fmt: skip
        read_only_fields = ["description_html"]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class CategorySerializer(NulFreeModelSerializer):
    error_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Category
        fields = ["slug", "name", "summary", "guide", "guide_html", "error_count"]
        read_only_fields = ["guide_html"]


class CauseSerializer(serializers.ModelSerializer):
    likelihood = serializers.CharField(source="get_likelihood_display", read_only=True)

    class Meta:
        model = Cause
        fields = ["id", "likelihood", "text", "text_html"]


class FixSerializer(serializers.ModelSerializer):
    difficulty = serializers.CharField(source="get_difficulty_display", read_only=True)

    class Meta:
        model = Fix
        fields = ["id", "difficulty", "text", "text_html", "cause"]


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = ["id", "position", "title", "body", "body_html", "tip", "tip_html"]


class FAQSerializer(serializers.ModelSerializer):
    class Meta:
        model = FAQ
        fields = ["id", "question", "answer", "answer_html"]


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "kind", "text", "text_html"]


class ErrorCodeListSerializer(NulFreeModelSerializer):
    provider = serializers.SlugRelatedField(
        slug_field="slug", queryset=Provider.objects.all()
    )
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Category.objects.all(),
        allow_null=True,
        required=False,
    )
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()

    class Meta:
        model = ErrorCode
        fields = ["id", "provider", "code", "http_status", "title", "summary", "category",
                  "retryable", "fixable_by", "severity", "tier", "product", "state",
                  "updated_at", "url", "api_url"]  # fmt: skip
        read_only_fields = ["updated_at", "tier"]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_api_url(self, obj) -> str:
        return error_api_url(obj.provider.slug, obj.code)


PLAYBOOK_MINUTES = {
    "type": "array",
    "items": {"type": "integer", "minimum": 0},
    "minItems": 2,
    "maxItems": 2,
    "nullable": True,
    "description": "How long the playbook takes, in minutes: [low, high].",
}


class ErrorCodeDetailSerializer(ErrorCodeListSerializer):
    causes = CauseSerializer(many=True, read_only=True)
    fixes = FixSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    faqs = FAQSerializer(many=True, read_only=True)
    notes = NoteSerializer(many=True, read_only=True)
    related = serializers.SerializerMethodField()
    retry = serializers.SerializerMethodField()
    playbook_minutes = serializers.SerializerMethodField()

    class Meta(ErrorCodeListSerializer.Meta):
        fields = ErrorCodeListSerializer.Meta.fields + [
            "meaning", "meaning_html", "symptoms", "symptoms_html", "retry_notes",
            "retry_base_delay", "retry_max_attempts", "retry_idempotent_only", "aliases",
            "sources", "verified_on", "playbook_minutes_min", "playbook_minutes_max",
            "retry", "playbook_minutes", "causes", "fixes", "steps", "faqs", "notes",
            "related", "created_at",
        ]  # fmt: skip
        read_only_fields = ["updated_at", "created_at", "meaning_html", "symptoms_html"]
        extra_kwargs = {
            "retry_notes": {"write_only": True},
            "retry_base_delay": {"write_only": True},
            "retry_max_attempts": {"write_only": True},
            "retry_idempotent_only": {"write_only": True},
            "playbook_minutes_min": {"write_only": True},
            "playbook_minutes_max": {"write_only": True},
        }

    def get_related(self, obj) -> list[dict]:
        return [
            {"provider": r.provider.slug, "code": r.code, "title": r.title,
             "api_url": error_api_url(r.provider.slug, r.code)}
            for r in obj.related.all()
        ]  # fmt: skip

    def get_retry(self, obj) -> dict:
        advice = obj.retry_advice()
        return {
            "retryable": obj.retryable,
            "action": str(advice.action),
            "refresh": advice.refresh,
            "fix_by": str(advice.fix_by) if advice.fix_by else None,
            "base_delay": obj.retry_base_delay,
            "max_attempts": obj.retry_max_attempts,
            "idempotent_only": obj.retry_idempotent_only,
            "notes": obj.retry_notes,
            "notes_html": obj.retry_notes_html,
        }

    @extend_schema_field(PLAYBOOK_MINUTES)
    def get_playbook_minutes(self, obj) -> list[int] | None:
        """[low, high]; a bound given alone stands for both, as the page shows it."""
        low, high = obj.playbook_minutes_min, obj.playbook_minutes_max
        if low is None and high is None:
            return None
        return [high if low is None else low, low if high is None else high]

    def validate(self, attrs):
        low = attrs.get(
            "playbook_minutes_min", getattr(self.instance, "playbook_minutes_min", None)
        )
        high = attrs.get(
            "playbook_minutes_max", getattr(self.instance, "playbook_minutes_max", None)
        )
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"playbook_minutes_min": "must not be more than playbook_minutes_max"}
            )
        provider = attrs.get("provider", getattr(self.instance, "provider", None))
        code = attrs.get("code", getattr(self.instance, "code", None))
        if provider and code:
            clash = ErrorCode.objects.filter(provider=provider, code_key=code.lower())
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise serializers.ValidationError(
                    {"code": f"{provider.slug} already has an error {code!r}"}
                )
        return attrs


class SignatureSerializer(NulFreeModelSerializer):
    class Meta:
        model = Signature
        fields = ["id", "error", "position", "http_status", "code", "header_name",
                  "header_value", "body_regex", "weight"]  # fmt: skip

    def validate(self, attrs):
        instance = Signature(**{**self.initial_instance_values(), **attrs})
        instance.clean()  # RE2 must compile; the rule must constrain something
        return attrs

    def initial_instance_values(self) -> dict:
        if self.instance is None:
            return {}
        return {
            f: getattr(self.instance, f)
            for f in self.Meta.fields
            if f not in ("id", "error")
        }


class StrictCharField(serializers.CharField):
    """A string and nothing else: no numbers or booleans quietly made into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON number that is a whole number: no "429" strings, no booleans."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("invalid")
        return super().to_internal_value(data)


LOOKUP_URL = r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]+"


class LookupInputSerializer(serializers.Serializer):
    status = StrictIntegerField(
        min_value=100, max_value=999, help_text="The response's HTTP status."
    )
    headers = serializers.DictField(
        child=StrictCharField(allow_blank=True, max_length=8192, trim_whitespace=False),
        required=False,
        default=dict,
        help_text="The response's headers, name to value (any case; at most 200).",
    )
    body = serializers.JSONField(
        required=False,
        default="",
        help_text="The response's body as it came: a string (JSON, an HTML page, "
        "XML or plain text), or the parsed JSON object or array.",
    )
    provider = serializers.SlugField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text="Who sent the response, if you know (`openai`); otherwise it is "
        "worked out from the URL, the headers and the body.",
    )
    # Only a hint for who sent the response (its host): any http(s) URL will do, and
    # the schema's pattern is this regex, so clients and server agree on "valid".
    url = serializers.RegexField(
        LOOKUP_URL,
        required=False,
        allow_blank=True,
        max_length=2048,
        help_text="The URL the request went to; its host names the provider.",
    )
    max_wait = serializers.FloatField(
        required=False,
        default=60.0,
        min_value=0,
        max_value=86400,
        help_text="The longest wait, in seconds, you would sleep on; a longer one "
        "is answered reschedule.",
    )
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=120,
        help_text="The error's code, if you already have it (`insufficient_quota`).",
    )

    def validate_headers(self, value):
        if len(value) > 200:
            raise serializers.ValidationError("at most 200 headers")
        return value

    def validate_body(self, value):
        if value is None:
            return ""
        if not isinstance(value, (str, dict, list)):
            raise serializers.ValidationError(
                "must be a string or a JSON object or array"
            )
        return value


class LookupQuerySerializer(LookupInputSerializer):
    """The GET form: status, code and provider as query parameters."""

    headers = None
    body = None
    url = None


class FeedbackSerializer(NulFreeModelSerializer):
    fix = serializers.PrimaryKeyRelatedField(
        queryset=Fix.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Feedback
        fields = ["id", "helped", "fix", "created_at"]
        read_only_fields = ["created_at"]
