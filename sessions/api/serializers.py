"""Serializers for courses, members, sessions and reflections. Output serializers describe
what a read returns; input serializers (Strict…) what a write accepts."""

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from readings.models import Reading
from sessions import selectors
from sessions.models import (
    AgendaItem,
    Course,
    Membership,
    Reflection,
    Session,
    SessionReading,
    Speaker,
)
from tracker.api.serializers import (
    MAX_INTEGER,
    AwareDateTimeField,
    IdReferenceField,
    LocalDateTimeField,
    SlugReferenceField,
    StrictInputSerializer,
    StrictModelInputSerializer,
    UsernameReferenceField,
    VersionField,
    utc_iso,
    viewer_of,
)
from tracker.markdown import MARKDOWN_MAX_CHARS
from tracker.models import Profile
from tracker.timezones import to_zone
from tracker.visibility import Visibility

# Courses


class CourseSerializer(serializers.ModelSerializer):
    online_url = serializers.SerializerMethodField()
    online_passcode = serializers.SerializerMethodField()
    viewer_role = serializers.ChoiceField(
        choices=Membership.Role.choices,
        allow_null=True,
        read_only=True,
        help_text="Your role in the course; null when you are not a member.",
    )

    class Meta:
        model = Course
        fields = [
            "slug",
            "title",
            "kind",
            "description",
            "description_html",
            "time_zone",
            "default_location",
            "online_url",
            "online_passcode",
            "visibility",
            "viewer_role",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.CharField(
            allow_null=True, read_only=True, help_text="A URL, or empty; null unless a member."
        )
    )
    def get_online_url(self, course: Course) -> str | None:
        return course.online_url if course.viewer_role else None

    @extend_schema_field(
        serializers.CharField(allow_null=True, read_only=True, help_text="Null unless a member.")
    )
    def get_online_passcode(self, course: Course) -> str | None:
        return course.online_passcode if course.viewer_role else None


class CourseUpdateInputSerializer(StrictModelInputSerializer):
    class Meta:
        model = Course
        fields = [
            "title",
            "kind",
            "description",
            "time_zone",
            "default_location",
            "online_url",
            "online_passcode",
            "visibility",
        ]
        extra_kwargs = {"description": {"max_length": MARKDOWN_MAX_CHARS}}


class CourseCreateInputSerializer(CourseUpdateInputSerializer):
    class Meta(CourseUpdateInputSerializer.Meta):
        fields = ["slug", *CourseUpdateInputSerializer.Meta.fields]


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    display_name = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["username", "display_name", "role", "joined_at"]
        read_only_fields = fields

    def get_display_name(self, membership: Membership) -> str:
        try:
            return membership.user.profile.display_name
        except Profile.DoesNotExist:
            return ""


class MemberCreateInputSerializer(StrictInputSerializer):
    username = UsernameReferenceField(queryset=User.objects.filter(is_active=True))
    role = serializers.ChoiceField(choices=Membership.Role.choices, default="member")


