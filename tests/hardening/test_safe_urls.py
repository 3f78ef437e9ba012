"""Stored XSS through links: only http(s) URLs get into sources, docs links and
example sources (model, admin, API, kb_load), and a page never renders another
scheme as a link, even one forced into the database."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from kb.models import ErrorCode, Example, Guide, Provider
from kb.safe_urls import is_safe_url, validate_source_text
from tests.factories import make_error, make_provider
from tests.kb.test_admin import change_form_data

HOSTILE = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "https:alert(1)",
    "//evil.example/x",
    "ftp://files.example.com/errors.txt",
]
# An href="…" whose URL is anything but http(s), in any case.
UNSAFE_HREF = re.compile(r"""href\s*=\s*["']?\s*(?!https?://)[a-z0-9+.\-]*:""", re.I)


class IsSafeUrlTests:
    @pytest.mark.parametrize("url", HOSTILE)
    def test_other_schemes_and_tricks_are_refused(self, url):
        assert not is_safe_url(url)

    @pytest.mark.parametrize(
        "url",
        ["https://docs.stripe.com/error-codes", "HTTP://EXAMPLE.COM/A?b=1#c",
         "https://learn.microsoft.com/en-us/graph/errors#code-property"],
    )  # fmt: skip
    def test_http_and_https_pass(self, url):
        assert is_safe_url(url)

    @pytest.mark.parametrize(
        "text", ["RFC 6585, section 4", "stripe/stripe-ruby test/test_data.rb",
                 "https://docs.gitlab.com/api/rest/ (gitlabhq docs)"],
    )  # fmt: skip
    def test_a_source_may_be_text_or_start_with_a_url(self, text):
        validate_source_text(text)

    @pytest.mark.parametrize("text", HOSTILE[:9])
    def test_a_source_may_not_be_another_kind_of_url(self, text):
        with pytest.raises(ValidationError):
            validate_source_text(text)


@pytest.mark.django_db
class ModelTests:
    @pytest.mark.parametrize("url", HOSTILE)
    def test_full_clean_refuses_a_bad_source(self, url):
        error = make_error(sources=["https://docs.example.com/ok"])
        error.sources = ["https://docs.example.com/ok", url]
        with pytest.raises(ValidationError) as raised:
            error.full_clean()
        assert "sources" in raised.value.message_dict

    def test_guides_providers_and_examples_too(self):
        guide = Guide(slug="g", title="G", summary="S", body="B",
                      sources=["javascript:alert(1)"])  # fmt: skip
        with pytest.raises(ValidationError, match="sources"):
            guide.full_clean()
        provider = make_provider()
        provider.docs_url = "ftp://files.example.com/"
        with pytest.raises(ValidationError, match="docs_url"):
            provider.full_clean()
        example = Example(error=make_error(), http_status=400, source="data:,x")
        with pytest.raises(ValidationError, match="source"):
            example.full_clean()


@pytest.fixture
def superuser_client(client, db):
    client.force_login(User.objects.create_superuser("boss", "b@example.com", "pw"))
    return client


class AdminTests:
    def test_an_entry_with_a_javascript_source_is_refused(self, superuser_client):
        error = make_error()
        data = {**change_form_data(error), "sources": "JavaScript:alert(1)"}
        url = reverse("admin:kb_errorcode_change", args=[error.pk])
        response = superuser_client.post(url, data)
        assert response.status_code == 200
        assert b"must be one http(s) URL" in response.content
        error.refresh_from_db()
        assert error.sources == []

    def test_an_example_with_a_javascript_source_is_refused(self, superuser_client):
        error = make_error()
        data = change_form_data(error)
        data.update({"examples-TOTAL_FORMS": 1, "examples-0-http_status": 400,
                     "examples-0-source": "javascript:alert(1)",
                     "examples-0-position": 0})  # fmt: skip
        url = reverse("admin:kb_errorcode_change", args=[error.pk])
        response = superuser_client.post(url, data)
        assert response.status_code == 200
        assert b"http:// or https://" in response.content
        assert not Example.objects.exists()

    def test_a_guide_with_a_data_url_is_refused(self, superuser_client):
        data = {"slug": "backoff", "title": "Backoff", "summary": "Wait.",
                "body": "Wait longer.", "position": 100, "state": "published",
                "sources": '["https://ok.example.com/", "DATA:text/html,<b>x</b>"]'}  # fmt: skip
        response = superuser_client.post(reverse("admin:kb_guide_add"), data)
        assert response.status_code == 200
        assert b"http:// or https://" in response.content
        assert not Guide.objects.exists()
        data["sources"] = '["https://ok.example.com/"]'
        assert (
            superuser_client.post(reverse("admin:kb_guide_add"), data).status_code
            == 302
        )

    def test_a_provider_docs_link_must_be_http(self, superuser_client):
        data = {"slug": "acme", "name": "Acme", "layer": "api", "position": 100,
                "docs_url": "ftp://files.example.com/errors", "api_hosts": "[]",
                "identifying_headers": "[]", "body_patterns": "[]"}  # fmt: skip
        response = superuser_client.post(reverse("admin:kb_provider_add"), data)
        assert response.status_code == 200
        assert not Provider.objects.filter(slug="acme").exists()


