"""What happens at run time: lookups and the feedback on them."""

import uuid
from datetime import timedelta

from django.db import models
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from kb.models.base import STATUS_VALIDATORS
from kb.models.catalogue import ErrorCode
from kb.models.parts import Fix

LOW_CONFIDENCE = 0.5


class LookupEventQuerySet(models.QuerySet):
    def answered_badly(self):
        """Lookups that matched nothing, or matched under LOW_CONFIDENCE."""
        return self.filter(Q(matched__isnull=True) | Q(confidence__lt=LOW_CONFIDENCE))

    def knowledge_gaps(self, days: int | None = None):
        """Lookups answered badly, grouped by fingerprint (the same code is one gap,
        whatever the message) with counts, first and last lookup times and the
        latest codes, most frequent first."""
        latest = LookupEvent.objects.filter(
            fingerprint=OuterRef("fingerprint")
        ).order_by("-looked_up_at")
        events = self.answered_badly()
        if days:
            events = events.filter(
                looked_up_at__gte=timezone.now() - timedelta(days=days)
            )
        return (
            events.values("fingerprint")
            .annotate(
                count=Count("id"),
                first_seen=Min("looked_up_at"),
                last_seen=Max("looked_up_at"),
                codes=Subquery(latest.values("codes")[:1]),
                provider_slug=Subquery(latest.values("provider_slug")[:1]),
                http_status=Subquery(latest.values("http_status")[:1]),
                message_shape=Subquery(latest.values("message_shape")[:1]),
            )
            .order_by("-count", "-last_seen")
        )

    def reference_hits(self, days: int = 90):
        """Reference entries by how often lookups matched them lately."""
        since = timezone.now() - timedelta(days=days)
        return (
            self.filter(created_at__gte=since, matched__tier="reference")
            .values("matched")
            .annotate(count=Count("id"), last_seen=Max("created_at"))
            .order_by("-count", "matched")
        )

    def unknown_providers(self):
        """Providers callers named that the catalogue lacks, by how often."""
        return (
            self.filter(provider_known=False)
            .values("provider_slug")
            .annotate(count=Count("id"), last_seen=Max("created_at"))
            .order_by("-count", "provider_slug")
        )


class LookupEvent(models.Model):
    """One lookup, for analytics and knowledge gaps. Never the raw body or header
    values: responses carry tokens and personal data."""

    lookup_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, help_text="When the event was written."
    )
    looked_up_at = models.DateTimeField(
        default=timezone.now, db_index=True, help_text="When the lookup was made."
    )
    provider_slug = models.CharField(max_length=50, blank=True)
    provider_known = models.BooleanField(
        default=True,
        help_text="False when the caller named a provider the catalogue lacks.",
    )
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

    objects = LookupEventQuerySet.as_manager()

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


class GapState(models.TextChoices):
    OPEN = "open", "open"
    RESOLVED = "resolved", "resolved by an entry"
    DISMISSED = "dismissed", "dismissed"


class KnowledgeGap(models.Model):
    """What editors decided about a group of badly answered lookups (the groups
    themselves are counted from the events): closed when an entry now matches it,
    or dismissed with a reason."""

    fingerprint = models.CharField(max_length=64, unique=True)
    provider_slug = models.CharField(max_length=50, blank=True)
    http_status = models.PositiveSmallIntegerField(validators=STATUS_VALIDATORS)
    code = models.CharField(max_length=200, blank=True)
    state = models.CharField(
        max_length=10, choices=GapState.choices, default=GapState.OPEN
    )
    resolved_by = models.ForeignKey(
        ErrorCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why it was dismissed."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in GapState]),
                name="kb_knowledgegap_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state=GapState.DISMISSED) | ~Q(reason=""),
                name="kb_knowledgegap_dismissed_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.provider_slug or '?'} {self.http_status} {self.code}".strip()
