"""The public pages. Each view asks the querysets for what it shows and renders it;
the lookup itself lives in kb.lookup and is only called and rendered here."""

import hashlib
import logging
from datetime import timedelta
from functools import lru_cache, wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition, require_GET, require_POST

from kb.choices import State
from kb.forms import CodeTableForm, ErrorFilterForm, FeedbackForm
from kb.lookup.types import Tier
from kb.models import (
    Category,
    ErrorCode,
    Feedback,
    Fix,
    Guide,
    LookupEvent,
    Provider,
)
from kb.nul_guard import has_nul, without_nul
from kb.querysets import may_see_drafts
from kb.throttles import throttle_posts
from kb.versioning import kb_version
from kb.votes import first_vote

logger = logging.getLogger(__name__)

COMMON_ERRORS = 8
SEARCH_RESULTS = 50
CODES_PER_PAGE = 100
PAGE_CACHE_SECONDS = 600


@lru_cache(maxsize=1)
def release() -> str:
    """A digest of the templates and static files, so that a deploy that changes
    how pages look also changes their ETags."""
    digest = hashlib.blake2b(digest_size=8)
    for root in (settings.BASE_DIR / "templates", settings.BASE_DIR / "static"):
        for path in sorted(Path(root).rglob("*")):
            if path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()


def content_state(request) -> str:
    """The ETag of every page built from the knowledge base.

    ``kb_version()`` moves on any edit to any entry, part, provider, category or
    guide (see kb.apps). It lives in the shared cache, so with REDIS_URL every web
    process sees an edit at once; without it (a single-process try-out) the process
    that made the edit does. Related errors and guides show on many pages, so any
    change invalidates them all: simple, always right, and a page is cheap to
    render once. Reading it costs no database query."""
    etag = getattr(request, "_kb_etag", None)
    if etag is None:
        parts = [
            release(),
            kb_version(),
            request.get_full_path(),
            may_see_drafts(request.user),
        ]
        digest = hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()
        etag = request._kb_etag = f'"{digest}"'
    return etag


def conditional_page(view):
    """Answer a revalidation with 304 Not Modified when nothing changed, serve
    anonymous visitors a rendered copy from the cache, and let browsers and
    shared caches keep public pages for a minute. Only for pages that show no
    per-visitor data (no CSRF token, no session)."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        # Whoever may see drafts gets pages of their own: never a shared copy, and
        # never one put in the cache for everybody else.
        if may_see_drafts(request.user):
            return view(request, *args, **kwargs)
        key = f"kb:page:{content_state(request)}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                cache.set(key, response, PAGE_CACHE_SECONDS)
        return response

    conditional = condition(
        etag_func=lambda request, *args, **kwargs: content_state(request),
    )(cached_view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        if may_see_drafts(request.user):
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=60)
        return response

    return wrapper


def published_guides():
    return Guide.objects.filter(state=State.PUBLISHED)


def common_errors(limit: int = COMMON_ERRORS) -> list[ErrorCode]:
    """The errors looked up most in the last 30 days, topped up while there are
    few lookups with the error responses other entries point to most as related
    (429, 401, 503, …): the knowledge base's own sense of what is common."""
    since = timezone.now() - timedelta(days=30)
    ids = list(
        LookupEvent.objects.filter(
            created_at__gte=since, matched__state=State.PUBLISHED
        )
        .values("matched")
        .annotate(lookups=Count("pk"))
        .order_by("-lookups")
        .values_list("matched", flat=True)[:limit]
    )
    if len(ids) < limit:
        ids += (
            ErrorCode.objects.published()
            .filter(http_status__gte=400)
            .exclude(pk__in=ids)
            .annotate(referrers=Count("related_from"))
            .order_by("-referrers", "http_status", "code_key")
            .values_list("pk", flat=True)[: limit - len(ids)]
        )
    errors = ErrorCode.objects.filter(pk__in=ids).select_related("provider")
    errors = {e.pk: e for e in errors.prefetch_related("causes", "fixes")}
    return [errors[pk] for pk in ids if pk in errors]


