"""The admin saves through the services, as the pages and the API do: markdown rendered there,
versions bumped, glossary edits recorded as revisions, only the changed fields written."""

import pytest
from django.contrib import admin
from django.forms import MultiWidget
from django.urls import reverse

from readings.models import GlossaryTerm, Note
from tests.readings.factories import (
    GlossaryTermFactory,
    HighlightFactory,
    NoteFactory,
    ReadingFactory,
)
from tests.sessions.factories import (
    CourseFactory,
    ReflectionFactory,
    SessionFactory,
    UserFactory,
)
from tracker.admin import ServiceWriteAdmin

pytestmark = pytest.mark.django_db


def _form_data(response, **changes) -> dict:
    """What the admin's change form would post back untouched, with `changes` typed in."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for name, field in form.fields.items():
            value, key = form[name].value(), form.add_prefix(name)
            if isinstance(field.widget, MultiWidget):  # a date and a time, say
                parts = field.widget.decompress(value) if value else []
                data |= {f"{key}_{i}": part for i, part in enumerate(parts)}
            elif value is not None:  # an empty field is posted as no key at all
                data[key] = value
    return data | changes


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_a_term_edited_in_the_admin_gets_a_revision_and_its_html(admin_client, admin_user):
    term = GlossaryTermFactory(name="Superposition", definition="Old words.")
    revisions_before = term.revisions.count()
    url = _change_url(term)
    data = _form_data(admin_client.get(url), definition="Many *features* share neurons.")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    term = GlossaryTerm.objects.get(pk=term.pk)
    assert term.definition_html == "<p>Many <em>features</em> share neurons.</p>"
    assert term.version == 2
    latest = term.revisions.order_by("-number").first()
    assert term.revisions.count() == revisions_before + 1
    assert (latest.definition, latest.author, latest.summary) == (
        "Many *features* share neurons.",
        admin_user,
        "Edited in the admin",
    )


def test_a_term_added_in_the_admin_starts_its_history(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:readings_glossaryterm_add"),
        _form_data(
            admin_client.get(reverse("admin:readings_glossaryterm_add")),
            name="Probe",
            slug="probe",
            level=GlossaryTerm.Level.CONCEPT,
            definition="A **linear** classifier.",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    term = GlossaryTerm.objects.get(slug="probe")
    assert "<strong>linear</strong>" in term.definition_html
    assert list(term.revisions.values_list("number", "author", "summary")) == [
        (1, admin_user.pk, "Created")
    ]
    assert list(term.names.values_list("name", flat=True)) == ["Probe"]


def test_a_reflection_edited_in_the_admin_gets_a_new_version_and_its_html(admin_client):
    session = SessionFactory()
    SessionFactory(course=session.course, number=7, title="Seven")
    reflection = ReflectionFactory(session=session, body="First take.")
    url = _change_url(reflection)
    data = _form_data(admin_client.get(url), body="See [[Session 7]].")
    assert admin_client.post(url, data).status_code == 302
    reflection.refresh_from_db()
    assert reflection.version == 2
    # The service renders it in its course, where [[Session 7]] names a session.
    assert session.course.sessions.get(number=7).get_absolute_url() in reflection.body_html


def test_the_admin_cannot_move_a_note_to_another_author(admin_client):
    note = NoteFactory(body="Mine")
    author = note.author
    url = _change_url(note)
    data = _form_data(admin_client.get(url), author=UserFactory().pk, body="Reworded")
    assert admin_client.post(url, data).status_code == 302
    note = Note.objects.get(pk=note.pk)
    assert (note.author, note.body, note.version) == (author, "Reworded", 2)


def test_every_admin_of_a_model_with_rendered_markdown_saves_through_the_services():
    bypassing = [
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if any(field.name.endswith("_html") for field in model._meta.concrete_fields)
        and not isinstance(model_admin, ServiceWriteAdmin)
    ]
    assert not bypassing


MARKDOWN_IN_THE_ADMIN = {
    "course": (CourseFactory, "description", "description_html"),
    "session": (SessionFactory, "abstract", "abstract_html"),
    "reflection": (ReflectionFactory, "body", "body_html"),
    "reading": (ReadingFactory, "summary", "summary_html"),
    "highlight": (HighlightFactory, "comment", "comment_html"),
    "note": (NoteFactory, "body", "body_html"),
    "term": (GlossaryTermFactory, "definition", "definition_html"),
}


@pytest.mark.parametrize("kind", list(MARKDOWN_IN_THE_ADMIN))
def test_markdown_edited_in_any_admin_is_rendered_by_the_service(admin_client, kind):
    factory, field, rendered = MARKDOWN_IN_THE_ADMIN[kind]
    obj = factory()
    meta = obj._meta
    assert (
        admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code
        == 200
    )
    url = _change_url(obj)
    page = admin_client.get(url)
    assert page.status_code == 200
    response = admin_client.post(url, _form_data(page, **{field: "Now *emphasised*."}))
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = type(obj).objects.get(pk=obj.pk)
    assert getattr(saved, rendered) == "<p>Now <em>emphasised</em>.</p>"


def test_a_name_the_service_refuses_is_a_form_error_in_the_admin_and_nothing_changes(
    admin_client,
):
    GlossaryTermFactory(name="Superposition", aliases=("polysemanticity",))
    term = GlossaryTermFactory(name="Features", definition="Directions in activation space.")
    url = _change_url(term)
    data = _form_data(
        admin_client.get(url), name="Polysemanticity", definition="Typed, not to be lost."
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "already a name of “Superposition”" in str(form.errors)
    assert form["definition"].value() == "Typed, not to be lost."
    term = GlossaryTerm.objects.get(pk=term.pk)
    assert (term.name, term.definition, term.version) == (
        "Features",
        "Directions in activation space.",
        1,
    )


@pytest.mark.parametrize("bulk", [False, True], ids=["delete page", "bulk action"])
def test_a_reading_deleted_in_the_admin_goes_through_the_service_and_unlinks_its_mentions(
    admin_client, bulk
):
    reading = ReadingFactory(title="Toy Models of Superposition")
    reflection = ReflectionFactory(body="See [[Toy Models of Superposition]].")
    assert "reading-link" in reflection.body_html
    if bulk:
        changelist = reverse("admin:readings_reading_changelist")
        data = {"action": "delete_selected", "_selected_action": [reading.pk], "post": "yes"}
        response = admin_client.post(changelist, data)
    else:
        url = reverse("admin:readings_reading_delete", args=[reading.pk])
        response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert "reading-link" not in reflection.body_html and "missing" in reflection.body_html
