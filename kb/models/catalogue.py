"""Who emits errors, the errors themselves, the themes they fall under, and guides."""

import re2
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kb.choices import (
    FixableBy,
    Layer,
    Retryable,
    RetryAction,
    Severity,
    State,
    Tier,
)
from kb.lookup import types
from kb.markdown import RenderedMarkdownMixin
from kb.models.base import STATUS_VALIDATORS, in_choices, status_in_range
from kb.querysets import ErrorCodeQuerySet
from kb.safe_urls import validate_http_url, validate_url_list


class Provider(RenderedMarkdownMixin, models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    layer = models.CharField(
        max_length=10,
        choices=Layer.choices,
        default=Layer.API,
        help_text="Where this provider's errors come from: its own API, an edge "
        "network, a proxy or load balancer, the caller's platform, or a standard.",
    )
    description = models.TextField(blank=True, help_text="Markdown.")
    description_html = models.TextField(blank=True, editable=False)
    docs_url = models.URLField(
        blank=True,
        validators=[validate_http_url],
        help_text="The provider's error reference (http or https).",
    )
    api_hosts = models.JSONField(
        default=list,
        blank=True,
        help_text="Host names (or parent domains) of the provider's API, used to "
        'infer the provider from a request URL, e.g. ["api.stripe.com"].',
    )
    identifying_headers = models.JSONField(
        default=list,
        blank=True,
        help_text="Lower-case response header names only this provider sends, "
        'e.g. ["cf-ray"].',
    )
    body_patterns = models.JSONField(
        default=list,
        blank=True,
        help_text="RE2 patterns that recognise this provider's error bodies.",
    )
    generic = models.BooleanField(
        default=False,
        help_text="Its entries describe statuses or formats (the HTTP registry, "
        "Problem Details), not one API's errors: they answer only when nothing more "
        "specific matches, and the code's own words, the message and the provider's "
        "rules decide their retry advice.",
    )
    position = models.PositiveSmallIntegerField(default=100)

    history = HistoricalRecords()
    markdown_fields = ("description",)

    class Meta:
        ordering = ["position", "name"]
        permissions = [
            ("change_provider_matching",
             "Can change a provider's hosts, headers and body patterns"),
        ]  # fmt: skip
        constraints = [
            models.CheckConstraint(
                condition=in_choices("layer", Layer), name="kb_provider_layer_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("kb:provider", args=[self.slug])

    def clean(self):
        for pattern in self.body_patterns or []:
            try:
                re2.compile(pattern)
            except re2.error as exc:
                raise ValidationError(
                    {"body_patterns": f"{pattern!r}: {exc}"}
                ) from None


class Category(RenderedMarkdownMixin, models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    summary = models.CharField(max_length=300, blank=True)
    guide = models.TextField(
        blank=True,
        help_text="Markdown: how to recognise this family, the first step, the traps.",
    )
    guide_html = models.TextField(blank=True, editable=False)
    general_entry = models.ForeignKey(
        "ErrorCode",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The curated entry whose causes and fixes are this family's general "
        "advice, shown on reference entries of the family (e.g. http/429 for rate "
        "limiting).",
    )
    position = models.PositiveSmallIntegerField(default=100)

    history = HistoricalRecords()
    markdown_fields = ("guide",)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("kb:category", args=[self.slug])


class ErrorCode(RenderedMarkdownMixin, models.Model):
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="errors"
    )
    code = models.CharField(
        max_length=200,
        help_text='The provider\'s own code as it appears: "429", "card_declined", '
        '"ThrottlingException", "H12".',
    )
    code_key = models.CharField(
        max_length=200, editable=False, help_text="The code in lower case, for lookups."
    )
    http_status = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=STATUS_VALIDATORS
    )
    title = models.CharField(max_length=200, help_text='e.g. "429 Too Many Requests".')
    summary = models.TextField(
        help_text="The quick answer: at most three sentences, plain text."
    )
    meaning = models.TextField(blank=True, help_text="Markdown: what it means.")
    meaning_html = models.TextField(blank=True, editable=False)
    symptoms = models.TextField(blank=True, help_text="Markdown: how it shows up.")
    symptoms_html = models.TextField(blank=True, editable=False)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="errors",
    )
    retryable = models.CharField(
        max_length=12, choices=Retryable.choices, default=Retryable.CONDITIONAL
    )
    retry_action = models.CharField(
        max_length=20,
        choices=RetryAction.choices,
        blank=True,
        help_text="What a program should do. Blank: retry unless the label is "
        "'never', then fix first (configuration or account) or do not retry. Use "
        "'refresh, then send a new request' for conflicts and expired tokens and "
        "'poll' for 'not ready yet' answers.",
    )
    retry_refresh = models.CharField(
        max_length=200,
        blank=True,
        help_text="With 'refresh, then send a new request': what to re-read or "
        "refresh first, e.g. 'the resource's current version'.",
    )
    retry_notes = models.TextField(
        blank=True,
        help_text="Markdown: when to retry, how long to wait, which header says.",
    )
    retry_notes_html = models.TextField(blank=True, editable=False)
    retry_base_delay = models.FloatField(
        default=1.0,
        validators=[MinValueValidator(0), MaxValueValidator(3600)],
        help_text="Seconds: the first backoff step when the response names no wait.",
    )
    retry_max_attempts = models.PositiveSmallIntegerField(
        default=3, validators=[MaxValueValidator(20)]
    )
    retry_idempotent_only = models.BooleanField(
        default=True,
        help_text="Retry only idempotent requests, or ones sent with an idempotency key.",
    )
    fixable_by = models.CharField(
        max_length=20, choices=FixableBy.choices, default=FixableBy.CALLER_CODE
    )
    severity = models.PositiveSmallIntegerField(
        choices=Severity.choices, default=Severity.MEDIUM
    )
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other spellings of the code, as a list."
    )
    related = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="related_from"
    )
    playbook_minutes_min = models.PositiveIntegerField(
        null=True, blank=True, help_text="Estimated time of the playbook, lower bound."
    )
    playbook_minutes_max = models.PositiveIntegerField(null=True, blank=True)
    sources = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_url_list],
        help_text="URLs (http or https) of the provider's documentation for the "
        "facts stated here.",
    )
    verified_on = models.DateField(null=True, blank=True)
    product = models.CharField(
        max_length=200,
        blank=True,
        help_text="The provider's product or service the code belongs to (an AWS "
        "service, a Twilio product), when the provider has several.",
    )
    loaded_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="A digest of the entry as kb_load last left it (fields and parts).",
    )
    file_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="A digest of the entry's item in fixtures/ at the last load.",
    )
    tier = models.CharField(
        max_length=10,
        choices=Tier.choices,
        default=Tier.CURATED,
        help_text="Reference entries are imported from the provider's own lists "
        "(fixtures/reference/) and carry facts only; editing one here makes it "
        "curated.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="Kept by a PostgreSQL trigger."
    )

    objects = ErrorCodeQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["search_vector", "code_key", "loaded_hash", "file_hash"]
    )
    markdown_fields = ("meaning", "symptoms", "retry_notes")

    class Meta:
        ordering = ["provider__position", "provider__name", "http_status", "code"]
        permissions = [
            ("publish_errorcode",
             "Can publish entries and approve changes to published ones"),
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(
                Lower("code"), "provider", name="kb_errorcode_unique_code"
            ),
            models.CheckConstraint(
                condition=~Q(code=""), name="kb_errorcode_code_not_empty"
            ),
            models.CheckConstraint(
                condition=status_in_range("http_status"),
                name="kb_errorcode_status_range",
            ),
            models.CheckConstraint(
                condition=in_choices("retryable", Retryable),
                name="kb_errorcode_retryable_valid",
            ),
            models.CheckConstraint(
                condition=in_choices("fixable_by", FixableBy),
                name="kb_errorcode_fixable_by_valid",
            ),
            models.CheckConstraint(
                condition=in_choices("retry_action", RetryAction) | Q(retry_action=""),
                name="kb_errorcode_retry_action_valid",
            ),
            models.CheckConstraint(
                condition=in_choices("tier", Tier), name="kb_errorcode_tier_valid"
            ),
            models.CheckConstraint(
                condition=in_choices("severity", Severity),
                name="kb_errorcode_severity_valid",
            ),
            models.CheckConstraint(
                condition=in_choices("state", State), name="kb_errorcode_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(retry_base_delay__gte=0, retry_base_delay__lte=3600),
                name="kb_errorcode_retry_delay_range",
            ),
            models.CheckConstraint(
                condition=Q(retry_max_attempts__lte=20),
                name="kb_errorcode_retry_attempts_range",
            ),
            models.CheckConstraint(
                condition=Q(playbook_minutes_min__isnull=True)
                | Q(playbook_minutes_max__isnull=True)
                | Q(playbook_minutes_min__lte=models.F("playbook_minutes_max")),
                name="kb_errorcode_playbook_time_order",
            ),
        ]
        indexes = [
            models.Index(
                fields=["provider", "code_key"], name="kb_error_provider_code"
            ),
            models.Index(
                fields=["provider", "http_status"], name="kb_error_provider_status"
            ),
            models.Index(fields=["http_status"], name="kb_error_status"),
            models.Index(fields=["provider", "tier", "code_key"], name="kb_error_tier"),
        ]

    def __str__(self):
        return f"{self.provider.slug}/{self.code}"

    def save(self, *args, **kwargs):
        self.code_key = self.code.lower()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "code" in update_fields:
            kwargs["update_fields"] = set(update_fields) | {"code_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("kb:error", args=[self.provider.slug, self.code])

    # The fields that make up an entry's retry policy, in RetryPolicy's order.
    RETRY_POLICY_FIELDS = (
        "retryable", "fixable_by", "retry_base_delay", "retry_max_attempts",
        "retry_idempotent_only", "retry_action", "retry_refresh",
    )  # fmt: skip

    def retry_policy(self) -> types.RetryPolicy:
        """The engine's view of this entry's retry guidance: the one policy the
        index, the API, the content files and the page's retry box all read."""
        return self.policy_from(*(getattr(self, f) for f in self.RETRY_POLICY_FIELDS))

    def retry_advice(self) -> types.RetryAdvice:
        """The engine's advice for this entry when a response names no wait."""
        from kb.lookup.retry import entry_advice

        return entry_advice(self.retry_policy(), f"{self.provider.slug}/{self.code}")

    @staticmethod
    def policy_from(
        retryable, fixable_by, base_delay, max_attempts, idempotent_only, action,
        refresh,
    ) -> types.RetryPolicy:  # fmt: skip
        """A policy from the values of RETRY_POLICY_FIELDS (the index reads them
        with values_list, without building model instances)."""
        return types.RetryPolicy(
            retryable=types.Retryable(retryable),
            fixable_by=types.FixableBy(fixable_by),
            base_delay=base_delay,
            max_attempts=max_attempts,
            idempotent_only=idempotent_only,
            action=types.RetryAction(action) if action else None,
            refresh=refresh,
        )

    @property
    def is_published(self) -> bool:
        return self.state == State.PUBLISHED

    @property
    def natural_key_str(self) -> str:
        return f"{self.provider.slug}/{self.code}"


class Guide(RenderedMarkdownMixin, models.Model):
    """A cross-cutting guide (retries with backoff, idempotency keys, …) linked from
    the errors and categories it concerns."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    categories = models.ManyToManyField(Category, blank=True, related_name="guides")
    errors = models.ManyToManyField(ErrorCode, blank=True, related_name="guides")
    sources = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_url_list],
        help_text='URLs (http or https) the guide draws on, e.g. ["https://…"].',
    )
    position = models.PositiveSmallIntegerField(default=100)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    markdown_fields = ("body",)

    class Meta:
        ordering = ["position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("state", State), name="kb_guide_state_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("kb:guide", args=[self.slug])
