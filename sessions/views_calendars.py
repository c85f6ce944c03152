"""Calendar pages: the public course feed, the personal feed behind its secret token, one
session's file, and the organizers' import with a preview before anything is saved."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sessions import calendars, feeds, selectors
from sessions.views import organized_course
from tracker import services as profile_services
from tracker.security_headers import private_answer
from tracker.view_helpers import signed_in_required

MAX_CALENDAR_BYTES = 2 * 1024 * 1024


def _calendar_response(body: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=feeds.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{file_name}"'
    return response


def course_calendar(request, slug):
    course = feeds.public_course(slug=slug)
    body = feeds.course_feed(course, absolute_url=request.build_absolute_uri)
    return _calendar_response(body, feeds.file_name(course.slug, "ics"))


@private_answer  # a secret token in the URL instead of a session
def personal_calendar(request, token):
    body = feeds.personal_feed(token=token, absolute_url=request.build_absolute_uri)
    return _calendar_response(body, "my-sessions.ics")


def session_calendar(request, slug, number):
    session = selectors.session_visible_to(request.user, slug=slug, number=number)
    body = feeds.session_file(session, user=request.user, absolute_url=request.build_absolute_uri)
    response = _calendar_response(body, feeds.file_name(f"{slug}-{number}", "ics"))
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "inline", "attachment"
    )
    return response


@require_POST
@signed_in_required
def calendar_token_regenerate(request):
    profile_services.calendar_token_regenerate(user=request.user)
    messages.success(request, "A new calendar address is ready; the old one no longer works.")
    return redirect("profile")


class CalendarImportForm(forms.Form):
    file = forms.FileField(required=False, label="An .ics file")
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        label="Or paste the calendar",
        strip=False,
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > MAX_CALENDAR_BYTES:
                raise ValidationError({"file": "The file is larger than 2 MB."})
            try:
                cleaned["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise ValidationError({"file": "The file is not UTF-8 text."}) from None
        if not (cleaned.get("text") or "").strip():
            raise ValidationError("Choose a file or paste a calendar.")
        if "\x00" in cleaned["text"]:  # the pasted text's own field refuses it already
            raise ValidationError({"file": "The calendar holds a NUL character."})
        return cleaned


@signed_in_required
def calendar_import(request, slug):
    """POST without `confirm`: parse and show what would change (nothing saved). POST with
    `confirm`: parse the same text again (carried in a hidden field) and save it, all or none,
    unless the plan is no longer the one previewed (its fingerprint): then preview it again."""
    course = organized_course(request, slug)
    form = CalendarImportForm(request.POST or None, request.FILES or None)
    context = {"course": course, "form": form}
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        try:
            plan = calendars.plan_calendar(course=course, text=text)
            previewed = request.POST.get("fingerprint")
            if request.POST.get("confirm") and previewed and previewed != plan.fingerprint:
                context["changed"] = True
            elif request.POST.get("confirm"):
                calendars.apply_import(plan)
                messages.success(
                    request,
                    f"Imported: {len(plan.to_create)} added, {len(plan.to_update)} updated, "
                    f"{len(plan.unchanged)} unchanged.",
                )
                return redirect(course)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            context |= {"plan": plan, "text": text}
    return render(request, "sessions/calendar_import.html", context)
