"""The pages in a real browser: search, an error page, Diagnose, feedback, phones."""

import re

import pytest
from playwright.sync_api import expect

from kb import events
from kb.models import Example, Feedback
from tests.browser.conftest import PHONE, has_horizontal_scroll
from tests.factories import make_error, make_faq, make_full_error, make_provider
from tests.pages.kb_sample import load_sample

pytestmark = pytest.mark.browser


@pytest.fixture
def kb(transactional_db, tmp_path):
    """The sample knowledge base, plus a full entry with every kind of section."""
    load_sample(tmp_path)
    stripe = make_provider(slug="stripe", name="Stripe")
    full = make_full_error(
        parts=3,
        provider=stripe,
        code="card_declined",
        http_status=402,
        title="card_declined — The card was declined",
        summary="The issuer refused the charge. Ask for another payment method.",
        meaning="The card issuer said **no**.",
        symptoms="A 402 with `decline_code` in the body.",
        retry_notes="Do not retry the same card.",
        retryable="never",
        sources=["https://docs.stripe.com/declines/codes"],
        playbook_minutes_min=5,
        playbook_minutes_max=15,
    )
    Example.objects.create(error=full, http_status=402, body='{"error": {}}',
                           headers={"Request-Id": "req_1"}, source="docs")  # fmt: skip
    related = make_error(provider=stripe, code="expired_card", title="expired_card")
    full.related.add(related)
    make_faq(full, question="Can I retry a declined card?", answer="Not the same one.")
    yield {"full": full, "quota": Example.objects.get(error__code="insufficient_quota")}
    events.flush()


class SearchTests:
    def test_search_from_home_and_open_a_result(self, page, kb, screenshot):
        page.goto("/")
        expect(page.locator("#q")).to_be_focused()
        screenshot(page, "home")
        page.keyboard.type("quota")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/search/\?q=quota"))
        page.get_by_role(
            "link", name=re.compile("insufficient_quota — You exceeded")
        ).click()
        expect(page).to_have_url(re.compile("/errors/openai/insufficient_quota/$"))
        expect(page.locator("h1")).to_have_text(re.compile("insufficient_quota"))

    def test_exact_code_goes_straight_to_the_entry(self, page, kb):
        page.goto("/")
        page.fill("#q", "card_declined")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile("/errors/stripe/card_declined/$"))


class ErrorPageTests:
    def test_every_section_renders(self, page, kb, screenshot):
        page.goto(kb["full"].get_absolute_url())
        expect(page.locator("h1")).to_have_text("card_declined — The card was declined")
        for heading in ["Quick answer", "What it means", "Symptoms", "Causes, most likely first",
                        "Fixes, easiest first", "Playbook", "Retry guidance", "Notes", "FAQ",
                        "What it looks like", "Related errors", "Sources", "In the API",
                        "Was this helpful?"]:  # fmt: skip
            expect(
                page.get_by_role("heading", name=heading, exact=True)
            ).to_be_visible()
        expect(page.locator(".steps > li")).to_have_count(3)
        expect(page.get_by_text("Estimated time: 5–15 minutes")).to_be_visible()
        expect(page.locator(".badge.likelihood-high")).to_have_count(1)
        expect(page.locator(".badge.difficulty-easy")).to_have_count(1)
        screenshot(page, "error-page")

    def test_copy_button_on_code(self, new_page, kb):
        page = new_page(permissions=["clipboard-read", "clipboard-write"])
        page.goto(kb["full"].get_absolute_url())
        button = page.locator("#api .copy-button")
        button.click()
        expect(button).to_have_text("Copied")
        assert "/api/v1/errors/stripe/card_declined/" in page.evaluate(
            "navigator.clipboard.readText()"
        )

    def test_feedback_click(self, page, kb):
        page.goto(kb["full"].get_absolute_url())
        page.get_by_role("button", name="Yes, it helped").click()
        expect(page.locator(".feedback-status")).to_have_text(re.compile("Thank you"))
        assert Feedback.objects.get().helped is True
        expect(page).to_have_url(re.compile("/errors/stripe/card_declined/$"))

    def test_feedback_without_javascript(self, new_page, kb):
        page = new_page(java_script_enabled=False)
        page.goto(kb["full"].get_absolute_url())
        page.get_by_role("button", name="No").click()
        expect(page).to_have_url(re.compile(r"\?feedback=thanks#feedback$"))
        expect(page.get_by_text("Thank you")).to_be_visible()
        assert Feedback.objects.get().helped is False

    def test_printable_checklist(self, page, kb):
        page.goto(kb["full"].get_absolute_url())
        page.get_by_role("link", name="Printable checklist").click()
        checkboxes = page.get_by_role("checkbox")
        expect(checkboxes).to_have_count(3)
        page.get_by_text("Step 0").click()
        expect(checkboxes.first).to_be_checked()
        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()


