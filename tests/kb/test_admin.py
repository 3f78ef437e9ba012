"""The admin as editors use it: every page, history, publishing, validation, gaps."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from kb import revisions
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
    Revision,
    Signature,
    Step,
)
from tests.factories import (
    make_category,
    make_error,
    make_full_error,
    make_publishable_error,
)

pytestmark = pytest.mark.django_db

MODELS = [Provider, Category, ErrorCode, Signature, Guide, LookupEvent, Feedback,
          Revision]  # fmt: skip


@pytest.fixture
def rows():
    error = make_full_error(parts=2, category=make_category())
    Signature.objects.create(error=error, http_status=429, code="slow_down")
    Example.objects.create(error=error, http_status=429, source="https://x.test")
    guide = Guide.objects.create(slug="g", title="G", summary="s", body="b")
    event = LookupEvent.objects.create(
        http_status=429, fingerprint="f" * 64, matched=error
    )
    Feedback.objects.create(error=error, lookup=event, helped=True)
    revisions.record(error, "created")
    return {"error": error, "guide": guide, "event": event}


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(user)
    return client


def admin_urls(model):
    meta = model._meta
    obj = model.objects.first()
    return [
        reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
        reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]),
        reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk]),
    ]


class AdminPageTests:
    @pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
    def test_pages_open_for_a_superuser(
        self, rows, editor, model, django_assert_max_num_queries
    ):
        for url in admin_urls(model):
            with django_assert_max_num_queries(60):
                response = editor.get(url)
            assert response.status_code == 200, url

    @pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
    def test_anonymous_users_are_sent_to_login(self, rows, client, model):
        for url in admin_urls(model):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))

    def test_every_model_is_registered_or_inline(self):
        from django.contrib import admin

        inline_models = {
            inline.model for inline in admin.site._registry[ErrorCode].inlines
        }
        for model in (Cause, Fix, Step, FAQ, Note, Signature, Example):
            assert model in inline_models
        for model in MODELS:
            assert model in admin.site._registry

    def test_add_page_opens(self, editor):
        assert editor.get(reverse("admin:kb_errorcode_add")).status_code == 200


def change_form_data(error):
    """The POST data of the error's change form as it stands, inlines included."""
    data = {
        "provider": error.provider_id, "code": error.code, "http_status": 429,
        "title": error.title, "summary": error.summary, "category": "",
        "state": error.state, "meaning": "", "symptoms": "", "severity": 2,
        "fixable_by": "caller_code", "retryable": "always", "retry_notes": "",
        "retry_base_delay": 1.0, "retry_max_attempts": 3, "retry_idempotent_only": "on",
        "playbook_minutes_min": "", "playbook_minutes_max": "", "aliases": "",
        "sources": "", "verified_on": "",
    }  # fmt: skip
    for prefix in (
        "causes",
        "fixes",
        "steps",
        "faqs",
        "notes",
        "signatures",
        "examples",
    ):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0,
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})  # fmt: skip
    return data


class HistoryTests:
    def test_an_edit_is_recorded_as_a_version_and_can_be_reverted(self, editor):
        error = make_error(title="Old title")
        revisions.record(error, "created")
        url = reverse("admin:kb_errorcode_change", args=[error.pk])
        response = editor.post(url, {**change_form_data(error), "title": "New title"})
        assert response.status_code == 302, response.content[:2000]
        error.refresh_from_db()
        assert error.title == "New title"
        versions = list(Revision.objects.live().filter(error=error))
        assert [v.snapshot["title"] for v in versions] == ["New title", "Old title"]
        assert versions[0].author.username == "editor"
        page = editor.get(reverse("admin:kb_errorcode_history", args=[error.pk]))
        assert b"Old title" in page.content and b"New title" in page.content
        revert = reverse("admin:kb_errorcode_revert", args=[error.pk, versions[1].pk])
        assert editor.post(revert).status_code == 302
        error.refresh_from_db()
        assert error.title == "Old title"
        assert Revision.objects.live().filter(error=error).first().kind == "reverted"

    def test_a_bad_signature_is_refused_on_save(self, editor):
        error = make_error()
        data = change_form_data(error)
        data.update({"signatures-TOTAL_FORMS": 1, "signatures-0-body_regex": "(unclosed",
                     "signatures-0-weight": 1.0, "signatures-0-position": 0})  # fmt: skip
        url = reverse("admin:kb_errorcode_change", args=[error.pk])
        response = editor.post(url, data)
        assert response.status_code == 200
        assert b"Not a valid RE2 pattern" in response.content
        assert not Signature.objects.exists()

    def test_an_empty_signature_is_refused(self, editor):
        error = make_error()
        data = change_form_data(error)
        data.update({"signatures-TOTAL_FORMS": 1, "signatures-0-weight": 2.0,
                     "signatures-0-position": 0, "signatures-0-header_value": "x"})  # fmt: skip
        response = editor.post(
            reverse("admin:kb_errorcode_change", args=[error.pk]), data
        )
        assert b"must constrain at least one thing" in response.content
        assert not Signature.objects.exists()


class BulkActionTests:
    def test_publish_and_unpublish(self, editor):
        drafts = [make_error(state="draft"), make_error(state="draft")]
        url = reverse("admin:kb_errorcode_changelist")
        ids = [e.pk for e in drafts]
        editor.post(url, {"action": "publish", "_selected_action": ids})
        states = ErrorCode.objects.filter(pk__in=ids).values_list("state", flat=True)
        # make_error's entries lack what the quality rules ask of a published one.
        assert set(states) == {"draft"}
        full = [make_publishable_error(state="draft") for _ in range(2)]
        ids = [e.pk for e in full]
        editor.post(url, {"action": "publish", "_selected_action": ids})
        states = ErrorCode.objects.filter(pk__in=ids).values_list("state", flat=True)
        assert set(states) == {"published"}
        assert full[0].history.count() == 2
        editor.post(url, {"action": "unpublish", "_selected_action": ids[:1]})
        assert ErrorCode.objects.get(pk=ids[0]).state == "draft"


class KnowledgeGapTests:
    def test_unmatched_lookups_are_grouped_with_a_create_link(self, editor):
        provider = Provider.objects.create(slug="acme", name="Acme")
        for _ in range(3):
            LookupEvent.objects.create(http_status=400, fingerprint="a" * 64,
                                       provider_slug="acme", codes=["weird_code"],
                                       message_shape="no such thing <id>")  # fmt: skip
        LookupEvent.objects.create(http_status=500, fingerprint="b" * 64, confidence=0.9,
                                   matched=make_error())  # fmt: skip
        response = editor.get(reverse("admin:kb_lookupevent_gaps"))
        assert response.status_code == 200
        rows = response.context["rows"]
        assert len(rows) == 1
        assert rows[0]["count"] == 3
        assert rows[0]["codes"] == ["weird_code"]
        assert f"provider={provider.pk}" in rows[0]["add_url"]
        assert "code=weird_code" in rows[0]["add_url"]
        prefilled = editor.get(rows[0]["add_url"])
        assert b'value="weird_code"' in prefilled.content
