"""A learner's journal for a course: their own as markdown or a zip (signed in), and the
course's public journal page (public courses, public reflections only)."""

from django.http import HttpResponse
from django.shortcuts import render

from sessions import exports, selectors
from tracker.markdown import render_markdown
from tracker.view_helpers import signed_in_required


def _download(body, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@signed_in_required
def journal_markdown(request, slug):
    course = selectors.course_visible_to(request.user, slug=slug)
    text = exports.journal_markdown(course=course, user=request.user)
    return _download(text, "text/markdown; charset=utf-8", f"{course.slug}-journal.md")


def public_journal(request, slug):
    # Whoever asks, only a public course has a public journal.
    course = selectors.course_visible_to(None, slug=slug)
    text = exports.journal_markdown(course=course, public_only=True)
    # render_markdown sanitizes; the template shows its output as is, escaped nowhere else.
    html = render_markdown(text)
    return render(request, "sessions/public_journal.html", {"course": course, "html": html})
