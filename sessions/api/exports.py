"""The signed-in user's journal for a course, as markdown."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from sessions import exports, selectors
from sessions.api.calendars import SLUG_PARAMETER
from tracker.api.downloads import DownloadMixin


class JournalMarkdownView(DownloadMixin, APIView):
    """My reflections, notes and highlights for a course, with its glossary, as one markdown
    document in session order."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[SLUG_PARAMETER],
        responses={(200, "text/markdown"): OpenApiTypes.STR},
        operation_id="courses_journal_retrieve",
    )
    def get(self, request, slug):
        course = selectors.course_visible_to(request.user, slug=slug)
        text = exports.journal_markdown(course=course, user=request.user)
        response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{course.slug}-journal.md"'
        return response
