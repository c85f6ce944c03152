"""Notes and glossary terms saved over a newer version: both texts on the page, nothing saved
until the editor saves again; two organizers saving from one revision never both succeed."""

import pytest
from django.test import Client
from django.urls import reverse

from readings import services
from readings.models import GlossaryTerm
from tests.concurrent import run_at_once
from tests.readings.factories import GlossaryTermFactory, NoteFactory
from tests.sessions.factories import UserFactory


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_note_saved_over_a_newer_version_shows_both_texts_and_saves_nothing(client):
    note = NoteFactory(body="first", visibility="public")
    services.note_update(note=note, body="their newer note")
    client.force_login(note.author)
    url = reverse("note_edit", kwargs={"note_id": note.pk})
    assert 'name="note-version" value="2"' in client.get(url).content.decode()
    mine = {"note-body": "my note", "note-visibility": "private", "note-version": "1"}
    response = client.post(url, mine)
    html = response.content.decode()
    assert response.status_code == 200 and "their newer note" in html and "my note" in html
    assert 'name="note-version" value="2"' in html
    note.refresh_from_db()
    assert (note.body, note.visibility) == ("their newer note", "public")
    assert client.post(url, {**mine, "note-version": "2"}).status_code == 302
    note.refresh_from_db()
    assert (note.body, note.visibility) == ("my note", "private")


@pytest.mark.django_db
def test_the_term_form_carries_the_version(client):
    term = GlossaryTermFactory()
    client.force_login(UserFactory())
    html = client.get(reverse("term_edit", kwargs={"slug": term.slug})).content.decode()
    assert 'name="version" value="1"' in html and 'name="base_revision" value="1"' in html


@pytest.mark.django_db(transaction=True)
def test_two_organizers_saving_from_the_same_revision_at_once_never_both_succeed():
    term = GlossaryTermFactory(name="Probe", definition="first")
    url = reverse("term_edit", kwargs={"slug": term.slug})
    editors = [signed_in(UserFactory()), signed_in(UserFactory())]
    texts = ["text of the first organizer", "text of the second organizer"]
    answers = run_at_once(
        *(
            lambda editor=editor, text=text: editor.post(
                url, {"name": "Probe", "level": "2", "definition": text, "base_revision": "1"}
            )
            for editor, text in zip(editors, texts, strict=True)
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 302]
    term = GlossaryTerm.objects.get(pk=term.pk)
    saved = term.definition
    refused_page = next(a for a in answers if a.status_code == 200).content.decode()
    # The refused organizer sees the saved text above and still has their own in the form.
    assert saved in refused_page and (set(texts) - {saved}).pop() in refused_page
    assert 'name="base_revision" value="2"' in refused_page
    assert list(term.revisions.values_list("definition", flat=True)) == [saved, "first"]


@pytest.mark.django_db
def test_the_page_and_the_api_refuse_the_same_stale_glossary_edit(client):
    """One rule in term_update: a save from version 1 after version 2 is refused at both doors."""
    from rest_framework.test import APIClient

    term = GlossaryTermFactory(name="Probe", definition="first")
    editor = UserFactory()
    services.term_update(term=term, definition="their newer text", author=editor, version=1)
    client.force_login(editor)
    page = client.post(
        reverse("term_edit", kwargs={"slug": term.slug}),
        {"name": "Probe", "level": "2", "definition": "mine", "version": "1", "base_revision": "2"},
    )
    api = APIClient()
    api.force_authenticate(editor)
    answer = api.patch(
        f"/api/v1/terms/{term.slug}/", {"definition": "mine"}, headers={"If-Match": '"1"'}
    )
    assert page.status_code == 200 and "their newer text" in page.content.decode()
    assert answer.status_code == 412
    term = GlossaryTerm.objects.get(pk=term.pk)
    assert (term.definition, term.version) == ("their newer text", 2)
