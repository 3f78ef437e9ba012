"""Site-wide pages: sitemap.xml, robots.txt, error pages, the shell of every page."""

import pytest
from django.template.loader import render_to_string

from kb.models import Guide


class SitemapTests:
    def test_lists_published_pages_only(
        self, client, small_kb, django_assert_max_num_queries
    ):
        Guide.objects.create(
            slug="g", title="G", summary="s", body="b", state="published"
        )
        # A count and a page of items for each of the four kinds of page.
        with django_assert_max_num_queries(8):
            response = client.get("/sitemap.xml")
        xml = response.content.decode()
        assert response.status_code == 200
        assert "http://testserver/errors/stripe/card_declined/" in xml
        assert "http://testserver/providers/stripe/" in xml
        assert "http://testserver/categories/payment/" in xml
        assert "http://testserver/guides/g/" in xml
        assert "http://testserver/diagnose/" in xml
        for index in ("providers", "categories", "errors", "guides"):
            assert f"http://testserver/{index}/</loc>" in xml
        assert "secret_draft" not in xml
        assert "<lastmod>" in xml


class RobotsTests:
    def test_points_at_the_sitemap(self, client, db):
        response = client.get("/robots.txt")
        assert response["Content-Type"] == "text/plain"
        text = response.content.decode()
        assert "Sitemap: http://testserver/sitemap.xml" in text
        assert "Disallow: /admin/" in text


class ErrorPagesTests:
    def test_404_in_the_site_style(self, client, db):
        response = client.get("/no/such/page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "site.css" in html and 'role="search"' in html

    @pytest.mark.parametrize("template", ["500.html", "400.html", "403_csrf.html"])
    def test_render_without_a_request(self, template):
        html = render_to_string(template)
        assert "site.css" in html and "<h1>" in html


class PageShellTests:
    @pytest.mark.parametrize(
        "url", ["/", "/search/?q=card", "/providers/http/", "/categories/payment/",
                "/errors/http/429/", "/diagnose/"]
    )  # fmt: skip
    def test_landmarks_title_description_canonical(self, client, small_kb, url):
        html = client.get(url).content.decode()
        for text in ['<header class="site-header">', '<main id="main"', "<footer",
                     'class="skip-link"', '<meta name="description" content="',
                     '<link rel="canonical" href="http://testserver/', "<h1",
                     '<html lang="en">', 'name="viewport"']:  # fmt: skip
            assert text in html, (url, text)
        assert html.count("<h1") == 1
