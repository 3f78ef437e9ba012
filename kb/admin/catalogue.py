"""Providers, categories, guides and the matching rules they hold."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kb.models import Category, Guide, Provider, Signature

MATCHING = ["api_hosts", "identifying_headers", "body_patterns", "generic", "layer"]


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "layer", "docs_url", "position"]
    list_filter = ["layer"]
    search_fields = ["slug", "name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        # Hosts, headers and body patterns steer every lookup: changing them
        # takes a permission of its own.
        fields = ["description_html"]
        if not request.user.has_perm("kb.change_provider_matching"):
            fields += MATCHING
        return fields


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "summary", "general_entry", "position"]
    search_fields = ["slug", "name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["guide_html"]
    autocomplete_fields = ["general_entry"]


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
