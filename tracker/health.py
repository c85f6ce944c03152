"""Health endpoints for orchestrators: JSON, no authentication, and nothing secret in them."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tracker.celery import app as celery_app


@never_cache
@require_GET
def healthz(request):
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """The database and the broker are reachable; 503 names which one is not (not why:
    an error message could carry a host name or credentials)."""
    checks = {"database": _check(_ping_database), "broker": _check(_ping_broker)}
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


class HealthCheckMiddleware:
    """Answers /healthz and /readyz ahead of every other middleware: an orchestrator probes by
    IP address, which ALLOWED_HOSTS rightly refuses elsewhere, and over plain HTTP."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.probes = {"/healthz": healthz, "/readyz": readyz}

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        return probe(request) if probe is not None else self.get_response(request)


def _check(probe) -> str:
    try:
        probe()
    except Exception:  # any failure means "not ready"; the reason stays in the server log
        import logging

        logging.getLogger(__name__).warning("readiness probe failed", exc_info=True)
        return "unavailable"
    return "ok"


def _ping_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _ping_broker() -> None:
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)
