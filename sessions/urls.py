from django.urls import path

from sessions import views

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
]
