"""The Content-Security-Policy: on every page and the admin, and pages that keep
it, with no inline script, event handler or style attribute for it to block."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User

from kb import events
from kb.models import Category, Example, Guide
from tests.factories import make_faq, make_full_error, make_provider
from tests.pages.kb_sample import load_sample

# Not scripts to a browser: data blocks, which CSP does not govern.
DATA_TYPES = {"application/ld+json", "application/json"}


class InlineCode(HTMLParser):
    """Everything in a page that a strict CSP would block, as (kind, where) pairs:
    inline scripts, event handler attributes, javascript: URLs, and style attributes
    and elements."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts += 1
            kind = (attributes.get("type") or "text/javascript").lower()
            if not attributes.get("src") and kind not in DATA_TYPES:
                self.found.append(("script", f"<script> #{self.scripts}"))
        if tag == "style":
            self.found.append(("style", "<style>"))
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                self.found.append(("handler", f"<{tag} {name}>"))
            elif name == "style":
                self.found.append(("style", f"<{tag} style={value!r}>"))
            elif value.lower().startswith("javascript:"):
                self.found.append(("url", f"<{tag} {name}={value!r}>"))


def inline_code(html: str, kinds=("script", "handler", "url", "style")) -> list:
    parser = InlineCode()
    parser.feed(html)
    return [where for kind, where in parser.found if kind in kinds]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.fixture
def site(db, tmp_path):
    """The sample knowledge base, a full entry, a category and a guide."""
    load_sample(tmp_path)
    stripe = make_provider(slug="stripe", name="Stripe")
    category = Category.objects.create(slug="payment", name="Payment")
    full = make_full_error(
        parts=3, provider=stripe, code="card_declined", http_status=402,
        title="card_declined — The card was declined", category=category,
        meaning="The card issuer said **no**.", symptoms="A 402 with `decline_code`.",
        sources=["https://docs.stripe.com/declines/codes"],
    )  # fmt: skip
    Example.objects.create(error=full, http_status=402, body='{"error": {}}',
                           headers={"Request-Id": "req_1"}, source="docs")  # fmt: skip
    make_faq(full, question="Can I retry a declined card?", answer="Not the same one.")
    guide = Guide.objects.create(
        slug="backoff", title="Backoff with jitter", summary="How to wait.",
        body="Wait longer each time:\n\n```\nsleep 1\n```", state="published",
    )  # fmt: skip
    guide.errors.add(full)
    yield {"full": full}
    events.flush()


PAGES = [
    "/",
    "/errors/stripe/card_declined/",
    "/errors/stripe/card_declined/checklist/",
    "/errors/http/429/",
    "/providers/stripe/",
    "/categories/payment/",
    "/search/?q=declined",
    "/search/",
    "/diagnose/",
    "/guides/backoff/",
    "/no-such-page/",
    "/api/docs/",
    "/api/docs/retry/",
]


class PagePolicyTests:
    @pytest.mark.parametrize("path", PAGES)
    def test_every_page_has_the_policy(self, client, site, path):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        directives = policy(response)
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]

    @pytest.mark.parametrize("path", PAGES)
    def test_no_inline_code_on_the_page(self, client, site, path):
        response = client.get(path)
        assert inline_code(response.content.decode()) == []

    def test_a_diagnose_answer_has_no_inline_code(self, client, site):
        quota = Example.objects.get(error__code="insufficient_quota")
        response = client.post("/diagnose/", {
            "status": 429, "body": quota.body, "headers": "", "url": "",
        })  # fmt: skip
        assert response.status_code == 200
        assert "insufficient_quota" in response.content.decode()
        assert inline_code(response.content.decode()) == []
        assert "Content-Security-Policy" in response

    def test_a_cached_page_still_has_the_policy(self, client, site):
        client.get("/providers/stripe/")
        again = client.get("/providers/stripe/")
        assert policy(again)["script-src"] == ["'self'"]

    def test_the_api_docs_script_is_a_file(self, client, site):
        response = client.get("/api/docs/?script=")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/javascript")
        assert "SwaggerUIBundle" in response.content.decode()

    def test_the_parser_finds_what_it_must(self):
        html = (
            '<script>alert(1)</script><script src="/s.js"></script>'
            '<script type="application/ld+json">{}</script>'
            '<a href="JavaScript:alert(1)" onclick="x()" style="color:red">x</a>'
        )
        assert inline_code(html) == [
            "<script> #1",
            "<a href='JavaScript:alert(1)'>",
            "<a onclick>",
            "<a style='color:red'>",
        ]


@pytest.fixture
def admin_client(client, site):
    client.force_login(User.objects.create_superuser("boss", "b@example.com", "pw"))
    return client


def admin_pages(full) -> list[str]:
    return [
        "/admin/",
        "/admin/kb/errorcode/",
        f"/admin/kb/errorcode/{full.pk}/change/",
        "/admin/kb/errorcode/add/",
        f"/admin/kb/errorcode/{full.pk}/history/",
        "/admin/kb/provider/",
        "/admin/kb/revision/review/",
        "/admin/auth/user/",
    ]


class AdminPolicyTests:
    def test_login_page_has_the_policy_and_no_inline_code(self, client, db):
        response = client.get("/admin/login/")
        assert policy(response)["script-src"] == ["'self'"]
        assert inline_code(response.content.decode()) == []

    def test_admin_pages_have_the_policy_and_no_inline_code(self, admin_client, site):
        for path in admin_pages(site["full"]):
            response = admin_client.get(path)
            assert response.status_code == 200, path
            assert policy(response)["script-src"] == ["'self'"], path
            assert inline_code(response.content.decode()) == [], path
