"""sitemap.xml: every public page a search engine should know about."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from kb.choices import State
from kb.models import Category, ErrorCode, Guide, Provider


class ErrorSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ErrorCode.objects.published().select_related("provider").order_by("pk")

    def lastmod(self, error):
        return error.updated_at


class ProviderSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Provider.objects.filter(errors__state=State.PUBLISHED).distinct()


class CategorySitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Category.objects.filter(errors__state=State.PUBLISHED).distinct()


class GuideSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Guide.objects.filter(state=State.PUBLISHED)

    def lastmod(self, guide):
        return guide.updated_at


class PageSitemap(Sitemap):
    priority = 1.0

    def items(self):
        return ["kb:home", "kb:diagnose", "kb:providers", "kb:categories", "kb:errors",
                "kb:guides"]  # fmt: skip

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "providers": ProviderSitemap,
    "categories": CategorySitemap,
    "errors": ErrorSitemap,
    "guides": GuideSitemap,
}
