"""How a response is recognised as an entry, and real responses that prove it."""

import re2
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from kb.models.base import STATUS_VALIDATORS, status_in_range
from kb.models.catalogue import ErrorCode
from kb.querysets import ErrorPartQuerySet
from kb.safe_urls import validate_source_text


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
        max_length=200,
        blank=True,
        help_text="A code value found in the body (error.code, __type, reason, …).",
    )
    code_key = models.CharField(max_length=200, blank=True, editable=False)
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

    objects = ErrorPartQuerySet.as_manager()
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
    source = models.CharField(
        max_length=500,
        validators=[validate_source_text],
        help_text="Where it was published: an http(s) URL, with a comment after it "
        "if need be, or a plain description.",
    )
    expect_action = models.CharField(
        max_length=20,
        blank=True,
        help_text="The retry action the lookup should advise.",
    )
    expect_after_seconds = models.FloatField(null=True, blank=True)

    objects = ErrorPartQuerySet.as_manager()
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
