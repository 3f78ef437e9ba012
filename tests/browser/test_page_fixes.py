"""Page defects a new reader met, checked in a browser: the printed checklist,
codes split mid-word, the guide's table of contents, rendered quick answers,
the index pages, and match reasons in words."""

import re

import pytest
from playwright.sync_api import expect

from kb import events
from kb.models import Guide
from tests.browser.conftest import PHONE, has_horizontal_scroll
from tests.factories import make_cause, make_error, make_fix, make_provider, make_step
from tests.pages.kb_sample import NGINX_PAGE, load_nginx_sample

pytestmark = pytest.mark.browser

# Every code shorter than this must sit on one line, whatever the width.
SHORT_CODE = 24

CODES_ON_ONE_LINE = """(limit) => [...document.querySelectorAll("main code")]
    .filter((c) => c.textContent.length < limit && c.getClientRects().length > 1)
    .map((c) => c.textContent)"""


@pytest.fixture
def entry(transactional_db):
    aws = make_provider(slug="aws", name="AWS")
    error = make_error(
        provider=aws,
        code="ThrottlingException",
        http_status=400,
        title="ThrottlingException — Rate exceeded",
        summary="Read `ThrottlingException` and `x-amzn-RequestId`, then back off.",
        meaning=" ".join(
            f"Look at `Retry-After`, `x-amzn-RequestId` and `{n}-retry-mode`."
            for n in range(12)
        )
        + " See `https://docs.aws.amazon.com/general/latest/gr/api-retries.html`.",
        retry_notes="Wait for `Retry-After` or back off with `ThrottlingException`.",
    )
    make_cause(error, text="Bursts above the `RequestLimitExceeded` quota.")
    make_fix(error, text="Use `ThrottlingException` backoff with `full_jitter`.")
    for n in range(3):
        make_step(
            error,
            title=f"Step {n}",
            body="Look at the `x-amzn-RequestId` header of the failing call.",
            tip="Keep the id.",
            position=n,
        )
    return error


class ChecklistPrintTests:
    def test_each_step_is_one_compact_block_on_paper(self, page, entry):
        page.goto(f"{entry.get_absolute_url()}checklist/")
        page.emulate_media(media="print")
        step = page.locator(".checklist-steps > li").first
        # The body and the tip: no paragraph of its own for the word "Tip:".
        expect(step.locator(".check-body > p")).to_have_count(2)
        tip = step.locator(".tip-inline")
        expect(tip).to_have_text("Tip: Keep the id.")
        line = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('.tip-inline'))"
            ".lineHeight) || 16"
        )
        assert tip.bounding_box()["height"] < 2 * line
        label, body = step.locator("label"), step.locator(".check-body")
        height = step.bounding_box()["height"]
        parts = label.bounding_box()["height"] + body.bounding_box()["height"]
        assert height < parts + 2 * line  # little space around them
        expect(page.locator(".site-header")).to_be_hidden()


class CodeChipTests:
    @pytest.mark.parametrize("width", [PHONE["width"], 1280])
    def test_short_codes_never_break_inside_a_word(self, new_page, entry, width):
        page = new_page(viewport={"width": width, "height": 900})
        page.goto(entry.get_absolute_url())
        expect(page.locator("main code").first).to_be_visible()
        assert page.evaluate(CODES_ON_ONE_LINE, SHORT_CODE) == []
        assert not has_horizontal_scroll(page)  # a long one scrolls in its place


class GuideContentsTests:
    def test_contents_lead_to_the_sections(self, page, transactional_db):
        Guide.objects.create(
            slug="retries",
            title="Retries",
            summary="s",
            state="published",
            body="\n\n".join(
                f"## Part {n}\n\n" + "Some text. " * 80 for n in range(1, 6)
            ),
        )
        page.goto("/guides/retries/")
        contents = page.get_by_role("navigation", name="On this page")
        expect(contents.get_by_role("link")).to_have_count(5)
        contents.get_by_role("link", name="Part 4").click()
        expect(page).to_have_url(re.compile("#s-part-4$"))
        expect(page.get_by_role("heading", name="Part 4")).to_be_in_viewport()


class QuickAnswerTests:
    def test_code_in_the_quick_answer_is_shown_as_code(self, page, entry):
        page.goto(entry.get_absolute_url())
        answer = page.locator(".quick-answer p").first
        expect(answer.locator("code").first).to_have_text("ThrottlingException")
        assert "`" not in answer.inner_text()
        description = page.locator('meta[name="description"]').get_attribute("content")
        assert "`" not in description and "<code>" not in description


class IndexPageTests:
    def test_breadcrumbs_lead_to_the_indexes_and_back(self, page, entry):
        page.goto(entry.get_absolute_url())
        page.locator(".breadcrumbs").get_by_role("link", name="Errors").click()
        expect(page).to_have_url(re.compile(r"/errors/$"))
        expect(page.get_by_role("link", name=re.compile("AWS")).first).to_be_visible()
        page.goto("/providers/")
        page.get_by_role("link", name=re.compile("AWS")).first.click()
        expect(page).to_have_url(re.compile(r"/providers/aws/$"))
        expect(page.get_by_text("ThrottlingException").first).to_be_visible()


@pytest.fixture
def nginx_kb(transactional_db, tmp_path):
    load_nginx_sample(tmp_path)
    yield
    events.discard()


class WhyItMatchedTests:
    def test_the_reason_is_in_words_and_the_rule_in_its_tooltip(self, page, nginx_kb):
        page.goto("/diagnose/")
        page.get_by_label("HTTP status").fill("502")
        page.get_by_label("Response body").fill(NGINX_PAGE)
        page.get_by_role("button", name=re.compile("Diagnose|Look up", re.I)).click()
        reasons = page.locator("ul.matched-on").first
        expect(reasons).to_contain_text("The body looks like nginx’s error page")
        assert "body~/" not in reasons.inner_text()
        rule = reasons.locator("[title^='body~/']").first
        assert "nginx" in rule.get_attribute("title")
