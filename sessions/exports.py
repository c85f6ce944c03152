"""A learner's journal for a course as one markdown document, in session order.

Two views of it: a member's own (their reflections, notes and highlights, whatever their
visibility) and the course's public one (public reflections only, by any author). Both start
from the visibility selectors, so nothing private leaks into either.
"""

from django.db.models import Prefetch, QuerySet

from readings.models import GlossaryTerm, Highlight, Note
from readings.selectors import highlights_visible_to, notes_visible_to, terms_with_names
from sessions.models import Course, Session, SessionReading
from sessions.selectors import reflections_visible_to
from tracker.timezones import to_zone
from tracker.visibility import Visibility


def journal_markdown(*, course: Course, user=None, public_only: bool = False) -> str:
    """The member's journal (user given) or the course's public journal (public_only)."""
    if public_only:
        reflections = reflections_visible_to(None).filter(visibility=Visibility.PUBLIC)
        notes = Note.objects.none()
        highlights = Highlight.objects.none()
    else:
        reflections = reflections_visible_to(user).filter(author=user)
        notes = notes_visible_to(user).filter(author=user)
        highlights = highlights_visible_to(user).filter(author=user)
    sessions = _sessions(course, reflections, notes)
    lines = [f"# {course.title}", ""]
    if course.description:
        lines += [course.description.strip(), ""]
    for session in sessions:
        lines += _session_section(course, session, public_only)
    reading_ids = {sr.reading_id for s in sessions for sr in s.session_readings.all()}
    lines += _highlights_section(highlights.filter(reading_id__in=reading_ids))
    lines += _glossary_section(terms_with_names())
    return "\n".join(lines).rstrip() + "\n"


def _sessions(course: Course, reflections: QuerySet, notes: QuerySet) -> list[Session]:
    return list(
        course.sessions.order_by("number").prefetch_related(
            "speakers",
            Prefetch(
                "reflections",
                queryset=reflections.select_related("author__profile", "covers_until"),
                to_attr="visible_reflections",
            ),
            Prefetch("notes", queryset=notes, to_attr="visible_notes"),
            Prefetch("session_readings", queryset=SessionReading.objects.select_related("reading")),
        )
    )


def _session_section(course: Course, session: Session, public_only: bool) -> list[str]:
    when = to_zone(session.starts_at, course.time_zone).strftime("%d %B %Y")
    lines = [f"## Session {session.number}: {session.title}", "", f"*{when}*", ""]
    speakers = ", ".join(str(s) for s in session.speakers.all())
    if speakers:
        lines += [f"Speakers: {speakers}", ""]
    for reflection in session.visible_reflections:
        heading = "### Reflection"
        if reflection.covers_until_id:
            heading += f" (sessions {session.number} to {reflection.covers_until.number})"
        if public_only:
            heading += f" by {_display_name(reflection.author)}"
        lines += [heading, "", reflection.body.strip(), ""]
    for note in session.visible_notes:
        lines += ["### Note", "", note.body.strip(), ""]
    readings = [
        f"- [{sr.reading.title}]({sr.reading.url or sr.reading.get_absolute_url()})"
        f" ({sr.get_role_display().lower()})"
        for sr in session.session_readings.all()
    ]
    if readings:
        lines += ["Readings:", "", *readings, ""]
    return lines


def _highlights_section(highlights: QuerySet[Highlight]) -> list[str]:
    highlights = list(highlights.select_related("reading").order_by("reading__title", "id"))
    if not highlights:
        return []
    lines = ["## Highlights", ""]
    for highlight in highlights:
        line = f"- {highlight.reading.title}: [“{highlight.phrase}”]({highlight.deep_link})"
        if highlight.comment:
            line += f" — {highlight.comment.strip()}"
        lines.append(line)
    return [*lines, ""]


def _glossary_section(terms: QuerySet[GlossaryTerm]) -> list[str]:
    lines = ["## Glossary", "", "From the high-level ideas down to the details.", ""]
    for term in terms.order_by("level", "name"):
        aliases = f" (also: {', '.join(term.aliases)})" if term.aliases else ""
        lines += [f"**{term.name}**{aliases}: {term.definition.strip()}", ""]
    return lines


def _display_name(user) -> str:
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile else "") or user.get_username()
