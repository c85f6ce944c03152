"""`/api/v1/` and the schema. Each app adds its viewsets through a `register(router)` function,
so another module joins the API with one line here."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from readings import api as readings_api
from readings.api.bibliography import ReadingExportView, ReadingImportView
from sessions import api as sessions_api
from sessions.api.calendars import CalendarImportView, CourseCalendarView
from sessions.api.exports import JournalMarkdownView
from tracker.api.views import MeView, TokenView
from tracker.view_helpers import moved_permanently

app_name = "api"

router = DefaultRouter(trailing_slash=True, use_regex_path=True)
router.include_format_suffixes = False
sessions_api.register(router)
readings_api.register(router)
# Notebooks and runs have their own router (notebooks/api/urls.py), included by tracker/urls.py:
# the notebooks app sits above the others, so tracker/api does not import it.


@csrf_exempt
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other path under /api/v1/: a JSON 404 like the API's own, not the site's page."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("v1/auth/token/", TokenView.as_view(), name="auth-token"),
    path("v1/me/", MeView.as_view(), name="me"),
    # Files and imports, before the router so `readings/export` is not read as a slug.
    path(
        "v1/courses/<slug:slug>/calendar.ics", CourseCalendarView.as_view(), name="course-calendar"
    ),
    path(
        "v1/courses/<slug:slug>/calendar/import",
        CalendarImportView.as_view(),
        name="course-calendar-import",
    ),
    path("v1/courses/<slug:slug>/journal.md", JournalMarkdownView.as_view(), name="journal-md"),
    # Its address from when the journal was called a notebook.
    path(
        "v1/courses/<slug:slug>/notebook.md",
        moved_permanently("api:journal-md"),
        name="old-journal-md",
    ),
    path("v1/readings/export", ReadingExportView.as_view(), name="reading-export"),
    path("v1/readings/import", ReadingImportView.as_view(), name="reading-import"),
    path("v1/", include(router.urls)),
    re_path(r"^v1/", api_not_found),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the page's
    # Content-Security-Policy needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
