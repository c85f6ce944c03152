"""The pages' lists by meaning: related readings, reflections and notes about a reading,
passages about a term in other words, similar reflections, terms to link from a draft."""

import pytest
from django.urls import reverse

from meaning import embedder, services
from tests.readings.factories import GlossaryTermFactory, NoteFactory, ReadingFactory
from tests.sessions.factories import MembershipFactory, ReflectionFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def index_folder(settings, tmp_path):
    settings.MEANING_INDEX_DIR = tmp_path / "meaning"
    embedder.model()


def test_a_reading_page_lists_related_readings_and_the_notes_the_viewer_may_see(client, member):
    reading = ReadingFactory(
        title="Toy Models of Superposition",
        summary="Networks store more features than they have neurons.",
    )
    related = ReadingFactory(
        title="Polysemantic neurons", summary="One neuron responds to many unrelated features."
    )
    mine = NoteFactory(
        author=member, reading=reading, body="**Features** overlap in few [[neurons]]."
    )
    theirs = NoteFactory(reading=reading, body="Features overlap in neurons, privately.")
    services.backfill()
    client.force_login(member)
    page = client.get(reading.get_absolute_url()).content.decode()
    assert "Related readings" in page and related.get_absolute_url() in page
    assert f"#note-{mine.pk}" in page
    assert "Features overlap in few neurons." in page  # its words, without the markdown
    assert f"#note-{theirs.pk}" not in page


def test_a_term_page_lists_passages_that_discuss_it_without_naming_it(client, member):
    term = GlossaryTermFactory(
        name="Superposition",
        definition="A network representing more features than it has dimensions.",
    )
    unnamed = NoteFactory(
        author=member,
        body="This model packs far more features than it has dimensions to hold them.",
        visibility="public",
    )
    named = NoteFactory(
        author=member,
        body="Superposition packs more features than dimensions.",
        visibility="public",
    )
    services.backfill()
    page = client.get(term.get_absolute_url()).content.decode()
    assert "Passages about it in other words" in page
    assert f"#note-{unnamed.pk}" in page
    assert f"#note-{named.pk}" not in page


def test_the_reflection_page_shows_similar_reflections_of_the_course_only(client, roles):
    session, organizer, member, _outsider = roles
    mine = ReflectionFactory(
        author=member, session=session, body="Induction heads copy earlier tokens."
    )
    similar = ReflectionFactory(
        author=organizer,
        session=SessionFactory(course=session.course),
        body="Attention heads that copy previous tokens form induction circuits.",
        visibility="course",
    )
    elsewhere = ReflectionFactory(
        body="Induction heads copy tokens seen earlier in the text.", visibility="public"
    )
    MembershipFactory(course=elsewhere.session.course, user=member)
    services.backfill()
    client.force_login(member)
    url = reverse("reflection_edit", kwargs={"slug": session.course.slug, "number": session.number})
    page = client.get(url).content.decode()
    assert f"#reflection-{similar.pk}" in page
    assert f"#reflection-{elsewhere.pk}" not in page
    assert f"#reflection-{mine.pk}" not in page  # not similar to itself


def test_writing_a_reflection_suggests_terms_it_does_not_link_yet(client, member):
    term = GlossaryTermFactory(
        name="Activation steering",
        definition="Adding a direction to activations to change behaviour.",
    )
    GlossaryTermFactory(name="Tokenizer", definition="Splits text into tokens.")
    services.backfill()
    client.force_login(member)
    draft = "We changed what the model says by adding a vector to its hidden states."
    fragment = client.post(reverse("terms_to_link"), {"body": draft}).content.decode()
    assert f"[[{term.name}]]" in fragment
    linked = client.post(reverse("terms_to_link"), {"body": f"{draft} [[{term.name}]]"})
    assert f"[[{term.name}]]" not in linked.content.decode()
    assert client.get(reverse("terms_to_link")).status_code == 405
    client.logout()
    assert client.post(reverse("terms_to_link"), {"body": draft}).status_code == 302
