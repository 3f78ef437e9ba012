"""The editor's desk: review before a change goes live, whole-entry versions, no
lost updates, and a form that fits the work."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from kb import revisions
from kb.models import Cause, ErrorCode, Fix, Revision, Step
from tests.factories import make_error, make_provider, make_publishable_error
from tests.kb.test_admin import change_form_data

pytestmark = pytest.mark.django_db


def login(role: str) -> Client:
    user = User.objects.create_user(role, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor():
    return login("editor")


@pytest.fixture
def publisher():
    return login("publisher")


def form_with_parts(error, **changes):
    """The change form's POST data with the entry's causes and steps as they are."""
    data = change_form_data(error)
    data.update({"http_status": error.http_status or "", "retryable": error.retryable,
                 "category": error.category_id or "", "meaning": error.meaning,
                 "symptoms": error.symptoms, "retry_notes": error.retry_notes,
                 "sources": "\n".join(error.sources), "verified_on":
                 error.verified_on.isoformat() if error.verified_on else "",
                 "playbook_minutes_min": error.playbook_minutes_min or "",
                 "playbook_minutes_max": error.playbook_minutes_max or ""})  # fmt: skip
    for prefix, parts, fields in (
        ("causes", error.causes.order_by("position"), ("likelihood", "text")),
        ("steps", error.steps.order_by("position"), ("title", "body", "tip")),
    ):
        parts = list(parts)
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = len(parts)
        for i, part in enumerate(parts):
            data[f"{prefix}-{i}-id"] = part.pk
            data[f"{prefix}-{i}-error"] = error.pk
            data[f"{prefix}-{i}-position"] = part.position
            for name in fields:
                data[f"{prefix}-{i}-{name}"] = getattr(part, name)
    data.update(changes)
    return data


def change_url(error):
    return reverse("admin:kb_errorcode_change", args=[error.pk])


class RoleTests:
    def test_the_groups_exist_with_their_permissions(self):
        editor, publisher = Group.objects.get(name="editor"), Group.objects.get(
            name="publisher")  # fmt: skip
        assert editor.permissions.filter(codename="change_cause").exists()
        assert not editor.permissions.filter(codename="publish_errorcode").exists()
        assert publisher.permissions.filter(codename="publish_errorcode").exists()

    def test_an_editor_cannot_publish(self, editor):
        draft = make_publishable_error(state="draft")
        editor.post(reverse("admin:kb_errorcode_changelist"),
                    {"action": "publish", "_selected_action": [draft.pk]})  # fmt: skip
        assert ErrorCode.objects.get(pk=draft.pk).state == "draft"

    def test_a_new_entry_by_an_editor_starts_as_a_draft(self, editor):
        provider = make_provider()
        data = change_form_data(make_error(provider=provider))
        data.update({"code": "brand_new", "state": "published"})
        editor.post(reverse("admin:kb_errorcode_add"), data)
        assert ErrorCode.objects.get(code="brand_new").state == "draft"

    def test_publishing_runs_the_quality_rules(self, publisher):
        thin = make_error(state="draft")
        response = publisher.post(reverse("admin:kb_errorcode_changelist"),
                                  {"action": "publish", "_selected_action": [thin.pk]},
                                  follow=True)  # fmt: skip
        assert ErrorCode.objects.get(pk=thin.pk).state == "draft"
        assert b"no source URL" in response.content

    def test_matching_patterns_need_their_own_permission(self, editor, publisher):
        provider = make_provider()
        url = reverse("admin:kb_provider_change", args=[provider.pk])
        Group.objects.get(name="editor").permissions.add(
            *Group.objects.get(name="publisher").permissions.filter(
                codename="change_provider"))  # fmt: skip
        assert b'name="body_patterns"' not in editor.get(url).content
        assert b'name="body_patterns"' in publisher.get(url).content


class ReviewTests:
    def test_an_editors_change_to_a_published_entry_waits_for_review(
        self, editor, publisher
    ):
        error = make_publishable_error(title="Live title")
        revisions.record(error, "created")
        cause = error.causes.order_by("position").first()
        step = error.steps.order_by("position").first()
        data = form_with_parts(error, title="Proposed title")
        data["causes-0-text"] = "A proposed cause."
        data["steps-0-tip"] = "A proposed tip."
        response = editor.post(change_url(error), data)
        assert response.status_code == 302
        error.refresh_from_db()
        assert error.title == "Live title"  # the live entry stays as it was
        assert Cause.objects.get(pk=cause.pk).text != "A proposed cause."
        proposal = Revision.objects.pending().get()
        review = publisher.get(reverse("admin:kb_revision_review", args=[proposal.pk]))
        html = review.content.decode()
        assert "Proposed title" in html and "A proposed cause." in html
        assert "A proposed tip." in html
        preview = publisher.get(
            reverse("admin:kb_revision_preview", args=[proposal.pk])
        )
        assert "Proposed title" in preview.content.decode()
        assert ErrorCode.objects.get(pk=error.pk).title == "Live title"  # rolled back
        publisher.post(reverse("admin:kb_revision_review", args=[proposal.pk]),
                       {"approve": "1", "comment": "Good."})  # fmt: skip
        error.refresh_from_db()
        assert error.title == "Proposed title"
        assert error.causes.filter(text="A proposed cause.").exists()
        assert (
            Step.objects.get(error=error, position=step.position).tip
            == "A proposed tip."
        )
        proposal.refresh_from_db()
        assert (proposal.state, proposal.comment) == ("approved", "Good.")

    def test_send_back_needs_a_comment_and_leaves_the_entry(self, editor, publisher):
        error = make_publishable_error(title="Live")
        editor.post(change_url(error), form_with_parts(error, title="Nope"))
        proposal = Revision.objects.pending().get()
        url = reverse("admin:kb_revision_review", args=[proposal.pk])
        publisher.post(url, {"send_back": "1", "comment": ""})
        assert Revision.objects.get(pk=proposal.pk).state == "pending"
        publisher.post(url, {"send_back": "1", "comment": "Say why."})
        assert Revision.objects.get(pk=proposal.pk).state == "rejected"
        assert ErrorCode.objects.get(pk=error.pk).title == "Live"

    def test_an_editor_cannot_approve(self, editor):
        error = make_publishable_error()
        editor.post(change_url(error), form_with_parts(error, title="Mine"))
        proposal = Revision.objects.pending().get()
        response = editor.post(reverse("admin:kb_revision_review", args=[proposal.pk]),
                               {"approve": "1"})  # fmt: skip
        assert response.status_code == 403

    def test_the_queue_lists_pending_changes(self, editor, publisher):
        error = make_publishable_error()
        editor.post(change_url(error), form_with_parts(error, title="Queued"))
        html = publisher.get(reverse("admin:kb_revision_queue")).content.decode()
        assert str(error.provider.slug) in html and "Review" in html


class RevertTests:
    def test_revert_restores_the_parts_too(self, publisher):
        error = make_publishable_error()
        first = revisions.record(error, "created")
        data = form_with_parts(error)
        data["causes-0-text"] = "Edited cause."
        data["steps-0-tip"] = "Edited tip."
        assert publisher.post(change_url(error), data).status_code == 302
        assert error.causes.filter(text="Edited cause.").exists()
        publisher.post(reverse("admin:kb_errorcode_revert", args=[error.pk, first.pk]))
        assert not error.causes.filter(text="Edited cause.").exists()
        assert not Step.objects.filter(error=error, tip="Edited tip.").exists()
        assert revisions.snapshot(error) == first.snapshot


class StaleFormTests:
    def test_a_save_from_a_stale_form_is_refused_and_says_what_changed(self, publisher):
        error = make_publishable_error(title="Start")
        revisions.record(error, "created")
        other = login_second_publisher()
        first_form = publisher.get(change_url(error)).context["adminform"].form
        opened = {"opened_at": first_form.initial["opened_at"],
                  "opened_revision": first_form.initial["opened_revision"]}  # fmt: skip
        second = form_with_parts(error, title="Second wins", **opened)
        assert other.post(change_url(error), second).status_code == 302
        stale = form_with_parts(error, title="First loses", **opened)
        response = publisher.post(change_url(error), stale)
        assert response.status_code == 200
        assert "Someone else saved this entry" in response.content.decode()
        assert "title changed" in response.content.decode()
        assert ErrorCode.objects.get(pk=error.pk).title == "Second wins"


def login_second_publisher() -> Client:
    user = User.objects.create_user("publisher2", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="publisher"))
    client = Client()
    client.force_login(user)
    return client


class FormTests:
    def test_line_endings_are_normalised_so_untouched_fields_do_not_change(
        self, publisher
    ):
        error = make_publishable_error(meaning="One.\n\nTwo.")
        data = form_with_parts(error, meaning="One.\r\n\r\nTwo.")
        publisher.post(change_url(error), data)
        error.refresh_from_db()
        assert error.meaning == "One.\n\nTwo."
        assert error.history.first().meaning == "One.\n\nTwo."

    def test_sources_and_aliases_are_lines(self, publisher):
        error = make_publishable_error()
        data = form_with_parts(error, aliases="alpha\nbeta\n",
                               sources="https://a.test/x\nhttps://b.test/y")  # fmt: skip
        publisher.post(change_url(error), data)
        error.refresh_from_db()
        assert (error.aliases, error.sources) == (
            ["alpha", "beta"], ["https://a.test/x", "https://b.test/y"])  # fmt: skip

    def test_a_source_must_be_an_http_url(self, publisher):
        error = make_publishable_error()
        response = publisher.post(change_url(error), form_with_parts(
            error, sources="javascript:alert(1)"))  # fmt: skip
        assert "must be one http(s) URL" in response.content.decode()

    def test_a_duplicate_code_links_to_the_existing_entry(self, publisher):
        existing = make_publishable_error(code="Dup_Code")
        data = change_form_data(existing)
        data.update({"code": "dup_code"})
        response = publisher.post(reverse("admin:kb_errorcode_add"), data)
        html = response.content.decode()
        assert "already has the code" in html and change_url(existing) in html

    def test_a_fix_can_name_a_cause_added_in_the_same_save(self, publisher):
        error = make_publishable_error()
        data = form_with_parts(error)
        n = data["causes-TOTAL_FORMS"]
        data.update({"causes-TOTAL_FORMS": n + 1, f"causes-{n}-likelihood": 3,
                     f"causes-{n}-text": "A brand new cause.", f"causes-{n}-position": n,
                     "fixes-TOTAL_FORMS": 1, "fixes-0-difficulty": 1,
                     "fixes-0-text": "Fix the new cause.", "fixes-0-cause_number": n + 1,
                     "fixes-0-position": 0})  # fmt: skip
        assert publisher.post(change_url(error), data).status_code == 302
        fix = Fix.objects.get(text="Fix the new cause.")
        assert fix.cause.text == "A brand new cause."

    def test_search_looks_inside_causes_and_steps(self, publisher):
        error = make_publishable_error()
        error.causes.create(likelihood=1, text="A zebra crossed the wire.")
        url = reverse("admin:kb_errorcode_changelist")
        response = publisher.get(url, {"q": "zebra"})
        assert list(response.context["cl"].result_list) == [error]

    def test_the_status_filter_groups_by_class(self, publisher):
        make_error(http_status=404), make_error(http_status=600)
        url = reverse("admin:kb_errorcode_changelist")
        fours = publisher.get(url, {"status_class": "4"}).context["cl"].result_list
        odd = publisher.get(url, {"status_class": "x"}).context["cl"].result_list
        assert [e.http_status for e in fours] == [404]
        assert [e.http_status for e in odd] == [600]

    def test_the_markdown_preview(self, publisher):
        url = reverse("admin:kb_errorcode_markdown_preview")
        data = publisher.post(
            url, {"text": "Use `Retry-After`.<script>x</script>"}
        ).json()
        assert (
            "<code>Retry-After</code>" in data["html"] and "<script" not in data["html"]
        )

    def test_the_change_page_has_a_section_index(self, publisher):
        error = make_publishable_error()
        html = publisher.get(change_url(error)).content.decode()
        assert 'class="kb-section-index"' in html and 'href="#causes-group"' in html


def test_a_version_read_back_with_its_keys_reordered_is_the_same_version():
    # PostgreSQL's jsonb keeps an object's keys in its own order, not the file's.
    stored = {"title": "T", "faqs": [{"answer": "A.", "question": "Q?"}]}
    fresh = {"title": "T", "faqs": [{"question": "Q?", "answer": "A."}]}
    assert revisions.diff(stored, fresh) == []
    changed = revisions.diff(stored, {**fresh, "faqs": [{"question": "Q?",
                                                         "answer": "B."}]})  # fmt: skip
    assert [(c.where, c.old) for c in changed] == [
        ("faqs[1]", "question: Q?\nanswer: A.")
    ]
