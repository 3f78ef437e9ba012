from django.contrib import admin
from django.urls import include, path

from api.health import healthz, readyz
from config.metrics import metrics

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("kb.urls")),
]

# Under /api/ errors are problem+json like every other API answer; a database
# outage is a 503 with Retry-After (api/problems.py).
handler404 = "api.problems.page_not_found"
handler500 = "api.problems.server_error"
