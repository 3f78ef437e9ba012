"""What the application records: lookups, knowledge gaps and feedback."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode

from kb import gaps
from kb.choices import State
from kb.models import Feedback, LookupEvent, Provider

WINDOWS = {"7": 7, "30": 30, "90": 90}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the application; editors look, they do not edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LookupEvent)
class LookupEventAdmin(ReadOnlyAdmin):
    list_display = ["looked_up_at", "provider_slug", "http_status", "codes", "matched",
                    "confidence", "action"]  # fmt: skip
    list_filter = ["provider_slug", "action", "layer"]
    list_select_related = ["matched__provider"]
    search_fields = ["fingerprint", "message_shape"]
    date_hierarchy = "looked_up_at"
    change_list_template = "admin/kb/lookupevent/change_list.html"

    def get_urls(self):
        gaps = path("gaps/", self.admin_site.admin_view(self.gaps_view),
                    name="kb_lookupevent_gaps")  # fmt: skip
        return [gaps, *super().get_urls()]

    def gaps_view(self, request):
        """Lookups we could not answer well, grouped (the same code is one gap),
        for a chosen window; closed ones are hidden unless asked for."""
        if request.method == "POST" and request.POST.get("dismiss"):
            reason = request.POST.get("reason", "").strip()
            if not reason:
                self.message_user(request, "Say why you dismiss a gap.", messages.ERROR)
            elif gaps.dismiss(request.POST["dismiss"], reason):
                self.message_user(request, "Gap dismissed.", messages.SUCCESS)
            return HttpResponseRedirect(request.get_full_path())
        days = request.GET.get("days", "30")
        window = int(days) if days in WINDOWS else None
        show_closed = request.GET.get("closed") == "1"
        providers = dict(Provider.objects.values_list("slug", "pk"))
        rows = gaps.gaps_for(window, show_closed)
        for row in rows:
            code = row["codes"][0] if row["codes"] else ""
            title = f"{code} — " if code else f"{row['http_status']} — "
            initial = {"provider": providers.get(row["provider_slug"], ""),
                       "http_status": row["http_status"], "code": code, "title": title,
                       "state": State.DRAFT, "signature_code": code,
                       "signature_status": row["http_status"]}  # fmt: skip
            row["add_url"] = (
                reverse("admin:kb_errorcode_add") + "?" + urlencode(initial)
            )
            row["events_url"] = (reverse("admin:kb_lookupevent_changelist") + "?"
                                 + urlencode({"q": row["fingerprint"]}))  # fmt: skip
        unknown = LookupEvent.objects.unknown_providers()[:50]
        context = {**self.admin_site.each_context(request), "rows": rows,
                   "unknown_providers": unknown, "title": "Knowledge gaps",
                   "opts": self.model._meta, "days": days, "windows": WINDOWS,
                   "show_closed": show_closed}  # fmt: skip
        return TemplateResponse(request, "admin/kb/knowledge_gaps.html", context)


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "helped", "error", "fix", "via"]
    list_filter = ["helped", "via"]
    list_select_related = ["error__provider", "fix"]
