"""Versions of a whole entry: its fields and every part, as one snapshot."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from kb.models.base import in_choices
from kb.models.catalogue import ErrorCode


class RevisionKind(models.TextChoices):
    CREATED = "created", "created"
    EDITED = "edited", "edited"
    LOADED = "loaded", "loaded from fixtures/"
    REVERTED = "reverted", "reverted"
    PROPOSED = "proposed", "proposed for review"


class RevisionState(models.TextChoices):
    LIVE = "live", "live (was the entry as published at the time)"
    PENDING = "pending", "waiting for review"
    REJECTED = "rejected", "sent back"
    APPROVED = "approved", "approved"


class RevisionQuerySet(models.QuerySet):
    def live(self):
        """The entry as it was, version after version."""
        return self.filter(state=RevisionState.LIVE)

    def pending(self):
        """Proposed changes waiting for a publisher, oldest first."""
        return self.filter(state=RevisionState.PENDING).order_by("created_at", "pk")


class Revision(models.Model):
    """One version of an entry with all its parts (causes, fixes, steps, FAQs,
    notes, signatures, examples, related), in the form fixtures/ hold it. Live
    revisions are the entry's history; a pending one is a change waiting for a
    publisher, and becomes live when approved."""

    error = models.ForeignKey(
        ErrorCode,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revisions",
    )
    natural_key = models.CharField(
        max_length=160, help_text="provider/code, kept when the entry is deleted."
    )
    snapshot = models.JSONField(
        encoder=DjangoJSONEncoder, help_text="The whole entry, as kb_dump writes it."
    )
    snapshot_hash = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=10, choices=RevisionKind.choices)
    state = models.CharField(max_length=10, choices=RevisionState.choices)
    base = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a proposal: the live revision it was made from.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(
        blank=True, help_text="The reviewer's note when approving or sending back."
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("kind", RevisionKind),
                name="kb_revision_kind_valid",
            ),
            models.CheckConstraint(
                condition=in_choices("state", RevisionState),
                name="kb_revision_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state=RevisionState.PENDING)
                | Q(kind=RevisionKind.PROPOSED),
                name="kb_revision_pending_is_proposed",
            ),
        ]
        indexes = [models.Index(fields=["error", "state", "-created_at"],
                                name="kb_revision_error_state")]  # fmt: skip

    def __str__(self):
        return f"{self.natural_key} ({self.get_kind_display()}, {self.created_at:%Y-%m-%d %H:%M})"
