"""Defects a new reader met on the pages: guide headings and cross-links, markdown
in quick answers, the checklist's tips, "why it matched", index pages behind
shortened URLs, the favicon, codes with spaces, the home page and the body limit."""

import json
import re

import pytest
from django.conf import settings

from kb import events
from kb.models import Guide
from kb.templatetags.kb_tags import reason_words
from tests.factories import make_cause, make_error, make_fix, make_provider, make_step
from tests.pages.conftest import json_ld
from tests.pages.kb_sample import NGINX_PAGE, load_nginx_sample

INDEX_QUERIES = 3

LONG_GUIDE = """Read *Circuit breakers* first, and *not* this.

## The problem

Text.

## How to recognise it

Text.

### A detail

Text.

## Recommended approach

Text.

## The problem

Again.
"""


def make_guide(**kwargs) -> Guide:
    kwargs.setdefault("summary", "A summary.")
    kwargs.setdefault("state", "published")
    return Guide.objects.create(**kwargs)


@pytest.fixture
def guides(db):
    breakers = make_guide(slug="circuit-breakers", title="Circuit breakers", body="b")
    long = make_guide(slug="long", title="A long guide", body=LONG_GUIDE)
    short = make_guide(slug="short", title="Short", body="## Only\n\nOne section.")
    return {"breakers": breakers, "long": long, "short": short}


class GuideHeadingTests:
    def test_headings_render_with_slug_ids(self, client, guides):
        html = client.get("/guides/long/").content.decode()
        assert '<h2 id="s-the-problem">The problem</h2>' in html
        assert '<h3 id="s-a-detail">A detail</h3>' in html
        assert '<h2 id="s-the-problem-2">The problem</h2>' in html  # unique
        assert "## " not in html

    def test_an_id_written_as_html_is_not_kept(self, db):
        guide = make_guide(
            slug="x",
            title="X",
            body='<h2 id="main" onclick="alert(1)">Main</h2>\n\n## <img src=x onerror=alert(1)>',
        )
        assert 'id="main"' not in guide.body_html
        assert "onclick" not in guide.body_html and "onerror" not in guide.body_html
        assert re.findall(r"<h2[^>]*>", guide.body_html) == [
            '<h2 id="s-main">',
            '<h2 id="s-section">',
        ]

    def test_italic_guide_titles_link_to_the_guide(self, client, guides):
        html = client.get("/guides/long/").content.decode()
        assert (
            '<a href="/guides/circuit-breakers/"><em>Circuit breakers</em></a>' in html
        )
        assert "<em>not</em>" in html and '"><em>not</em></a>' not in html

    def test_drafts_are_not_linked(self, client, guides):
        guides["breakers"].state = "draft"
        guides["breakers"].save()
        html = client.get("/guides/long/").content.decode()
        assert "<em>Circuit breakers</em>" in html
        assert 'href="/guides/circuit-breakers/"' not in html

    def test_long_guides_have_a_table_of_contents(self, client, guides):
        html = client.get("/guides/long/").content.decode()
        toc = re.search(r'<nav class="toc".*?</nav>', html, re.S)[0]
        assert re.findall(r'href="#([^"]+)"', toc) == [
            "s-the-problem",
            "s-how-to-recognise-it",
            "s-recommended-approach",
            "s-the-problem-2",
        ]
        assert 'class="toc"' not in client.get("/guides/short/").content.decode()

    def test_query_count(self, client, guides, django_assert_max_num_queries):
        with django_assert_max_num_queries(5):
            assert client.get("/guides/long/").status_code == 200


@pytest.fixture
def marked_up(small_kb):
    error = small_kb["card_declined"]
    error.summary = "Read `decline_code` & ask for **another** card."
    error.save()
    make_step(error, title="Look", body="Check the body.", tip="Use `jq`.")
    return error