class DiagnoseTests:
    def test_stored_example_gets_the_right_match(self, page, kb, screenshot):
        page.goto("/")
        page.get_by_role("link", name="Diagnose a response").first.click()
        page.get_by_label("HTTP status").fill("429")
        page.get_by_label("Response headers").fill("Content-Type: application/json")
        page.get_by_label("Response body").fill(kb["quota"].body)
        page.get_by_role("button", name="Diagnose").click()
        match = page.locator(".match-title a")
        expect(match).to_have_text(
            "insufficient_quota — You exceeded your current quota"
        )
        expect(page.get_by_role("heading", name="Retry advice")).to_be_visible()
        expect(page.get_by_text("The prepaid credit balance is zero.")).to_be_visible()
        screenshot(page, "diagnose-result")
        match.click()
        expect(page).to_have_url(re.compile("/errors/openai/insufficient_quota/$"))

    def test_example_link_on_the_error_page_prefills_the_form(self, page, kb):
        page.goto("/errors/openai/insufficient_quota/")
        page.get_by_role("link", name="Try it in Diagnose").click()
        page.get_by_role("button", name="Diagnose").click()
        expect(page.locator(".match-title a")).to_contain_text("insufficient_quota")

    def test_bad_input_is_explained_on_the_form(self, page, kb):
        page.goto("/diagnose/")
        page.get_by_label("HTTP status").fill("1200")
        page.get_by_role("button", name="Diagnose").click()
        expect(page.locator(".errorlist")).to_contain_text("less than or equal to 999")

    def test_oversized_body_is_stopped_before_sending(self, page, kb):
        page.goto("/diagnose/")
        page.get_by_label("HTTP status").fill("500")
        page.locator("#id_body").evaluate(
            "(el) => { el.value = 'x'.repeat(300 * 1024); }"
        )
        page.get_by_role("button", name="Diagnose").click()
        expect(page.locator(".body-size-error")).to_contain_text(
            "paste at most 256 KiB"
        )
        expect(page).to_have_url(re.compile("/diagnose/$"))


class LayoutTests:
    @pytest.mark.parametrize(
        "path", ["/", "/search/?q=card", "/errors/stripe/card_declined/",
                 "/providers/openai/", "/diagnose/?example=0"]
    )  # fmt: skip
    def test_phone_width_has_no_horizontal_scroll(self, new_page, kb, path):
        page = new_page(viewport=PHONE)
        page.goto(path)
        assert not has_horizontal_scroll(page)

    def test_diagnose_result_on_a_phone(self, new_page, kb, screenshot):
        page = new_page(viewport=PHONE, color_scheme="dark")
        page.goto(f"/diagnose/?example={kb['quota'].pk}")
        page.get_by_role("button", name="Diagnose").click()
        expect(page.locator(".match-title")).to_be_visible()
        assert not has_horizontal_scroll(page)
        screenshot(page, "diagnose-result-phone-dark")

    def test_keyboard_reaches_the_skip_link_first(self, page, kb):
        page.goto("/errors/stripe/card_declined/")
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to content")
        expect(skip).to_be_focused()
        expect(skip).to_be_visible()
