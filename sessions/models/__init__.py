from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from tracker import bounds
from tracker.markdown import check_markdown_length
from tracker.timezones import validate_time_zone
from tracker.visibility import Visibility


class Course(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", "Course"
        SEMINAR = "seminar", "Seminar series"
        READING_GROUP = "reading_group", "Reading group"

    class CourseVisibility(models.TextChoices):
        PUBLIC = "public", "Public"
        MEMBERS = "members", "Members only"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COURSE)
    description = models.TextField(blank=True)
    description_html = models.TextField(blank=True, editable=False)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    default_location = models.CharField(max_length=200, blank=True)
    online_url = models.URLField(max_length=500, blank=True)
    online_passcode = models.CharField(max_length=100, blank=True)
    visibility = models.CharField(
        max_length=10, choices=CourseVisibility.choices, default=CourseVisibility.MEMBERS
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="courses"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=["public", "members"]), name="course_visibility_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("course_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        check_markdown_length(self, "description")


class Membership(models.Model):
    class Role(models.TextChoices):
        ORGANIZER = "organizer", "Organizer"
        MEMBER = "member", "Member"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["organizer", "member"]), name="membership_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course} ({self.role})"


class Session(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    # Left empty, the next number after the course's highest is taken (see save()).
    number = models.PositiveIntegerField(blank=True, validators=[MinValueValidator(1)])
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    online_url = models.URLField(
        max_length=500, blank=True, help_text="Overrides the course's online link."
    )
    abstract = models.TextField(blank=True)
    abstract_html = models.TextField(blank=True, editable=False)
    recording_url = models.URLField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # The UID of the calendar event this session was imported from, so a re-import updates it.
    ical_uid = models.CharField(max_length=255, blank=True)
    # Which occurrence of a recurring event it is: the RECURRENCE-ID in UTC ("20240105T100000Z",
    # or "20240105" for an all-day one); empty for a single event. With the UID, the import's key.
    ical_recurrence_id = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course", "number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="session_number_unique"),
            models.UniqueConstraint(
                fields=["course", "ical_uid", "ical_recurrence_id"],
                condition=~Q(ical_uid=""),
                name="session_ical_occurrence_unique",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="session_number_positive"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "held", "cancelled"]),
                name="session_status_known",
            ),
            # What clean() checks, held by the database too, so no write that skips validation
            # can store a time that every list, feed and export would fail to render.
            models.CheckConstraint(
                condition=Q(starts_at__gte=bounds.EARLIEST_MOMENT)
                & Q(ends_at__lte=bounds.LATEST_MOMENT)
                & Q(number__lte=bounds.MAX_SESSION_NUMBER),
                name="session_times_and_number_in_range",
                violation_error_message=bounds.MOMENT_MESSAGE,
            ),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.course.title} #{self.number}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        if self.number is None:
            highest = Session.objects.filter(course_id=self.course_id).aggregate(n=Max("number"))
            self.number = (highest["n"] or 0) + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("session_detail", kwargs={"slug": self.course.slug, "number": self.number})

    def clean(self) -> None:
        check_markdown_length(self, "abstract")
        errors = {}
        # Every list, feed and export shows these in any zone; see tracker/bounds.py.
        for name in ("starts_at", "ends_at"):
            moment = getattr(self, name)
            if isinstance(moment, datetime) and not bounds.moment_in_range(moment):
                errors[name] = bounds.MOMENT_MESSAGE
        if self.starts_at and self.ends_at and not errors and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The end must come after the start."
        if isinstance(self.number, int) and self.number > bounds.MAX_SESSION_NUMBER:
            errors["number"] = f"A session's number is at most {bounds.MAX_SESSION_NUMBER:,}."
        elif self.number is not None and self.course_id is not None:
            taken = Session.objects.filter(course_id=self.course_id, number=self.number)
            if taken.exclude(pk=self.pk).exists():
                errors["number"] = f"The course already has a session {self.number}."
        if errors:
            raise ValidationError(errors)

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def shown_status(self) -> str:
        """The status to show: a scheduled session whose end has passed was held, though no
        organizer came back to say so (a cancelled one stays cancelled)."""
        if self.status == self.Status.SCHEDULED and self.ends_at <= timezone.now():
            return self.Status.HELD
        return self.status

    @property
    def shown_status_label(self) -> str:
        return self.Status(self.shown_status).label

    @property
    def effective_online_url(self) -> str:
        return self.online_url or self.course.online_url