class QuickAnswerMarkdownTests:
    HTML = "Read <code>decline_code</code> &amp; ask for <strong>another</strong> card."

    @pytest.mark.parametrize(
        "url",
        [
            "/errors/stripe/card_declined/",
            "/errors/stripe/card_declined/checklist/",
            "/providers/stripe/",
            "/categories/payment/",
        ],
    )
    def test_rendered_where_html_is_shown(self, client, marked_up, url):
        html = client.get(url).content.decode()
        assert self.HTML in html
        assert "`decline_code`" not in html

    def test_rendered_in_search_results(self, client, marked_up):
        html = client.get("/search/", {"q": "declined"}).content.decode()
        assert "<code>decline_code</code>" in html and "`" not in html

    def test_plain_in_meta_description_and_json_ld(self, client, marked_up):
        html = client.get("/errors/stripe/card_declined/").content.decode()
        description = re.search(r'<meta name="description" content="([^"]*)"', html)[1]
        assert description == "Read decline_code &amp; ask for another card."
        howto = [d for d in json_ld(html) if d["@type"] == "HowTo"][0]
        assert howto["description"] == "Read decline_code & ask for another card."


class ChecklistTipTests:
    def test_tip_is_in_the_steps_own_block(self, client, marked_up):
        html = client.get("/errors/stripe/card_declined/checklist/").content.decode()
        assert (
            '<p class="tip-inline"><strong>Tip:</strong> Use <code>jq</code>.</p>'
            in html
        )


@pytest.fixture
def nginx_kb(db, tmp_path):
    load_nginx_sample(tmp_path)
    yield
    events.flush()


class WhyItMatchedTests:
    def test_said_in_words_with_the_rule_in_a_tooltip(self, client, nginx_kb):
        response = client.post("/diagnose/", {"status": 502, "body": NGINX_PAGE})
        html = response.content.decode()
        reasons = re.search(r'<ul class="matched-on">(.*?)</ul>', html, re.S)[1]
        assert "The body looks like nginx’s error page" in reasons
        assert "The status is <code>502</code>" in reasons
        assert 'title="body~/&lt;center&gt;nginx(/[0-9.]+)?&lt;/center&gt;/"' in reasons
        # The raw rule is only ever an attribute, never text on the page.
        text = re.sub(r"<[^>]+>", "", html)
        assert "body~/" not in text and "status=502" not in text

    @pytest.mark.parametrize(
        ("feature", "words"),
        [
            ("status=429", "the status is <code>429</code>"),
            ("body.error.code=rate_limit",
             "the body has <code>rate_limit</code> at <code>error.code</code>"),
            ("header:retry-after", "the response has a <code>retry-after</code> header"),
            ("header:x-amzn-errortype=Throttling",
             "the <code>x-amzn-errortype</code> header says <code>Throttling</code>"),
            ("body~/Rate exceeded/", "the body reads like aws’s error text"),
            ("provider=aws", "the response comes from <code>aws</code>"),
            ("body.x=<b>", "the body has <code>&lt;b&gt;</code> at <code>x</code>"),
        ],
    )  # fmt: skip
    def test_one_phrase_per_kind_of_feature(self, feature, words):
        assert reason_words(feature, "aws") == words


class BodyLimitTests:
    def test_the_form_states_the_examined_limit(self, client, nginx_kb):
        html = client.get("/diagnose/").content.decode()
        assert f"{settings.KB_LOOKUP_BODY_LIMIT:,} characters" in html
        assert "256 KiB" not in html

    def test_the_result_says_when_the_body_was_cut(self, client, nginx_kb):
        limit = settings.KB_LOOKUP_BODY_LIMIT
        long = client.post("/diagnose/", {"status": 502, "body": "x" * (limit + 1)})
        assert "The body was cut." in long.content.decode()
        short = client.post("/diagnose/", {"status": 502, "body": NGINX_PAGE})
        assert "The body was cut." not in short.content.decode()