class MemberUpdateInputSerializer(StrictInputSerializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


# Sessions


class SpeakerSerializer(StrictModelInputSerializer):
    class Meta:
        model = Speaker
        fields = ["name", "affiliation", "url"]


class AgendaItemSerializer(StrictModelInputSerializer):
    recording_offset_display = serializers.CharField(source="offset_display", read_only=True)

    class Meta:
        model = AgendaItem
        fields = [
            "label",
            "title",
            "recording_offset",
            "recording_offset_display",
            "coverage",
            "note",
        ]
        extra_kwargs = {"recording_offset": {"max_value": MAX_INTEGER, "help_text": "Seconds in."}}


class SessionReadingSerializer(StrictModelInputSerializer):
    reading = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    title = serializers.CharField(source="reading.title", read_only=True)
    kind = serializers.CharField(source="reading.kind", read_only=True)
    url = serializers.URLField(source="reading.url", read_only=True)

    class Meta:
        model = SessionReading
        fields = ["reading", "title", "kind", "url", "role"]


class SessionReadingInputSerializer(StrictInputSerializer):
    reading = SlugReferenceField(queryset=Reading.objects.all())
    role = serializers.ChoiceField(choices=SessionReading.Role.choices, default="optional")


class SessionSerializer(serializers.ModelSerializer):
    course = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    time_zone = serializers.CharField(
        source="course.time_zone", read_only=True, help_text="The course's time zone."
    )
    starts_at_local = LocalDateTimeField(source="starts_at", zone_source="course.time_zone")
    ends_at_local = LocalDateTimeField(source="ends_at", zone_source="course.time_zone")
    online_url = serializers.SerializerMethodField()
    speakers = SpeakerSerializer(many=True, read_only=True)
    agenda = AgendaItemSerializer(source="agenda_items", many=True, read_only=True)
    readings = SessionReadingSerializer(source="session_readings", many=True, read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "course",
            "number",
            "title",
            "status",
            "starts_at",
            "ends_at",
            "time_zone",
            "starts_at_local",
            "ends_at_local",
            "location",
            "online_url",
            "abstract",
            "abstract_html",
            "recording_url",
            "speakers",
            "agenda",
            "readings",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            read_only=True,
            help_text="The session's link, else the course's, or empty; null unless a member.",
        )
    )
    def get_online_url(self, session: Session) -> str | None:
        return session.effective_online_url if session.viewer_is_member else None

    def to_representation(self, session: Session) -> dict:
        """The same dict the declared fields give (a test holds the two equal), built directly:
        a page of sessions with nested speakers, agenda and readings otherwise spends most of
        its time in per-field calls."""
        zone = session.course.time_zone
        return {
            "id": session.id,
            "course": session.course.slug,
            "number": session.number,
            "title": session.title,
            "status": session.status,
            "starts_at": utc_iso(session.starts_at),
            "ends_at": utc_iso(session.ends_at),
            "time_zone": zone,
            "starts_at_local": to_zone(session.starts_at, zone).isoformat(),
            "ends_at_local": to_zone(session.ends_at, zone).isoformat(),
            "location": session.location,
            "online_url": self.get_online_url(session),
            "abstract": session.abstract,
            "abstract_html": session.abstract_html,
            "recording_url": session.recording_url,
            "speakers": [
                {"name": s.name, "affiliation": s.affiliation, "url": s.url}
                for s in session.speakers.all()
            ],
            "agenda": [
                {
                    "label": item.label,
                    "title": item.title,
                    "recording_offset": item.recording_offset,
                    "recording_offset_display": item.offset_display,
                    "coverage": item.coverage,
                    "note": item.note,
                }
                for item in session.agenda_items.all()
            ],
            "readings": [
                {
                    "reading": attached.reading.slug,
                    "title": attached.reading.title,
                    "kind": attached.reading.kind,
                    "url": attached.reading.url,
                    "role": attached.role,
                }
                for attached in session.session_readings.all()
            ],
            "created_at": utc_iso(session.created_at),
            "updated_at": utc_iso(session.updated_at),
        }

    def to_representation_by_fields(self, session: Session) -> dict:
        """DRF's own field-by-field rendering, the reference `to_representation` must match."""
        return super().to_representation(session)


class SessionUpdateInputSerializer(StrictModelInputSerializer):
    """A given list of speakers, agenda items or readings replaces the session's list."""

    starts_at = AwareDateTimeField()
    ends_at = AwareDateTimeField()
    speakers = SpeakerSerializer(many=True, required=False, max_length=50)
    agenda = AgendaItemSerializer(many=True, required=False, max_length=200)
    readings = SessionReadingInputSerializer(many=True, required=False, max_length=100)

    class Meta:
        model = Session
        fields = [
            "number",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "online_url",
            "abstract",
            "recording_url",
            "status",
            "ical_uid",
            "speakers",
            "agenda",
            "readings",
        ]
        # The service checks the number against the course's other sessions.
        validators = []
        extra_kwargs = {
            "number": {"required": False, "max_value": MAX_INTEGER},
            "abstract": {"max_length": MARKDOWN_MAX_CHARS},
        }

    def validate_readings(self, readings: list[dict]) -> list[dict]:
        slugs = [attached["reading"].slug for attached in readings]
        if len(set(slugs)) != len(slugs):
            raise serializers.ValidationError("A reading is listed twice.")
        return readings

    def validate(self, attrs: dict) -> dict:
        starts_at = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        ends_at = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if starts_at and ends_at and ends_at <= starts_at:
            raise serializers.ValidationError({"ends_at": "The end must come after the start."})
        return attrs


class SessionCreateInputSerializer(SessionUpdateInputSerializer):
    course = SlugReferenceField(queryset=Course.objects.none())

    class Meta(SessionUpdateInputSerializer.Meta):
        fields = ["course", *SessionUpdateInputSerializer.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = selectors.courses_visible_to(viewer_of(self))


# Reflections


class ReflectionSerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="session.course.slug", read_only=True)
    session_number = serializers.IntegerField(source="session.number", read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)

    class Meta:
        model = Reflection
        fields = [
            "id",
            "session",
            "course",
            "session_number",
            "covers_until",
            "author",
            "body",
            "body_html",
            "visibility",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReflectionUpdateInputSerializer(StrictInputSerializer):
    body = serializers.CharField(max_length=MARKDOWN_MAX_CHARS)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PRIVATE)
    covers_until = IdReferenceField(
        queryset=Session.objects.none(),
        allow_null=True,
        required=False,
        help_text="The last of the following sessions this reflection also covers.",
    )
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        visible = selectors.sessions_visible_to(viewer_of(self))
        for name in ("session", "covers_until"):
            if name in self.fields:
                self.fields[name].queryset = visible


class ReflectionCreateInputSerializer(ReflectionUpdateInputSerializer):
    session = IdReferenceField(queryset=Session.objects.none())
    version = None  # a new reflection has no version to start from
