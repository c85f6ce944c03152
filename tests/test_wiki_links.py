"""Wiki-links beyond glossary terms: readings by title, sessions, missing terms that offer to be
added, what a link may reveal, and how stored HTML follows when the targets change."""

from html.parser import HTMLParser

import pytest

from readings import services as reading_services
from readings.models import Note
from sessions import services as session_services
from tests.readings.factories import GlossaryTermFactory, ReadingFactory
from tests.sessions.factories import CourseFactory, SessionFactory, UserFactory
from tracker.markdown import ALLOWED_TAGS, render_markdown

pytestmark = pytest.mark.django_db


def public_note(body: str, **target) -> Note:
    """A note everyone may read, saved through the service as the site saves it."""
    target = target or {"reading": ReadingFactory()}
    return reading_services.note_save(
        author=UserFactory(), body=body, visibility="public", **target
    )


@pytest.fixture
def course_with_sessions():
    course = CourseFactory(slug="interp", visibility="members")
    for number in (1, 2, 3):
        SessionFactory(course=course, number=number, title=f"Secret topic {number}")
    return course


# Readings


def test_reading_title_links_to_the_reading_in_any_case():
    reading = ReadingFactory(slug="toy-models", title="Toy Models of Superposition")
    html = render_markdown("See [[toy models of superposition]].")
    assert (
        '<a href="/readings/toy-models/" class="reading-link">toy models of superposition</a>'
        in html
    )
    assert reading.title not in html  # the text as typed, not the stored title


def test_reading_title_with_shown_text_after_a_bar():
    ReadingFactory(slug="zoom-in", title="Zoom In")
    html = render_markdown("[[Zoom In|the circuits paper]]")
    assert '<a href="/readings/zoom-in/" class="reading-link">the circuits paper</a>' in html


def test_a_term_wins_over_a_reading_of_the_same_name():
    GlossaryTermFactory(name="Attention")
    ReadingFactory(slug="attention-paper", title="Attention")
    html = render_markdown("[[attention]]")
    assert 'href="/glossary/attention/"' in html
    assert "/readings/attention-paper/" not in html


# Sessions


def test_session_number_links_within_the_course_the_reflection_belongs_to(
    course_with_sessions,
):
    session = course_with_sessions.sessions.get(number=1)
    reflection = session_services.reflection_save(
        author=UserFactory(),
        session=session,
        body="Before [[Session 3]], reread [[session 2|the second one]].",
        visibility="course",
    )
    html = reflection.body_html
    assert '<a href="/courses/interp/sessions/3/" class="session-link">Session 3</a>' in html
    assert '<a href="/courses/interp/sessions/2/" class="session-link">the second one</a>' in html


def test_session_note_and_abstract_link_sessions_of_their_course(course_with_sessions):
    first = course_with_sessions.sessions.get(number=1)
    note = public_note("Continued in [[Session 2]].", session=first)
    assert 'href="/courses/interp/sessions/2/"' in note.body_html
    session_services.session_update(session=first, abstract="Then [[session 3]].")
    first.refresh_from_db()
    assert 'href="/courses/interp/sessions/3/"' in first.abstract_html


def test_a_session_of_a_public_course_links_from_anywhere():
    course = CourseFactory(slug="open-course", visibility="public")
    SessionFactory(course=course, number=4)
    note = public_note("Covered in [[open-course/4]].")
    assert (
        '<a href="/courses/open-course/sessions/4/" class="session-link">open-course/4</a>'
        in note.body_html
    )


def test_a_members_only_session_is_plain_text_where_others_may_read(course_with_sessions):
    """A public note, read by anyone, neither links to a members-only course's session nor
    tells one that exists from one that does not."""
    note = public_note("See [[interp/2]] and [[interp/9]].")
    assert note.body_html == "<p>See interp/2 and interp/9.</p>"
    other_course = CourseFactory(visibility="members")
    reflection = session_services.reflection_save(
        author=UserFactory(),
        session=SessionFactory(course=other_course),
        body="As in [[interp/2]].",
        visibility="course",
    )
    assert reflection.body_html == "<p>As in interp/2.</p>"
    assert "Secret topic" not in note.body_html + reflection.body_html


def test_session_number_outside_a_course_is_plain_text(course_with_sessions):
    note = public_note("[[Session 2]] of what?")
    assert note.body_html == "<p>Session 2 of what?</p>"


# Missing terms


def test_missing_term_links_to_the_new_term_form_with_its_name():
    html = render_markdown("[[Missing  term]] and [[Missing term|shown]]")
    assert (
        '<a href="/glossary/new/?name=Missing+term" class="wiki-link missing" rel="nofollow" '
        'title="No glossary term of this name yet: add it">Missing  term</a>'
    ) in html
    assert html.count('href="/glossary/new/?name=Missing+term"') == 2


def test_new_term_form_is_filled_in_from_the_missing_link(client):
    client.force_login(UserFactory())
    response = client.get("/glossary/new/?name=Missing+term")
    assert response.status_code == 200
    assert 'value="Missing term"' in response.content.decode()