class Speaker(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="speakers")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["session", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name


class AgendaItem(models.Model):
    class Coverage(models.TextChoices):
        COVERED = "covered", "Covered"
        SKIPPED = "skipped", "Skipped"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=20, blank=True, help_text="Chapter label, such as 1e.")
    title = models.CharField(max_length=200)
    # Seconds into the recording; shown and entered as 12:34 or 1:02:03.
    recording_offset = models.PositiveIntegerField(null=True, blank=True)
    coverage = models.CharField(max_length=10, choices=Coverage.choices, default=Coverage.COVERED)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["session", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(coverage__in=["covered", "skipped"]), name="agenda_coverage_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}".strip()

    @property
    def offset_display(self) -> str:
        from tracker.durations import format_offset

        return format_offset(self.recording_offset)


class SessionReading(models.Model):
    class Role(models.TextChoices):
        REQUIRED = "required", "Required"
        OPTIONAL = "optional", "Optional"
        DISCUSSED = "discussed", "Discussed"
        MENTIONED = "mentioned", "Mentioned"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="session_readings")
    reading = models.ForeignKey(
        "readings.Reading", on_delete=models.CASCADE, related_name="session_uses"
    )
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.OPTIONAL)

    class Meta:
        ordering = ["session", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "reading"], name="session_reading_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["required", "optional", "discussed", "mentioned"]),
                name="session_reading_role_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reading} ({self.role})"


class Attendance(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "session"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} attended {self.session}"


class Reflection(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reflections")
    # A reflection may span the following sessions of the same course, up to this one.
    covers_until = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reflections_ending_here",
    )
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # Bumped by every save; an editor's stale version is refused (sessions/services.py).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "session"], name="reflection_one_per_session"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["private", "course", "public"]),
                name="reflection_visibility_known",
            ),
            models.CheckConstraint(
                condition=~Q(covers_until=models.F("session")), name="reflection_span_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.session}"

    @property
    def covered_numbers(self) -> range:
        last = self.covers_until.number if self.covers_until_id else self.session.number
        return range(self.session.number, last + 1)

    def clean(self) -> None:
        check_markdown_length(self, "body")
        if not self.body or not self.body.strip():
            raise ValidationError({"body": "A reflection needs some text."})
        if not self.session_id:
            return
        session, last = self.session, self.covers_until or self.session
        if self.covers_until_id is not None:
            if last.course_id != session.course_id:
                raise ValidationError({"covers_until": "Only sessions of the same course."})
            if last.number <= session.number:
                raise ValidationError({"covers_until": "Only sessions that follow this one."})
        if self.author_id and self._overlapping_reflections(session, last).exists():
            raise ValidationError(
                {"covers_until": "You already have a reflection on one of these sessions."}
            )

    def _overlapping_reflections(self, first: Session, last: Session) -> models.QuerySet:
        """The author's other reflections in this course whose span meets first..last."""
        return (
            Reflection.objects.filter(author_id=self.author_id, session__course_id=first.course_id)
            .exclude(pk=self.pk)
            .annotate(last_number=Coalesce("covers_until__number", "session__number"))
            .filter(session__number__lte=last.number, last_number__gte=first.number)
        )


from sessions.models.invitations import (  # noqa: E402 (last: it imports Course and Membership from here)
    INVITATION_LIFETIME,
    CourseInvitation,
)

__all__ = [
    "INVITATION_LIFETIME",
    "AgendaItem",
    "Attendance",
    "Course",
    "CourseInvitation",
    "Membership",
    "Reflection",
    "Session",
    "SessionReading",
    "Speaker",
]