@pytest.fixture
def token(db):
    user = User.objects.create_user("svc", password="pw")
    for codename in ("add_errorcode", "change_errorcode", "add_provider",
                     "add_example"):  # fmt: skip
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user)}"}


class ApiTests:
    @pytest.mark.parametrize("url", HOSTILE)
    def test_creating_an_entry_with_a_bad_source_is_refused(self, client, token, url):
        make_provider(slug="acme")
        body = {"provider": "acme", "code": "x1", "title": "X", "summary": "S.",
                "sources": ["https://docs.example.com/", url]}  # fmt: skip
        response = client.post(
            "/api/v1/errors/", body, content_type="application/json", **token
        )
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert "sources" in response.json()["errors"]
        assert not ErrorCode.objects.filter(code="x1").exists()

    def test_editing_an_entry_to_a_bad_source_is_refused(self, client, token):
        error = make_error(provider=make_provider(slug="acme"), code="x2")
        response = client.patch(
            "/api/v1/errors/acme/x2/", {"sources": ["JAVASCRIPT:alert(1)"]},
            content_type="application/json", **token,
        )  # fmt: skip
        assert response.status_code == 400
        assert "sources" in response.json()["errors"]
        error.refresh_from_db()
        assert error.sources == []

    def test_an_example_source_and_a_docs_link_are_checked(self, client, token):
        error = make_error()
        example = {"error": error.pk, "http_status": 400,
                   "source": "javascript:alert(1)"}  # fmt: skip
        response = client.post(
            "/api/v1/examples/", example, content_type="application/json", **token
        )
        assert response.status_code == 400
        assert "source" in response.json()["errors"]
        provider = {"slug": "acme", "name": "Acme",
                    "docs_url": "ftp://files.example.com/"}  # fmt: skip
        response = client.post(
            "/api/v1/providers/", provider, content_type="application/json", **token
        )
        assert response.status_code == 400
        assert "docs_url" in response.json()["errors"]


PROVIDER_FILE = """\
provider:
  slug: acme
  name: Acme
  layer: api
  docs_url: https://docs.acme.test/errors
errors:
- code: bad_input
  http_status: 400
  title: Bad input
  summary: A field is wrong.
  fixable_by: caller_code
  retry:
    policy: never
  sources:
  - https://docs.acme.test/errors#bad_input
  examples:
  - status: 400
    body: '{"code": "bad_input"}'
    source: https://docs.acme.test/errors (the example on that page)
"""
GUIDES_FILE = """\
guides:
- slug: backoff
  title: Backoff
  summary: Wait longer each time.
  body: Wait, then wait longer.
  sources:
  - https://docs.acme.test/backoff
"""
REFERENCE_FILE = """\
reference:
  provider: acme
  source: Acme's error model
  version: acme-models 1.0
  licence: MIT; facts only
  link_template: https://docs.acme.test/errors/{code}
errors:
- {code: busy, status: 409, link: 'https://docs.acme.test/busy'}
"""


