"""Reads by meaning return only what the reader may see, by the index or by exact search."""

import pytest
from django.contrib.auth.models import AnonymousUser

from meaning import index, selectors, services
from meaning.models import Embedding
from tests.sessions.factories import MembershipFactory, ReflectionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedding_model")]

SECRET = "My private worry: polysemantic neurons fire for many unrelated concepts at once."
QUERY = "why does one neuron respond to several unrelated things"


@pytest.fixture(params=["exact", "index"])
def path(request, settings):
    """Exact search over the stored vectors (a small site, SQLite), or the index file."""
    if request.param == "index":
        settings.MEANING_EXACT_SEARCH_MAX = 0
    return request.param


def _embed_everything(path):
    services.backfill()
    if path == "index":
        assert services.refresh_index(force=True)
        assert index.loaded() is not None
    else:
        assert index.loaded() is None


@pytest.fixture
def private_reflection(roles):
    session, organizer, member, _outsider = roles
    private = ReflectionFactory(author=member, session=session, body=SECRET, visibility="private")
    shared = ReflectionFactory(
        author=organizer,
        session=session,
        body="Superposition lets a layer hold more features than it has neurons.",
        visibility="course",
    )
    return private, shared


def _readers(roles):
    _session, organizer, member, outsider = roles
    other_member = MembershipFactory(course=member.memberships.first().course).user
    return {
        "author": member,
        "organizer": organizer,
        "other member": other_member,
        "outsider": outsider,
        "anonymous": AnonymousUser(),
    }


def test_a_private_reflection_is_found_related_or_similar_for_its_author_only(
    roles, private_reflection, path
):
    private, shared = private_reflection
    readers = _readers(roles)
    _embed_everything(path)
    for name, reader in readers.items():
        found = {(m.kind, m.id) for m in selectors.search_by_meaning(user=reader, query=QUERY)}
        related = {
            (m.kind, m.id)
            for m in selectors.related_to(
                user=reader, kind="reflection", object_id=shared.pk, limit=20
            )
        }
        similar = {
            (m.kind, m.id) for m in selectors.similar_reflections(user=reader, reflection=shared)
        }
        is_author = name == "author"
        for what, results in (("found", found), ("related", related), ("similar", similar)):
            assert (("reflection", private.pk) in results) is is_author, (name, what, path)


def test_a_row_saved_after_the_index_was_built_is_found_and_still_filtered(
    roles, private_reflection, settings
):
    settings.MEANING_EXACT_SEARCH_MAX = 0
    _session, organizer, member, outsider = roles
    _embed_everything("index")
    later = ReflectionFactory(
        author=outsider, body="Neurons that answer to many unrelated inputs.", visibility="private"
    )
    services.embed_items([("reflection", later.pk)])
    assert Embedding.objects.filter(object_id=later.pk, updated_at__gt=index.loaded().watermark)
    for reader, expected in ((outsider, True), (member, False), (organizer, False)):
        found = {(m.kind, m.id) for m in selectors.search_by_meaning(user=reader, query=QUERY)}
        assert (("reflection", later.pk) in found) is expected


def test_a_page_of_visible_results_fills_past_many_nearer_hidden_ones(session_factory, path):
    session = session_factory(course__visibility="public")
    for _ in range(40):
        ReflectionFactory(session=session, body=SECRET, visibility="private")
    visible = ReflectionFactory(
        session=session,
        # Less near the query than the hidden ones (0.31 against 0.55): found only past them.
        body="Units in image networks sometimes mix several concepts.",
        visibility="public",
    )
    _embed_everything(path)
    reader = UserFactory()
    found = selectors.search_by_meaning(user=reader, query=QUERY, kinds=("reflection",), limit=1)
    assert [(m.kind, m.id) for m in found] == [("reflection", visible.pk)]


def test_the_development_setup_searches_exactly_without_an_index(reading_factory, member):
    reading = reading_factory(
        title="Toy Models of Superposition",
        summary="Small networks store more features than dimensions by overlapping them.",
    )
    reading_factory(title="A recipe book", summary="Bread, soup and cakes for a family.")
    services.backfill()
    assert index.loaded() is None and not services.refresh_index()
    found = selectors.search_by_meaning(user=member, query="packing many concepts into few units")
    assert found[0] == selectors.Match("reading", reading.pk, found[0].score)
