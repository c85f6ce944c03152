"""API for notebooks and runs, under /api/v1/ (routes in notebooks/api/urls.py).

Visibility comes from notebooks.selectors (what a user may not see is a 404); writes need an
organizer of the course (403 otherwise; 401 without credentials, as everywhere in the API) and go
through notebooks.services. tracker/api's one exception handler answers their ValidationErrors
with 400s naming the field and their RunStateErrors with 409s, which the schema declares
(`conflict_actions`).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from notebooks import selectors, services
from notebooks.ipynb import validation
from notebooks.models import Artifact, Notebook, Queue, Run
from sessions.models import Session
from sessions.selectors import sessions_visible_to
from tracker.api.parsers import JSONParser
from tracker.api.viewsets import ResourceViewSet


@extend_schema_field(
    {"type": "object", "additionalProperties": True, "description": "Parameters by name."}
)
class ParametersField(serializers.Field):
    """A JSON object, given as one (JSON body) or as JSON text (a multipart form field)."""

    def to_internal_value(self, data):
        try:
            return validation.parse_parameters(data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["parameters"]) from None

    def to_representation(self, value):
        return value


class NotebookCreateSerializer(serializers.Serializer):
    session = serializers.PrimaryKeyRelatedField(queryset=Session.objects.none())
    title = serializers.CharField(max_length=200)
    file = serializers.FileField()
    parameters = ParametersField(required=False)
    queue = serializers.ChoiceField(choices=Queue.choices, required=False)
    time_limit = serializers.IntegerField(min_value=1, required=False)
    kernel_name = serializers.CharField(max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # absent while the schema is generated
        if request is not None:
            self.fields["session"].queryset = sessions_visible_to(request.user)


class ParameterSpecSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    default = serializers.JSONField(allow_null=True)
    source = serializers.CharField()
    # Notebooks uploaded before comments were read have none.
    help = serializers.CharField(default="", help_text="The comment beside it in the notebook.")
    group = serializers.CharField(
        default="",
        help_text="The heading (a `# --- Name ---` comment) it sits under in the parameters cell; "
        "empty before the first heading.",
    )


class NotebookSerializer(serializers.ModelSerializer):
    parameters = ParametersField(read_only=True)
    parameter_spec = ParameterSpecSerializer(many=True, read_only=True)
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Notebook
        fields = [
            "id",
            "session",
            "title",
            "kernel_name",
            "parameters",
            "parameter_spec",
            "queue",
            "time_limit",
            "file_size",
            "checksum",
            "file_url",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_file_url(self, notebook: Notebook) -> str:
        return self.context["request"].build_absolute_uri(notebook.get_absolute_url())


class RunStartSerializer(serializers.Serializer):
    parameters = ParametersField(required=False)


class ArtifactSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Artifact
        fields = ["id", "kind", "name", "size", "checksum", "url", "created_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, artifact: Artifact) -> str:
        return self.context["request"].build_absolute_uri(artifact.get_absolute_url())


class ProgressSerializer(serializers.Serializer):
    cells_done = serializers.IntegerField()
    cells_total = serializers.IntegerField()
    percent = serializers.IntegerField(source="progress_percent")


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "number"},
        "description": "Scalar results by name, from metrics.json and values the notebook "
        "recorded (scrapbook's glue format); stored when the run finishes, also when it "
        "failed or was stopped.",
    }
)
class ResultsField(serializers.Field):
    def to_representation(self, value):
        return value


class RunSerializer(serializers.ModelSerializer):
    parameters = ParametersField(read_only=True)
    results = ResultsField(read_only=True)
    progress = ProgressSerializer(source="*", read_only=True)
    started_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    cancel_requested = serializers.SerializerMethodField()
    artifacts = ArtifactSerializer(many=True, read_only=True)

    class Meta:
        model = Run
        fields = [
            "id",
            "notebook",
            "status",
            "reason",
            "failed_cell",
            "progress",
            "parameters",
            "results",
            "queue",
            "device",
            "device_name",
            "notebook_sha256",
            "package_versions",
            "worker_host",
            "celery_task_id",
            "attempts",
            "started_by",
            "cancel_requested",
            "queued_at",
            "started_at",
            "finished_at",
            "artifacts",
        ]
        read_only_fields = fields

        extra_kwargs = {
            "notebook_sha256": {
                "help_text": "sha256 of the .ipynb the run executed (the notebook's file when "
                "it was queued, then the bytes its worker read)."
            },
            "package_versions": {
                "help_text": "Versions of python and the notebook packages (torch, numpy, "
                "papermill, nbclient, ipykernel…) on the worker that ran it; empty until a "
                "worker starts it."
            },
        }

    def get_cancel_requested(self, run: Run) -> bool:
        return run.cancel_requested_at is not None


def _require_organizer(user, session: Session) -> None:
    if not selectors.can_manage_notebooks(user, session):
        raise PermissionDenied("Only organizers of the course manage its notebooks and runs.")


class NotebookViewSet(ResourceViewSet):
    """Notebooks of the sessions the user can see; `?session=<id>` narrows the list."""

    serializer_class = NotebookSerializer
    input_serializer_classes = {"create": NotebookCreateSerializer}
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    conflict_actions = {"destroy"}

    def get_queryset(self):
        notebooks = selectors.notebooks_visible_to(self.request.user).order_by("id")
        session_id = self.request.query_params.get("session")
        if self.action == "list" and session_id:
            if not session_id.isdigit():
                raise serializers.ValidationError({"session": "A session id is a whole number."})
            notebooks = notebooks.filter(session_id=int(session_id))
        return notebooks

    def perform_create(self, data):
        data = dict(data)
        session = data.pop("session")
        _require_organizer(self.request.user, session)
        return services.notebook_create(session=session, created_by=self.request.user, **data)

    def perform_destroy(self, notebook):
        _require_organizer(self.request.user, notebook.session)
        services.notebook_delete(notebook=notebook)

    @extend_schema(methods=["GET"], responses=RunSerializer(many=True))
    @extend_schema(methods=["POST"], request=RunStartSerializer, responses={201: RunSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[JSONParser, FormParser, MultiPartParser],
    )
    def runs(self, request, pk=None):
        """GET: the notebook's runs, newest first. POST: start a run (organizers)."""
        notebook = self.get_object()
        if request.method == "GET":
            runs = selectors.runs_with_artifacts(
                selectors.runs_visible_to(request.user).filter(notebook=notebook)
            )
            page = self.paginate_queryset(runs)
            if page is not None:
                data = RunSerializer(page, many=True, context={"request": request}).data
                return self.get_paginated_response(data)
            return Response(RunSerializer(runs, many=True, context={"request": request}).data)
        _require_organizer(request.user, notebook.session)
        given = RunStartSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        run = services.run_start(
            notebook=notebook,
            started_by=request.user,
            parameters=given.validated_data.get("parameters"),
        )
        output = RunSerializer(run, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


# Not a ResourceViewSet: runs have no list of their own (a notebook's `runs` is theirs).
class RunViewSet(
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = RunSerializer
    conflict_actions = {"destroy", "cancel"}

    def get_queryset(self):
        return selectors.runs_with_artifacts(selectors.runs_visible_to(self.request.user))

    def perform_destroy(self, run):
        _require_organizer(self.request.user, run.notebook.session)
        services.run_delete(run=run)

    @extend_schema(request=RunStartSerializer, responses={201: RunSerializer})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def rerun(self, request, pk=None):
        """Starts a new run of the same notebook with this run's parameters, overridden by the
        given `parameters`, checked like any start (organizers)."""
        run = self.get_object()
        _require_organizer(request.user, run.notebook.session)
        given = RunStartSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        new_run = services.run_rerun(
            run=run, started_by=request.user, parameters=given.validated_data.get("parameters")
        )
        output = RunSerializer(new_run, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RunSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancels a queued run at once; asks a running run's worker to stop it. A finished run
        answers 409."""
        run = self.get_object()
        _require_organizer(request.user, run.notebook.session)
        run = services.run_cancel(run=run, user=request.user)
        run = self.get_queryset().get(pk=run.pk)
        return Response(RunSerializer(run, context={"request": request}).data)