def test_visitor_following_a_missing_link_is_asked_to_sign_in_first(client):
    response = client.get("/glossary/new/?name=Missing+term")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/glossary/new/%3Fname%3DMissing")


def test_adding_the_missing_term_links_the_texts_that_named_it(client):
    note = public_note("We need [[Missing term]] here.")
    client.force_login(UserFactory())
    response = client.post(
        "/glossary/new/", {"name": "Missing term", "level": 2, "definition": "Now defined."}
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert '<a href="/glossary/missing-term/" class="term-link">Missing term</a>' in note.body_html
    assert "wiki-link missing" not in note.body_html


def test_deleting_a_term_turns_its_links_back_into_missing_ones():
    term = GlossaryTermFactory(name="Grokking")
    note = public_note("About [[Grokking]].")
    reading_services.term_delete(term=term)
    note.refresh_from_db()
    assert 'href="/glossary/new/?name=Grokking"' in note.body_html


# Stored HTML follows its targets


def test_adding_a_reading_links_earlier_mentions_of_its_title():
    note = public_note("Read [[Scaling Monosemanticity]].")
    assert "wiki-link missing" in note.body_html
    reading_services.reading_create(title="Scaling monosemanticity", slug="scaling")
    note.refresh_from_db()
    assert 'href="/readings/scaling/" class="reading-link"' in note.body_html


def test_renaming_a_reading_unlinks_its_old_title_and_links_the_new():
    reading = reading_services.reading_create(title="Old name", slug="renamed")
    old = public_note("[[Old name]]")
    new = public_note("[[New name]]")
    reading_services.reading_update(reading=reading, title="New name")
    old.refresh_from_db()
    new.refresh_from_db()
    assert "/readings/renamed/" not in old.body_html and "wiki-link missing" in old.body_html
    assert 'href="/readings/renamed/"' in new.body_html


def test_a_new_session_links_earlier_mentions_in_its_course(course_with_sessions):
    reflection = session_services.reflection_save(
        author=UserFactory(),
        session=course_with_sessions.sessions.get(number=3),
        body="Next: [[Session 4]].",
        visibility="private",
    )
    assert "session-link" not in reflection.body_html
    session = course_with_sessions.sessions.get(number=3)
    session_services.session_create(
        course=course_with_sessions,
        title="Four",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
    )
    reflection.refresh_from_db()
    assert 'href="/courses/interp/sessions/4/"' in reflection.body_html


def test_deleting_a_session_turns_links_to_it_into_plain_text(course_with_sessions):
    first, second = course_with_sessions.sessions.filter(number__in=[1, 2]).order_by("number")
    note = public_note("Then [[Session 2]].", session=first)
    assert "session-link" in note.body_html
    session_services.session_delete(session=second)
    note.refresh_from_db()
    assert note.body_html == "<p>Then Session 2.</p>"


def test_a_course_turning_members_only_unlinks_its_sessions_elsewhere():
    course = CourseFactory(slug="was-open", visibility="public")
    SessionFactory(course=course, number=1)
    note = public_note("[[was-open/1]]")
    assert "session-link" in note.body_html
    session_services.course_update(course=course, visibility="members")
    note.refresh_from_db()
    assert note.body_html == "<p>was-open/1</p>"
    session_services.course_update(course=course, visibility="public")
    note.refresh_from_db()
    assert "session-link" in note.body_html


# Safety and cost


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


@pytest.mark.parametrize(
    "source",
    [
        "[[<script>alert(1)</script>]]",
        "[[<script>]]",
        '[[x" onmouseover="alert(1)]]',
        "[[x' onmouseover='alert(1)]]",
        '[[x" onmouseover="alert(1)|y" onfocus="alert(1)]]',
        "[[Session 1|<img src=x onerror=alert(1)>]]",
        "[[interp/1|<b onmouseover=alert(1)>x</b>]]",
        "[[javascript:alert(1)]]",
        '[[reading:x" onclick="alert(1)]]',
    ],
)
def test_wiki_link_text_cannot_add_markup(source, course_with_sessions):
    html = render_markdown(source, course_slug="interp")
    parser = _Elements()
    parser.feed(html)
    for tag, attributes in parser.elements:
        assert tag in ALLOWED_TAGS | {"span"}, html
        assert not any(name.startswith("on") for name in attributes), html
        assert not attributes.get("src", "x").startswith("javascript"), html
        if tag == "a":
            assert set(attributes) <= {"href", "class", "title", "rel"}, html
            assert attributes["href"].startswith("/"), html


@pytest.mark.parametrize("copies", [1, 20])
def test_a_render_costs_one_query_however_many_links(
    copies, course_with_sessions, django_assert_num_queries
):
    GlossaryTermFactory(name="Superposition")
    ReadingFactory(slug="zoom-in", title="Zoom In")
    source = " ".join(
        f"[[Superposition]] [[Zoom In]] [[reading:zoom-in]] [[Session {1 + n % 3}]] "
        f"[[interp/{n}]] [[Missing {n}]]"
        for n in range(copies)
    )
    with django_assert_num_queries(1):
        html = render_markdown(source, course_slug="interp")
    assert 'href="/courses/interp/sessions/1/"' in html and 'href="/readings/zoom-in/"' in html
