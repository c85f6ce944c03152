"""`load_demo`: fills an empty site with demo material. Every object it makes is recorded under
a stable key (DemoObject), so a second run adds nothing, and an object of the same name that a
user made is left alone rather than taken over."""

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from notebooks import services as run_services
from notebooks import storage as notebook_storage
from notebooks.models import Notebook
from readings import services as reading_services
from readings.models import GlossaryTerm, Highlight, Note, Reading, ReadingStatus
from sessions import services as session_services
from sessions.models import Attendance, Course, Reflection, Session
from tracker import demo_data as data
from tracker.models import DemoObject, Profile


class DemoLoader:
    def __init__(self, log: Callable[[str], None] = print) -> None:
        self.log = log
        self.created = 0

    def ensure(self, key: str, model: type[models.Model], taken: dict, make: Callable):
        """The demo object for key: found through the registry, or made now.

        `taken` is the natural key (such as a slug); when a user already has an object with it,
        the demo steps aside and returns None.
        """
        record = DemoObject.objects.filter(key=key).first()
        if record is not None:
            return model.objects.filter(pk=record.object_id).first()
        if model.objects.filter(**taken).exists():
            self.log(f"skipped {key}: an object that is not demo data already uses {taken}")
            return None
        obj = make()
        DemoObject.objects.create(
            key=key, content_type=ContentType.objects.get_for_model(model), object_id=obj.pk
        )
        self.created += 1
        return obj

    @transaction.atomic
    def load(self) -> int:
        organizer, member = (self.user(spec) for spec in data.USERS)
        readings = self.readings(organizer)
        terms = self.glossary(organizer, member)
        self.seminar(organizer, member)
        self.learning_track(organizer, member)
        self.reading_group(organizer, member, readings)
        self.notebooks(organizer)
        self.highlights(member, readings)
        self.notes(member, readings, terms)
        self.progress(member, readings)
        return self.created

    def user(self, spec: dict) -> User | None:
        username = spec["username"]

        def make() -> User:
            user = User.objects.create_user(username=username, password=f"{username}-demo")
            Profile.objects.create(
                user=user, display_name=spec["display_name"], time_zone=spec["time_zone"]
            )
            return user

        return self.ensure(f"user:{username}", User, {"username": username}, make)

    def course(self, spec: dict, organizer, member) -> Course | None:
        def make() -> Course:
            course = session_services.course_create(organizer=organizer, **spec)
            if member is not None:
                session_services.membership_set(course=course, user=member)
            return course

        return self.ensure(f"course:{spec['slug']}", Course, {"slug": spec["slug"]}, make)

    def session(self, course: Course, number: int, make: Callable) -> Session | None:
        return self.ensure(
            f"session:{course.slug}:{number}",
            Session,
            {"course": course, "number": number},
            make,
        )

    def seminar(self, organizer, member) -> None:
        course = self.course(data.SEMINAR, organizer, member)
        if course is None:
            return
        zone = ZoneInfo(course.time_zone)
        for number, talk in enumerate(data.SEMINAR_TALKS, start=1):
            speaker, affiliation, day, start, end, room, title, abstract = talk
            self.session(
                course,
                number,
                partial(
                    session_services.session_create,
                    course=course,
                    number=number,
                    title=title,
                    starts_at=datetime(day.year, day.month, day.day, start, tzinfo=zone),
                    ends_at=datetime(day.year, day.month, day.day, end, tzinfo=zone),
                    location=room or "Online only",
                    abstract=abstract,
                    status=Session.Status.HELD,
                    recording_url=f"https://video.example.org/mml-2023/{number}",
                    speakers=[{"name": speaker, "affiliation": affiliation}],
                ),
            )

    def learning_track(self, organizer, member) -> None:
        for spec, first, sessions in (
            (data.ALIGNMENT_COURSE, data.ALIGNMENT_FIRST, data.ALIGNMENT_SESSIONS),
            (data.GOVERNANCE_COURSE, data.GOVERNANCE_FIRST, data.GOVERNANCE_SESSIONS),
        ):
            course = self.course(spec, organizer, member)
            if course is None:
                continue
            zone = ZoneInfo(course.time_zone)
            made = {}
            for number, (title, _) in enumerate(sessions, start=1):
                starts_at = (first + timedelta(weeks=number - 1)).replace(tzinfo=zone)
                made[number] = self.session(
                    course,
                    number,
                    partial(
                        session_services.session_create,
                        course=course,
                        number=number,
                        title=title,
                        starts_at=starts_at,
                        ends_at=starts_at + timedelta(hours=2),
                        status=Session.Status.HELD,
                    ),
                )
            self.reflections(course, member, sessions, made)

    def reflections(self, course: Course, member, sessions: list, made: dict) -> None:
        """The member's one-line reflections; an empty line means the one before spans it."""
        for number, (_, text) in enumerate(sessions, start=1):
            if not text or member is None or made.get(number) is None:
                continue
            last = number
            while last + 1 in made and not sessions[last][1]:
                last += 1
            session, covers_until = made[number], made[last] if last > number else None
            self.ensure(
                f"reflection:{course.slug}:{number}",
                Reflection,
                {"author": member, "session": session},
                partial(
                    session_services.reflection_save,
                    author=member,
                    session=session,
                    body=text,
                    visibility="course" if number % 2 else "private",
                    covers_until=covers_until,
                ),
            )

    def reading_group(self, organizer, member, readings: dict) -> None:
        course = self.course(data.READING_GROUP, organizer, member)
        if course is None:
            return
        zone = ZoneInfo(course.time_zone)
        talk = data.TALK_SESSION
        starts_at = talk["starts_at"].replace(tzinfo=zone)
        self.session(
            course,
            1,
            partial(
                session_services.session_create,
                course=course,
                number=1,
                title=talk["title"],
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1, minutes=30),
                abstract=talk["abstract"],
                recording_url=talk["recording_url"],
                status=Session.Status.HELD,
                speakers=[{"name": "A visiting mathematician", "affiliation": "Guest speaker"}],
                agenda=[
                    {
                        "label": label,
                        "title": title,
                        "recording_offset": offset,
                        "coverage": "covered" if covered else "skipped",
                        "note": "" if covered else "Skipped for time; worth reading alone.",
                    }
                    for label, title, offset, covered in data.TALK_CHAPTERS
                ],
                readings=self.attached(
                    readings,
                    [
                        ("feature-visualization", "required"),
                        ("building-blocks-of-interpretability", "discussed"),
                        ("activation-atlas", "optional"),
                        ("adversarial-examples-features", "mentioned"),
                        ("rational-animations-intro-to-mech-interp", "optional"),
                    ],
                ),
            ),
        )
        steering = data.STEERING_SESSION
        starts_at = steering["starts_at"].replace(tzinfo=zone)
        self.session(
            course,
            2,
            partial(
                session_services.session_create,
                course=course,
                number=2,
                title=steering["title"],
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1, minutes=30),
                abstract=steering["abstract"],
                readings=self.attached(
                    readings,
                    [("steering-gpt2-xl-activation-vector", "required")],
                ),
            ),
        )

    @staticmethod
    def attached(readings: dict, wanted: list[tuple[str, str]]) -> list[dict]:
        return [
            {"reading": readings[slug], "role": role}
            for slug, role in wanted
            if readings.get(slug) is not None
        ]

    def readings(self, added_by) -> dict[str, Reading | None]:
        made = {}
        for slug, kind, title, authors, year, source, url, ids, tags, summary in data.READINGS:
            made[slug] = self.ensure(
                f"reading:{slug}",
                Reading,
                {"slug": slug},
                partial(
                    reading_services.reading_create,
                    slug=slug,
                    kind=kind,
                    title=title,
                    authors=authors,
                    year=year,
                    source=source,
                    url=url,
                    tags=tags,
                    summary=summary,
                    added_by=added_by,
                    **ids,
                ),
            )
        podcast = dict(data.PODCAST)
        made[podcast["slug"]] = self.ensure(
            f"reading:{podcast['slug']}",
            Reading,
            {"slug": podcast["slug"]},
            partial(reading_services.reading_create, added_by=added_by, **podcast),
        )
        return made

    def notebooks(self, organizer) -> None:
        """The two demo notebooks on the reading group's sessions, ready for a run."""
        folder = settings.BASE_DIR / "demos" / "notebooks"
        slug = data.READING_GROUP["slug"]
        for number, title, file_name in data.DEMO_NOTEBOOKS:
            session = Session.objects.filter(course__slug=slug, number=number).first()
            if session is None:
                continue
            content = (folder / file_name).read_bytes()
            notebook = self.ensure(
                f"notebook:{file_name}",
                Notebook,
                {"session": session, "title": title},
                partial(
                    run_services.notebook_create,
                    session=session,
                    created_by=organizer,
                    title=title,
                    file=content,
                    file_name=file_name,
                    time_limit=600,
                ),
            )
            # A copy stored by an older version of the site (one that imported `sessions.demos`)
            # would no longer run: the demo's own notebook follows the repository's file.
            if notebook is not None and notebook.checksum != notebook_storage.checksum(content):
                run_services.notebook_file_replace(
                    notebook=notebook, content=content, file_name=file_name
                )

    def highlights(self, member, readings: dict) -> None:
        if member is None:
            return
        for index, (slug, phrase, comment) in enumerate(data.HIGHLIGHTS):
            reading = readings.get(slug)
            if reading is None:
                continue
            self.ensure(
                f"highlight:{index}",
                Highlight,
                {"author": member, "reading": reading, "phrase": phrase},
                partial(
                    reading_services.highlight_save,
                    author=member,
                    reading=reading,
                    phrase=phrase,
                    comment=comment,
                    visibility="public" if index % 3 else "private",
                ),
            )

    def glossary(self, organizer, member) -> dict[str, GlossaryTerm | None]:
        terms = {}
        for name, level, aliases, definition, revised in data.GLOSSARY:
            key = f"term:{name}"
            is_new = not DemoObject.objects.filter(key=key).exists()
            term = self.ensure(
                key,
                GlossaryTerm,
                {"names__folded": " ".join(name.split()).casefold()},
                partial(
                    reading_services.term_create,
                    name=name,
                    level=level,
                    aliases=aliases,
                    definition=definition,
                    author=member,
                ),
            )
            if term is not None and is_new and revised:
                reading_services.term_update(
                    term=term, author=member, definition=revised, summary="Learnt more"
                )
            terms[name] = term
        for left, right in data.RELATED_TERMS:
            if terms.get(left) and terms.get(right):
                # Through the service, so both terms' histories record the link.
                linked = [*terms[left].related.all(), terms[right]]
                reading_services.term_update(
                    term=terms[left], author=member, related=linked, summary="Related terms"
                )
        return terms

    def progress(self, member, readings: dict) -> None:
        """Some attendance and reading statuses, so the dashboard has progress to show."""
        if member is None:
            return
        for slug, numbers in data.ATTENDED.items():
            for session in Session.objects.filter(course__slug=slug, number__in=numbers):
                self.ensure(
                    f"attendance:{slug}:{session.number}",
                    Attendance,
                    {"user": member, "session": session},
                    partial(session_services.attendance_mark, user=member, session=session),
                )
        for slug, status in data.READING_STATUSES:
            reading = readings.get(slug)
            if reading is None:
                continue
            self.ensure(
                f"status:{slug}",
                ReadingStatus,
                {"user": member, "reading": reading},
                partial(
                    reading_services.reading_status_set, user=member, reading=reading, status=status
                ),
            )

    def notes(self, member, readings: dict, terms: dict) -> None:
        reading = readings.get("zoom-in-circuits")
        if member is None or reading is None:
            return
        self.ensure(
            "note:zoom-in",
            Note,
            {"author": member, "reading": reading},
            partial(
                reading_services.note_save,
                author=member,
                reading=reading,
                body="**Problem:** networks are opaque. **Proposal:** study them like biology, "
                "one feature and circuit at a time. *Observation:* curve detectors recur.",
                visibility="public",
            ),
        )


def load_demo(log: Callable[[str], None] = print) -> int:
    """Loads the demo material; returns how many objects it created (0 on a second run)."""
    return DemoLoader(log).load()
