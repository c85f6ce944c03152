"""The workers online, as Celery's inspect reports them, for organizers' status page."""

import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from sessions.models import Membership
from tracker.celery import app as celery_app

logger = logging.getLogger(__name__)
# Transports that cannot fan a message out to every worker, so inspect() hears nobody.
BROKERS_WITHOUT_BROADCAST = ("sqla+", "sqlalchemy+", "filesystem:")


def online_workers(*, timeout: float = 1.5) -> list[dict] | None:
    """Each worker that answered: host, queues and the runs it is executing now. None when the
    broker cannot broadcast (the embedded development broker) or does not answer."""
    if str(celery_app.conf.broker_url).startswith(BROKERS_WITHOUT_BROADCAST):
        return None
    try:
        inspector = celery_app.control.inspect(timeout=timeout)
        queues = inspector.active_queues() or {}
        active = inspector.active() or {}
    except Exception:  # an unreachable broker or one without broadcast
        logger.warning("worker inspection failed", exc_info=True)
        return None
    return [
        {
            "host": host,
            "queues": sorted(q["name"] for q in queues.get(host, [])),
            "active_runs": [
                task.get("kwargs", {}).get("run_id")
                for task in active.get(host, [])
                # The maintenance worker's reaper ticks are tasks too, with no run.
                if task and task.get("name") == "sessions.execute_run"
            ],
        }
        for host in sorted(queues)
    ]


def _may_see_workers(user) -> bool:
    """Organizers of any course (they start runs) and staff."""
    return (
        user.is_staff
        or Membership.objects.filter(user=user, role=Membership.Role.ORGANIZER).exists()
    )


@login_required
def workers_page(request):
    if not _may_see_workers(request.user):
        raise PermissionDenied
    return render(request, "notebooks/workers.html", {"workers": online_workers()})


@extend_schema(
    summary="Workers online (organizers)",
    responses={
        200: inline_serializer(
            "WorkersOnline",
            {
                "available": serializers.BooleanField(),
                "workers": inline_serializer(
                    "Worker",
                    {
                        "host": serializers.CharField(),
                        "queues": serializers.ListField(child=serializers.CharField()),
                        "active_runs": serializers.ListField(child=serializers.IntegerField()),
                    },
                    many=True,
                ),
            },
        ),
        403: OpenApiResponse(description="Only organizers and staff see the workers."),
    },
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def workers_api(request):
    if not _may_see_workers(request.user):
        raise PermissionDenied
    workers = online_workers()
    return Response({"available": workers is not None, "workers": workers or []})
