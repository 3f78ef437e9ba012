"""Helpers shared by the model modules."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q

from kb.choices import choice_values

STATUS_VALIDATORS = [MinValueValidator(100), MaxValueValidator(999)]


def in_choices(field: str, choices) -> Q:
    return Q(**{f"{field}__in": choice_values(choices)})


def status_in_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": 100, f"{field}__lte": 999}
    )
