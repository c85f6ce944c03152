"""Runs compared (`GET /api/v1/runs/compare/?run=1&run=2…`: the comparison page's table as
JSON) and a run pinned as its session's result (`POST`/`DELETE /api/v1/runs/<id>/pin/`,
organizers). The table is notebooks.comparison's, the pin notebooks.services'."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from notebooks import comparison, selectors, services
from tracker.api.schema import ERROR_DETAIL


class ComparisonColumnSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="`run`, `notebook`, `status`, `parameter:<name>` or `result:<name>`; "
        "what `sort` takes."
    )
    kind = serializers.ChoiceField(choices=["fixed", "parameter", "result"])
    name = serializers.CharField()
    differs = serializers.BooleanField(help_text="Whether the runs' values differ.")


class ComparisonRowSerializer(serializers.Serializer):
    run = serializers.IntegerField()
    url = serializers.URLField(help_text="The run in the API.")
    cells = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="Values by column key; a run without a value has no key.",
    )


class ComparisonSerializer(serializers.Serializer):
    sort = serializers.CharField(help_text="The column the rows are sorted by.")
    descending = serializers.BooleanField()
    columns = ComparisonColumnSerializer(many=True)
    rows = ComparisonRowSerializer(many=True)


class PinnedRunSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="session_id")
    run = serializers.IntegerField(source="run_id")
    pinned_by = serializers.CharField(source="pinned_by.username", read_only=True, allow_null=True)
    pinned_at = serializers.DateTimeField()


class RunCompareView(APIView):
    """Runs side by side: their parameters (those that differ first) and results."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="runs_compare",
        parameters=[
            OpenApiParameter(
                "run",
                OpenApiTypes.INT,
                many=True,
                description=f"A run's id, once per run (at most {comparison.MAX_RUNS}); runs "
                "you may not see are left out. Give `run`, `sweep` or both.",
            ),
            OpenApiParameter(
                "sweep",
                OpenApiTypes.INT,
                description="A sweep's id: its runs join the comparison.",
            ),
            OpenApiParameter(
                "sort",
                OpenApiTypes.STR,
                description="A column's key, `-` before it for descending; runs without a "
                "value come last either way.",
            ),
        ],
        responses={
            200: ComparisonSerializer,
            404: OpenApiResponse(ERROR_DETAIL, description="None of the runs is one you see."),
        },
    )
    def get(self, request):
        try:
            if not {"run", "sweep"} & set(request.query_params):
                raise DjangoValidationError({"run": "Name at least one run (`?run=<id>`)."})
            runs = list(comparison.chosen_runs(user=request.user, query=request.query_params))
            if not runs:
                raise NotFound("None of these runs is one you may see.")
            table = comparison.comparison_of(runs, sort=request.query_params.get("sort", ""))
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        rows = [
            {
                "run": row["run"],
                "url": request.build_absolute_uri(f"/api/v1/runs/{row['run']}/"),
                "cells": row,
            }
            for row in table.rows
        ]
        body = {
            "sort": table.sort,
            "descending": table.descending,
            "columns": table.columns,
            "rows": rows,
        }
        return Response(ComparisonSerializer(body).data)


class RunPinViewSet(viewsets.GenericViewSet):
    """Only the `pin` action, under the runs' prefix (registered beside RunViewSet)."""

    serializer_class = PinnedRunSerializer
    conflict_actions = {"pin"}

    def get_queryset(self):
        return selectors.runs_visible_to(self.request.user)

    @extend_schema(
        methods=["POST"],
        request=None,
        responses={200: PinnedRunSerializer},
        description="Pins the run as its session's result, replacing the one pinned before "
        "(organizers). A run still queued or running answers 409.",
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        responses={204: None},
        description="Takes the run off its session's result, if it is (organizers).",
    )
    @action(detail=True, methods=["post", "delete"])
    def pin(self, request, pk=None):
        run = self.get_object()
        if not selectors.can_manage_notebooks(request.user, run.notebook.session):
            raise PermissionDenied("Only organizers of the course choose its sessions' results.")
        if request.method == "DELETE":
            services.run_unpin(run=run)
            return Response(status=status.HTTP_204_NO_CONTENT)
        pin = services.run_pin(run=run, pinned_by=request.user)
        return Response(PinnedRunSerializer(pin).data)
