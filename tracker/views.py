"""Pages about the signed-in person: the dashboard, their profile, everything they wrote;
and the markdown preview that the writing forms use."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from readings import selectors as reading_selectors
from sessions import selectors
from study import selectors as study_selectors
from tracker import services
from tracker.forms import ProfileForm
from tracker.markdown import MARKDOWN_MAX_CHARS, render_markdown
from tracker.middleware import remember_time_zone
from tracker.view_helpers import signed_in_required

AWAITING_SHOWN = 8


@login_required
def dashboard(request):
    user = request.user
    awaiting = selectors.sessions_awaiting_reflection(user=user)
    awaiting_count = awaiting.count()
    return render(
        request,
        "dashboard.html",
        {
            "courses": _with_cards_due(selectors.my_courses_with_progress(user=user), user),
            "upcoming": selectors.upcoming_sessions_for(user=user),
            "awaiting": awaiting[:AWAITING_SHOWN],
            "awaiting_count": awaiting_count,
            "awaiting_more": max(awaiting_count - AWAITING_SHOWN, 0),
            "reading_now": reading_selectors.readings_i_am_reading(user=user),
            "time_zone": services.profile_for(user).time_zone,
        },
    )


def _with_cards_due(courses, user) -> list:
    """Each course with `cards_due`: the member's study cards due now in it (one query)."""
    due = study_selectors.due_counts_by_course(member=user, now=timezone.now())
    courses = list(courses)
    for course in courses:
        course.cards_due = due.get(course.pk, 0)
    return courses


@login_required
def profile(request):
    current = services.profile_for(request.user)
    form = ProfileForm(
        request.POST or None,
        initial={"display_name": current.display_name, "time_zone": current.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        updated = services.profile_update(user=request.user, **form.cleaned_data)
        remember_time_zone(request, updated.time_zone)
        messages.success(request, "Profile saved.")
        return redirect("profile")
    return render(
        request,
        "profile.html",
        {
            "form": form,
            "token": services.api_token_for(request.user),
            "calendar_url": request.build_absolute_uri(
                reverse("personal_calendar", args=[current.calendar_token])
            ),
        },
    )


@require_POST
@login_required
def api_token_regenerate(request):
    services.api_token_regenerate(user=request.user)
    messages.success(request, "A new API token is ready; the old one no longer works.")
    return redirect("profile")


@login_required
def my_writing(request):
    """Reflections and notes in one list, most recently changed first."""
    reflections = list(selectors.my_reflections(user=request.user))
    notes = list(reading_selectors.my_notes(user=request.user))
    for reflection in reflections:
        reflection.kind = "reflection"
    for note in notes:
        note.kind = "note"
    writing = sorted(reflections + notes, key=lambda item: item.updated_at, reverse=True)
    return render(
        request,
        "my_writing.html",
        {"writing": writing, "reflection_count": len(reflections), "note_count": len(notes)},
    )


@require_POST
@signed_in_required
def markdown_preview(request):
    """The stored-HTML rendering of a draft, for the live preview beside a writing form."""
    # The form field being previewed is named in `field` (body, definition, summary, ...).
    source = request.POST.get(request.POST.get("field", "body"), "")
    if len(source) > MARKDOWN_MAX_CHARS:
        # 200, so that htmx shows it in place of the preview; saving refuses the text too.
        return HttpResponse(
            f'<p class="notice">Too long: at most {MARKDOWN_MAX_CHARS:,} characters '
            f"(this has {len(source):,}).</p>"
        )
    html = render_markdown(source)
    return HttpResponse(html or '<p class="muted">Nothing to preview yet.</p>')
