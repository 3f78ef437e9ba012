"""An editor's day in a real browser: an editor changes a cause and a step of a
published entry, a publisher reviews the diff and approves it, the page shows the
change, and a revert brings the earlier cause and step back everywhere."""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission, User
from playwright.sync_api import expect

from kb import revisions
from kb.models import Cause, Step
from tests.browser.conftest import has_horizontal_scroll
from tests.factories import make_publishable_error

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(transactional_db):
    # A live-server test that ran earlier flushed the groups the migration made:
    # make them again as it does.
    roles = importlib.import_module("kb.migrations.0008_editor_groups")
    create_permissions(django_apps.get_app_config("kb"), verbosity=0)
    for name, codenames in (("editor", roles.EDITOR), ("publisher", roles.PUBLISHER)):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(
            content_type__app_label="kb", codename__in=codenames))  # fmt: skip
    error = make_publishable_error(code="slow_down", title="slow_down — Slow down")
    revisions.record(error, "created")
    for role in ("editor", "publisher"):
        user = User.objects.create_user(role, password="pw-" + role, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
    return error


def sign_in(new_page, role):
    page = new_page(viewport={"width": 1440, "height": 900})
    page.goto("/admin/login/")
    page.fill("#id_username", role)
    page.fill("#id_password", "pw-" + role)
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile("/admin/$"))
    return page


def open_all_sections(page):
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


def test_edit_review_approve_and_revert(new_page, desk, screenshot):
    error = desk
    first_cause = error.causes.order_by("position").first()
    first_step = error.steps.order_by("position").first()
    old_cause, old_tip = first_cause.text, first_step.tip

    editor = sign_in(new_page, "editor")
    editor.goto(f"/admin/kb/errorcode/{error.pk}/change/")
    expect(editor.locator(".kb-section-index")).to_be_visible()
    screenshot(editor, "admin-change-page")
    open_all_sections(editor)
    screenshot(editor, "admin-change-page-open")
    assert not has_horizontal_scroll(editor)  # the inlines fit a 1440 px window
    editor.fill("textarea[name=causes-0-text]", "A proposed cause from the editor.")
    editor.fill("textarea[name=steps-0-tip]", "A proposed tip from the editor.")
    editor.click("input[name=_save]")
    expect(editor.locator(".messagelist")).to_contain_text("waiting for a publisher")
    assert Cause.objects.get(pk=first_cause.pk).text == old_cause  # still live as was

    publisher = sign_in(new_page, "publisher")
    publisher.goto("/admin/kb/revision/review/")
    publisher.get_by_role("link", name="Review").first.click()
    diff = publisher.locator("#proposal-diff")
    expect(diff).to_contain_text("A proposed cause from the editor.")
    expect(diff).to_contain_text("A proposed tip from the editor.")
    screenshot(publisher, "admin-review")
    publisher.fill("#id_comment", "Clearer, thanks.")
    publisher.click("button[name=approve]")
    expect(publisher.locator(".messagelist")).to_contain_text("the change is live")

    public = new_page()
    public.goto(error.get_absolute_url())
    expect(public.locator("#causes")).to_contain_text(
        "A proposed cause from the editor."
    )
    expect(public.locator("#playbook")).to_contain_text(
        "A proposed tip from the editor."
    )

    publisher.goto(f"/admin/kb/errorcode/{error.pk}/history/")
    screenshot(publisher, "admin-versions")
    publisher.get_by_role("button", name="Revert to this version").last.click()
    expect(publisher.locator(".messagelist")).to_contain_text("Reverted")

    public = new_page()  # a fresh browser cache: pages are cached for a minute
    public.goto(error.get_absolute_url())
    expect(public.locator("#causes")).to_contain_text(old_cause)
    expect(public.locator("#causes")).not_to_contain_text("A proposed cause")
    publisher.goto(f"/admin/kb/errorcode/{error.pk}/change/")
    open_all_sections(publisher)
    expect(publisher.locator("textarea[name=causes-0-text]")).to_have_value(old_cause)
    assert Cause.objects.get(pk=first_cause.pk).text == old_cause
    assert Step.objects.filter(error=error, tip=old_tip).exists()
