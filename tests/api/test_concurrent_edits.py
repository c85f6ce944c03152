"""Two writes to the same reflection, note or term at the same moment, from real threads on
their own connections: both take effect, or one is refused with 412; never a 200 whose change
was dropped. Then the version a client sends (ETag / If-Match, or `version` in the body)."""

import pytest
from rest_framework.test import APIClient

from sessions.models import Reflection
from tests.concurrent import run_at_once
from tests.readings.factories import GlossaryTermFactory, NoteFactory
from tests.sessions.factories import ReflectionFactory, UserFactory
from tracker import services

ROUNDS = 5


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {services.api_token_for(user).key}")
    return client


def patch_at_once(user, url: str, *bodies: dict, headers: dict | None = None) -> list:
    """Each body PATCHed by its own client in its own thread, all at the same moment."""
    clients = [client_for(user) for _ in bodies]
    calls = [
        lambda c=c, b=b: c.patch(url, b, format="json", headers=headers or {})
        for c, b in zip(clients, bodies, strict=True)
    ]
    return run_at_once(*calls)


@pytest.mark.parametrize(
    ("factory", "path"), [(ReflectionFactory, "reflections"), (NoteFactory, "notes")]
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_visibility_and_body_patches_both_take_effect(factory, path):
    document = factory(visibility="public")
    url = f"/api/v1/{path}/{document.pk}/"
    for round_number in range(ROUNDS):
        type(document).objects.filter(pk=document.pk).update(visibility="public")
        body = f"Rewritten, round {round_number}"
        private, rewritten = patch_at_once(
            document.author, url, {"visibility": "private"}, {"body": body}
        )
        assert private.status_code == rewritten.status_code == 200
        document.refresh_from_db()
        # "Make private" answered 200, so it must be private, whatever came second.
        assert (document.visibility, document.body) == ("private", body)
        assert body in document.body_html


@pytest.mark.django_db(transaction=True)
def test_concurrent_name_and_definition_patches_of_a_term_both_take_effect():
    editor = UserFactory()
    term = GlossaryTermFactory(name="Probe", definition="first")
    url = f"/api/v1/terms/{term.slug}/"
    for round_number in range(ROUNDS):
        name, definition = f"Probe {round_number}", f"Definition {round_number}"
        renamed, defined = patch_at_once(editor, url, {"name": name}, {"definition": definition})
        assert renamed.status_code == defined.status_code == 200
        term.refresh_from_db()
        assert (term.name, term.definition) == (name, definition)
        latest = term.revisions.order_by("-number").first()
        assert (latest.name, latest.definition) == (name, definition)


@pytest.mark.django_db(transaction=True)
def test_two_patches_from_the_same_version_one_applies_and_the_other_is_refused():
    reflection = ReflectionFactory(visibility="public", body="original")
    url = f"/api/v1/reflections/{reflection.pk}/"
    for _ in range(ROUNDS):
        reflection.refresh_from_db()
        started_from = {"If-Match": f'"{reflection.version}"'}
        answers = patch_at_once(
            reflection.author, url, {"body": "mine"}, {"body": "theirs"}, headers=started_from
        )
        codes = sorted(a.status_code for a in answers)
        assert codes == [200, 412], [a.content for a in answers]
        applied = next(a for a in answers if a.status_code == 200).json()
        refused = next(a for a in answers if a.status_code == 412).json()
        reflection.refresh_from_db()
        assert reflection.body == applied["body"]
        # The refused client is shown what the other saved, to merge from.
        assert refused["current"]["body"] == applied["body"]
        assert refused["current"]["version"] == applied["version"] == reflection.version


@pytest.mark.django_db(transaction=True)
def test_concurrent_term_saves_from_the_same_version_never_both_succeed():
    editor = UserFactory()
    term = GlossaryTermFactory(name="Probe", definition="first")
    url = f"/api/v1/terms/{term.slug}/"
    first, second = patch_at_once(
        editor,
        url,
        {"definition": "mine", "version": term.version},
        {"definition": "theirs", "version": term.version},
    )
    assert sorted([first.status_code, second.status_code]) == [200, 412]
    term.refresh_from_db()
    winner = first if first.status_code == 200 else second
    assert term.definition == winner.json()["definition"]
    assert term.revisions.count() == 2  # created, then the one save that succeeded


# The version a client sends, one request at a time.


@pytest.mark.django_db
def test_reads_and_writes_carry_the_version_as_an_etag():
    reflection = ReflectionFactory()
    client = client_for(reflection.author)
    read = client.get(f"/api/v1/reflections/{reflection.pk}/")
    assert read.json()["version"] == 1 and read["ETag"] == '"1"'
    written = client.patch(
        f"/api/v1/reflections/{reflection.pk}/", {"body": "new"}, headers={"If-Match": '"1"'}
    )
    assert written.status_code == 200
    assert written.json()["version"] == 2 and written["ETag"] == '"2"'


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["reflection", "note", "term"])
def test_a_stale_if_match_answers_412_with_the_current_object_and_stores_nothing(kind):
    author = UserFactory()
    if kind == "reflection":
        thing = ReflectionFactory(author=author, body="saved text")
        url, field = f"/api/v1/reflections/{thing.pk}/", "body"
    elif kind == "note":
        thing = NoteFactory(author=author, body="saved text")
        url, field = f"/api/v1/notes/{thing.pk}/", "body"
    else:
        thing = GlossaryTermFactory(definition="saved text")
        url, field = f"/api/v1/terms/{thing.slug}/", "definition"
    client = client_for(author)
    assert client.patch(url, {field: "second save"}).status_code == 200  # now version 2
    stale = client.patch(url, {field: "from version 1"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale["ETag"] == '"2"'
    assert stale.json()["current"][field] == "second save"
    assert stale.json()["current"]["version"] == 2
    thing.refresh_from_db()
    assert getattr(thing, field) == "second save" and thing.version == 2


@pytest.mark.django_db
def test_a_stale_version_in_the_body_answers_412_and_a_current_one_saves():
    note = NoteFactory(body="one")
    client = client_for(note.author)
    url = f"/api/v1/notes/{note.pk}/"
    assert client.patch(url, {"body": "two", "version": 1}).status_code == 200
    assert client.patch(url, {"body": "three", "version": 1}).status_code == 412
    assert client.patch(url, {"body": "three", "version": 2}).json()["version"] == 3


@pytest.mark.django_db
def test_if_match_star_or_weak_tag_is_accepted_and_a_malformed_one_is_a_400():
    note = NoteFactory()
    client = client_for(note.author)
    url = f"/api/v1/notes/{note.pk}/"
    assert client.patch(url, {"body": "a"}, headers={"If-Match": "*"}).status_code == 200
    assert client.patch(url, {"body": "b"}, headers={"If-Match": 'W/"2"'}).status_code == 200
    malformed = client.patch(url, {"body": "c"}, headers={"If-Match": "three"})
    assert malformed.status_code == 400 and "If-Match" in malformed.json()
    note.refresh_from_db()
    assert note.body == "b"


@pytest.mark.django_db
def test_a_patch_without_if_match_changes_only_the_fields_it_sends():
    reflection = ReflectionFactory(visibility="course", body="kept")
    client = client_for(reflection.author)
    url = f"/api/v1/reflections/{reflection.pk}/"
    # Another request changes the body after this one would have loaded the reflection.
    Reflection.objects.filter(pk=reflection.pk).update(body="changed meanwhile")
    assert client.patch(url, {"visibility": "private"}).status_code == 200
    reflection.refresh_from_db()
    assert (reflection.visibility, reflection.body) == ("private", "changed meanwhile")


@pytest.mark.django_db
def test_a_new_note_cannot_be_given_a_version():
    note = NoteFactory()
    answer = client_for(note.author).post(
        "/api/v1/notes/", {"body": "x", "reading": note.reading.slug, "version": 3}, format="json"
    )
    assert answer.status_code == 400 and "version" in answer.json()


@pytest.mark.django_db
def test_the_schema_documents_if_match_etag_and_412(api):
    schema = api.get("/api/schema/?format=json").json()
    patch = schema["paths"]["/api/v1/reflections/{id}/"]["patch"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
    assert "412" in patch["responses"] and "ETag" in patch["responses"]["200"]["headers"]
    read = schema["paths"]["/api/v1/terms/{slug}/"]["get"]
    assert "ETag" in read["responses"]["200"]["headers"]
    assert "version" in schema["components"]["schemas"]["Note"]["properties"]
