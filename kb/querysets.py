"""The vocabulary pages, the API and the lookup use to ask for errors."""

from django.db import models
from django.db.models import Prefetch


class ErrorCodeQuerySet(models.QuerySet):
    def published(self):
        """Entries the public may see."""
        return self.filter(state="published")

    def visible_to(self, user):
        """Everything for staff (drafts get a banner), published entries otherwise."""
        if user is not None and user.is_active and user.is_staff:
            return self
        return self.published()

    def with_details(self):
        """Everything an error page or API detail shows, in a fixed number of
        queries: causes by likelihood, fixes easiest first, steps in order."""
        from kb.models import Cause, ErrorCode, Fix

        return self.select_related("provider", "category").prefetch_related(
            Prefetch("causes", queryset=Cause.objects.order_by("-likelihood", "position")),
            Prefetch(
                "fixes",
                queryset=Fix.objects.select_related("cause").order_by(
                    "difficulty", "position"
                ),
            ),
            "steps",
            "faqs",
            "notes",
            "examples",
            Prefetch(
                "related",
                queryset=ErrorCode.objects.published().select_related("provider"),
            ),
        )

    def by_natural_key(self, provider_slug: str, code: str):
        return self.filter(provider__slug=provider_slug, code_key=code.lower())
