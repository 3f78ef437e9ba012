"""The knowledge base: who emits errors, the errors, and how to recognise and fix them."""

import uuid

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
    Difficulty,
    FixableBy,
    Layer,
    Likelihood,
    NoteKind,
    Retryable,
    Severity,
    State,
    choice_values,
)
from kb.markdown import RenderedMarkdownMixin
from kb.querysets import ErrorCodeQuerySet

STATUS_VALIDATORS = [MinValueValidator(100), MaxValueValidator(999)]


def in_choices(field: str, choices) -> Q:
    return Q(**{f"{field}__in": choice_values(choices)})


def status_in_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": 100, f"{field}__lte": 999}
    )


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
    docs_url = models.URLField(blank=True, help_text="The provider's error reference.")
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
    position = models.PositiveSmallIntegerField(default=100)

    history = HistoricalRecords()
    markdown_fields = ("description",)

    class Meta:
        ordering = ["position", "name"]
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
        max_length=100,
        help_text='The provider\'s own code as it appears: "429", "card_declined", '
        '"ThrottlingException", "H12".',
    )
    code_key = models.CharField(
        max_length=100, editable=False, help_text="The code in lower case, for lookups."
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
        help_text="URLs of the provider's documentation for the facts stated here.",
    )
    verified_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="Kept by a PostgreSQL trigger."
    )

    objects = ErrorCodeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_vector", "code_key"])
    markdown_fields = ("meaning", "symptoms", "retry_notes")

    class Meta:
        ordering = ["provider__position", "provider__name", "http_status", "code"]
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

    @property
    def is_published(self) -> bool:
        return self.state == State.PUBLISHED

    @property
    def natural_key_str(self) -> str:
        return f"{self.provider.slug}/{self.code}"


class ErrorPart(RenderedMarkdownMixin, models.Model):
    """Something listed under an error, in the order the editor gave it."""

    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True


class Cause(ErrorPart):
    error = models.ForeignKey(
        ErrorCode, on_delete=models.CASCADE, related_name="causes"
    )
    text = models.TextField(help_text="Markdown: a sentence or two.")
    text_html = models.TextField(blank=True, editable=False)
    likelihood = models.PositiveSmallIntegerField(
        choices=Likelihood.choices, default=Likelihood.MEDIUM
    )

    history = HistoricalRecords()
    markdown_fields = ("text",)

    class Meta:
        ordering = ["-likelihood", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("likelihood", Likelihood),
                name="kb_cause_likelihood_valid",
            ),
        ]

    def __str__(self):
        return self.text[:80]


