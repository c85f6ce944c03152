"""Library and glossary pages. The library and glossary are shared: everyone reads them,
signed-in people add and edit. Notes and highlights show only where their viewer may see them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from readings import selectors, services
from readings.diffs import revision_diff
from readings.forms import (
    HighlightForm,
    LibraryFilterForm,
    NoteForm,
    ReadingForm,
    ReadingStatusForm,
    TermForm,
)
from readings.models import GlossaryTerm, Note, Reading, ReadingStatus
from sessions import selectors as session_selectors
from tracker.concurrency import EditConflict
from tracker.forms import add_service_errors, show_edit_conflict
from tracker.view_helpers import redirect_back, signed_in_required
from tracker.visibility import may_edit

LIBRARY_PAGE_SIZE = 50


# Readings


def reading_list(request):
    filter_form = LibraryFilterForm(
        request.GET or None, options=selectors.library_filter_options(request.user)
    )
    filters = filter_form.filters() if request.GET else {}
    readings = selectors.reading_library(request.user, **filters)
    page = Paginator(readings, LIBRARY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "readings/reading_list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "filtered": bool(filters.keys() - {"sort"}),
            "statuses": ReadingStatus.Status.choices,
        },
    )


def reading_detail(request, slug):
    reading = get_object_or_404(selectors.readings_with_details(), slug=slug)
    user = request.user
    highlights = list(selectors.highlights_on(user, reading=reading))
    context = {
        "reading": reading,
        "my_highlights": [h for h in highlights if h.author_id == user.pk],
        "other_highlights": [h for h in highlights if h.author_id != user.pk],
        "notes": selectors.notes_on(user, reading=reading),
        "uses": session_selectors.sessions_using_reading(user, reading=reading),
        "my_status": selectors.my_status_for(user=user, reading=reading),
        "statuses": ReadingStatus.Status.choices,
    }
    if user.is_authenticated:
        context |= {"highlight_form": HighlightForm(), "note_form": NoteForm(prefix="note")}
    return render(request, "readings/reading_detail.html", context)


@signed_in_required
def reading_create(request):
    form = ReadingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reading = services.reading_create(added_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Reading added to the library.")
            return redirect(reading)
    return render(request, "readings/reading_form.html", {"form": form, "new": True})


@signed_in_required
def reading_edit(request, slug):
    reading = get_object_or_404(selectors.readings_with_details(), slug=slug)
    form = ReadingForm(request.POST or None, initial=ReadingForm.initial_for(reading))
    if request.method == "POST" and form.is_valid():
        try:
            services.reading_update(reading=reading, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Reading saved.")
            return redirect(reading)
    return render(
        request, "readings/reading_form.html", {"form": form, "reading": reading, "new": False}
    )


def _status_buttons(request, reading, *, my_status, just_changed=False, status=200):
    """The buttons htmx swaps in, keeping the page's `next`: their own request is the POST."""
    context = {
        "reading": reading,
        "my_status": my_status,
        "statuses": ReadingStatus.Status.choices,
        "just_changed": just_changed,
        "next": request.POST.get("next", ""),
    }
    return render(request, "readings/_status_buttons.html", context, status=status)


@require_POST
@signed_in_required
def reading_status_set(request, slug):
    """One click in the library or on a reading page; htmx swaps in the new buttons."""
    reading = get_object_or_404(Reading, slug=slug)
    form = ReadingStatusForm(request.POST)
    if not form.is_valid():
        return _status_buttons(request, reading, my_status="", status=400)
    record = services.reading_status_set(
        user=request.user, reading=reading, status=form.cleaned_data["status"]
    )
    if request.htmx:
        return _status_buttons(request, reading, my_status=record.status, just_changed=True)
    return redirect_back(request, reading.get_absolute_url())