@pytest.mark.django_db
class KbLoadTests:
    def load(self, tmp_path, err, provider=PROVIDER_FILE, guides=GUIDES_FILE,
             reference=REFERENCE_FILE):  # fmt: skip
        (tmp_path / "reference").mkdir()
        files = {"acme.yaml": provider, "guides.yaml": guides,
                 "reference/acme.yaml": reference}  # fmt: skip
        for name, text in files.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        paths = [str(tmp_path / name) for name in files]
        call_command("kb_load", *paths, stdout=StringIO(), stderr=err)

    def test_good_files_load(self, tmp_path):
        self.load(tmp_path, StringIO())
        assert ErrorCode.objects.filter(code__in=["bad_input", "busy"]).count() == 2
        assert Guide.objects.get().sources == ["https://docs.acme.test/backoff"]

    @pytest.mark.parametrize(
        "file, old, new, reason",
        [
            ("provider", "- https://docs.acme.test/errors#bad_input",
             "- JavaScript:alert(1)",
             "acme.yaml: errors[0] (bad_input): sources: item 'JavaScript:alert(1)' "
             "must be an http(s) URL"),
            ("provider", "source: https://docs.acme.test/errors (the",
             "source: javascript:alert(1) (the",
             "acme.yaml: errors[0] (bad_input): examples[0].source: must start with "
             "an http(s) URL"),
            ("provider", "docs_url: https://docs.acme.test/errors",
             "docs_url: data:text/html,x",
             "acme.yaml: provider: docs_url: must be an http(s) URL"),
            ("guides", "- https://docs.acme.test/backoff",
             "- 'data:text/html,<script>alert(1)</script>'",
             "guides.yaml: guides[0] (backoff): sources: item"),
            ("reference", "link: 'https://docs.acme.test/busy'",
             "link: 'JAVASCRIPT:alert(1)'",
             "acme.yaml: errors[0] (busy): link: must be an http(s) URL"),
            ("reference", "link_template: https://docs.acme.test/errors/{code}",
             "link_template: 'javascript:alert(\"{code}\")'",
             "acme.yaml: reference: link_template: must be an http(s) URL"),
        ],
    )  # fmt: skip
    def test_a_bad_url_is_refused_naming_the_entry(
        self, tmp_path, file, old, new, reason
    ):
        texts = {"provider": PROVIDER_FILE, "guides": GUIDES_FILE,
                 "reference": REFERENCE_FILE}  # fmt: skip
        assert old in texts[file]
        texts[file] = texts[file].replace(old, new)
        err = StringIO()
        with pytest.raises(CommandError, match="nothing was written"):
            self.load(tmp_path, err, **texts)
        assert reason in err.getvalue()
        assert not ErrorCode.objects.exists() and not Guide.objects.exists()


@pytest.mark.django_db
class RenderTests:
    """Rows forced into the database past every check are still not links."""

    @pytest.fixture
    def forced(self):
        acme = make_provider(slug="acme", name="Acme")
        curated = make_error(provider=acme, code="curated_one")
        reference = make_error(provider=acme, code="ref_one", tier="reference")
        Example.objects.create(error=curated, http_status=400, source="https://x.test")
        guide = Guide.objects.create(slug="g", title="G", summary="S", body="B",
                                     state="published")  # fmt: skip
        guide.errors.add(curated)
        hostile = ["https://docs.example.com/good", *HOSTILE]
        ErrorCode.objects.filter(pk__in=[curated.pk, reference.pk]).update(
            sources=hostile
        )
        Guide.objects.filter(pk=guide.pk).update(sources=hostile)
        Provider.objects.filter(pk=acme.pk).update(docs_url="javascript:alert(1)")
        Example.objects.update(source="JavaScript:alert(1) (where it was published)")

    @pytest.mark.parametrize(
        "url",
        ["/errors/acme/curated_one/", "/errors/acme/ref_one/", "/guides/g/",
         "/providers/acme/"],
    )  # fmt: skip
    def test_only_http_links_are_rendered(self, client, forced, url):
        page = client.get(url).content.decode()
        assert not UNSAFE_HREF.search(page), UNSAFE_HREF.search(page)
        assert 'href="javascript' not in page.lower()
        if url != "/providers/acme/":
            assert 'href="https://docs.example.com/good"' in page

    def test_an_unsafe_example_source_is_shown_as_text(self, client, forced):
        page = client.get("/errors/acme/curated_one/").content.decode()
        assert "JavaScript:alert(1) (where it was published)" in page
        assert not UNSAFE_HREF.search(page)
