"""Liveness and readiness for load balancers and orchestrators."""

import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

from config.redis_cache import cache_available


def healthz(request):
    """The process answers; touches neither the database nor the cache."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Ready to serve while the database answers. The cache only speeds things up,
    so without it the process still serves: 200 with status "degraded" and the
    failing check, so that a load balancer keeps sending traffic and a person
    still sees what is wrong."""
    checks = {"database": database_check(), "cache": cache_check()}
    if checks["database"] != "ok":
        status, code = "unavailable", 503
    elif checks["cache"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)


def database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return f"error: {type(exc).__name__}"
    return "ok"


def cache_check() -> str:
    try:
        probe = f"readyz:{uuid.uuid4().hex}"
        cache.set(probe, "1", 5)
        answered = cache.get(probe) == "1"
        cache.delete(probe)
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"
    if answered:
        return "ok"
    if not cache_available(cache):
        return f"error: unavailable ({cache.breaker.last_error or 'breaker open'})"
    return "error: no round trip"
