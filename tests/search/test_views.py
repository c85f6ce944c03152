import pytest

from readings.models import Note
from tests.readings.factories import NoteFactory, ReadingFactory
from tests.sessions.factories import CourseFactory, ReflectionFactory, SessionFactory, UserFactory
from tracker.search.selectors import COUNT_LIMIT

pytestmark = pytest.mark.django_db


def test_results_page_groups_matches_by_kind(client):
    ReadingFactory(title="Scaling monosemanticity")
    NoteFactory(body="Monosemanticity is the goal.", visibility="public")
    html = client.get("/search/", {"q": "monosemanticity"}).content.decode()
    assert '<h2 id="search-group-reading">Readings <small>(1)</small></h2>' in html
    assert '<h2 id="search-group-note">Notes <small>(1)</small></h2>' in html
    assert html.index("search-group-reading") < html.index("search-group-note")
    assert "<mark>Monosemanticity</mark>" in html


def test_results_page_hides_others_private_reflections(client):
    course = CourseFactory(visibility="public")
    session = SessionFactory(course=course)
    ReflectionFactory(session=session, visibility="private", body="hiddenthought")
    client.force_login(UserFactory(username="viewer"))
    html = client.get("/search/", {"q": "hiddenthought"}).content.decode()
    assert "hiddenthought" in html  # echoed in the box and the empty message...
    assert "search-result" not in html  # ...but no result
    assert "Nothing you may see matches" in html


def test_snippet_markup_is_escaped_on_the_page(client):
    NoteFactory(body="<img src=x onerror=alert(1)> gradients", visibility="public")
    html = client.get("/search/", {"q": "gradients"}).content.decode()
    # PostgreSQL's ts_headline drops tag-like text, the fallback escapes it; neither renders it.
    assert "<img" not in html
    assert "<mark>gradients</mark></p>" in html


def test_kind_links_filter_and_pages_link_onward(client):
    for n in range(25):
        NoteFactory(body=f"Saliency map {n}", visibility="public")
    html = client.get("/search/", {"q": "saliency", "type": "note"}).content.decode()
    assert 'href="?q=saliency&amp;type=note"' in html
    assert html.count('class="search-result"') == 20
    assert 'href="?q=saliency&amp;type=note&amp;page=2" rel="next"' in html


def test_bad_page_number_is_a_400_with_the_form_error(client):
    response = client.get("/search/", {"q": "x", "page": "0"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_empty_search_shows_just_the_box(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode()


def test_results_page_marks_a_count_past_the_limit(client):
    author, reading = UserFactory(), ReadingFactory()
    Note.objects.bulk_create(
        Note(author=author, reading=reading, body=f"Lottery ticket {n}", visibility="public")
        for n in range(COUNT_LIMIT + 1)
    )
    html = client.get("/search/", {"q": "lottery"}).content.decode()
    assert f"Notes ({COUNT_LIMIT}+)" in html and f"All ({COUNT_LIMIT}+)" in html
    assert f'<h2 id="search-group-note">Notes <small>({COUNT_LIMIT}+)</small></h2>' in html
    assert f"the best of the first {COUNT_LIMIT} found" in html


def test_search_page_has_one_search_box_not_the_headers_as_well(client):
    html = client.get("/search/", {"q": "anything"}).content.decode()
    assert html.count('role="search"') == 1
    assert html.count('role="search"', html.index("<main")) == 1
    # Every other page keeps the header's box.
    assert client.get("/courses/").content.decode().count('role="search"') == 1
