import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from kb.choices import Retryable, State, Tier
from kb.models import Category, ErrorCode, Provider


def unknown(value, allowed) -> str:
    """The message for a value that is not among ``allowed``, naming them."""
    return f"Unknown value {str(value)[:50]!r}; choose from: {', '.join(allowed)}."


class SlugChoiceField(forms.ModelChoiceField):
    """A row named by its slug; an unknown slug is refused with the known ones."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            slugs = self.queryset.order_by("slug").values_list("slug", flat=True)
            raise forms.ValidationError(unknown(value, slugs)) from None


@extend_schema_field(OpenApiTypes.STR)
class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class StrictChoiceFilter(django_filters.ChoiceFilter):
    """A choice filter whose refusal names the choices."""

    def __init__(self, *args, **kwargs):
        allowed = ", ".join(str(value) for value, _label in kwargs["choices"])
        message = f"Unknown value %(value)r; choose from: {allowed}."
        kwargs.setdefault("error_messages", {"invalid_choice": message})
        super().__init__(*args, **kwargs)


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` that refuses an unknown field with the known ones (DRF drops
    it and answers in the default order); several fields are separated by commas,
    a leading "-" sorts descending."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        allowed = self.allowed(queryset, view, request)
        wrong = [term for term in fields if term.removeprefix("-") not in allowed]
        if wrong:
            raise ValidationError({self.ordering_param: [unknown(wrong[0], allowed)]})
        return fields

    def allowed(self, queryset, view, request) -> list[str]:
        valid = self.get_valid_fields(queryset, view, {"request": request})
        return [name for name, _label in valid]

    def get_schema_operation_parameters(self, view):
        model = view.get_serializer_class().Meta.model
        allowed = self.allowed(model._default_manager.none(), view, view.request)
        names = "|".join(allowed)
        return [{
            "name": self.ordering_param,
            "required": False,
            "in": "query",
            "description": f"Sort by these fields, separated by commas; a leading "
            f"- sorts descending. One of: {', '.join(allowed)}.",
            "schema": {"type": "string", "pattern": f"^-?({names})(,-?({names}))*$"},
        }]  # fmt: skip


class StrictBooleanField(forms.Field):
    VALUES = {"true": True, "false": False, "1": True, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self.VALUES[str(value).lower()]
        except KeyError:
            raise forms.ValidationError(unknown(value, ["true", "false"])) from None


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    """true or false; anything else is refused (django-filter's BooleanFilter takes
    an unknown value as not given, and lists everything)."""

    field_class = StrictBooleanField


class ErrorCodeFilter(django_filters.FilterSet):
    provider = SlugChoiceFilter(
        queryset=Provider.objects.all(),
        help_text="Only this provider's errors, by its slug (`openai`).",
    )
    category = SlugChoiceFilter(
        queryset=Category.objects.all(),
        help_text="Only the errors of this category, by its slug (`rate_limit`).",
    )
    http_status = django_filters.NumberFilter(
        help_text="Only errors answered with this HTTP status."
    )
    retryable = StrictChoiceFilter(
        choices=Retryable.choices, help_text="Only errors whose retry rule is this."
    )
    tier = StrictChoiceFilter(
        choices=Tier.choices,
        help_text="Only curated entries or only reference entries (the facts only).",
    )
    published = StrictBooleanFilter(
        method="filter_published",
        help_text="true: published entries only; false: drafts only (drafts are "
        "shown to editors only).",
    )
    search = django_filters.CharFilter(
        method="filter_search",
        help_text="A code, a status or words from the message (`429`, `rate limit`), "
        "forgiving typos. Results come best first, in the search page's order, "
        "unless `ordering` asks for another.",
    )

    class Meta:
        model = ErrorCode
        fields = [
            "provider",
            "category",
            "http_status",
            "retryable",
            "tier",
            "published",
            "search",
        ]

    def filter_published(self, queryset, name, value):
        return queryset.filter(state=State.PUBLISHED if value else State.DRAFT)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number (NumberFilter alone takes decimals)."""

    field_class = forms.IntegerField


class PartFilter(django_filters.FilterSet):
    """The parts of one error: ``?error=<id>``. An id that names no error (or one
    the caller may not see) is an empty list, not a 400 as a choice field gives."""

    error = IdFilter(
        field_name="error_id", help_text="The id of the error the parts belong to."
    )
