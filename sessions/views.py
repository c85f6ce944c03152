from django.shortcuts import render

from sessions import selectors
from sessions.models import Speaker


def course_list(request):
    courses = selectors.courses_visible_to(request.user).order_by("title")
    return render(request, "sessions/course_list.html", {"courses": courses})


def course_detail(request, slug):
    course = selectors.course_visible_to(request.user, slug=slug)
    sessions = course.sessions.prefetch_related("speakers").order_by("number")
    return render(
        request,
        "sessions/course_detail.html",
        {
            "course": course,
            "sessions": sessions,
            "is_member": selectors.is_course_member(user=request.user, course=course),
        },
    )


def session_detail(request, slug, number):
    session = selectors.session_visible_to(request.user, slug=slug, number=number)
    reflections = (
        selectors.reflections_visible_to(request.user)
        .filter(session=session)
        .select_related("author")
    )
    return render(
        request,
        "sessions/session_detail.html",
        {
            "session": session,
            "speakers": Speaker.objects.filter(session=session),
            "agenda": session.agenda_items.all(),
            "readings": session.session_readings.select_related("reading"),
            "reflections": reflections,
            "is_member": selectors.is_course_member(user=request.user, course=session.course),
        },
    )
