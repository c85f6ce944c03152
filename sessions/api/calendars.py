"""Calendar endpoints: a public course's feed, and the organizers' import of an .ics series
(`?dry_run=true` answers with the plan and saves nothing; sending its `fingerprint` back with the
import makes sure the import does what the dry run listed)."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from sessions import calendars, feeds, selectors
from tracker.api.downloads import DownloadMixin
from tracker.api.parsers import JSONParser
from tracker.api.renderers import JSONRenderer

MAX_CALENDAR_CHARS = 2 * 1024 * 1024
SLUG_PARAMETER = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^[-a-zA-Z0-9_]+$"
)


class CourseCalendarView(DownloadMixin, APIView):
    """A public course's sessions as an iCalendar feed (never with the online link). A
    members-only course has no public feed: members use their personal feed."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[SLUG_PARAMETER],
        responses={(200, "text/calendar"): OpenApiTypes.BINARY},
        operation_id="courses_calendar_retrieve",
    )
    def get(self, request, slug):
        course = feeds.public_course(slug=slug)
        body = feeds.course_feed(course, absolute_url=request.build_absolute_uri)
        response = HttpResponse(body, content_type=feeds.CONTENT_TYPE)
        response["Content-Disposition"] = f'inline; filename="{feeds.file_name(slug, "ics")}"'
        return response


class CalendarImportInputSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False, max_length=MAX_CALENDAR_CHARS, trim_whitespace=False
    )
    file = serializers.FileField(required=False)
    fingerprint = serializers.CharField(
        required=False,
        max_length=64,
        help_text="The dry run's fingerprint: the import is refused (400) unless it would do "
        "exactly what that dry run listed.",
    )

    def validate(self, attrs):
        upload = attrs.pop("file", None)
        if upload is not None:
            if upload.size > MAX_CALENDAR_CHARS:
                raise serializers.ValidationError({"file": "The file is larger than 2 MB."})
            try:
                attrs["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise serializers.ValidationError({"file": "The file is not UTF-8."}) from None
        if not (attrs.get("text") or "").strip():
            raise serializers.ValidationError({"text": "Send the calendar as `text` or `file`."})
        if "\x00" in attrs["text"]:
            raise serializers.ValidationError({"text": "The calendar holds a NUL character."})
        return attrs


class ImportedEventSerializer(serializers.Serializer):
    uid = serializers.CharField()
    recurrence_id = serializers.CharField(
        help_text="Which occurrence of a repeating event (RECURRENCE-ID in UTC, or the day of an "
        "all-day one); empty for a single event."
    )
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    all_day = serializers.BooleanField()
    location = serializers.CharField()
    cancelled = serializers.BooleanField()
    session = serializers.IntegerField(allow_null=True, help_text="The matched session's id.")


class CalendarImportResultSerializer(serializers.Serializer):
    applied = serializers.BooleanField()
    fingerprint = serializers.CharField(help_text="Changes whenever the plan would.")
    to_create = ImportedEventSerializer(many=True)
    to_update = ImportedEventSerializer(many=True)
    unchanged = ImportedEventSerializer(many=True)


def _event(event, session=None) -> dict:
    return {
        "uid": event.uid,
        "recurrence_id": event.recurrence_id,
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "all_day": event.all_day,
        "location": event.location,
        "cancelled": event.cancelled,
        "session": session.pk if session is not None else None,
    }


class CalendarImportView(APIView):
    """Organizers import sessions from an .ics document (JSON `text`, or a multipart `file`).
    Events are matched by UID (and RECURRENCE-ID: a repeating event gives one session per
    occurrence, at most 500), so importing the same file again changes nothing. With
    `dry_run=true` the answer is the plan and nothing is saved; otherwise it is saved, all or
    nothing. A file that cannot be used answers 400 naming each event and what is wrong."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        parameters=[
            SLUG_PARAMETER,
            OpenApiParameter(
                "dry_run", OpenApiTypes.BOOL, description="Only answer with the plan."
            ),
        ],
        request={
            "application/json": CalendarImportInputSerializer,
            "multipart/form-data": CalendarImportInputSerializer,
        },
        responses={
            200: OpenApiResponse(CalendarImportResultSerializer, "The plan (and if applied)."),
            400: OpenApiResponse(OpenApiTypes.OBJECT, "Not a usable calendar: field messages."),
        },
        operation_id="courses_calendar_import_create",
    )
    def post(self, request, slug):
        course = selectors.course_visible_to(request.user, slug=slug)
        if not selectors.is_course_organizer(user=request.user, course=course):
            raise PermissionDenied("Only the course's organizers import sessions.")
        try:
            dry_run = serializers.BooleanField().to_internal_value(
                request.query_params.get("dry_run", "false")
            )
        except serializers.ValidationError as error:
            raise serializers.ValidationError({"dry_run": error.detail}) from None
        serializer = CalendarImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = calendars.plan_calendar(course=course, text=serializer.validated_data["text"])
        previewed = serializer.validated_data.get("fingerprint")
        if not dry_run and previewed and previewed != plan.fingerprint:
            raise serializers.ValidationError(
                {
                    "fingerprint": [
                        "The file or the course's sessions changed since that dry run; "
                        "nothing was saved. Run the dry run again."
                    ]
                }
            )
        if not dry_run:
            calendars.apply_import(plan)
        return Response(
            {
                "applied": not dry_run,
                "fingerprint": plan.fingerprint,
                "to_create": [_event(e) for e in plan.to_create],
                "to_update": [_event(e, s) for s, e in plan.to_update],
                "unchanged": [_event(e, s) for s, e in plan.unchanged],
            }
        )
