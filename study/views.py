"""The review page (all courses at /study/, one at /courses/<slug>/study/), its forms (grade,
undo, suspend, bury, reset) and the progress page. Every form works without scripts; the page's
script only adds the keys (space, 1-4, u)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from study import progress, scheduling, selectors, services
from study.forms import CardActionForm, GradeForm, StudySettingsForm
from study.models import Card, Rating
from tracker.concurrency import StateConflict
from tracker.view_helpers import signed_in_required


def _course_or_404(request, slug):
    if slug is None:
        return None
    course = selectors.member_course(member=request.user, slug=slug)
    if course is None:
        raise Http404("No such course among yours.")
    return course


def _review_context(request, course, *, form=None) -> dict:
    now = timezone.now()
    member = request.user
    # The new cards are read once, for the next card and for the count.
    new = selectors.new_items(member=member, now=now, course=course)
    due = selectors.due_card(member=member, now=now, course=course)
    item = selectors.item_for_card(due) if due else (new[0] if new else None)
    grades = []
    if item is not None:
        selectors.with_revision(item)
        settings = selectors.settings_of(member=member)
        shown = item.card or Card(member=member, due=now)
        intervals = scheduling.next_intervals(
            shown, now=now, desired_retention=settings.desired_retention
        )
        grades = [
            (rating, label, scheduling.interval_label(intervals[rating]))
            for rating, label in Rating.choices
        ]
    return {
        "course": course,
        "item": item,
        "grades": grades,
        "counts": selectors.study_counts(member=member, now=now, course=course, new=new),
        "undoable": selectors.last_undoable(member=member) is not None,
        "form": form,
        "here": request.path,
    }


@signed_in_required
def review(request, slug=None):
    course = _course_or_404(request, slug)
    return render(request, "study/review.html", _review_context(request, course))


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("study")


@require_POST
@signed_in_required
def grade(request):
    form = GradeForm(request.POST)
    if form.is_valid():
        try:
            services.review_submit(member=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except StateConflict as conflict:
            messages.warning(request, str(conflict))
            return _back(request)
        else:
            return _back(request)
    course = _course_from_next(request)
    context = _review_context(request, course, form=form)
    return render(request, "study/review.html", context, status=400)


def _course_from_next(request):
    parts = request.POST.get("next", "").strip("/").split("/")
    if len(parts) == 3 and parts[0] == "courses" and parts[2] == "study":
        return selectors.member_course(member=request.user, slug=parts[1])
    return None


@require_POST
@signed_in_required
def undo(request):
    try:
        log = services.review_undo(member=request.user)
    except StateConflict as conflict:
        messages.warning(request, str(conflict))
    else:
        messages.success(request, f"Grade undone: “{log.card.front}” is back as it was.")
    return _back(request)


@require_POST
@signed_in_required
def card_action(request):
    form = CardActionForm(request.POST)
    if not form.is_valid():
        context = _review_context(request, _course_from_next(request), form=form)
        return render(request, "study/review.html", context, status=400)
    key, action = form.cleaned_data["key"], form.cleaned_data["action"]
    try:
        if action == "suspend":
            services.card_suspend(member=request.user, key=key)
            messages.success(request, "Card suspended: it will not come back until you reset it.")
        elif action == "bury":
            services.card_bury(member=request.user, key=key)
            messages.success(request, "Card buried until tomorrow.")
        else:
            services.card_reset(member=request.user, key=key)
            messages.success(request, "Card reset: it starts again as a new card.")
    except ValidationError as error:
        form.add_error(None, error)
        context = _review_context(request, _course_from_next(request), form=form)
        return render(request, "study/review.html", context, status=400)
    return _back(request)


@signed_in_required
def progress_page(request):
    form = StudySettingsForm(
        request.POST or None, instance=selectors.settings_of(member=request.user)
    )
    if request.method == "POST":
        if form.is_valid():
            services.settings_update(member=request.user, **form.cleaned_data)
            messages.success(request, "Study settings saved.")
            return redirect(reverse("study_progress"))
        status = 400
    else:
        status = 200
    context = {"form": form, **progress.progress_of(member=request.user, now=timezone.now())}
    return render(request, "study/progress.html", context, status=status)
