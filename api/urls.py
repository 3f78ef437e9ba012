from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import docs_pages, views
from api.client_throttles import DocsThrottle
from api.parts import PART_VIEWSETS
from api.problems import problem_type

app_name = "api"

# Reading the docs loads the page, its script and the schema: that counts against
# the docs' own allowance, not the API's (api.client_throttles).
DOCS_THROTTLES = [DocsThrottle]

router = DefaultRouter()
router.register("providers", views.ProviderViewSet, basename="provider")
router.register("categories", views.CategoryViewSet, basename="category")
for prefix, (basename, viewset) in PART_VIEWSETS.items():
    router.register(prefix, viewset, basename=basename)

error_list = views.ErrorCodeViewSet.as_view({"get": "list", "post": "create"})
error_detail = views.ErrorCodeViewSet.as_view(
    {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
)

urlpatterns = [
    path("v1/lookup/", views.LookupView.as_view(), name="lookup"),
    path(
        "v1/lookups/<uuid:lookup_id>/feedback/",
        views.FeedbackView.as_view(),
        name="lookup-feedback",
    ),  # fmt: skip
    path("v1/errors/", error_list, name="error-list"),
    path("v1/errors/<slug:provider>/<str:code>/", error_detail, name="error-detail"),
    path("problems/<slug:slug>", problem_type, name="problem-type"),
    path(
        "schema/",
        SpectacularAPIView.as_view(throttle_classes=DOCS_THROTTLES),
        name="schema",
    ),
    # The split view serves Swagger UI's start-up script as a file, not inline, so
    # the page runs under the site's Content-Security-Policy.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema",
            template_name="api/swagger_ui.html",
            throttle_classes=DOCS_THROTTLES,
        ),
        name="docs",
    ),
    path("docs/retry/", docs_pages.retry_advice, name="docs-retry"),
    path("v1/", include(router.urls)),
]
