"""Glossary pages: lists, backlinks by visibility, editing with history, diffs and reverts."""

import pytest
from django.urls import reverse

from readings import services
from readings.diffs import Piece, revision_diff
from readings.models import GlossaryTerm
from tests.readings.factories import GlossaryTermFactory, NoteFactory
from tests.sessions.factories import (
    MembershipFactory,
    ReflectionFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_glossary_lists_overview_terms_first_and_a_to_z(client):
    GlossaryTermFactory(name="Zebra detail", level=3)
    GlossaryTermFactory(name="Alignment", level=1, aliases=["AI alignment"])
    html = client.get(reverse("term_list")).content.decode()
    assert html.index("Alignment") < html.index("Zebra detail")
    assert 'data-names="alignment|ai alignment"' in html
    az = client.get(reverse("term_list"), {"view": "az"}).content.decode()
    assert az.index(">A</h2>") < az.index(">Z</h2>")


def test_glossary_queries_do_not_grow_with_terms(client, django_assert_max_num_queries):
    def add(count):
        for _ in range(count):
            GlossaryTermFactory(aliases=[f"alias {GlossaryTerm.objects.count()}"])

    add(2)
    with django_assert_max_num_queries(5) as small:
        client.get(reverse("term_list"))
    add(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("term_list"))
    assert response.context["count"] == 22


def test_term_page_backlinks_show_only_what_the_viewer_may_see(client, course_with_roles):
    course, organizer, member, outsider = course_with_roles
    term = GlossaryTermFactory(name="Superposition")
    session = SessionFactory(course=course, title="Interp week")
    ReflectionFactory(
        session=session, author=member, body="Thinking about superposition", visibility="course"
    )
    ReflectionFactory(
        session=SessionFactory(course=course, title="Private week"),
        author=member,
        body="Private superposition musing",
        visibility="private",
    )
    other = GlossaryTermFactory(name="Polysemanticity", definition="Caused by superposition.")
    client.force_login(organizer)
    html = client.get(term.get_absolute_url()).content.decode()
    assert "Interp week" in html and other.name in html and "Private week" not in html
    client.force_login(outsider)
    html = client.get(term.get_absolute_url()).content.decode()
    assert "Interp week" not in html and other.name in html
    client.force_login(member)
    assert "Private week" in client.get(term.get_absolute_url()).content.decode()


def test_editing_a_term_records_history_and_shows_a_diff(client, member):
    term = GlossaryTermFactory(name="Steering", definition="Adding a vector to activations.")
    client.force_login(member)
    edit = reverse("term_edit", kwargs={"slug": term.slug})
    form_html = client.get(edit).content.decode()
    assert 'name="base_revision" value="1"' in form_html
    response = client.post(
        edit,
        {
            "name": "Steering",
            "level": "2",
            "definition": "Adding a chosen vector to the residual stream.",
            "aliases": "activation steering",
            "summary": "More precise",
            "base_revision": "1",
        },
    )
    assert response.status_code == 302
    html = client.get(term.get_absolute_url()).content.decode()
    assert "<del>activations</del>" in html
    assert "<ins> chosen</ins>" in html and "<ins>the residual stream</ins>" in html
    assert "More precise" in html


def test_diff_between_any_two_chosen_revisions(client, member):
    term = GlossaryTermFactory(name="Probe", definition="one")
    services.term_update(term=term, author=member, definition="two")
    services.term_update(term=term, author=member, definition="three")
    response = client.get(term.get_absolute_url(), {"from": "1", "to": "3"})
    assert response.context["diff_from"].number == 1 and response.context["diff_to"].number == 3
    html = response.content.decode()
    assert "<del>one</del>" in html and "<ins>three</ins>" in html
    assert (
        "Choose two revisions"
        in client.get(term.get_absolute_url(), {"from": "9"}).content.decode()
    )


def test_edit_conflict_keeps_the_second_editors_text(client, member):
    term = GlossaryTermFactory(name="Probe", definition="first")
    services.term_update(term=term, author=UserFactory(), definition="someone else's")
    client.force_login(member)
    response = client.post(
        reverse("term_edit", kwargs={"slug": term.slug}),
        {"name": "Probe", "level": "2", "definition": "my careful text", "base_revision": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Someone else saved revision 2" in html
    assert "my careful text" in html and 'name="base_revision" value="2"' in html
    term.refresh_from_db()
    assert term.definition == "someone else's"


def test_term_name_clash_is_a_field_error(client, member):
    GlossaryTermFactory(name="Circuit")
    client.force_login(member)
    response = client.post(
        reverse("term_create"), {"name": "circuit", "level": "2", "definition": "dup"}
    )
    assert "is already a name of" in response.content.decode()
    assert GlossaryTerm.objects.count() == 1


def test_revert_adds_a_revision(client, member):
    term = GlossaryTermFactory(name="Probe", definition="original")
    services.term_update(term=term, author=member, definition="vandalized")
    client.force_login(member)
    client.post(reverse("term_revert", kwargs={"slug": term.slug, "number": 1}))
    term.refresh_from_db()
    assert term.definition == "original" and term.revisions.count() == 3


def test_anonymous_visitors_cannot_edit_or_revert_terms(client):
    term = GlossaryTermFactory(name="Probe", definition="original")
    client.post(
        reverse("term_edit", kwargs={"slug": term.slug}),
        {"name": "X", "level": "1", "definition": "y"},
    )
    client.post(reverse("term_revert", kwargs={"slug": term.slug, "number": 1}))
    term.refresh_from_db()
    assert term.name == "Probe" and term.revisions.count() == 1


def test_term_page_queries_do_not_grow_with_backlinks_and_revisions(
    client, course_with_roles, django_assert_max_num_queries
):
    course, _organizer, member, _outsider = course_with_roles
    term = GlossaryTermFactory(name="Superposition")
    client.force_login(member)

    def add(count):
        for _ in range(count):
            author = MembershipFactory(course=course).user
            ReflectionFactory(
                session=SessionFactory(course=course),
                author=author,
                body="On superposition",
                visibility="course",
            )
            NoteFactory(author=author, body="superposition again", visibility="public")
            services.term_update(term=term, author=author, definition=f"v{term.revisions.count()}")

    add(2)
    client.get(term.get_absolute_url())
    with django_assert_max_num_queries(25) as small:
        client.get(term.get_absolute_url())
    add(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(term.get_absolute_url())
    assert len(response.context["backlinks"]["reflections"]) == 12


def test_a_link_made_from_the_other_term_is_its_own_revision_not_part_of_a_later_edit(
    client, member
):
    """Related terms are mutual: linking Superposition from Polysemanticity changes both. The
    next definition-only edit of Superposition must show the definition changed, nothing else,
    and related terms by their names."""
    superposition = services.term_create(
        name="Superposition", definition="Many features, few dimensions.", author=member
    )
    services.term_create(
        name="Polysemanticity",
        definition="One neuron, many features.",
        author=member,
        related=[superposition],
    )
    history = list(superposition.revisions.order_by("number").values_list("summary", flat=True))
    assert history == ["Created", "Linked from “Polysemanticity”"]
    services.term_update(
        term=superposition, author=member, definition="Many sparse features, few dimensions."
    )
    client.force_login(member)
    page = client.get(superposition.get_absolute_url()).content.decode()
    diff = page[page.index('class="diff') :]
    assert "<ins> sparse</ins>" in diff or "<ins>sparse </ins>" in diff
    assert "<ins>Polysemanticity</ins>" not in diff and "<ins>polysemanticity</ins>" not in diff

    older, newer = superposition.revisions.order_by("number")[:2]
    fields = {field.label: field for field in revision_diff(older, newer)}
    assert fields["Related terms"].pieces == [Piece("added", "Polysemanticity")]