@require_POST
@signed_in_required
def highlight_add(request, slug):
    reading = get_object_or_404(Reading, slug=slug)
    form = HighlightForm(request.POST)
    if form.is_valid():
        try:
            services.highlight_save(author=request.user, reading=reading, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Highlight added.")
            return redirect(reading.get_absolute_url() + "#highlights")
    return render(
        request,
        "readings/highlight_form.html",
        {"form": form, "reading": reading},
    )


# Notes on readings and terms (notes on sessions are added from the session page)


@signed_in_required
def note_add(request, kind, slug):
    if kind == "reading":
        target = {"reading": get_object_or_404(Reading, slug=slug)}
    elif kind == "term":
        target = {"term": get_object_or_404(GlossaryTerm, slug=slug)}
    else:
        raise Http404("Notes belong to a session, a reading or a term.")
    (thing,) = target.values()
    if request.method != "POST":
        return redirect(thing)
    form = NoteForm(request.POST, prefix="note")
    if form.is_valid():
        try:
            services.note_save(author=request.user, **target, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Note added.")
            return redirect(thing.get_absolute_url() + "#notes")
    return render(
        request,
        "note_form.html",
        {"form": form, "target": thing, "action": request.path, "heading": "Add a note"},
    )


@signed_in_required
def note_edit(request, note_id):
    """Only its author edits a note; to anyone else it does not exist here."""
    note = get_object_or_404(Note.objects.select_related("session__course"), pk=note_id)
    if not may_edit(request.user, note):
        raise Http404("No such note of yours.")
    form = NoteForm(
        request.POST or None,
        initial={"body": note.body, "visibility": note.visibility, "version": note.version},
        allow_course=note.session_id is not None,
        prefix="note",
    )
    conflict = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.note_save(author=request.user, note=note, **form.cleaned_data)
        except EditConflict as error:
            current = error.current
            conflict = show_edit_conflict(
                form,
                current,
                [("Visibility", current.get_visibility_display()), ("Note", current.body)],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Note saved.")
            return redirect(note.target.get_absolute_url() + "#notes")
    return render(
        request,
        "note_form.html",
        {
            "form": form,
            "target": note.target,
            "action": request.path,
            "heading": "Edit note",
            **conflict,
        },
    )


# Glossary


def term_list(request):
    terms = list(selectors.glossary_for_list())
    levels = [
        (label, [t for t in terms if t.level == value])
        for value, label in GlossaryTerm.Level.choices
    ]
    letters: dict[str, list] = {}
    for term in terms:
        first = term.name[:1].upper()
        letters.setdefault(first if first.isalpha() else "#", []).append(term)
    view = "az" if request.GET.get("view") == "az" else "level"
    return render(
        request,
        "readings/term_list.html",
        {"levels": levels, "letters": sorted(letters.items()), "view": view, "count": len(terms)},
    )


def term_detail(request, slug):
    term = get_object_or_404(selectors.terms_with_names(), slug=slug)
    revisions = list(selectors.term_revisions(term=term))
    context = {
        "term": term,
        "revisions": revisions,
        "backlinks": selectors.term_backlinks(request.user, term=term),
        "notes": selectors.notes_on(request.user, term=term),
        **_diff_context(request, revisions),
    }
    if request.user.is_authenticated:
        context["note_form"] = NoteForm(prefix="note")
    return render(request, "readings/term_detail.html", context)


def _diff_context(request, revisions: list) -> dict:
    """The two revisions to compare: chosen with ?from=&to=, else the last two."""
    by_number = {r.number: r for r in revisions}
    if len(revisions) < 2:
        return {}
    try:
        newer = by_number[int(request.GET.get("to", revisions[0].number))]
        older = by_number[int(request.GET.get("from", revisions[1].number))]
    except (KeyError, ValueError):
        return {"diff_error": "Choose two revisions from the list."}
    if older.number > newer.number:
        older, newer = newer, older
    return {"diff": revision_diff(older, newer), "diff_from": older, "diff_to": newer}


@signed_in_required
def term_create(request):
    # A missing wiki-link ([[Name]]) opens this form with ?name=, its name filled in.
    name = " ".join(request.GET.get("name", "").split())[: TermForm.base_fields["name"].max_length]
    form = TermForm(request.POST or None, initial={"name": name})
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        fields.pop("base_revision")
        fields.pop("version")
        fields["summary"] = fields["summary"] or "Created"
        try:
            term = services.term_create(author=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Term added to the glossary.")
            return redirect(term)
    return render(request, "readings/term_form.html", {"form": form, "new": True})


@signed_in_required
def term_edit(request, slug):
    term = get_object_or_404(selectors.terms_with_names(), slug=slug)
    latest = term.revisions.order_by("-number").values_list("number", flat=True).first()
    form = TermForm(request.POST or None, initial=TermForm.initial_for(term, latest), term=term)
    conflict = {}
    if request.method == "POST" and form.is_valid():
        try:
            # The service checks base_revision and version under the term's row lock, so two
            # editors saving at once from the same revision cannot both succeed.
            services.term_update(term=term, author=request.user, **form.cleaned_data)
        except EditConflict as error:
            conflict = _term_conflict(form, error.current)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Term saved.")
            return redirect(term)
    return render(
        request,
        "readings/term_form.html",
        {"form": form, "term": term, "new": False, **conflict},
    )


def _term_conflict(form: TermForm, current: GlossaryTerm) -> dict:
    """Both versions on the page: the saved one above, the typed one kept in the form; the
    hidden fields move to what is saved now, so saving again keeps this editor's text."""
    revision = current.revisions.order_by("-number").first()
    number = revision.number if revision else ""
    shown = [
        ("Name", current.name),
        ("Level", current.get_level_display()),
        ("Definition", current.definition),
        ("Aliases", "\n".join(current.aliases)),
    ]
    return show_edit_conflict(
        form, current, shown, saved=f"revision {number}", base_revision=number
    )


@require_POST
@signed_in_required
def term_revert(request, slug, number):
    term = get_object_or_404(GlossaryTerm, slug=slug)
    try:
        services.term_revert(term=term, revision_number=number, author=request.user)
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from error
    messages.success(request, f"Reverted to revision {number}.")
    return redirect(term)
