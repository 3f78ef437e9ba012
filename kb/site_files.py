"""The files every site is asked for by crawlers and browsers: robots.txt and the
favicon."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET


@require_GET
def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("kb:sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "Disallow: /diagnose/",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the page's <link> says."""
    response = redirect(static("favicon.svg"), permanent=True)
    patch_cache_control(response, public=True, max_age=86400)
    return response
