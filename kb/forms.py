"""Forms of the public pages: list filters, feedback and the Diagnose form."""

import re
from functools import lru_cache

from django import forms
from django.conf import settings

from kb.choices import Retryable, Tier
from kb.models import Category, Provider
from kb.versioning import kb_version

# The Diagnose form reads at most this much of a pasted body; the engine itself
# examines less (settings.KB_LOOKUP_BODY_LIMIT).
MAX_BODY_BYTES = 256 * 1024
MAX_HEADER_LINES = 100
HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
STATUS_LINE = re.compile(r"^HTTP/\d(?:\.\d)?\s+(\d{3})\b", re.IGNORECASE)

STATUS_CLASSES = [
    ("", "Any status"),
    ("4", "4xx client errors"),
    ("5", "5xx server errors"),
]


class ErrorFilterForm(forms.Form):
    """Narrows a provider's or a category's list; every field is optional."""

    status = forms.ChoiceField(choices=STATUS_CLASSES, required=False)
    retryable = forms.ChoiceField(
        choices=[("", "Retry: any"), *Retryable.choices], required=False
    )
    category = forms.ModelChoiceField(
        Category.objects.all(), required=False, to_field_name="slug", empty_label="Any"
    )
    provider = forms.ModelChoiceField(
        Provider.objects.all(), required=False, to_field_name="slug", empty_label="Any"
    )

    def __init__(self, *args, omit: str, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields[omit]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["status"]:
            low = int(data["status"]) * 100
            queryset = queryset.filter(http_status__gte=low, http_status__lt=low + 100)
        if data["retryable"]:
            queryset = queryset.filter(retryable=data["retryable"])
        for name in ("category", "provider"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        return queryset


class CodeTableForm(forms.Form):
    """Filters of a provider's table of every code it documents."""

    q = forms.CharField(required=False, max_length=100, label="Code contains")
    status = forms.ChoiceField(choices=STATUS_CLASSES, required=False)
    tier = forms.ChoiceField(choices=[("", "Any"), *Tier.choices], required=False)
    retryable = forms.ChoiceField(
        choices=[("", "Retry: any"), *Retryable.choices], required=False
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(code_key__contains=data["q"].lower())
        if data["status"]:
            low = int(data["status"]) * 100
            queryset = queryset.filter(http_status__gte=low, http_status__lt=low + 100)
        for name in ("tier", "retryable"):
            if data[name]:
                queryset = queryset.filter(**{name: data[name]})
        return queryset


class FeedbackForm(forms.Form):
    helped = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")], coerce=lambda value: value == "yes"
    )
    fix = forms.IntegerField(required=False, min_value=1)


@lru_cache(maxsize=4)
def provider_choices(version: str) -> list[tuple[str, str]]:
    """The Diagnose form's providers, read once per knowledge-base version
    (``version`` only keys the cache)."""
    providers = Provider.objects.order_by("name").values_list("slug", "name")
    return [("", "Work it out"), *providers]


class DiagnoseForm(forms.Form):
    provider = forms.ChoiceField(
        required=False,
        help_text="Leave on “Work it out” to let ErrorKB infer it from the URL, "
        "headers and body.",
    )
    status = forms.IntegerField(
        label="HTTP status",
        required=False,
        min_value=100,
        max_value=999,
        help_text="100–999; non-standard codes such as 520 or 599 are fine.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "429"}),
    )
    url = forms.URLField(
        label="Request URL",
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text="Optional: the URL you called, to tell the provider by its host.",
        widget=forms.URLInput(
            attrs={"placeholder": "https://api.openai.com/v1/chat/completions"}
        ),
    )
    headers = forms.CharField(
        label="Response headers",
        required=False,
        max_length=16 * 1024,
        help_text="One “Name: value” per line. Secrets are redacted before anything "
        "is stored.",
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
    )
    body = forms.CharField(
        label="Response body",
        required=False,
        strip=False,
        help_text=f"JSON, XML, HTML or text. Only the first "
        f"{settings.KB_LOOKUP_BODY_LIMIT:,} characters are examined (the part with "
        "the error is usually at the start).",
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = provider_choices(kb_version())

    def clean_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        lines = self.cleaned_data["headers"].splitlines()
        if len(lines) > MAX_HEADER_LINES:
            raise forms.ValidationError(
                f"Paste at most {MAX_HEADER_LINES} header lines."
            )
        for number, line in enumerate(lines, start=1):
            if not line.strip() or STATUS_LINE.match(line.strip()):
                continue
            name, colon, value = line.partition(":")
            if not colon or not HEADER_NAME.match(name.strip()):
                raise forms.ValidationError(
                    f"Line {number} is not a “Name: value” header: {line[:60]!r}."
                )
            headers[name.strip().lower()] = value.strip()
        return headers

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        size = len(body.encode("utf-8"))
        if size > MAX_BODY_BYTES:
            raise forms.ValidationError(
                f"The body is {size // 1024} KiB; paste at most 256 KiB (the part with "
                "the error is usually at the start)."
            )
        return body

    def clean(self):
        data = super().clean()
        if data.get("status") is None and "status" not in self.errors:
            # A pasted raw response may carry its status line with the headers.
            for line in self.data.get("headers", "").splitlines()[:MAX_HEADER_LINES]:
                match = STATUS_LINE.match(line.strip())
                if match and 100 <= int(match.group(1)) <= 999:
                    data["status"] = int(match.group(1))
                    break
            else:
                self.add_error("status", "Enter the HTTP status of the response.")
        return data
