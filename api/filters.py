import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from kb.choices import Retryable, State, Tier
from kb.models import ErrorCode


class ErrorCodeFilter(django_filters.FilterSet):
    provider = django_filters.CharFilter(field_name="provider__slug")
    category = django_filters.CharFilter(field_name="category__slug")
    http_status = django_filters.NumberFilter()
    retryable = django_filters.ChoiceFilter(choices=Retryable.choices)
    tier = django_filters.ChoiceFilter(choices=Tier.choices)
    published = django_filters.BooleanFilter(method="filter_published")
    search = django_filters.CharFilter(method="filter_search")

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
