"""Course and session pages. Views parse, check permission, call a service and render;
visibility comes from the selectors, so a page shows only what its viewer may see."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from readings import selectors as reading_selectors
from readings import services as reading_services
from readings.forms import NoteForm
from readings.models import ReadingStatus
from sessions import selectors, series, services
from sessions.forms import ReflectionForm, SessionForm, SessionSeriesForm
from sessions.models import Session
from tracker.concurrency import EditConflict
from tracker.forms import add_service_errors, show_edit_conflict
from tracker.view_helpers import signed_in_required

# Keyed by the page's address, not the session's id: a signed-out visitor may not be allowed
# to look the session up, and the text is theirs to get back either way.
DRAFT_KEY = "reflection_draft:{slug}:{number}"


def _draft_key(session: Session) -> str:
    return DRAFT_KEY.format(slug=session.course.slug, number=session.number)


def course_list(request):
    courses = selectors.courses_visible_to(request.user).order_by("title")
    return render(request, "sessions/course_list.html", {"courses": courses})


def course_detail(request, slug):
    course = selectors.course_visible_to(request.user, slug=slug)
    role = selectors.course_role(user=request.user, course=course)
    return render(
        request,
        "sessions/course_detail.html",
        {
            "course": course,
            "sessions": selectors.course_sessions_for_page(user=request.user, course=course),
            "is_member": role is not None,
            "is_organizer": selectors.is_course_organizer(user=request.user, course=course),
        },
    )


def organized_course(request, slug):
    """The course when the user organizes it; 404 when they may not see it, 403 otherwise.
    Every organizer-only page (sessions, members, calendar import) asks through this."""
    course = selectors.course_visible_to(request.user, slug=slug)
    if not selectors.is_course_organizer(user=request.user, course=course):
        raise PermissionDenied("Only the course's organizers manage it.")
    return course


@signed_in_required
def session_create(request, slug):
    course = organized_course(request, slug)
    # Times are entered, and shown back, as wall time where the course meets.
    with timezone.override(course.time_zone):
        form = SessionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                session = services.session_create(course=course, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Session added.")
                return redirect(session)
        return render(
            request, "sessions/session_form.html", {"form": form, "course": course, "new": True}
        )


@signed_in_required
def session_edit(request, slug, number):
    course = organized_course(request, slug)
    session = selectors.session_visible_to(request.user, slug=slug, number=number)
    with timezone.override(course.time_zone):
        form = SessionForm(request.POST or None, initial=SessionForm.initial_for(session))
        if request.method == "POST" and form.is_valid():
            fields = dict(form.cleaned_data)
            if fields["number"] is None:
                fields.pop("number")
            try:
                services.session_update(session=session, **fields)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Session saved.")
                return redirect(session)
        return render(
            request,
            "sessions/session_form.html",
            {"form": form, "course": course, "session": session, "new": False},
        )


@signed_in_required
def session_series(request, slug):
    """POST with `preview`: the sessions the form describes, nothing saved. POST with `confirm`:
    plan them again from the same fields (carried hidden) and create them, all or none, but
    only when the plan is still the one previewed."""
    course = organized_course(request, slug)
    form = SessionSeriesForm(request.POST or None, initial={"location": course.default_location})
    context = {"form": form, "course": course}
    if request.method == "POST" and form.is_valid():
        plan = series.plan_series(course=course, **form.plan_arguments())
        context["plan"] = plan
        if request.POST.get("confirm"):
            if request.POST.get("fingerprint") != plan.fingerprint:
                form.add_error(
                    None,
                    "The course's sessions changed since the preview, so nothing was created. "
                    "Check the new preview below and create them again.",
                )
            elif plan.problems:
                form.add_error(None, "Some of these sessions cannot be created; see below.")
            else:
                try:
                    created = services.sessions_create_series(
                        course=course, sessions=[planned.fields() for planned in plan.sessions]
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    count = len(created)
                    messages.success(request, f"{count} session{pluralize(count)} added.")
                    return redirect(course)
    return render(request, "sessions/session_series.html", context)


def session_detail(request, slug, number):
    session = selectors.session_visible_to(request.user, slug=slug, number=number)
    user = request.user
    context = {
        "session": session,
        "course": session.course,
        "is_member": selectors.is_course_member(user=user, course=session.course),
        "is_organizer": selectors.is_course_organizer(user=user, course=session.course),
        "speakers": session.speakers.all(),
        "agenda": session.agenda_items.all(),
        "readings": reading_selectors.session_readings_with_status(user, session=session),
        "notes": reading_selectors.notes_on(user, session=session),
        "draft_key": _draft_key(session),
        "statuses": ReadingStatus.Status.choices,
    }
    reflections = selectors.reflections_covering(user, session=session)
    if user.is_authenticated:
        mine = selectors.my_reflection_covering(user=user, session=session)
        context |= {
            "my_reflection": mine,
            "other_reflections": reflections.exclude(author=user),
            "attended": selectors.has_attended(user=user, session=session),
            "note_form": NoteForm(allow_course=True, prefix="note"),
        }
        if mine is None or mine.session_id == session.pk:
            context["reflection_form"] = _reflection_form(request, session, mine)
    else:
        context["other_reflections"] = reflections
    return render(request, "sessions/session_detail.html", context)


def _reflection_form(request, session: Session, mine, data=None) -> ReflectionForm:
    """The form, filled from what the user posted, from a draft kept while they signed in
    again, or from their saved reflection."""
    draft = request.session.get(_draft_key(session))
    initial = {"version": 0}  # a reflection saved meanwhile in another tab is then a conflict
    if mine is not None:
        initial = {
            "body": mine.body,
            "visibility": mine.visibility,
            "covers_until": mine.covers_until_id,
            "version": mine.version,
        }
    form = ReflectionForm(
        data if data is not None else draft,
        initial=initial,
        following=selectors.following_sessions(session=session),
    )
    form.restored_draft = data is None and draft is not None
    return form


def reflection_edit(request, slug, number):
    """GET: the reflection form on a page of its own. POST: save it.

    A POST from someone whose sign-in has expired is kept in their browser session and put
    back into the form once they sign in again, so the text is not lost.
    """
    if not request.user.is_authenticated:
        if request.method == "POST" and request.POST.get("body", "").strip():
            fields = ("body", "visibility", "covers_until", "version")
            request.session[DRAFT_KEY.format(slug=slug, number=number)] = {
                name: request.POST.get(name, "") for name in fields
            }
            messages.info(
                request, "Please sign in again; what you wrote is kept and waits in the form."
            )
        page = reverse("session_detail", kwargs={"slug": slug, "number": number})
        return redirect(f"{reverse('login')}?next={page}%23reflection")
    session = selectors.session_visible_to(request.user, slug=slug, number=number)
    mine = selectors.my_reflection_covering(user=request.user, session=session)
    if mine is not None and mine.session_id != session.pk:
        return redirect(mine.session.get_absolute_url() + "#reflection")
    form = _reflection_form(request, session, mine, data=request.POST or None)
    conflict = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.reflection_save(author=request.user, session=session, **form.cleaned_data)
        except EditConflict as error:
            conflict = _reflection_conflict(form, error.current)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session.pop(_draft_key(session), None)
            messages.success(request, "Reflection saved.")
            return redirect(session.get_absolute_url() + "#reflection")
    return render(
        request,
        "sessions/reflection_form.html",
        {
            "session": session,
            "course": session.course,
            "form": form,
            "my_reflection": mine,
            "draft_key": _draft_key(session),
            **conflict,
        },
    )


def _reflection_conflict(form: ReflectionForm, current) -> dict:
    """Both versions on the page: the saved one above, the typed one kept in the form."""
    return show_edit_conflict(
        form,
        current,
        [("Who may read it", current.get_visibility_display()), ("Text", current.body)],
    )


@require_POST
@signed_in_required
def attendance_set(request, slug, number):
    session = selectors.session_visible_to(request.user, slug=slug, number=number)
    attended = request.POST.get("attended") == "yes"
    try:
        services.attendance_mark(user=request.user, session=session, attended=attended)
    except ValidationError as error:
        if request.htmx:
            # htmx swaps a 400 into the form's place (see base.html), so the reason shows there.
            reason = format_html('<p class="notice">{}</p>', " ".join(error.messages))
            return HttpResponse(reason, status=400)
        messages.error(request, " ".join(error.messages))
    if request.htmx:
        return render(
            request, "sessions/_attendance.html", {"session": session, "attended": attended}
        )
    return redirect(session)


@signed_in_required
def session_note_add(request, slug, number):
    session = selectors.session_visible_to(request.user, slug=slug, number=number)
    if request.method != "POST":
        raise Http404("Notes are added from the session page.")
    form = NoteForm(request.POST, allow_course=True, prefix="note")
    if form.is_valid():
        try:
            reading_services.note_save(author=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Note added.")
            return redirect(session.get_absolute_url() + "#notes")
    return render(
        request,
        "note_form.html",
        {"form": form, "target": session, "action": request.path, "heading": "Add a note"},
    )