def troubleshooting_rows(errors: list[ErrorCode]) -> list[dict]:
    """Symptom → likely cause → first step, from each entry's own content: its
    most likely cause and its easiest fix."""
    rows = []
    for error in errors:
        causes, fixes = list(error.causes.all()), list(error.fixes.all())
        if causes and fixes:
            rows.append({"error": error, "cause": causes[0], "fix": fixes[0]})
    return rows


@conditional_page
def home(request):
    published = Q(errors__state=State.PUBLISHED)
    providers = Provider.objects.annotate(
        error_count=Count("errors", filter=published)
    ).filter(error_count__gt=0)
    categories = Category.objects.annotate(
        error_count=Count("errors", filter=published)
    ).filter(error_count__gt=0)
    common = common_errors()
    rows = troubleshooting_rows(common)
    # The table already shows the common errors that have a cause and a fix; the
    # chips list only the rest, so no error is listed twice.
    in_table = {row["error"].pk for row in rows}
    context = {
        "providers": providers,
        "categories": categories,
        "common": common,
        "chips": [error for error in common if error.pk not in in_table],
        "troubleshooting": rows,
        "guides": published_guides(),
    }
    return render(request, "kb/home.html", context)


def error_list(request, queryset, omit: str):
    """A provider's or category's errors with the filters applied, status then
    code (entries without a status last)."""
    form = ErrorFilterForm(request.GET or None, omit=omit)
    errors = form.filter(queryset.visible_to(request.user)).order_by(
        F("http_status").asc(nulls_last=True), "code_key"
    )
    return form, errors


@conditional_page
def provider_detail(request, slug):
    provider = get_object_or_404(Provider, slug=slug)
    form, errors = error_list(request, provider.errors.curated(), omit="provider")
    codes_form = CodeTableForm(request.GET or None)
    codes = codes_form.filter(
        provider.errors.visible_to(request.user).order_by("code_key")
    ).only("code", "http_status", "title", "tier", "retryable", "provider_id", "state")
    page = Paginator(codes, CODES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "provider": provider,
        "form": form,
        "errors": errors.select_related("category"),
        "codes_form": codes_form,
        "codes": page,
        "page_query": query.urlencode(),
    }
    return render(request, "kb/provider.html", context)


@conditional_page
def category_detail(request, slug):
    category = get_object_or_404(Category, slug=slug)
    form, errors = error_list(request, category.errors.curated(), omit="category")
    errors = errors.select_related("provider").order_by(
        "provider__position", "provider__name", *errors.query.order_by
    )
    context = {
        "category": category,
        "form": form,
        "errors": errors,
        "reference_count": category.errors.published().reference().count(),
        "guides": published_guides().filter(categories=category),
    }
    return render(request, "kb/category.html", context)


def get_error(request, provider, code, queryset=None):
    if has_nul([provider, code]):
        raise Http404("No error has NUL in its code.")  # PostgreSQL would refuse it
    queryset = queryset if queryset is not None else ErrorCode.objects.all()
    return get_object_or_404(
        queryset.visible_to(request.user).select_related("provider"),
        provider__slug=provider,
        code_key=code.lower(),
    )


@conditional_page
def error_detail(request, provider, code):
    error = get_error(request, provider, code, ErrorCode.objects.with_details())
    if (provider, code) != (error.provider.slug, error.code):
        return redirect(error, permanent=True)
    context, template = error_page_context(request, error)
    return render(request, template, context)


def error_page_context(request, error: ErrorCode) -> tuple[dict, str]:
    """What an error page shows, and with which template (a reference entry's page
    is short). The admin's preview of a proposed version renders the same."""
    guides = published_guides().order_by("position", "title")
    guides = {
        g.pk: g
        for g in guides.filter(Q(errors=error) | Q(categories=error.category_id))
    }
    context = {
        "error": error,
        "guides": list(guides.values()),
        # reverse() percent-encodes a code with a space ("CVC Declined").
        "api_url": reverse("api:error-detail", args=[error.provider.slug, error.code]),
        "feedback": request.GET.get("feedback"),
    }
    if error.tier == Tier.REFERENCE:
        context["general"] = general_advice(error)
        return context, "kb/reference_error.html"
    return context, "kb/error.html"