class IndexPageTests:
    @pytest.mark.parametrize(
        ("url", "expected", "absent"),
        [
            ("/providers/", ["/providers/http/", "/providers/stripe/"], []),
            ("/categories/", ["/categories/rate_limit/", "/categories/payment/"], []),
            ("/errors/", ["/providers/stripe/", "/categories/payment/"], []),
            ("/guides/", ["/guides/circuit-breakers/"], ["/guides/draft/"]),
        ],
    )
    def test_each_shortened_url_has_a_page(
        self, client, small_kb, url, expected, absent, django_assert_max_num_queries
    ):
        make_guide(slug="circuit-breakers", title="Circuit breakers", body="b")
        make_guide(slug="draft", title="Draft", body="b", state="draft")
        with django_assert_max_num_queries(INDEX_QUERIES):
            response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        for href in expected:
            assert f'href="{href}"' in html
        for href in absent:
            assert href not in html

    def test_counts_only_published_errors(self, client, small_kb):
        providers = {p.slug: p.error_count for p in client.get("/providers/").context["providers"]}  # fmt: skip
        assert providers == {"http": 3, "stripe": 3}

    def test_errors_of_a_provider_is_the_provider_page(self, client, small_kb):
        response = client.get("/errors/stripe/")
        assert response.status_code == 301
        assert response["Location"] == "/providers/stripe/"
        assert client.get("/errors/nope/").status_code == 404

    @pytest.mark.parametrize(
        ("url", "crumb"),
        [
            ("/providers/stripe/", '<a href="/providers/">Providers</a>'),
            ("/categories/payment/", '<a href="/categories/">Categories</a>'),
            ("/errors/stripe/card_declined/", '<a href="/errors/">Errors</a>'),
            ("/guides/circuit-breakers/", '<a href="/guides/">Guides</a>'),
        ],
    )
    def test_breadcrumbs_link_to_the_index(self, client, small_kb, url, crumb):
        make_guide(slug="circuit-breakers", title="Circuit breakers", body="b")
        html = client.get(url).content.decode()
        breadcrumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S)[0]
        assert crumb in breadcrumbs


class SmallFixTests:
    def test_favicon(self, client, db):
        html = client.get("/").content.decode()
        assert '<link rel="icon" href="/static/favicon.svg"' in html
        response = client.get("/favicon.ico")
        assert response.status_code == 301
        assert response["Location"] == "/static/favicon.svg"
        assert (settings.BASE_DIR / "static" / "favicon.svg").exists()

    def test_a_code_with_a_space_is_percent_encoded_in_links(self, client, db):
        adyen = make_provider(slug="adyen", name="Adyen")
        error = make_error(provider=adyen, code="CVC Declined", title="CVC Declined")
        make_step(error, title="Look")
        assert error.get_absolute_url() == "/errors/adyen/CVC%20Declined/"
        for url in ["/errors/adyen/CVC%20Declined/", "/providers/adyen/",
                    "/search/?q=CVC"]:  # fmt: skip
            html = client.get(url).content.decode()
            hrefs = re.findall(r'href="([^"]*CVC[^"]*)"', html)
            assert hrefs, url
            assert all(" " not in href for href in hrefs), (url, hrefs)

    def test_home_lists_each_common_error_once(self, client, small_kb):
        for error in small_kb.values():
            if hasattr(error, "code") and error.code in {"429", "503"}:
                make_cause(error, text=f"Cause of {error.code}")
                make_fix(error, text=f"Fix of {error.code}")
        html = client.get("/").content.decode()
        main = html[html.index("<main") : html.index('<div class="columns">')]
        for error in small_kb.values():
            if hasattr(error, "code") and error.state == "published":
                assert main.count(f'href="{error.get_absolute_url()}"') <= 1, error


def test_json_ld_is_valid_json(client, marked_up):
    html = client.get("/errors/stripe/card_declined/").content.decode()
    for document in json_ld(html):
        json.dumps(document)


class QuickStartTests:
    """`make run` serves the pages as a visitor sees them, not Django's debug ones."""

    def run_recipe(self) -> str:
        makefile = (settings.BASE_DIR / "Makefile").read_text(encoding="utf-8")
        return re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.M)[1]

    def test_make_run_keeps_debug_off(self):
        recipe = self.run_recipe()
        assert "DEBUG=$${DEBUG:-0}" in recipe and "DEBUG=1" not in recipe

    def test_without_debug_a_404_is_the_sites_own_page(self, client, db, settings):
        settings.DEBUG = False
        response = client.get("/no/such/page/")
        assert response.status_code == 404
        assert "404: no page here" in response.content.decode()

    def test_without_debug_static_files_are_served(self, client, db):
        for path in ["/static/kb/css/site.css", "/static/favicon.svg"]:
            response = client.get(path)
            assert response.status_code == 200, path
            response.close()
