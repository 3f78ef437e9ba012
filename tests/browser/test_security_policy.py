"""The Content-Security-Policy in a real browser: nothing on the pages, the API
docs or the admin's entry editor is refused, and their scripts still work."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from kb import events
from kb.models import Guide
from tests.factories import make_full_error, make_provider
from tests.pages.kb_sample import load_sample

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/errors/stripe/card_declined/",
    "/errors/stripe/card_declined/checklist/",
    "/providers/stripe/",
    "/search/?q=declined",
    "/diagnose/",
    "/guides/backoff/",
    "/api/docs/retry/",
]


@pytest.fixture
def kb(transactional_db, tmp_path):
    load_sample(tmp_path)
    error = make_full_error(
        parts=2, provider=make_provider(slug="stripe", name="Stripe"),
        code="card_declined", http_status=402, title="card_declined — Declined",
        meaning="The issuer said **no**.\n\n```\ncurl -X POST …\n```",
    )  # fmt: skip
    guide = Guide.objects.create(slug="backoff", title="Backoff", summary="Wait.",
                                 body="Wait longer.", state="published")  # fmt: skip
    guide.errors.add(error)
    User.objects.create_superuser("boss", "boss@example.com", "pw-boss")
    yield error
    events.flush()


@pytest.fixture
def watched(new_page):
    """A page that keeps every CSP refusal the browser reports."""
    page = new_page()
    page.refusals = []

    def keep_refusals(message):
        if "Content Security Policy" in message.text:
            page.refusals.append(message.text)

    page.on("console", keep_refusals)
    return page


class BrowserPolicyTests:
    def test_no_page_has_anything_refused(self, watched, kb):
        for path in PAGES:
            watched.goto(path)
            watched.wait_for_load_state("networkidle")
        assert watched.refusals == []

    def test_page_scripts_still_run(self, watched, kb):
        watched.goto("/errors/stripe/card_declined/")
        expect(watched.locator("main pre .copy-button").first).to_be_visible()
        watched.locator(".feedback-form button").first.click()
        expect(watched.locator(".feedback-status")).to_have_text(re.compile("Thank"))
        watched.reload()  # a second vote from this browser is not counted
        watched.locator(".feedback-form button").first.click()
        expect(watched.locator(".feedback-status")).to_have_text(
            re.compile("already counted")
        )
        assert watched.refusals == []

    def test_api_docs_render(self, watched, kb):
        watched.goto("/api/docs/")
        expect(watched.locator(".swagger-ui .info .title")).to_contain_text(
            "ErrorKB API"
        )
        expect(watched.locator(".opblock").first).to_be_visible()
        assert watched.refusals == []

    def test_admin_markdown_preview_works(self, watched, kb):
        watched.goto("/admin/login/")
        watched.fill("#id_username", "boss")
        watched.fill("#id_password", "pw-boss")
        watched.click("input[type=submit]")
        expect(watched).to_have_url(re.compile("/admin/$"))
        watched.goto(f"/admin/kb/errorcode/{kb.pk}/change/")
        watched.evaluate("document.querySelectorAll('details').forEach(d => d.open=1)")
        watched.fill("textarea[name=meaning]", "A **bold** claim.")
        preview = watched.locator("textarea[name=meaning] + .kb-md-preview")
        expect(preview.locator("strong")).to_have_text("bold")
        assert watched.refusals == []
