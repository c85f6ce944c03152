"""Library and reading pages: filters, one-click status, highlights, notes, adding readings."""

import pytest
from django.urls import reverse

from readings import services
from readings.models import Highlight, Note, Reading, ReadingStatus
from sessions import services as session_services
from tests.readings.factories import (
    HighlightFactory,
    NoteFactory,
    ReadingFactory,
)
from tests.sessions.factories import (
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# Library


def titles_in(response) -> list[str]:
    return [r.title for r in response.context["page"].object_list]


def test_library_filters_by_kind_tag_year_and_my_status(client, member):
    paper = services.reading_create(title="A paper", kind="paper", year=2020, tags=["circuits"])
    video = services.reading_create(title="A video", kind="video", year=2023, tags=["vision"])
    services.reading_status_set(user=member, reading=video, status="reading")
    client.force_login(member)
    url = reverse("reading_list")
    assert titles_in(client.get(url, {"kind": "video"})) == ["A video"]
    assert titles_in(client.get(url, {"tag": "circuits"})) == ["A paper"]
    assert titles_in(client.get(url, {"year": "2020"})) == ["A paper"]
    assert titles_in(client.get(url, {"status": "reading"})) == ["A video"]
    assert titles_in(client.get(url, {"status": "none"})) == ["A paper"]
    assert titles_in(client.get(url, {"sort": "year"})) == ["A video", "A paper"]
    assert paper.title in client.get(url, {"tag": "no-such-tag"}).content.decode()


def test_library_course_filter_only_offers_and_uses_visible_courses(client, course_with_roles):
    course, _organizer, member, outsider = course_with_roles
    reading = services.reading_create(title="Cohort reading")
    services.reading_create(title="Unattached reading")
    session = SessionFactory(course=course)
    session_services.session_update(session=session, readings=[{"reading": reading}])
    client.force_login(member)
    response = client.get(reverse("reading_list"), {"course": course.slug})
    assert titles_in(response) == ["Cohort reading"]
    client.force_login(outsider)
    response = client.get(reverse("reading_list"), {"course": course.slug})
    assert course.title not in response.content.decode()
    assert "Cohort reading" in titles_in(response)  # the bad filter is dropped, not fatal


def test_library_queries_do_not_grow_with_readings(client, member, django_assert_max_num_queries):
    client.force_login(member)

    def add(count):
        for _ in range(count):
            reading = services.reading_create(
                title="Some paper",
                authors=[("Ada", "Lovelace"), ("Alan", "Turing")],
                tags=["x", "y"],
            )
            services.reading_status_set(user=member, reading=reading, status="read")

    add(2)
    client.get(reverse("reading_list"))
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("reading_list"))
    add(25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("reading_list"))
    assert len(response.context["page"].object_list) == 27


