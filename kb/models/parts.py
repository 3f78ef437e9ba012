"""What an entry lists: causes, fixes, playbook steps, FAQs and notes."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from kb.choices import (
    Difficulty,
    Likelihood,
    NoteKind,
)
from kb.markdown import RenderedMarkdownMixin
from kb.models.base import in_choices
from kb.models.catalogue import ErrorCode
from kb.querysets import ErrorPartQuerySet


class ErrorPart(RenderedMarkdownMixin, models.Model):
    """Something listed under an error, in the order the editor gave it."""

    position = models.PositiveSmallIntegerField(default=0)

    objects = ErrorPartQuerySet.as_manager()

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
