"""The index pages behind each path a reader may shorten a URL to: /providers/,
/categories/, /guides/, /errors/ and /errors/<provider>/."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render

from kb.choices import State
from kb.models import Category, Guide, Provider
from kb.views import conditional_page


def with_published_counts(queryset):
    """Providers or categories that have published errors, with how many."""
    published = Q(errors__state=State.PUBLISHED)
    return queryset.annotate(error_count=Count("errors", filter=published)).filter(
        error_count__gt=0
    )


@conditional_page
def provider_index(request):
    context = {"providers": with_published_counts(Provider.objects.all())}
    return render(request, "kb/provider_index.html", context)


@conditional_page
def category_index(request):
    context = {"categories": with_published_counts(Category.objects.all())}
    return render(request, "kb/category_index.html", context)


@conditional_page
def guide_index(request):
    guides = Guide.objects.filter(state=State.PUBLISHED)
    return render(request, "kb/guide_index.html", {"guides": guides})


@conditional_page
def error_index(request):
    context = {
        "providers": with_published_counts(Provider.objects.all()),
        "categories": with_published_counts(Category.objects.all()),
    }
    return render(request, "kb/error_index.html", context)


def provider_errors(request, provider):
    """/errors/<provider>/ is the provider's page, where its errors are listed."""
    provider = get_object_or_404(Provider, slug=provider)
    return redirect(provider, permanent=True)
