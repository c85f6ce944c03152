"""Sweeps in the API: /api/v1/sweeps/ (routes in notebooks/api/urls.py).

The same rules as runs (notebooks/api/views.py): a sweep is visible where its notebook is (a 404
otherwise), starting and cancelling one needs an organizer of the course (403), a bad parameter
set is a 400 naming the set and the parameter, and cancelling a finished sweep a 409.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from notebooks import selectors, services
from notebooks.api.views import (
    ParametersField,
    ProgressSerializer,
    ResultsField,
    _require_organizer,
)
from notebooks.models import Notebook, Run, Sweep
from tracker.api.viewsets import ResourceViewSet


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {}},
        "description": "Values to try, by parameter name; every combination becomes a run.",
    }
)
class GridField(serializers.JSONField):
    pass


# What selectors.sweep_status answers (named SweepStatusEnum in the schema).
SWEEP_STATUSES = ["queued", "running", "cancelling", "succeeded", "cancelled", "finished"]


class SweepCreateSerializer(serializers.Serializer):
    notebook = serializers.PrimaryKeyRelatedField(queryset=Notebook.objects.none())
    grid = GridField(required=False)
    sets = serializers.ListField(
        child=serializers.JSONField(),
        required=False,
        help_text="Parameter sets, each an object of names and values; one run each.",
    )
    max_concurrent = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="Runs of the sweep on the workers at once (the site's default if left out).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # absent while the schema is generated
        if request is not None:
            self.fields["notebook"].queryset = selectors.notebooks_visible_to(request.user)

    def validate(self, data):
        if ("grid" in data) == ("sets" in data):
            raise serializers.ValidationError(
                {"grid": "Give either a grid or a list of parameter sets (`sets`)."}
            )
        return data


class SweepRunSerializer(serializers.ModelSerializer):
    parameters = ParametersField(read_only=True)
    progress = ProgressSerializer(source="*", read_only=True)
    results = ResultsField(read_only=True)

    class Meta:
        model = Run
        fields = [
            "id",
            "sweep_index",
            "status",
            "reason",
            "parameters",
            "progress",
            "results",
            "queue",
            "worker_host",
            "queued_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class SweepCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(source="runs_total")
    queued = serializers.IntegerField(source="runs_queued")
    running = serializers.IntegerField(source="runs_running")
    succeeded = serializers.IntegerField(source="runs_succeeded")
    failed = serializers.IntegerField(source="runs_failed")
    timed_out = serializers.IntegerField(source="runs_timed_out")
    cancelled = serializers.IntegerField(source="runs_cancelled")


class SweepSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    runs_by_status = SweepCountsSerializer(source="*", read_only=True)
    started_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    cancel_requested = serializers.SerializerMethodField()

    class Meta:
        model = Sweep
        fields = [
            "id",
            "notebook",
            "kind",
            "spec",
            "max_concurrent",
            "status",
            "runs_by_status",
            "started_by",
            "cancel_requested",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=SWEEP_STATUSES))
    def get_status(self, sweep: Sweep) -> str:
        return selectors.sweep_status(sweep)

    def get_cancel_requested(self, sweep: Sweep) -> bool:
        return sweep.cancel_requested_at is not None


class SweepDetailSerializer(SweepSerializer):
    runs = serializers.SerializerMethodField()

    class Meta(SweepSerializer.Meta):
        fields = [*SweepSerializer.Meta.fields, "runs"]
        read_only_fields = fields

    @extend_schema_field(SweepRunSerializer(many=True))
    def get_runs(self, sweep: Sweep) -> list:
        return SweepRunSerializer(selectors.sweep_runs(sweep), many=True).data


class SweepViewSet(ResourceViewSet):
    """Sweeps of the notebooks the user can see, newest first; `?notebook=<id>` narrows the
    list. Creating one queues a run per parameter set (organizers)."""

    serializer_class = SweepSerializer
    input_serializer_classes = {"create": SweepCreateSerializer}
    conflict_actions = {"cancel"}

    def get_queryset(self):
        sweeps = selectors.sweeps_visible_to(self.request.user).order_by("-created_at", "-id")
        notebook_id = self.request.query_params.get("notebook")
        if self.action == "list" and notebook_id:
            if not notebook_id.isdigit():
                raise serializers.ValidationError({"notebook": "A notebook id is a whole number."})
            sweeps = sweeps.filter(notebook_id=int(notebook_id))
        return sweeps

    def get_serializer_class(self):
        if self.action in {"retrieve", "create", "cancel"}:
            return SweepDetailSerializer
        return SweepSerializer

    @extend_schema(request=SweepCreateSerializer, responses={201: SweepDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Starts a sweep: `grid` ({name: [values]}, every combination) or `sets` (a list of
        parameter objects), each merged onto the notebook's defaults and checked like a single
        run's; a bad one answers 400 naming its set and parameter, and nothing is queued."""
        return super().create(request, *args, **kwargs)

    def perform_create(self, data):
        data = dict(data)
        notebook = data.pop("notebook")
        _require_organizer(self.request.user, notebook.session)
        return services.sweep_start(notebook=notebook, started_by=self.request.user, **data)

    @extend_schema(request=None, responses={200: SweepDetailSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancels the sweep's waiting runs at once and asks its running ones to stop
        (organizers); nothing more is started. A sweep whose runs all finished answers 409."""
        sweep = self.get_object()
        _require_organizer(request.user, sweep.notebook.session)
        services.sweep_cancel(sweep=sweep, user=request.user)
        return Response(self.represent(sweep))
