"""The entry editor: an error with all its parts, its versions, and its review."""

from adminsortable2.admin import SortableAdminBase, SortableStackedInline
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from kb import gaps, revisions
from kb.admin.forms import ErrorCodeAdminForm, ExampleInlineForm, FixInlineForm
from kb.choices import State, Tier
from kb.content.schema import ContentInvalid
from kb.markdown import render_markdown
from kb.models import (
    FAQ,
    Cause,
    ErrorCode,
    Example,
    Fix,
    LookupEvent,
    Note,
    Revision,
    RevisionKind,
    Signature,
    Step,
)
from kb.quality import problems_of

PUBLISH = "kb.publish_errorcode"
MAX_PREVIEW_CHARS = 50_000


class PartInline(SortableStackedInline):
    """Parts in the editor's order, dragged to reorder; new rows go last."""

    extra = 0
    ordering = ["position"]
    classes = ["collapse"]

    def get_exclude(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name.endswith("_html")]


class CauseInline(PartInline):
    model = Cause
    fields = ["likelihood", "text"]


class FixInline(PartInline):
    model = Fix
    form = FixInlineForm
    fields = ["difficulty", "text", "cause", "cause_number"]

    def get_formset(self, request, obj=None, **kwargs):
        self.parent_error = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "cause":
            # Only this error's causes make sense here.
            kwargs["queryset"] = Cause.objects.filter(
                error=getattr(self, "parent_error", None)
            ).order_by("position")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StepInline(PartInline):
    model = Step
    fields = ["title", "body", "tip"]


class FAQInline(PartInline):
    model = FAQ
    fields = ["question", "answer"]


class NoteInline(PartInline):
    model = Note
    fields = ["kind", "text"]


class SignatureInline(PartInline):
    model = Signature
    fields = [("http_status", "code", "weight"), ("header_name", "header_value"),
              "body_regex"]  # fmt: skip


class ExampleInline(PartInline):
    model = Example
    form = ExampleInlineForm
    fields = ["title", "http_status", "headers", "body", "source", "expect_action",
              "expect_after_seconds"]  # fmt: skip


class StatusClassFilter(admin.SimpleListFilter):
    title = "HTTP status"
    parameter_name = "status_class"

    def lookups(self, request, model_admin):
        return [("1", "1xx"), ("2", "2xx"), ("3", "3xx"), ("4", "4xx"), ("5", "5xx"),
                ("x", "non-standard (600+)"), ("none", "none")]  # fmt: skip

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(http_status__isnull=True)
        if value == "x":
            return queryset.filter(http_status__gte=600)
        if value in ("1", "2", "3", "4", "5"):
            low = int(value) * 100
            return queryset.filter(http_status__gte=low, http_status__lt=low + 100)
        return queryset