def test_status_changes_with_one_htmx_click(client, member):
    reading = ReadingFactory()
    client.force_login(member)
    response = client.post(
        reverse("reading_status_set", kwargs={"slug": reading.slug}),
        {"status": "read"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'value="read" class="chip" aria-pressed="true"' in html
    record = ReadingStatus.objects.get(user=member, reading=reading)
    assert record.status == "read" and record.finished_at is not None


def test_status_change_without_javascript_returns_to_the_page(client, member):
    reading = ReadingFactory()
    client.force_login(member)
    response = client.post(
        reverse("reading_status_set", kwargs={"slug": reading.slug}),
        {"status": "to_read", "next": "/readings/?kind=paper"},
    )
    assert response.status_code == 302 and response.url == "/readings/?kind=paper"
    evil = client.post(
        reverse("reading_status_set", kwargs={"slug": reading.slug}),
        {"status": "to_read", "next": "https://evil.example/"},
    )
    assert evil.url == reading.get_absolute_url()


def test_buttons_swapped_in_by_htmx_return_to_the_page_not_to_their_own_url(client, member):
    reading = ReadingFactory()
    client.force_login(member)
    url = reverse("reading_status_set", kwargs={"slug": reading.slug})
    swapped = client.post(
        url, {"status": "read", "next": "/readings/?kind=paper"}, headers={"HX-Request": "true"}
    )
    html = swapped.content.decode()
    assert 'name="next" value="/readings/?kind=paper"' in html
    assert f'value="{url}"' not in html


def test_signed_out_status_click_gets_a_sign_in_fragment(client):
    reading = ReadingFactory()
    response = client.post(
        reverse("reading_status_set", kwargs={"slug": reading.slug}),
        {"status": "read"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403 and "Sign in again" in response.content.decode()
    assert not ReadingStatus.objects.exists()


def test_bad_status_is_refused(client, member):
    reading = ReadingFactory()
    client.force_login(member)
    response = client.post(
        reverse("reading_status_set", kwargs={"slug": reading.slug}), {"status": "devoured"}
    )
    assert response.status_code == 400 and not ReadingStatus.objects.exists()


# Reading page


def test_reading_page_shows_identifiers_as_links(client):
    reading = services.reading_create(
        title="Attention", arxiv_id="1706.03762", doi="10.23915/distill.00007"
    )
    html = client.get(reading.get_absolute_url()).content.decode()
    assert 'href="https://arxiv.org/abs/1706.03762"' in html
    assert 'href="https://doi.org/10.23915/distill.00007"' in html


def test_private_highlights_show_only_to_their_author(client, member):
    reading = ReadingFactory(url="https://distill.pub/2020/circuits/zoom-in/")
    mine = HighlightFactory(reading=reading, author=member, phrase="curve detectors")
    public = HighlightFactory(reading=reading, phrase="universality", visibility="public")
    private = HighlightFactory(reading=reading, phrase="a hidden thought")
    client.force_login(member)
    html = client.get(reading.get_absolute_url()).content.decode()
    assert mine.deep_link in html and "#:~:text=curve%20detectors" in html
    assert public.phrase in html and private.phrase not in html
    client.logout()
    assert mine.phrase not in client.get(reading.get_absolute_url()).content.decode()


def test_reading_page_lists_only_sessions_the_viewer_may_see(client, course_with_roles):
    course, _organizer, member, outsider = course_with_roles
    reading = ReadingFactory()
    session = SessionFactory(course=course, title="Members only session")
    session_services.session_update(
        session=session, readings=[{"reading": reading, "role": "required"}]
    )
    client.force_login(member)
    assert session.title in client.get(reading.get_absolute_url()).content.decode()
    client.force_login(outsider)
    assert session.title not in client.get(reading.get_absolute_url()).content.decode()


def test_notes_on_a_reading_respect_visibility(client, member):
    reading = ReadingFactory()
    NoteFactory(reading=reading, author=member, body="my own note", visibility="private")
    NoteFactory(reading=reading, body="someone else's private note", visibility="private")
    NoteFactory(reading=reading, body="a public note", visibility="public")
    client.force_login(member)
    html = client.get(reading.get_absolute_url()).content.decode()
    assert "my own note" in html and "a public note" in html
    assert "someone else&#x27;s private note" not in html and "someone else's private" not in html


def test_member_adds_a_highlight_and_a_note(client, member):
    reading = ReadingFactory()
    client.force_login(member)
    client.post(
        reverse("highlight_add", kwargs={"slug": reading.slug}),
        {"phrase": "  the exact   words ", "comment": "*why*", "visibility": "public"},
    )
    client.post(
        reverse("note_add", kwargs={"kind": "reading", "slug": reading.slug}),
        {"note-body": "Worth rereading", "note-visibility": "private"},
    )
    assert Highlight.objects.get().phrase == "the exact words"
    assert Note.objects.get(reading=reading).body == "Worth rereading"


def test_note_with_course_visibility_off_a_session_is_refused_with_the_text_kept(client, member):
    reading = ReadingFactory()
    client.force_login(member)
    response = client.post(
        reverse("note_add", kwargs={"kind": "reading", "slug": reading.slug}),
        {"note-body": "Kept text", "note-visibility": "course"},
    )
    assert response.status_code == 200 and "Kept text" in response.content.decode()
    assert not Note.objects.exists()


def test_only_the_author_edits_a_note(client, member):
    note = NoteFactory(author=member, visibility="public")
    url = reverse("note_edit", kwargs={"note_id": note.pk})
    client.force_login(UserFactory())
    assert (
        client.post(url, {"note-body": "defaced", "note-visibility": "public"}).status_code == 404
    )
    client.force_login(member)
    client.post(url, {"note-body": "improved", "note-visibility": "public"})
    note.refresh_from_db()
    assert note.body == "improved"


def test_signed_in_user_adds_and_edits_a_reading(client, member):
    client.force_login(member)
    response = client.post(
        reverse("reading_create"),
        {
            "title": "Toy Models of Superposition",
            "kind": "paper",
            "authors": "Nelson Elhage\nOlah, Chris\nAnthropic",
            "year": "2022",
            "tags": "superposition, toy models",
            "summary": "Small models *show* it.",
            "arxiv_id": "2209.10652",
        },
    )
    reading = Reading.objects.get()
    assert response.url == reading.get_absolute_url()
    assert [str(a.author) for a in reading.authorships.all()] == [
        "Nelson Elhage",
        "Chris Olah",
        "Anthropic",
    ]
    edit = reverse("reading_edit", kwargs={"slug": reading.slug})
    assert "Olah, Chris" in client.get(edit).content.decode()


def test_reading_form_shows_the_service_error_and_keeps_input(client, member):
    ReadingFactory(doi="10.1000/xyz")
    client.force_login(member)
    response = client.post(
        reverse("reading_create"), {"title": "Duplicate", "kind": "paper", "doi": "10.1000/XYZ"}
    )
    html = response.content.decode()
    assert "Another reading already has this DOI" in html and 'value="Duplicate"' in html


def test_anonymous_visitors_cannot_add_readings(client):
    response = client.post(reverse("reading_create"), {"title": "Spam", "kind": "paper"})
    assert response.status_code == 302 and not Reading.objects.exists()
