"""Forms of the editors' admin: lists edited as lines, headers as "Name: value",
and the checks that keep two editors from overwriting each other."""

import json

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from kb import revisions
from kb.models import ErrorCode, Example, Fix
from kb.safe_urls import is_safe_url


class LinesField(forms.CharField):
    """A JSON list of strings, edited one item a line."""

    widget = forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"})

    def __init__(self, *args, url=False, **kwargs):
        self.url = url
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return value
        return "\n".join(value or [])

    def to_python(self, value):
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        if self.url:
            bad = [line for line in lines if not is_safe_url(line)]
            if bad:
                raise forms.ValidationError(
                    f"Each line must be one http(s) URL; not: {', '.join(bad[:3])}"
                )
        return lines


class HeadersField(forms.CharField):
    """A JSON map of headers, edited as "Name: value" lines."""

    widget = forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return value
        return "\n".join(f"{name}: {text}" for name, text in (value or {}).items())

    def to_python(self, value):
        headers = {}
        for number, line in enumerate((value or "").splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, text = line.partition(":")
            if not sep or not name.strip() or " " in name.strip():
                raise forms.ValidationError(
                    f"Line {number}: write a header as 'Name: value' ({line[:60]!r})"
                )
            headers[name.strip()] = text.strip()
        return headers


class ErrorCodeAdminForm(forms.ModelForm):
    """The entry form: lists as lines, a friendly duplicate check, and the version
    the editor opened, so a save made from a stale form is refused."""

    aliases = LinesField(help_text="Other spellings of the code, one a line.")
    sources = LinesField(url=True, help_text="One URL of the provider's docs a line.")
    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)
    opened_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ErrorCode
        fields = [
            "provider", "code", "http_status", "title", "summary", "category",
            "product", "state", "meaning", "symptoms", "severity", "fixable_by",
            "retryable", "retry_action", "retry_refresh", "retry_notes",
            "retry_base_delay", "retry_max_attempts", "retry_idempotent_only",
            "playbook_minutes_min", "playbook_minutes_max", "aliases", "related",
            "sources", "verified_on",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["opened_at"] = self.instance.updated_at.isoformat()
            latest = revisions.latest(self.instance)
            self.initial["opened_revision"] = latest.pk if latest else None

    def clean(self):
        data = super().clean()
        provider, code = data.get("provider"), data.get("code")
        if provider and code:
            clash = ErrorCode.objects.filter(provider=provider, code_key=code.lower())
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if (other := clash.first()) is not None:
                url = reverse("admin:kb_errorcode_change", args=[other.pk])
                raise forms.ValidationError(
                    format_html(
                        '{} already has the code <a href="{}">{}</a> (codes are '
                        "compared without case). Edit that entry instead.",
                        provider,
                        url,
                        other.code,
                    )
                )
        self.check_not_stale()
        return data

    def check_not_stale(self):
        """Refuse a save if the entry changed since this form was opened, and say
        what changed meanwhile."""
        if not self.instance.pk or not self.data.get("opened_at"):
            return
        current = (
            ErrorCode.objects.filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        if current is None or current.isoformat() == self.data["opened_at"]:
            return
        base = None
        if (opened := self.cleaned_data.get("opened_revision")) is not None:
            base = revisions.Revision.objects.filter(pk=opened).first()
        changes = revisions.diff(base.snapshot if base else None,
                                 revisions.snapshot(self.instance))  # fmt: skip
        self.stale_changes = changes
        raise forms.ValidationError(
            "Someone else saved this entry after you opened it, so your changes were "
            "not saved (they would have overwritten theirs). What changed meanwhile: "
            + "; ".join(f"{c.where} {c.kind}" for c in changes[:12])
            + ". Reload the page, then make your change again."
        )


class FixInlineForm(forms.ModelForm):
    """A fix may name its cause by number (its position among the causes, from 1),
    so that a cause and its fix can be written in the same save."""

    cause_number = forms.IntegerField(
        required=False,
        min_value=1,
        help_text="Or the number of the cause it addresses (1 = the first cause "
        "listed above), for a cause added in this same save.",
    )

    class Meta:
        model = Fix
        fields = ["difficulty", "text", "cause", "position"]


class ExampleInlineForm(forms.ModelForm):
    headers = HeadersField(help_text="One 'Name: value' a line.")

    class Meta:
        model = Example
        fields = ["title", "http_status", "headers", "body", "source", "expect_action",
                  "expect_after_seconds", "position"]  # fmt: skip