@admin.register(ErrorCode)
class ErrorCodeAdmin(SortableAdminBase, admin.ModelAdmin):
    form = ErrorCodeAdminForm
    change_form_template = "admin/kb/errorcode/change_form.html"
    change_list_template = "admin/kb/errorcode/change_list.html"
    list_display = ["code", "title", "provider", "http_status", "category", "retryable",
                    "tier", "state", "updated_at"]  # fmt: skip
    list_filter = ["state", "tier", "provider", "category", "retryable", "fixable_by",
                   "severity", StatusClassFilter]  # fmt: skip
    list_select_related = ["provider", "category"]
    search_fields = ["code", "title", "summary", "aliases", "causes__text",
                     "fixes__text", "steps__title", "steps__body"]  # fmt: skip
    autocomplete_fields = ["provider", "category", "related"]
    actions = ["publish", "unpublish"]
    date_hierarchy = "updated_at"
    inlines = [CauseInline, FixInline, StepInline, FAQInline, NoteInline, SignatureInline,
               ExampleInline]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["provider", "code", "http_status", "title", "summary",
                           "category", "product", "state", "tier", "opened_at",
                           "opened_revision"]}),
        ("Explanation", {"fields": ["meaning", "symptoms", "severity", "fixable_by"],
                         "classes": ["collapse"]}),
        ("Retry", {"fields": ["retryable", "retry_action", "retry_refresh",
                              "retry_notes", "retry_base_delay", "retry_max_attempts",
                              "retry_idempotent_only"], "classes": ["collapse"]}),
        ("Playbook", {"fields": ["playbook_minutes_min", "playbook_minutes_max"],
                      "classes": ["collapse"]}),
        ("Links and sources", {"fields": ["aliases", "related", "sources",
                                          "verified_on"], "classes": ["collapse"]}),
    ]  # fmt: skip

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A new entry opened from a knowledge gap starts with its signature."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        code = request.GET.get("signature_code", "")
        status = request.GET.get("signature_status") or None
        adding = obj is None or obj.pk is None
        if adding and isinstance(inline, SignatureInline) and (code or status):
            kwargs["initial"] = [{"code": code, "http_status": status, "weight": 2.0}]
        return kwargs

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None and request.GET.get("signature_code"):
            for inline in inlines:
                if isinstance(inline, SignatureInline):
                    inline.extra = 1
        return inlines

    def get_readonly_fields(self, request, obj=None):
        fields = ["tier"]
        if not request.user.has_perm(PUBLISH):
            fields.append("state")  # editors write; publishers publish
        return fields

    def get_search_results(self, request, queryset, search_term):
        results, _duplicates = super().get_search_results(
            request, queryset, search_term
        )
        return results.distinct(), False

    # Saving: a publisher's save is live at once; an editor's change to a published
    # entry becomes a proposal and the live entry stays as it was.

    def save_model(self, request, obj, form, change):
        proposing = (
            change
            and obj.state == State.PUBLISHED
            and ErrorCode.objects.filter(pk=obj.pk, state=State.PUBLISHED).exists()
            and not request.user.has_perm(PUBLISH)
        )
        request._kb_savepoint = transaction.savepoint() if proposing else None
        if change and obj.tier == Tier.REFERENCE:
            # An edited reference entry is an editor's entry from now on: kb_load
            # leaves it alone and kb_dump writes it with the curated ones.
            obj.tier = Tier.CURATED
        if not change and not request.user.has_perm(PUBLISH):
            obj.state = State.DRAFT
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.link_fixes_to_causes(form.instance, formsets)
        item = revisions.snapshot(form.instance)
        savepoint = getattr(request, "_kb_savepoint", None)
        if savepoint is not None:
            transaction.savepoint_rollback(savepoint)
            request._kb_proposal = revisions.propose(form.instance, item, request.user)
        else:
            kind = RevisionKind.EDITED if change else RevisionKind.CREATED
            revisions.record(form.instance, kind, request.user, item=item)
            transaction.on_commit(gaps.close_resolved)

    @staticmethod
    def link_fixes_to_causes(error, formsets):
        """Fixes that named their cause by number get the cause saved with them."""
        causes = list(error.causes.order_by("position", "pk"))
        for formset in formsets:
            if formset.model is not Fix:
                continue
            for fix_form in formset.forms:
                number = fix_form.cleaned_data.get("cause_number") if hasattr(
                    fix_form, "cleaned_data") else None  # fmt: skip
                fix = fix_form.instance
                if number and fix.pk and 1 <= number <= len(causes):
                    fix.cause = causes[number - 1]
                    fix.save(update_fields=["cause"])

    def response_change(self, request, obj):
        proposal = getattr(request, "_kb_proposal", None)
        if proposal is None:
            return super().response_change(request, obj)
        self.message_user(
            request,
            "Your change is waiting for a publisher's review; the published entry "
            "stays as it was until then.",
            messages.INFO,
        )
        return HttpResponseRedirect(
            reverse("admin:kb_revision_review", args=[proposal.pk])
        )

    # Publishing runs the quality rules: errors block.

    @admin.action(description="Publish the selected errors", permissions=["publish"])
    def publish(self, request, queryset):
        published, refused = 0, []
        for error in queryset.exclude(state=State.PUBLISHED):
            problems = problems_of(error)
            if problems:
                refused.append(f"{error}: {'; '.join(problems)}")
                continue
            error.state = State.PUBLISHED
            error.save(update_fields=["state", "updated_at"])
            revisions.record(error, RevisionKind.EDITED, request.user)
            published += 1
        self.message_user(request, f"{published} error(s) published.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, f"Not published: {line}", messages.ERROR)

    @admin.action(description="Move the selected errors back to draft",
                  permissions=["publish"])  # fmt: skip
    def unpublish(self, request, queryset):
        changed = 0
        for error in queryset.exclude(state=State.DRAFT):
            error.state = State.DRAFT
            error.save(update_fields=["state", "updated_at"])
            revisions.record(error, RevisionKind.EDITED, request.user)
            changed += 1
        self.message_user(request, f"{changed} error(s) now draft.", messages.SUCCESS)

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH)

    # Versions of the whole entry, and reverting to one.

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("curation/", view(self.worklist_view), name="kb_errorcode_curation"),
            path("preview-markdown/", view(require_POST(self.markdown_preview)),
                 name="kb_errorcode_markdown_preview"),
            path("<int:object_id>/versions/<int:revision_id>/revert/",
                 view(require_POST(self.revert_view)), name="kb_errorcode_revert"),
            *super().get_urls(),
        ]  # fmt: skip

    def history_view(self, request, object_id, extra_context=None):
        """Every version of the entry with what changed from the one before, fields
        and parts, in full."""
        error = get_object_or_404(ErrorCode.objects.select_related("provider"),
                                  pk=object_id)  # fmt: skip
        if not self.has_view_or_change_permission(request, error):
            return self.get_model_perms(request) and HttpResponseRedirect("../")
        versions = list(Revision.objects.live().filter(error=error).select_related(
            "author"))  # fmt: skip
        rows = []
        for index, revision in enumerate(versions):
            older = versions[index + 1].snapshot if index + 1 < len(versions) else None
            rows.append({"revision": revision, "current": index == 0,
                         "changes": revisions.diff(older, revision.snapshot)})  # fmt: skip
        pending = Revision.objects.pending().filter(error=error)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "original": error, "title": f"Versions of {error}", "rows": rows,
                   "pending": pending,
                   "can_revert": self.has_change_permission(request, error)}  # fmt: skip
        return TemplateResponse(request, "admin/kb/errorcode/versions.html", context)

    def revert_view(self, request, object_id, revision_id):
        """Make the entry what an earlier version was, parts included; for an
        editor, a published entry's revert is a proposal like any change."""
        error = get_object_or_404(ErrorCode, pk=object_id)
        revision = get_object_or_404(
            Revision.objects.live(), pk=revision_id, error=error
        )
        if not self.has_change_permission(request, error):
            return HttpResponseRedirect("../../../")
        if error.state == State.PUBLISHED and not request.user.has_perm(PUBLISH):
            proposal = revisions.propose(error, revision.snapshot, request.user)
            self.message_user(request, "The revert waits for a publisher's review.")
            return HttpResponseRedirect(
                reverse("admin:kb_revision_review", args=[proposal.pk])
            )
        try:
            with transaction.atomic():
                revisions.apply(revision.snapshot, error)
                revisions.record(error, RevisionKind.REVERTED, request.user)
        except ContentInvalid as exc:
            self.message_user(request, f"Could not revert: {exc}", messages.ERROR)
        else:
            self.message_user(request, f"Reverted to the version of "
                              f"{revision.created_at:%Y-%m-%d %H:%M}.", messages.SUCCESS)  # fmt: skip
        return HttpResponseRedirect(
            reverse("admin:kb_errorcode_history", args=[error.pk])
        )

    def markdown_preview(self, request):
        """A markdown field as the page will show it (the editor's preview pane)."""
        if not self.has_change_permission(request) and not self.has_add_permission(
            request
        ):
            return JsonResponse({"html": ""}, status=403)
        text = request.POST.get("text", "")[:MAX_PREVIEW_CHARS]
        return JsonResponse({"html": render_markdown(text.replace("\r\n", "\n"))})

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
