"""Bibliography pages: export readings as BibTeX, CSL-JSON or RIS (one reading, the library's
current filter, a session's list, a course's list) and import a file with a per-entry report,
into the library and, for a course's organizers, a session's reading list. A preview, or a file
with a rejected entry, saves nothing until the user accepts the report."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import slug_re
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from readings import bibliography, selectors
from readings.forms import LibraryFilterForm
from sessions import selectors as session_selectors
from tracker.view_helpers import signed_in_required

MAX_BIBLIOGRAPHY_BYTES = 2 * 1024 * 1024


def readings_to_export(request):
    """The readings named by the query: `reading` (a slug), `session` (an id), `course` (a
    slug), else the library's filters. A session or course the user may not see is a 404."""
    query, user = request.GET, request.user
    for name in ("reading", "course"):  # no slug of ours: never looked up
        if query.get(name) and not slug_re.match(query[name]):
            raise Http404(f"No such {name}.")
    if query.get("reading"):
        return get_object_or_404(selectors.readings_with_details(), slug=query["reading"]), None
    if query.get("session"):
        if not query["session"].isdigit():
            raise Http404("No such session.")
        session = get_object_or_404(
            session_selectors.sessions_visible_to(user), pk=query["session"]
        )
        return selectors.readings_of_session(
            user, session=session
        ), f"{session.course.slug}-{session.number}"
    if query.get("course"):
        course = session_selectors.course_visible_to(user, slug=query["course"])
        return selectors.readings_of_course(user, course=course), course.slug
    form = LibraryFilterForm(query, options=selectors.library_filter_options(user))
    return selectors.reading_library(user, **form.filters()), "readings"


def reading_export(request, format):
    if format not in bibliography.FORMATS:
        raise Http404(f"Export as {', '.join(bibliography.FORMATS)}.")
    readings, name = readings_to_export(request)
    if name is None:  # one reading
        readings, name = [readings], readings.slug
    body = bibliography.export(readings, format)
    response = HttpResponse(body, content_type=bibliography.MEDIA_TYPES[format])
    extension = bibliography.EXTENSIONS[format]
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


class BibliographyImportForm(forms.Form):
    format = forms.ChoiceField(choices=list(bibliography.FORMAT_NAMES.items()))
    file = forms.FileField(required=False)
    text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 10}), label="Or paste it", strip=False
    )
    session = forms.ModelChoiceField(
        queryset=None,  # the sessions the user organizes, set in __init__
        required=False,
        empty_label="No, only the library",
        label="Also add them to a session's reading list",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = session_selectors.sessions_organized_by(user)
        self.fields["session"].label_from_instance = lambda session: (
            f"{session.course.title}: {session.number}. {session.title}"
        )
        # The choice is shown only to those who have one; others posting a session get an error.
        self.offers_sessions = self.fields["session"].queryset.exists()

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > MAX_BIBLIOGRAPHY_BYTES:
                raise ValidationError({"file": "The file is larger than 2 MB."})
            try:
                cleaned["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError({"file": "The file is not UTF-8 text."}) from None
        if not (cleaned.get("text") or "").strip():
            raise ValidationError("Choose a file or paste the entries.")
        return cleaned


@signed_in_required
def reading_import(request):
    """POST: check every entry and show the report. `preview` saves nothing; nor does a file
    with a rejected entry: the text comes back in a hidden field and `accept` saves the rest."""
    form = BibliographyImportForm(request.POST or None, request.FILES or None, user=request.user)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        session = form.cleaned_data.get("session")
        if session is not None and not bibliography.may_import_into(request.user, session):
            raise PermissionDenied("Only the course's organizers change its reading lists.")
        try:
            report = bibliography.import_readings(
                text=form.cleaned_data["text"],
                format=form.cleaned_data["format"],
                user=request.user,
                accept_rejections=bool(request.POST.get("accept")),
                dry_run=bool(request.POST.get("preview")),
                session=session,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            context |= {
                "report": report,
                "preview": bool(request.POST.get("preview")),
                "text": form.cleaned_data["text"],
                "format": form.cleaned_data["format"],
                "counts": {o: report.count(o) for o in ("added", "matched", "rejected")},
            }
    return render(request, "readings/reading_import.html", context)
