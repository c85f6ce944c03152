"""Keeps stored markdown HTML current when what its links point to changes.

The pipeline links terms, readings and sessions when a text is saved, so adding or renaming a
term or a reading, or adding, renumbering or hiding a session, makes some stored HTML stale.
Only the rows whose source mentions one of the names, or whose HTML already links to the
thing, are rendered again, with one shared glossary and in batches.
"""

from collections.abc import Iterable

from django.apps import apps
from django.db.models import F, Q

from tracker.glossary import glossary_from_database
from tracker.markdown import course_links_marker, render_markdown

# (app label, model, source field, HTML field, path to the slug of the course the text belongs
# to, or ""). A new model with user markdown is added here.
RENDERED_FIELDS: list[tuple[str, str, str, str, str]] = [
    ("tracker_sessions", "Course", "description", "description_html", "slug"),
    ("tracker_sessions", "Session", "abstract", "abstract_html", "course__slug"),
    ("tracker_sessions", "Reflection", "body", "body_html", "session__course__slug"),
    ("readings", "Reading", "summary", "summary_html", ""),
    ("readings", "Highlight", "comment", "comment_html", ""),
    ("readings", "GlossaryTerm", "definition", "definition_html", ""),
    ("readings", "Note", "body", "body_html", "session__course__slug"),
]
BATCH_SIZE = 500


def refresh_rendered_markdown(
    *, mentions: Iterable[str] = (), html_markers: Iterable[str] = (), course_slug: str = ""
) -> int:
    """Renders again every stored text whose source contains one of `mentions` (any case) or
    whose HTML contains one of `html_markers`, and with `course_slug` every text of that course
    with a wiki-link; returns how many rows changed."""
    mentions = [m for m in {" ".join(m.split()) for m in mentions} if m]
    html_markers = [m for m in set(html_markers) if m]
    if not mentions and not html_markers and not course_slug:
        return 0
    glossary = glossary_from_database()
    changed_total = 0
    for app_label, model_name, source, target, course_path in RENDERED_FIELDS:
        model = apps.get_model(app_label, model_name)
        condition = Q()
        for mention in mentions:
            condition |= Q(**{f"{source}__icontains": mention})
        for marker in html_markers:
            condition |= Q(**{f"{target}__contains": marker})
        if course_slug and course_path:
            condition |= Q(**{course_path: course_slug, f"{source}__contains": "[["})
        if not condition:
            continue
        is_term = model_name == "GlossaryTerm"
        fields = ["pk", source, target, *(["slug"] if is_term else [])]
        rows = model.objects.filter(condition).only(*fields).order_by("pk")
        if course_path:
            rows = rows.annotate(markdown_course_slug=F(course_path))
        batch = []
        for row in rows.iterator(chunk_size=BATCH_SIZE):
            batch.append(row)
            if len(batch) == BATCH_SIZE:
                changed_total += _render_batch(model, batch, source, target, glossary, is_term)
                batch = []
        changed_total += _render_batch(model, batch, source, target, glossary, is_term)
    return changed_total


def refresh_session_links(*, course, linked: bool = True) -> int:
    """After a session of the course is added, renumbered or deleted, or the course changes
    visibility (or goes): its own texts, texts anywhere naming its sessions when it is public
    (only then may they link there), and with `linked` (not so for a session just added, which
    nothing links to yet) the texts that link to it now."""
    public = course.visibility == type(course).CourseVisibility.PUBLIC
    return refresh_rendered_markdown(
        mentions=[f"{course.slug}/"] if public else [],
        html_markers=[course_links_marker(course.slug)] if linked else [],
        course_slug=course.slug,
    )


def _render_batch(model, rows, source, target, glossary, is_term) -> int:
    if not rows:
        return 0
    # One query for the batch: the readings and sessions its rows link to.
    glossary.load((getattr(row, source), _course_slug(row)) for row in rows)
    changed = []
    for row in rows:
        rendered = render_markdown(
            getattr(row, source),
            glossary=glossary,
            skip_term_slug=row.slug if is_term else "",
            course_slug=_course_slug(row),
        )
        if rendered != getattr(row, target):
            setattr(row, target, rendered)
            changed.append(row)
    # bulk_update leaves updated_at alone: a refreshed link is not an edit by anyone.
    model.objects.bulk_update(changed, [target], batch_size=BATCH_SIZE)
    return len(changed)


def _course_slug(row) -> str:
    return getattr(row, "markdown_course_slug", None) or ""
