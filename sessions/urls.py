from django.urls import path

from sessions import views, views_calendars, views_courses, views_exports
from tracker.view_helpers import moved_permanently

urlpatterns = [
    path("courses/", views.course_list, name="course_list"),
    # Before the course's own address, which "new" would otherwise match.
    path("courses/new/", views_courses.course_create, name="course_create"),
    path("courses/<slug:slug>/", views.course_detail, name="course_detail"),
    path("courses/<slug:slug>/sessions/new/", views.session_create, name="session_create"),
    path("courses/<slug:slug>/sessions/bulk/", views.session_series, name="session_series"),
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
    # The learner's journal
    path("courses/<slug:slug>/journal.md", views_exports.journal_markdown, name="journal_md"),
    # journal.zip holds run images too: notebooks/urls.py serves it.
    path("courses/<slug:slug>/journal/", views_exports.public_journal, name="public_journal"),
    # Its addresses from when it was called a notebook: bookmarks and subscriptions follow.
    path("courses/<slug:slug>/notebook.md", moved_permanently("journal_md"), name="old_journal_md"),
    path(
        "courses/<slug:slug>/notebook.zip", moved_permanently("journal_zip"), name="old_journal_zip"
    ),
    path(
        "courses/<slug:slug>/notebook/",
        moved_permanently("public_journal"),
        name="old_public_journal",
    ),
    # Running a course: the course itself, members and invitations (sessions/views_courses.py)
    path("courses/<slug:slug>/edit/", views_courses.course_edit, name="course_edit"),
    path("courses/<slug:slug>/delete/", views_courses.course_delete, name="course_delete"),
    path("courses/<slug:slug>/members/", views_courses.course_members, name="course_members"),
    path("courses/<slug:slug>/members/add/", views_courses.member_add, name="member_add"),
    path(
        "courses/<slug:slug>/members/<int:membership_id>/role/",
        views_courses.member_role,
        name="member_role",
    ),
    path(
        "courses/<slug:slug>/members/<int:membership_id>/remove/",
        views_courses.member_remove,
        name="member_remove",
    ),
    path(
        "courses/<slug:slug>/invitations/",
        views_courses.invitation_create,
        name="invitation_create",
    ),
    path(
        "courses/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views_courses.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views_courses.invitation, name="invitation"),
]