def general_advice(error: ErrorCode) -> ErrorCode | None:
    """The curated entry whose causes and fixes stand for a reference entry's
    family (its category's general entry)."""
    if error.category is None or error.category.general_entry_id is None:
        return None
    return (
        ErrorCode.objects.published()
        .with_details()
        .filter(pk=error.category.general_entry_id)
        .first()
    )


@conditional_page
def error_checklist(request, provider, code):
    error = get_error(
        request, provider, code, ErrorCode.objects.prefetch_related("steps")
    )
    return render(request, "kb/checklist.html", {"error": error})


# A vote changes nobody's data and is worth no more than anyone can cast anyway;
# a CSRF token would put a cookie and Vary: Cookie on every error page and keep
# them out of shared caches. What stops stuffing is the throttle and one vote per
# client on each page (kb.votes).
@csrf_exempt
@require_POST
@throttle_posts("vote")
def error_feedback(request, provider, code):
    error = get_error(request, provider, code)
    form = FeedbackForm(request.POST)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"errors": form.errors}, status=400)
        message = "Pick “Yes” or “No” to say whether the page helped."
        return render(request, "kb/message.html", {"message": message}, status=400)
    if not first_vote(request, f"error:{error.pk}"):
        return already_voted(request, wants_json)
    fix = None
    if form.cleaned_data["fix"]:
        fix = Fix.objects.filter(pk=form.cleaned_data["fix"], error=error).first()
    Feedback.objects.create(
        error=error, fix=fix, helped=form.cleaned_data["helped"], via="page"
    )
    if wants_json:
        return JsonResponse({"ok": True}, status=201)
    # 303 See Other: the browser follows with a GET, so a reload does not re-vote.
    response = HttpResponseRedirect(
        error.get_absolute_url() + "?feedback=thanks#feedback"
    )
    response.status_code = 303
    return response


def already_voted(request, wants_json: bool):
    """409 Conflict: this client's vote on this page is already counted."""
    message = "Your answer for this page is already counted. Thank you."
    if wants_json:
        return JsonResponse({"errors": {"__all__": [message]}}, status=409)
    context = {"title": "Already counted", "message": message}
    return render(request, "kb/message.html", context, status=409)


@conditional_page
def guide_detail(request, slug):
    guides = Guide.objects.all() if may_see_drafts(request.user) else published_guides()
    guide = get_object_or_404(
        guides.prefetch_related(
            "categories",
            Prefetch(
                "errors",
                queryset=ErrorCode.objects.visible_to(request.user).select_related(
                    "provider"
                ),
            ),
        ),
        slug=slug,
    )
    # Guides cite each other by title in italics; those become links.
    others = published_guides().exclude(pk=guide.pk).only("slug", "title")
    links = {g.title.lower(): g.get_absolute_url() for g in others}
    return render(request, "kb/guide.html", {"guide": guide, "guide_links": links})


@require_GET
@conditional_page
def search(request):
    query = " ".join(without_nul(request.GET.get("q", "")).split())[:200]
    visible = ErrorCode.objects.visible_to(request.user)
    context = {"query": query, "results": [], "providers": [], "categories": []}
    if query:
        exact = list(visible.exact_code(query).select_related("provider")[:2])
        if len(exact) == 1:
            return redirect(exact[0])
        # The API's ?search= lists the same entries in the same order.
        results = visible.search(query).select_related("provider", "category")
        context["results"] = results[:SEARCH_RESULTS]
        context["spelling"] = ErrorCode.objects.spelling(query)
        context["providers"] = Provider.objects.filter(
            Q(name__icontains=query) | Q(slug__iexact=query)
        )[:5]
    if not query or not context["results"]:
        context["categories"] = Category.objects.all()
    return render(request, "kb/search.html", context)
