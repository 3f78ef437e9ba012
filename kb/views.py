from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from kb.models import Category, ErrorCode, Guide, Provider


def home(request):
    published = Q(errors__state="published")
    providers = Provider.objects.annotate(error_count=Count("errors", filter=published))
    categories = Category.objects.annotate(error_count=Count("errors", filter=published))
    return render(
        request, "kb/home.html", {"providers": providers, "categories": categories}
    )


def provider_detail(request, slug):
    provider = get_object_or_404(Provider, slug=slug)
    errors = provider.errors.visible_to(request.user).select_related("category")
    return render(request, "kb/provider.html", {"provider": provider, "errors": errors})


def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    errors = category.errors.visible_to(request.user).select_related("provider")
    return render(request, "kb/category.html", {"category": category, "errors": errors})


def error_detail(request, provider, code):
    error = get_object_or_404(
        ErrorCode.objects.visible_to(request.user).with_details(),
        provider__slug=provider,
        code_key=code.lower(),
    )
    return render(request, "kb/error.html", {"error": error})


def guide_detail(request, slug):
    guides = Guide.objects.all() if request.user.is_staff else Guide.objects.filter(state="published")
    guide = get_object_or_404(guides.prefetch_related("categories", "errors__provider"), slug=slug)
    return render(request, "kb/guide.html", {"guide": guide})