class Fix(ErrorPart):
    error = models.ForeignKey(ErrorCode, on_delete=models.CASCADE, related_name="fixes")
    cause = models.ForeignKey(
        Cause,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fixes",
        help_text="The cause this fix addresses, if one.",
    )
    text = models.TextField(help_text="Markdown: concrete and actionable.")
    text_html = models.TextField(blank=True, editable=False)
    difficulty = models.PositiveSmallIntegerField(
        choices=Difficulty.choices, default=Difficulty.EASY
    )

    history = HistoricalRecords()
    markdown_fields = ("text",)

    class Meta:
        ordering = ["difficulty", "position", "id"]
        verbose_name_plural = "fixes"
        constraints = [
            models.CheckConstraint(
                condition=in_choices("difficulty", Difficulty),
                name="kb_fix_difficulty_valid",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        if self.cause_id and self.error_id and self.cause.error_id != self.error_id:
            raise ValidationError({"cause": "Pick a cause of the same error."})


class Step(ErrorPart):
    """One step of an error's playbook; the playbook's time range is on the error."""

    error = models.ForeignKey(ErrorCode, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Markdown: what to do.")
    body_html = models.TextField(blank=True, editable=False)
    tip = models.TextField(
        blank=True, help_text="Markdown: what a seasoned engineer adds."
    )
    tip_html = models.TextField(blank=True, editable=False)

    history = HistoricalRecords()
    markdown_fields = ("body", "tip")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class FAQ(ErrorPart):
    error = models.ForeignKey(ErrorCode, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(max_length=300)
    answer = models.TextField(help_text="Markdown.")
    answer_html = models.TextField(blank=True, editable=False)

    history = HistoricalRecords()
    markdown_fields = ("answer",)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"

    def __str__(self):
        return self.question


class Note(ErrorPart):
    error = models.ForeignKey(ErrorCode, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(
        max_length=10, choices=NoteKind.choices, default=NoteKind.NOTE
    )
    text = models.TextField(help_text="Markdown.")
    text_html = models.TextField(blank=True, editable=False)

    history = HistoricalRecords()
    markdown_fields = ("text",)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("kind", NoteKind), name="kb_note_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.text[:60]}"


class Signature(models.Model):
    """A rule that recognises a response as its error. Every field given must match;
    the weight says how specific the rule is."""

    error = models.ForeignKey(
        ErrorCode, on_delete=models.CASCADE, related_name="signatures"
    )
    position = models.PositiveSmallIntegerField(default=0)
    http_status = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=STATUS_VALIDATORS
    )
    code = models.CharField(
        max_length=100,
        blank=True,
        help_text="A code value found in the body (error.code, __type, reason, …).",
    )
    code_key = models.CharField(max_length=100, blank=True, editable=False)
    header_name = models.CharField(max_length=100, blank=True)
    header_value = models.CharField(
        max_length=200,
        blank=True,
        help_text="Blank: the header only has to be present.",
    )
    body_regex = models.CharField(
        max_length=500,
        blank=True,
        help_text="An RE2 pattern searched in the body text.",
    )
    weight = models.FloatField(
        default=1.0, validators=[MinValueValidator(0.1), MaxValueValidator(10)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(http_status__isnull=False)
                | ~Q(code="")
                | ~Q(header_name="")
                | ~Q(body_regex=""),
                name="kb_signature_constrains_something",
            ),
            models.CheckConstraint(
                condition=status_in_range("http_status"),
                name="kb_signature_status_range",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0.1, weight__lte=10),
                name="kb_signature_weight_range",
            ),
        ]
        indexes = [models.Index(fields=["code_key"], name="kb_signature_code")]

    def __str__(self):
        parts = []
        if self.http_status:
            parts.append(f"status={self.http_status}")
        if self.code:
            parts.append(f"code={self.code}")
        if self.header_name:
            parts.append(f"header:{self.header_name}")
        if self.body_regex:
            parts.append(f"body~/{self.body_regex}/")
        return ", ".join(parts) or "(empty)"

    def save(self, *args, **kwargs):
        self.code_key = self.code.lower()
        self.header_name = self.header_name.lower()
        super().save(*args, **kwargs)

    def clean(self):
        if not (self.http_status or self.code or self.header_name or self.body_regex):
            raise ValidationError(
                "A signature must constrain at least one thing: a status, a code, "
                "a header or a body pattern."
            )
        if self.body_regex:
            try:
                re2.compile(self.body_regex)
            except re2.error as exc:
                raise ValidationError(
                    {"body_regex": f"Not a valid RE2 pattern: {exc}"}
                ) from None


class Example(models.Model):
    """A real response of this error as the provider publishes it. The test suite
    replays every one through the lookup and expects its own entry back."""

    error = models.ForeignKey(
        ErrorCode, on_delete=models.CASCADE, related_name="examples"
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200, blank=True)
    http_status = models.PositiveSmallIntegerField(validators=STATUS_VALIDATORS)
    headers = models.JSONField(default=dict, blank=True)
    body = models.TextField(blank=True)
    source = models.CharField(max_length=500, help_text="Where it was published.")
    expect_action = models.CharField(
        max_length=20,
        blank=True,
        help_text="The retry action the lookup should advise.",
    )
    expect_after_seconds = models.FloatField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(http_status__gte=100, http_status__lte=999),
                name="kb_example_status_range",
            ),
        ]

    def __str__(self):
        return self.title or f"{self.error} example"


class LookupEvent(models.Model):
    """One lookup, for analytics and knowledge gaps. Never the raw body or header
    values: responses carry tokens and personal data."""

    lookup_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    provider_slug = models.CharField(max_length=50, blank=True)
    http_status = models.PositiveSmallIntegerField(validators=STATUS_VALIDATORS)
    codes = models.JSONField(default=list, blank=True)
    matched = models.ForeignKey(
        ErrorCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confidence = models.FloatField(default=0)
    body_sha256 = models.CharField(max_length=64, blank=True)
    fingerprint = models.CharField(max_length=64, db_index=True)
    message_shape = models.CharField(
        max_length=200,
        blank=True,
        help_text="Redacted message with numbers and ids stripped.",
    )
    layer = models.CharField(max_length=10, blank=True)
    action = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=1),
                name="kb_lookupevent_confidence_range",
            ),
        ]

    def __str__(self):
        return f"{self.lookup_id} {self.http_status}"


class Feedback(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    error = models.ForeignKey(
        ErrorCode,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    lookup = models.ForeignKey(
        LookupEvent,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    fix = models.ForeignKey(
        Fix, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    helped = models.BooleanField()
    via = models.CharField(max_length=10, default="page", help_text="page or api")

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(error__isnull=False) | Q(lookup__isnull=False),
                name="kb_feedback_has_subject",
            ),
        ]

    def __str__(self):
        return f"{'helped' if self.helped else 'did not help'}: {self.error or self.lookup}"


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
    sources = models.JSONField(default=list, blank=True)
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
