from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from simple_history.admin import SimpleHistoryAdmin

from kb.choices import State, Tier
from kb.models import (
    FAQ,
    Category,
    Cause,
    ErrorCode,
    Example,
    Feedback,
    Fix,
    Guide,
    LookupEvent,
    Note,
    Provider,
    Signature,
    Step,
)


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "layer", "docs_url", "position"]
    list_filter = ["layer"]
    search_fields = ["slug", "name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["description_html"]


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "summary", "position"]
    search_fields = ["slug", "name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["guide_html"]
    exclude = []


class PartInline(admin.StackedInline):
    extra = 0
    show_change_link = False

    def get_exclude(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name.endswith("_html")]


class CauseInline(PartInline):
    model = Cause
    fields = ["likelihood", "text", "position"]


class FixInline(PartInline):
    model = Fix
    fields = ["difficulty", "text", "cause", "position"]

    def get_formset(self, request, obj=None, **kwargs):
        self.parent_error = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cause":
            # Only this error's causes make sense here.
            kwargs["queryset"] = Cause.objects.filter(
                error=getattr(self, "parent_error", None)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StepInline(PartInline):
    model = Step
    fields = ["position", "title", "body", "tip"]


class FAQInline(PartInline):
    model = FAQ
    fields = ["question", "answer", "position"]


class NoteInline(PartInline):
    model = Note
    fields = ["kind", "text", "position"]


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0
    fields = ["http_status", "code", "header_name", "header_value", "body_regex", "weight",
              "position"]  # fmt: skip


class ExampleInline(PartInline):
    model = Example
    fields = ["title", "http_status", "headers", "body", "source", "expect_action",
              "expect_after_seconds", "position"]  # fmt: skip


@admin.register(ErrorCode)
class ErrorCodeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "provider", "http_status", "category", "retryable",
                    "tier", "state", "updated_at"]  # fmt: skip
    list_filter = ["state", "tier", "provider", "category", "retryable", "fixable_by",
                   "severity", "http_status"]  # fmt: skip
    list_select_related = ["provider", "category"]
    search_fields = ["code", "title", "aliases"]
    autocomplete_fields = ["provider", "category", "related"]
    actions = ["publish", "unpublish"]
    date_hierarchy = "updated_at"
    inlines = [CauseInline, FixInline, StepInline, FAQInline, NoteInline, SignatureInline,
               ExampleInline]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["provider", "code", "http_status", "title", "summary", "category",
                           "product", "state", "tier"]}),
        ("Explanation", {"fields": ["meaning", "symptoms", "severity", "fixable_by"]}),
        ("Retry", {"fields": ["retryable", "retry_action", "retry_refresh", "retry_notes",
                              "retry_base_delay", "retry_max_attempts",
                              "retry_idempotent_only"]}),
        ("Playbook", {"fields": ["playbook_minutes_min", "playbook_minutes_max"]}),
        ("Links and sources", {"fields": ["aliases", "related", "sources", "verified_on"]}),
    ]  # fmt: skip

    readonly_fields = ["tier"]
    change_list_template = "admin/kb/errorcode/change_list.html"

    def save_model(self, request, obj, form, change):
        # An edited reference entry is an editor's entry from now on: kb_load leaves
        # it alone and kb_dump writes it with the provider's curated entries.
        if change and obj.tier == Tier.REFERENCE:
            obj.tier = Tier.CURATED
        super().save_model(request, obj, form, change)

    def get_urls(self):
        worklist = path("curation/", self.admin_site.admin_view(self.worklist_view),
                        name="kb_errorcode_curation")  # fmt: skip
        return [worklist, *super().get_urls()]

    def worklist_view(self, request):
        """Reference entries that lookups matched, most matched first: the ones to
        deepen into curated entries next."""
        hits = LookupEvent.objects.reference_hits(days=90)[:200]
        errors = ErrorCode.objects.select_related("provider", "category").in_bulk(
            [row["matched"] for row in hits]
        )
        rows = [{**row, "error": errors[row["matched"]]} for row in hits
                if row["matched"] in errors]  # fmt: skip
        context = {**self.admin_site.each_context(request), "rows": rows,
                   "title": "Curation worklist", "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "admin/kb/curation_worklist.html", context)

    @admin.action(description="Publish the selected errors")
    def publish(self, request, queryset):
        self.set_state(request, queryset, State.PUBLISHED)

    @admin.action(description="Move the selected errors back to draft")
    def unpublish(self, request, queryset):
        self.set_state(request, queryset, State.DRAFT)

    def set_state(self, request, queryset, state):
        changed = 0
        for error in queryset.exclude(state=state):
            error.state = state
            error.save(update_fields=["state", "updated_at"])  # one history row each
            changed += 1
        self.message_user(request, f"{changed} error(s) now {state}.", messages.SUCCESS)


@admin.register(Guide)
class GuideAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "state", "updated_at"]
    list_filter = ["state", "categories"]
    search_fields = ["title", "slug"]
    autocomplete_fields = ["errors"]
    filter_horizontal = ["categories"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["body_html"]


@admin.register(Signature)
class SignatureAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "error", "weight"]
    list_select_related = ["error__provider"]
    search_fields = ["code", "body_regex", "error__code"]
    autocomplete_fields = ["error"]


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
