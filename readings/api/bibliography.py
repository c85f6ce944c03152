"""Bibliography endpoints: export readings as BibTeX, CSL-JSON or RIS (the library's filters,
or a session's or course's list) and import a file with a per-entry report."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from readings import bibliography, selectors
from readings.api.filters import ReadingFilter
from readings.models import Reading, ReadingStatus
from sessions import selectors as session_selectors
from tracker.api.downloads import DownloadMixin
from tracker.api.parsers import JSONParser
from tracker.api.renderers import JSONRenderer

MAX_BIBLIOGRAPHY_CHARS = 2 * 1024 * 1024


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=bibliography.FORMATS)
    session = serializers.IntegerField(min_value=1, max_value=2_147_483_647, required=False)
    course = serializers.RegexField(r"^[-a-zA-Z0-9_]+$", max_length=80, required=False)


class ReadingExportView(DownloadMixin, APIView):
    """Readings as BibTeX, CSL-JSON or RIS: a session's list (`session`, its id), a course's list
    (`course`, its slug), else the library, narrowed by the same filters as the readings list.
    A session or course you may not see is a 404."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(bibliography.FORMATS)),
            OpenApiParameter("session", OpenApiTypes.INT, description="A session's id."),
            OpenApiParameter("course", OpenApiTypes.STR, description="A course's slug."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=Reading.Kind.values),
            OpenApiParameter("tag", OpenApiTypes.STR, description="A tag's name."),
            OpenApiParameter("year", OpenApiTypes.INT, description="The year it came out."),
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=ReadingStatus.Status.values, description="Yours."
            ),
        ],
        responses={
            (200, "application/x-bibtex"): OpenApiTypes.STR,
            (200, "application/x-research-info-systems"): OpenApiTypes.STR,
            # CSL-JSON is JSON (a list of items), and clients parse it as such.
            (200, "application/vnd.citationstyles.csl+json"): {
                "type": "array",
                "items": {"type": "object", "additionalProperties": True},
            },
            400: OpenApiResponse(OpenApiTypes.OBJECT, "A bad parameter: field messages."),
            404: OpenApiResponse(OpenApiTypes.OBJECT, "No such session or course for you."),
        },
        operation_id="readings_export_retrieve",
    )
    def get(self, request):
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        user = request.user
        if "session" in params:
            session = get_object_or_404(
                session_selectors.sessions_visible_to(user), pk=params["session"]
            )
            readings = selectors.readings_of_session(user, session=session)
        elif "course" in params:
            course = session_selectors.course_visible_to(user, slug=params["course"])
            readings = selectors.readings_of_course(user, course=course)
        else:
            readings = selectors.readings_with_viewer_status(user).order_by("-created_at", "id")
        filtered = ReadingFilter(request.query_params, queryset=readings, request=request)
        if not filtered.is_valid():
            raise ValidationError(filtered.errors)
        format = params["format"]
        response = HttpResponse(
            bibliography.export(filtered.qs, format),
            content_type=bibliography.MEDIA_TYPES[format],
        )
        name = f"readings.{bibliography.EXTENSIONS[format]}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ImportInputSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=bibliography.FORMATS)
    text = serializers.CharField(
        required=False, max_length=MAX_BIBLIOGRAPHY_CHARS, trim_whitespace=False
    )
    file = serializers.FileField(required=False)
    accept_rejections = serializers.BooleanField(
        default=False, help_text="Save the other entries although some were rejected."
    )
    session = serializers.IntegerField(
        min_value=1,
        max_value=2_147_483_647,
        required=False,
        help_text="A session's id: the added and matched readings join its reading list too "
        "(its course's organizers only).",
    )

    def validate(self, attrs):
        upload = attrs.pop("file", None)
        if upload is not None:
            if upload.size > MAX_BIBLIOGRAPHY_CHARS:
                raise serializers.ValidationError({"file": "The file is larger than 2 MB."})
            try:
                attrs["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise serializers.ValidationError({"file": "The file is not UTF-8."}) from None
        if not (attrs.get("text") or "").strip():
            raise serializers.ValidationError({"text": "Send the entries as `text` or `file`."})
        return attrs


class ImportQuerySerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(
        default=False, help_text="Only answer with the report; save nothing."
    )


class EntryReportSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The entry's key in the file (or its line).")
    title = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["added", "matched", "rejected"])
    reason = serializers.CharField()
    warnings = serializers.ListField(
        child=serializers.CharField(), help_text="Imported, but not quite as written."
    )
    reading = serializers.CharField(
        allow_null=True, help_text="The added or matched reading's slug."
    )


class ImportReportSerializer(serializers.Serializer):
    saved = serializers.BooleanField()
    added = serializers.IntegerField()
    matched = serializers.IntegerField()
    rejected = serializers.IntegerField()
    session = serializers.IntegerField(
        allow_null=True, help_text="The session whose reading list the readings joined."
    )
    entries = EntryReportSerializer(many=True)


def _report(report) -> dict:
    return {
        "saved": report.saved,
        **{outcome: report.count(outcome) for outcome in ("added", "matched", "rejected")},
        "session": report.session.pk if report.session is not None else None,
        "entries": [
            {
                "key": entry.key,
                "title": entry.title,
                "outcome": entry.outcome,
                "reason": entry.reason,
                "warnings": entry.warnings,
                "reading": entry.reading.slug if entry.reading and entry.reading.pk else None,
            }
            for entry in report.entries
        ],
    }


class ReadingImportView(APIView):
    """Import BibTeX, CSL-JSON or RIS (JSON `text`, or a multipart `file`). Each entry is
    added, matched (a reading with its DOI, arXiv id, ISBN or title exists) or rejected with
    the reason and its key. `?dry_run=true` answers the report and saves nothing. When an entry
    is rejected, nothing is saved (200, `saved: false`) until you send the same file with
    `accept_rejections: true`, which saves every other entry; a saved import answers 201.
    With `session`, the added and matched readings join that session's reading list."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        parameters=[ImportQuerySerializer],
        request={
            "application/json": ImportInputSerializer,
            "multipart/form-data": ImportInputSerializer,
        },
        responses={
            200: OpenApiResponse(
                ImportReportSerializer, "A dry run, or rejections await acceptance."
            ),
            201: OpenApiResponse(ImportReportSerializer, "Saved."),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, "An unreadable file or a bad parameter: field messages."
            ),
            403: OpenApiResponse(OpenApiTypes.OBJECT, "Not an organizer of the session's course."),
            404: OpenApiResponse(OpenApiTypes.OBJECT, "No such session for you."),
        },
        operation_id="readings_import_create",
    )
    def post(self, request):
        query = ImportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)  # a field-named 400, as the schema says
        serializer = ImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = dict(serializer.validated_data)
        if "session" in params:
            params["session"] = get_object_or_404(
                session_selectors.sessions_visible_to(request.user), pk=params["session"]
            )
            if not bibliography.may_import_into(request.user, params["session"]):
                raise PermissionDenied("Only the course's organizers change its reading lists.")
        report = bibliography.import_readings(
            user=request.user, dry_run=query.validated_data["dry_run"], **params
        )
        code = status.HTTP_201_CREATED if report.saved else status.HTTP_200_OK
        return Response(_report(report), status=code)
