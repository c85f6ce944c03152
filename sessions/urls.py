from django.urls import path

from sessions import views, views_calendars, views_exports

urlpatterns = [
    path("courses/", views.course_list, name="course_list"),
    path("courses/<slug:slug>/", views.course_detail, name="course_detail"),
    path("courses/<slug:slug>/sessions/new/", views.session_create, name="session_create"),
    path("courses/<slug:slug>/sessions/<int:number>/", views.session_detail, name="session_detail"),
    path(
        "courses/<slug:slug>/sessions/<int:number>/edit/",
        views.session_edit,
        name="session_edit",
    ),
    path(
        "courses/<slug:slug>/sessions/<int:number>/reflection/",
        views.reflection_edit,
        name="reflection_edit",
    ),
    path(
        "courses/<slug:slug>/sessions/<int:number>/attendance/",
        views.attendance_set,
        name="attendance_set",
    ),
    path(
        "courses/<slug:slug>/sessions/<int:number>/notes/",
        views.session_note_add,
        name="session_note_add",
    ),
    # Calendars
    path(
        "courses/<slug:slug>/calendar.ics", views_calendars.course_calendar, name="course_calendar"
    ),
    path(
        "courses/<slug:slug>/calendar/import/",
        views_calendars.calendar_import,
        name="calendar_import",
    ),
    path(
        "courses/<slug:slug>/sessions/<int:number>/calendar.ics",
        views_calendars.session_calendar,
        name="session_calendar",
    ),
    path("calendar/<str:token>.ics", views_calendars.personal_calendar, name="personal_calendar"),
    path(
        "accounts/profile/calendar-token/",
        views_calendars.calendar_token_regenerate,
        name="calendar_token_regenerate",
    ),
    # Learning-notebook exports
    path("courses/<slug:slug>/notebook.md", views_exports.notebook_markdown, name="notebook_md"),
    path("courses/<slug:slug>/notebook.zip", views_exports.notebook_zip, name="notebook_zip"),
    path("courses/<slug:slug>/notebook/", views_exports.public_notebook, name="public_notebook"),
]
