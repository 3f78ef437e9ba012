"""What the application records: lookups, knowledge gaps and feedback."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode

from kb.choices import State
from kb.models import Feedback, LookupEvent, Provider


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the application; editors look, they do not edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LookupEvent)
class LookupEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "provider_slug", "http_status", "codes", "matched",
                    "confidence", "action"]  # fmt: skip
    list_filter = ["provider_slug", "action", "layer"]
    list_select_related = ["matched__provider"]
    search_fields = ["fingerprint", "message_shape"]
    date_hierarchy = "created_at"
    change_list_template = "admin/kb/lookupevent/change_list.html"

    def get_urls(self):
        gaps = path("gaps/", self.admin_site.admin_view(self.gaps_view),
                    name="kb_lookupevent_gaps")  # fmt: skip
        return [gaps, *super().get_urls()]

    def gaps_view(self, request):
        """Lookups we could not answer well, grouped by what they have in common."""
        groups = LookupEvent.objects.knowledge_gaps()[:200]
        providers = dict(Provider.objects.values_list("slug", "pk"))
        rows = []
        for group in groups:
            codes = group["codes"] if isinstance(group["codes"], list) else []
            initial = {"provider": providers.get(group["provider_slug"], ""),
                       "http_status": group["http_status"], "code": codes[0] if codes else "",
                       "state": State.DRAFT}  # fmt: skip
            add_url = reverse("admin:kb_errorcode_add") + "?" + urlencode(initial)
            rows.append({**group, "codes": codes, "add_url": add_url})
        unknown = LookupEvent.objects.unknown_providers()[:50]
        context = {**self.admin_site.each_context(request), "rows": rows,
                   "unknown_providers": unknown, "title": "Knowledge gaps",
                   "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "admin/kb/knowledge_gaps.html", context)


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "helped", "error", "fix", "via"]
    list_filter = ["helped", "via"]
    list_select_related = ["error__provider", "fix"]
