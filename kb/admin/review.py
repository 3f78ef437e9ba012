"""The publishers' review queue: proposed changes with their diff, a preview of
the page as it would be, and approve or send back."""

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse

from kb import revisions
from kb.content.schema import ContentInvalid
from kb.models import Revision, RevisionState
from kb.views import error_page_context

PUBLISH = "kb.publish_errorcode"


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Versions are written by the editor and the loader, never by hand here."""

    list_display = ["natural_key", "kind", "state", "author", "created_at", "reviewer"]
    list_filter = ["state", "kind"]
    search_fields = ["natural_key", "comment"]
    list_select_related = ["author", "reviewer"]
    change_list_template = "admin/kb/revision/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("review/", view(self.queue_view), name="kb_revision_queue"),
            path("<int:revision_id>/review/", view(self.review_view),
                 name="kb_revision_review"),
            path("<int:revision_id>/preview/", view(self.preview_view),
                 name="kb_revision_preview"),
            *super().get_urls(),
        ]  # fmt: skip

    def queue_view(self, request):
        pending = Revision.objects.pending().select_related("author", "error__provider")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": "Changes waiting for review", "pending": pending}  # fmt: skip
        return TemplateResponse(request, "admin/kb/revision/queue.html", context)

    def review_view(self, request, revision_id):
        revision = get_object_or_404(Revision.objects.select_related("error", "base"),
                                     pk=revision_id)  # fmt: skip
        can_publish = request.user.has_perm(PUBLISH)
        if request.method == "POST" and revision.state == RevisionState.PENDING:
            if not can_publish:
                return HttpResponseForbidden("Only publishers review changes.")
            return self.decide(request, revision)
        current = revisions.snapshot(revision.error) if revision.error else None
        base = revision.base.snapshot if revision.base else None
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": f"Review: {revision.natural_key}", "revision": revision,
            "changes": revisions.diff(current, revision.snapshot),
            "moved_on": revisions.diff(base, current) if base and current else [],
            "can_publish": can_publish,
        }  # fmt: skip
        return TemplateResponse(request, "admin/kb/revision/review.html", context)

    def decide(self, request, revision):
        comment = request.POST.get("comment", "").strip()
        if "approve" in request.POST:
            try:
                problems = revisions.approve(revision, request.user, comment)
            except ContentInvalid as exc:
                problems = [str(exc)]
            if problems:
                self.message_user(request, "Not approved; the entry would break the "
                                  "quality rules: " + "; ".join(problems), messages.ERROR)  # fmt: skip
                return HttpResponseRedirect(request.path)
            self.message_user(
                request, "Approved: the change is live.", messages.SUCCESS
            )
        else:
            if not comment:
                self.message_user(request, "Say why when you send a change back.",
                                  messages.ERROR)  # fmt: skip
                return HttpResponseRedirect(request.path)
            revisions.send_back(revision, request.user, comment)
            self.message_user(request, "Sent back to its author.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:kb_revision_queue"))

    def preview_view(self, request, revision_id):
        """The public page as it would be with this version, rendered from the
        database inside a transaction that is then rolled back."""
        revision = get_object_or_404(Revision.objects.select_related("error"),
                                     pk=revision_id)  # fmt: skip
        with transaction.atomic():
            try:
                error = revisions.apply(revision.snapshot, revision.error)
            except ContentInvalid as exc:
                transaction.set_rollback(True)
                return HttpResponseForbidden(f"This version cannot be shown: {exc}")
            context, template = error_page_context(request, error)
            context["preview_of"] = revision
            response = render(request, template, context)
            transaction.set_rollback(True)
        return response
