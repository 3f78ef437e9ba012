"""Liveness and readiness for load balancers and orchestrators."""

import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """The process answers; touches neither the database nor the cache."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Ready to serve: the database and the cache both answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        probe = f"readyz:{uuid.uuid4().hex}"
        cache.set(probe, "1", 5)
        checks["cache"] = "ok" if cache.get(probe) == "1" else "error: no round trip"
        cache.delete(probe)
    except Exception as exc:  # noqa: BLE001
        checks["cache"] = f"error: {type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks},
                        status=200 if ready else 503)  # fmt: skip
